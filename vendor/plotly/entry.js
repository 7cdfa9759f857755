'use strict';
// The trace types Cluster Atlas draws; plotly.js's core adds `scatter`. A figure of any other
// type would be drawn as an empty scatter: the browser tests fail on that (tests/browser/
// conftest.py, `page`), so add its module here and rebuild (README.md).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattermap'),
]);

module.exports = Plotly;
