// Runs the real grid tools on a proxy file. grid-proxy-info and voms-proxy-info only READ
// (they print tampered proxies happily); openssl verify and grid-proxy-init -verify VERIFY.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface ToolRun {
  readonly ok: boolean;
  readonly out: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): ToolRun {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', input, timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `openssl verify -allow_proxy_certs -CApath D -untrusted FILE FILE` (leaf = first certificate). */
export function opensslVerify(trustDir: string, file: string, env: NodeJS.ProcessEnv, extra: string[] = []): ToolRun {
  const r = run('openssl', ['verify', '-allow_proxy_certs', ...extra, '-CApath', trustDir, '-untrusted', file, file], env);
  return { ok: r.ok && /: OK\s*$/.test(r.out.trim() + '\n'), out: r.out };
}

/** `grid-proxy-init -verify -cert P -key P`: Globus verifies the whole chain of P (signing policy included). */
export function gridProxyInitVerify(file: string, env: NodeJS.ProcessEnv, scratch: string): ToolRun {
  const r = run('grid-proxy-init', ['-verify', '-cert', file, '-key', file, '-out', scratch, '-hours', '1', '-q'], env);
  rmSync(scratch, { force: true });
  return { ok: r.ok && /Proxy Verify OK/.test(r.out), out: r.out };
}

/** Parses `key : value` lines (first occurrence of each key, plus every `attribute`). */
export function parseInfo(text: string): Record<string, string> & { attributes?: string } {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^([A-Za-z ]+?)\s*:\s(.*)$/);
    if (!m) continue;
    const key = m[1].trim();
    if (key === 'attribute') out.attributes = out.attributes ? `${out.attributes}\n${m[2]}` : m[2];
    else if (!(key in out)) out[key] = m[2];
  }
  return out;
}

/** Splits voms-proxy-info output into the proxy block and the VO blocks. */
export function vomsProxyInfo(file: string, env: NodeJS.ProcessEnv): { ok: boolean; proxy: Record<string, string>; vo: Record<string, string>[]; out: string } {
  const r = run('voms-proxy-info', ['--all', '--file', file], env);
  const [head, ...vos] = r.out.split(/^=== VO .* extension information ===$/m);
  return { ok: r.ok, proxy: parseInfo(head), vo: vos.map(parseInfo), out: r.out };
}

export function gridProxyInfo(file: string, env: NodeJS.ProcessEnv): { ok: boolean; info: Record<string, string>; out: string } {
  const r = run('grid-proxy-info', ['-all', '-file', file], env);
  return { ok: r.ok, info: parseInfo(r.out), out: r.out };
}

/** `H:MM:SS` → seconds. */
export function hmsSeconds(t: string): number {
  const [h, m, s] = t.trim().split(':').map(Number);
  return h * 3600 + m * 60 + s;
}
