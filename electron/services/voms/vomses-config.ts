import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { parseLsc } from './ac-verify';
import type { VomsServerAddress } from './voms-client';

/**
 * Where voms-proxy-init finds a VO's server: vomses lines `"<alias>" "<host>" "<port>" "<dn>" "<vo>"`
 * in $VOMS_USERCONF, ~/.glite/vomses (file or folder) and /etc/vomses; the server's CA DN from
 * `<vomsdir>/<vo>/<host>.lsc` ($X509_VOMS_DIR, ~/.glite/vomsdir, /etc/grid-security/vomsdir).
 */
export function parseVomsesLine(line: string): { alias: string; host: string; port: number; dn: string; vo: string } | undefined {
  const parts = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  if (parts.length < 5 || !/^\d+$/.test(parts[2])) return undefined;
  return { alias: parts[0], host: parts[1], port: Number(parts[2]), dn: parts[3], vo: parts[4] };
}

async function readVomsesAt(p: string): Promise<string[]> {
  const st = await fsp.stat(p).catch(() => null);
  if (!st) return [];
  if (st.isFile()) return (await fsp.readFile(p, 'utf8')).split(/\r?\n/);
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  for (const name of (await fsp.readdir(p)).sort()) out.push(...(await readVomsesAt(path.join(p, name))));
  return out;
}

export async function findVomsServer(vo: string, env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? os.homedir()): Promise<VomsServerAddress & { vomsesFile: string; lscFile?: string }> {
  const places = [env.VOMS_USERCONF, path.join(home, '.glite', 'vomses'), '/etc/vomses'].filter((p): p is string => !!p);
  for (const place of places) {
    for (const line of await readVomsesAt(place)) {
      const e = parseVomsesLine(line);
      if (!e || (e.alias !== vo && e.vo !== vo)) continue;
      for (const dir of [env.X509_VOMS_DIR, path.join(home, '.glite', 'vomsdir'), '/etc/grid-security/vomsdir'].filter((p): p is string => !!p)) {
        const lscFile = path.join(dir, e.vo, `${e.host}.lsc`);
        const text = await fsp.readFile(lscFile, 'utf8').catch(() => undefined);
        const chain = text ? parseLsc(text)[0] : undefined;
        if (chain) return { host: e.host, port: e.port, dn: e.dn, caDn: chain[1], vomsesFile: place, lscFile };
      }
      return { host: e.host, port: e.port, dn: e.dn, vomsesFile: place };
    }
  }
  throw new OnboardError('VOMS_NO_SERVER', { vo });
}
