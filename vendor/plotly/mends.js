// Mends to plotly.js 4.1.1's source, applied while bundling (build.js): each replaces one exact
// passage and the build fails when a passage is not found once (after a plotly.js upgrade:
// check whether the bug is still there, then update or drop the mend). Each is checked in the
// browser by tests/browser/test_map_offline.py.
const fs = require('fs');

const MENDS = {
    'src/components/legend/draw.js': [
        {
            // A single click on a legend item is applied after the double-click delay (300 ms):
            // a figure that came meanwhile (a switch to the map's areas, another colouring)
            // had its trace at that index hidden instead. Apply it only to the trace clicked.
            find: `        legend._clickTimeout = setTimeout(function() {
            if(!gd._fullLayout) return;
            if(itemClick) handleItemClick(legendItem, gd, legend, itemClick, numClicks);
        }, gd._context.doubleClickDelay);`,
            replace: `        legend._clickTimeout = setTimeout(function() {
            if(!gd._fullLayout) return;
            var now = gd._fullData[trace.index];
            if(!now || now.uid !== trace.uid || now.type !== trace.type) return;
            if(itemClick) handleItemClick(legendItem, gd, legend, itemClick, numClicks);
        }, gd._context.doubleClickDelay);`,
        },
    ],
    'src/traces/scattermap/plot.js': [
        {
            // A clustered trace's three layers share one source: removing the source after the
            // first layer threw ("Source ... cannot be removed while layer ... is using it") and
            // the map froze. Remove the layers, then each source once; a hidden trace has none.
            find: `proto.dispose = function dispose() {
    var map = this.subplot.map;
    var order = this.clusterEnabled ? ORDER.cluster : ORDER.nonCluster;
    for(var i = order.length - 1; i >= 0; i--) {
        var k = order[i];
        map.removeLayer(this.layerIds[k]);
        map.removeSource(this.sourceIds[k]);
    }
};`,
            replace: `proto.dispose = function dispose() {
    var map = this.subplot.map;
    if(this.isHidden) return;
    var order = this.clusterEnabled ? ORDER.cluster : ORDER.nonCluster;
    var sources = {};
    for(var i = order.length - 1; i >= 0; i--) {
        var k = order[i];
        map.removeLayer(this.layerIds[k]);
        sources[this.sourceIds[k]] = true;
    }
    for(var id in sources) map.removeSource(id);
};`,
        },
        {
            // A trace created hidden (legendonly, or without points) has no layer options, and
            // adding its layers threw ("reading 'type' of undefined"). Add nothing: update()
            // adds the layers, clustered or not, when the trace is shown.
            find: `    var optsAll = convert(subplot.gd, calcTrace);
    var below = scatterMap.below = subplot.belowLookup['trace-' + trace.uid];
    var i, k, opts;
`,
            replace: `    var optsAll = convert(subplot.gd, calcTrace);
    var below = scatterMap.below = subplot.belowLookup['trace-' + trace.uid];
    var i, k, opts;

    if(isHidden) {
        calcTrace[0].trace._glTrace = scatterMap;
        return scatterMap;
    }
`,
        },
    ],
    'src/plots/map/map.js': [
        {
            // A new map drew its traces and layout layers only after its first frame ('load'),
            // so their sources started loading one software-WebGL frame late. Add them once
            // the style is in ('style.load'): sources and layers can be added from then on.
            find: `    promises.push(
        new Promise(function (resolve) {
            map.once('load', resolve);
        })
    );`,
            replace: `    promises.push(
        new Promise(function (resolve) {
            if (map.isStyleLoaded()) resolve();
            else map.once('style.load', resolve);
        })
    );`,
        },
    ],
};

function occurrences(text, passage) {
    return text.split(passage).length - 1;
}

module.exports = {
    name: 'atlas-mends',
    setup(build) {
        const files = Object.keys(MENDS).map((file) => file.replace(/[.]/g, '[.]'));
        build.onLoad({ filter: new RegExp(`plotly[.]js/(${files.join('|')})$`) }, (args) => {
            const file = Object.keys(MENDS).find((name) => args.path.endsWith(name));
            let text = fs.readFileSync(args.path, 'utf8');
            for (const { find, replace } of MENDS[file]) {
                const count = occurrences(text, find);
                if (count !== 1) throw new Error(`${file}: passage to mend found ${count} times`);
                text = text.replace(find, () => replace);
            }
            return { contents: text, loader: 'js' };
        });
    },
};
