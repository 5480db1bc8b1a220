#!/usr/bin/env node
// `npm start`: the desktop app. Where Electron's binary is missing (it is downloaded from
// GitHub at install time, which some machines cannot reach) it says so in one line and starts
// browser mode instead. `npm run web` (--web) always starts browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { findElectronBinary } from './electron-path.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const web = process.argv.includes('--web');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds out/ when it is missing or older than the sources. */
function ensureBuilt() {
  const marker = path.join(root, 'out', 'bridge', 'index.mjs');
  const sources = Math.max(...['electron', 'renderer', 'shared'].map((d) => newestMtime(path.join(root, d))));
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  console.log('Building the app (first start or sources changed)…');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}


ensureBuilt();
// `npm run web -- --replay BUNDLE [--data DIR]`: help-desk replay of a user's support bundle
// (a fresh sandbox data folder, then browser mode on it): `osg-onboard support replay` does it.
const replay = process.argv.indexOf('--replay');
const found = web || replay >= 0 ? null : findElectronBinary();
const electron = found?.path ?? null;
if (found && !electron) console.log(`${found.reason}; starting browser mode instead.`);
const child = replay >= 0
  ? spawn(process.execPath, [path.join(root, 'build', 'bin', 'osg-onboard.mjs'), 'support', 'replay', ...process.argv.slice(replay + 1)], { stdio: 'inherit', env: process.env })
  : electron
  ? spawn(electron, [root], { stdio: 'inherit', env: process.env })
  : spawn(process.execPath, [path.join(root, 'out', 'bridge', 'index.mjs')], { stdio: 'inherit', env: process.env });
const forward = (sig) => () => child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 0));
