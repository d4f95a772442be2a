// Bundles the page script (page.ts) for the browser. Then open index.html: see readme.md.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles page.ts into `outfile` (dist/page.js next to index.html unless told); returns its size in bytes. */
export async function bundlePage(outfile = here('./dist/page.js')): Promise<number> {
  const result = await build({
    entryPoints: [here('./page.ts')],
    outfile,
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
  return Object.values(result.metafile.outputs).reduce((total, output) => total + output.bytes, 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await bundlePage();
  console.log(`built examples/inspector-browser/dist/page.js (${Math.round(bytes / 1024)} KB)`);
  console.log(`open ${here('./index.html')} in a browser`);
}
