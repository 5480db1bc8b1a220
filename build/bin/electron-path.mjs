// Finds Electron's binary WITHOUT require('electron'): since Electron 45 that require tries to
// download the binary on the spot (from GitHub), which hangs or fails on offline machines.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The binary's path, or null with the reason. */
export function findElectronBinary() {
  const require = createRequire(import.meta.url);
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron npm package is not installed (run npm ci)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  const candidate = path.join(dist, rel || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
  if (existsSync(candidate)) return { path: candidate, reason: null };
  return {
    path: null,
    reason: "Electron's binary is not installed on this machine (its installer downloads it from GitHub)",
  };
}
