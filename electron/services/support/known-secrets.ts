/**
 * The secret values this computer keeps in the app's data folder (the sandbox account's
 * password, the sandbox CA's enrolment code, VOMS confirmation ids, tokens): collected only so
 * the redactor can replace every copy of them, wherever one slipped into a message or a history
 * line. They never go anywhere else.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const SECRET_NAME = /(password|passphrase|secret|token|confirmationid|enrol?lmentcode|otp)$/i;
const MAX_FILES = 200;
const MAX_READ = 1024 * 1024;
const MAX_DEPTH = 4;

/** Plain-text files whose whole content is a secret. */
const SECRET_FILES = new Set(['enrolment-code', 'enrollment-code', 'password', 'token']);

function collect(v: unknown, key: string | undefined, out: Set<string>, depth = 0): void {
  if (depth > 12) return;
  if (typeof v === 'string') {
    if (key && SECRET_NAME.test(key) && v.length >= 6) out.add(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collect(x, key, out, depth + 1);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k, out, depth + 1);
}

/** Walks `paths` (folders, bounded in depth and count, or single files) for JSON fields and files that hold secrets. */
export async function knownSecrets(dirs: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  let seen = 0;
  const readFile = async (p: string, name: string): Promise<void> => {
    const isJson = name.endsWith('.json') || name.endsWith('.jsonl');
    if (!isJson && !SECRET_FILES.has(name)) return;
    seen++;
    const st = await fsp.stat(p).catch(() => null);
    if (!st || !st.isFile() || st.size > MAX_READ) return;
    const text = await fsp.readFile(p, 'utf8').catch(() => '');
    if (!isJson) {
      if (text.trim().length >= 6) out.add(text.trim());
      return;
    }
    for (const line of name.endsWith('.jsonl') ? text.split('\n') : [text]) {
      try {
        collect(JSON.parse(line), undefined, out);
      } catch {
        // not JSON: nothing to learn
      }
    }
  };
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (seen >= MAX_FILES) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile()) await readFile(p, e.name);
    }
  };
  for (const d of dirs) {
    const st = await fsp.stat(d).catch(() => null);
    if (st?.isDirectory()) await walk(d, 0);
    else if (st?.isFile()) await readFile(d, path.basename(d));
  }
  return [...out];
}
