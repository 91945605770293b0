// Bundles the Electron main process (ESM) and the sandboxed preload (CommonJS, the only format a
// sandboxed preload can load) into dist/main/. Native modules stay external: they are rebuilt for
// Electron's ABI and unpacked from the asar by electron-builder (see electron-builder.yml).
import { build } from 'esbuild';

const external = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'bufferutil', 'utf-8-validate'];

await Promise.all([
  build({
    entryPoints: ['main/main.ts'],
    outfile: 'dist/main/main.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external,
    // ESM bundles have no require(); a few CommonJS dependencies still call it.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  }),
  build({
    entryPoints: ['main/preload.ts'],
    outfile: 'dist/main/preload.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
  }),
]);
console.log('Built dist/main/main.mjs and dist/main/preload.cjs');
