// Bundles the CLI (and the bridge used by `npm run web`) into out/ with esbuild: one small entry
// plus lazily loaded chunks, so a command loads only what it needs; and the proxy commands once
// more as a single file (out/cli/proxy-entry.cjs), which the launcher runs for `proxy …`/`pusp …`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// `--out-root DIR` writes DIR/out/… instead of the checkout's out/ (tests bundle into a temp folder).
const at = process.argv.indexOf('--out-root');
const outRoot = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : root;
// Native addons stay outside the bundle and load from node_modules.
const external = ['keytar', 'ssh2', 'cpu-features', 'pkcs11js', 'graphene-pk11', 'electron'];
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
};

for (const [name, entry] of [
  ['cli', 'electron/cli/index.ts'],
  ['bridge', 'electron/bridge/serve.ts'],
]) {
  const outdir = path.join(outRoot, 'out', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { index: path.join(root, entry) },
    outdir,
    splitting: true,
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

// One CommonJS file, no chunks: the launcher require()s it, a synchronous read with no trip through
// the ESM loader's thread-pool reads and no ESM facades of node:fs/node:crypto, before `proxy init`
// starts its key. Its dynamic imports are inlined (evaluated only when reached); keytar stays external.
const lean = path.join(outRoot, 'out', 'cli', 'proxy-entry.cjs');
await build({ ...common, format: 'cjs', outExtension: undefined, entryPoints: [path.join(root, 'electron/cli/proxy-entry.ts')], outfile: lean, splitting: false });
console.log('bundled out/cli (and out/cli/proxy-entry.cjs) and out/bridge');
