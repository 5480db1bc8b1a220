#!/usr/bin/env node
// osg-onboard CLI launcher: runs the bundled CLI (out/cli, made by `npm run build`) for a lean
// start-up; falls back to the TypeScript sources through tsx in a fresh checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundled = path.join(root, 'out', 'cli', 'index.mjs');
let mod;
if (existsSync(bundled) && process.env.OSG_ONBOARD_FROM_SOURCE !== '1') {
  mod = await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(pathToFileURL(path.join(root, 'electron', 'cli', 'index.ts')).href);
}
process.exitCode = await mod.main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
