// Builds plotly-atlas.min.js from entry.js with plotly.js's own esbuild settings (its
// esbuild-config.js, which the npm package ships without the file it imports), minified, with
// the bundled packages' licence notices in plotly-atlas.min.js.LEGAL.txt, and our mends of
// three plotly.js bugs (mends.js).
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { version } = require('plotly.js/package.json');
const mends = require('./mends');

esbuild
    .build({
        entryPoints: ['entry.js'],
        outfile: 'plotly-atlas.min.js',
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        legalComments: 'external',
        banner: { js: `/* Cluster Atlas build of plotly.js ${version} (vendor/plotly/entry.js); MIT licence */` },
        plugins: [mends, InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'info',
    })
    .catch(() => process.exit(1));
