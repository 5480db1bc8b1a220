import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandboxCa, type SandboxCa } from '../../../electron/sandbox/ca';
import { enroll, pollUntilIssued, spkiFingerprint } from '../../../electron/services/issuer';
import { parseCsr } from '../../../electron/services/issuer/csr-info';
import { OnboardError } from '../../../shared/errors';
import { cli, exited, opensslCsr, spawnSandbox } from './helpers';
import type { ChildProcess } from 'node:child_process';

let dir: string;
const open: SandboxCa[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-sandbox-restart-'));
});
afterAll(async () => {
  for (const ca of open) await ca.close();
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await exited(c);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

async function start(sub: string, autoApprove = false): Promise<SandboxCa> {
  const ca = await startSandboxCa({ dir: path.join(dir, sub), retryAfterSeconds: 1, autoApprove });
  open.push(ca);
  return ca;
}

describe('the sandbox CA keeps its requests', () => {
  it('across its own restart: same folder, same CA, same port, same request — approved after the restart', async () => {
    const a = await start('inproc');
    const csr = await opensslCsr(dir, 'restart', { subject: '/CN=Restart Person', email: 'restart@example.org' });
    const auth = { basic: { password: a.enrolmentCode } };
    const pending = await enroll({ url: a.estUrl, ca: [a.caCertPem] }, csr.csrDer, auth);
    expect(pending.status).toBe('pending');
    await a.close();

    const b = await start('inproc');
    expect(b.caFingerprint).toBe(a.caFingerprint);
    expect(b.estUrl).toBe(a.estUrl);
    expect(b.enrolmentCode).toBe(a.enrolmentCode);
    expect((await b.list()).map((r) => [r.id, r.status])).toEqual([[pending.requestId, 'pending']]);
    await expect(startSandboxCa({ dir: path.join(dir, 'inproc') })).rejects.toMatchObject({ code: 'SANDBOX_CA_RUNNING' });
    await b.approve(pending.requestId!);
    const issued = await enroll({ url: b.estUrl, ca: [b.caCertPem] }, csr.csrDer, auth);
    expect(issued.status).toBe('issued');
    if (issued.status !== 'issued') return;
    expect(issued.requestId).toBe(pending.requestId);
    expect(issued.certificate.keyFingerprint).toBe(parseCsr(csr.csrDer).keyFingerprint);
    expect(issued.certificate.issuer).toBe(b.caSubject);

    // A client polling while the CA is down rides it out (unreachableRetries) and gets its certificate.
    await b.close();
    const later = await opensslCsr(dir, 'later', { subject: '/CN=Patient Person' });
    let sawDown!: () => void;
    const down = new Promise<void>((resolve) => (sawDown = resolve));
    const texts: string[] = [];
    const polled = pollUntilIssued({ url: b.estUrl, ca: [b.caCertPem] }, later.csrDer, auth, {
      unreachableRetries: 6,
      minDelaySeconds: 0.2,
      onProgress: (_f, t) => {
        texts.push(t);
        if (t.includes('cannot be reached')) sawDown();
      },
    });
    await down;
    const c = await start('inproc', true);
    expect(c.estUrl).toBe(b.estUrl);
    const got = await polled;
    expect(got.certificate.subject).toMatch(/CN=Patient Person S\d{6}$/);
    expect(texts[0]).toBe('The CA cannot be reached; trying again (1/6)…');
  });

  it('across kill -9 of a CA child process (node --import tsx): same request approved from the CLI after the restart', async () => {
    const caDir = path.join(dir, 'child');
    const first = await spawnSandbox(caDir);
    children.push(first.child);
    const caPem = readFileSync(path.join(caDir, 'ca-cert.pem'), 'utf8');
    const csr = await opensslCsr(dir, 'kill9', { subject: '/CN=Kill Nine', email: 'k9@example.org' });
    const auth = { basic: { password: first.info.enrolmentCode } };
    const pending = await enroll({ url: first.info.estUrl, ca: [caPem] }, csr.csrDer, auth);
    expect(pending.status).toBe('pending');

    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(existsSync(path.join(caDir, 'server.lock'))).toBe(true); // stale: its holder is dead
    // A write torn by a crash must not hide later records.
    appendFileSync(path.join(caDir, 'requests.jsonl'), '{"type":"decision","id":"');

    const second = await spawnSandbox(caDir);
    children.push(second.child);
    expect(second.info.caFingerprint).toBe(first.info.caFingerprint);
    expect(second.info.estUrl).toBe(first.info.estUrl);
    const approved = await cli(['sandbox', 'approve', pending.requestId!, '--dir', caDir]);
    expect(approved.code, approved.stderr).toBe(0);
    const issued = await pollUntilIssued({ url: second.info.estUrl, ca: [caPem] }, csr.csrDer, auth);
    expect(issued.requestId).toBe(pending.requestId);
    expect(issued.certificate.keyFingerprint).toBe(spkiFingerprint(parseCsr(csr.csrDer).spkiDer));
    const listed = await cli(['sandbox', 'requests', '--dir', caDir, '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: pending.requestId, status: 'issued', serial: issued.certificate.serial }]);

    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(second.child.exitCode).toBe(0);
    expect(existsSync(path.join(caDir, 'server.lock'))).toBe(false);
  });

  it('a second server over a running one’s folder is refused with a clear error', async () => {
    const caDir = path.join(dir, 'child');
    const holder = await spawnSandbox(caDir);
    children.push(holder.child);
    const e = await startSandboxCa({ dir: caDir }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OnboardError);
    expect((e as OnboardError).message).toBe(`Another sandbox CA (process ${holder.info.pid}) is already using ${caDir}.`);
  });
});
