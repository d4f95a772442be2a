// Bundles the page script (page.ts) for the browser. Then open index.html: see readme.md.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const result = await build({
  entryPoints: [here('./page.ts')],
  outfile: here('./dist/page.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  platform: 'browser',
  target: 'es2022',
  alias: {
    'crisis-playbook': here('../../src/index.ts'),
    'crisis-playbook/visualize': here('../../src/visualize.ts'),
  },
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((total, output) => total + output.bytes, 0);
console.log(`built examples/inspector-browser/dist/page.js (${Math.round(bytes / 1024)} KB)`);
console.log(`open ${here('./index.html')} in a browser`);
