#!/usr/bin/env node
// osg-onboard CLI launcher: runs the bundled CLI (out/cli, made by `npm run build`) for a lean
// start-up; falls back to the TypeScript sources through tsx in a fresh checkout.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'out', 'cli');
const argv = process.argv.slice(2);
// Getters: a command that never prints or reads (proxy init -q) never creates the stream objects.
const io = {
  get stdin() { return process.stdin; },
  get stdout() { return process.stdout; },
  get stderr() { return process.stderr; },
  env: process.env,
};

async function run() {
  const bundled = process.env.OSG_ONBOARD_FROM_SOURCE !== '1' && existsSync(path.join(outDir, 'index.mjs'));
  const lean = path.join(outDir, 'proxy-entry.cjs');
  if (bundled && (argv[0] === 'proxy' || argv[0] === 'pusp') && existsSync(lean)) {
    // The proxy commands' own one-file bundle: no other command's code, read synchronously.
    const code = await createRequire(import.meta.url)(lean).main(argv, io);
    if (code !== undefined) return code;
  }
  let mod;
  if (bundled) {
    mod = await import(pathToFileURL(path.join(outDir, 'index.mjs')).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(pathToFileURL(path.join(root, 'electron', 'cli', 'index.ts')).href);
  }
  return mod.main(argv, io);
}

process.exitCode = await run();
