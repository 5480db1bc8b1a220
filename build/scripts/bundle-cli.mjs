// Bundles the CLI (and the bridge used by `npm run web`) into out/ with esbuild: one small entry
// plus lazily loaded chunks, so `osg-onboard proxy init` loads only what it needs.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Native addons stay outside the bundle and load from node_modules.
const external = ['keytar', 'ssh2', 'cpu-features', 'pkcs11js', 'graphene-pk11', 'electron'];

for (const [name, entry] of [
  ['cli', 'electron/cli/index.ts'],
  ['bridge', 'electron/bridge/serve.ts'],
]) {
  const outdir = path.join(root, 'out', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: path.join(root, entry) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}
console.log('bundled out/cli and out/bridge');
