// SFTP upload throughput of a 64 MiB file: ours (ssh2, the Upload step's path: temp name,
// SHA-256 check, rename) vs OpenSSH's scp (SFTP protocol since 9.0) to the same real sshd.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BenchResult, BenchSuite } from './harness';
import { startSshd, sshdUnavailable } from '../helpers/sshd';
import { uploadToSubmitHost } from '../../electron/services/transfer';

const SIZE = 64 * 1024 * 1024;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export const suite: BenchSuite = {
  name: 'Upload (SFTP) — 64 MiB to a real OpenSSH sshd on loopback, key auth',
  async run(): Promise<BenchResult[]> {
    const why = sshdUnavailable();
    if (why) throw new Error(why);
    const sshd = await startSshd();
    const work = mkdtempSync(path.join(os.tmpdir(), 'osg-bench-sftp-'));
    try {
      const data = randomBytes(SIZE);
      const file = path.join(work, 'payload.bin');
      writeFileSync(file, data);
      const knownHosts = path.join(work, 'known_hosts');
      writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKeys.ed25519.pub}\n`);
      const privateKey = (await import('node:fs')).readFileSync(sshd.clientKey.path);
      const ours: number[] = [];
      const scp: number[] = [];
      // Interleaved, so both see the same machine load.
      for (let i = 0; i < RUNS + 1; i++) {
        sshd.asUser(`rm -rf '${sshd.home}/.globus' '${sshd.home}/payload.bin'`);
        let t0 = process.hrtime.bigint();
        await uploadToSubmitHost({
          target: { host: sshd.host, port: sshd.port, username: sshd.user },
          auth: { method: 'key', privateKey },
          knownHosts: { userFiles: [], appFile: knownHosts },
          files: [{ name: 'usercred.p12', data, mode: 0o400 }],
        });
        const oursMs = Number(process.hrtime.bigint() - t0) / 1e6;
        t0 = process.hrtime.bigint();
        const r = spawnSync('scp', ['-q', '-i', sshd.clientKey.path, '-P', String(sshd.port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes',
          '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', file, `${sshd.user}@127.0.0.1:payload.bin`], { encoding: 'utf8' });
        const scpMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0) throw new Error(`scp failed: ${r.stderr}`);
        if (i > 0) {
          ours.push(oursMs);
          scp.push(scpMs);
        }
      }
      const mib = SIZE / 1024 / 1024;
      return [
        {
          name: 'upload throughput',
          ours: mib / (median(ours) / 1000),
          anchor: mib / (median(scp) / 1000),
          unit: 'MiB/s',
          anchorLabel: 'OpenSSH scp',
          better: 'higher',
          goal: 0.7,
          note: `medians of ${RUNS}; ours includes the SHA-256 check of the uploaded copy and the rename`,
        },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
      await sshd.stop();
    }
  },
};
