import { promises as fsp, constants as C } from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { derToPem } from '../../services/issuer/der';

/**
 * The sandbox CA's requests and decisions: a JSON-lines log, appended with O_APPEND + fsync, so a
 * kill -9 loses at most the line being written. Each record is written as `\n<json>\n`, so a
 * torn last line never glues itself to the next record; unreadable lines are skipped. The CLI
 * (approve/reject) and a running server append to the same file; every reader re-reads it when
 * it changed, and the first decision for a request wins.
 */

export const REQUESTS_FILE = 'requests.jsonl';

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'issued';

interface RequestRecord {
  readonly type: 'request';
  readonly id: string;
  readonly at: string;
  readonly kind: 'enroll' | 'reenroll';
  readonly keyFingerprint: string;
  /** The CSR, base64 DER. */
  readonly csr: string;
  readonly name: string;
  readonly email?: string;
  readonly subject: string;
  /** How the requester authenticated (`enrolment code`, or `certificate <subject>`). */
  readonly auth: string;
  readonly renews?: string;
}
interface DecisionRecord {
  readonly type: 'decision';
  readonly id: string;
  readonly at: string;
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly reason?: string;
}
interface IssuedRecord {
  readonly type: 'issued';
  readonly id: string;
  readonly at: string;
  /** Upper-case hex. */
  readonly serial: string;
  /** base64 DER. */
  readonly cert: string;
  readonly notAfter: string;
}
type LogRecord = RequestRecord | DecisionRecord | IssuedRecord;

export type NewRequest = Omit<RequestRecord, 'type' | 'id' | 'at'>;

/** One request as the sponsor page, the CLI and the app see it. */
export interface SandboxRequest {
  readonly id: string;
  readonly kind: 'enroll' | 'reenroll';
  readonly status: RequestStatus;
  readonly createdAt: string;
  readonly name: string;
  readonly email: string | undefined;
  readonly subject: string;
  readonly keyFingerprint: string;
  readonly auth: string;
  readonly renews: string | undefined;
  readonly csrDer: Buffer;
  readonly decidedAt: string | undefined;
  readonly decidedBy: string | undefined;
  readonly reason: string | undefined;
  readonly serial: string | undefined;
  readonly certPem: string | undefined;
  readonly notAfter: string | undefined;
}

/** Request ids people read aloud: no 0/O, 1/I/L. */
const ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function normalizeRequestId(id: string): string {
  return id.trim().toUpperCase();
}

export class RequestStore {
  readonly file: string;
  private readonly now: () => Date;
  private requests = new Map<string, SandboxRequest>();
  private seen = '';

  constructor(dir: string, now: () => Date = () => new Date()) {
    this.file = path.join(dir, REQUESTS_FILE);
    this.now = now;
  }

  /** Re-reads the log when it changed on disk (another process may have appended). */
  async refresh(): Promise<void> {
    let stamp: string;
    try {
      const st = await fsp.stat(this.file);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.requests = new Map();
        this.seen = '';
        return;
      }
      throw e;
    }
    if (stamp === this.seen) return;
    const text = await fsp.readFile(this.file, 'utf8');
    this.requests = replay(text);
    this.seen = stamp;
  }

  list(): SandboxRequest[] {
    return [...this.requests.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): SandboxRequest | undefined {
    return this.requests.get(normalizeRequestId(id));
  }

  /** The first-time enrolment for this public key (RFC 7030 polling re-sends the same CSR). */
  findEnrolmentByKey(keyFingerprint: string): SandboxRequest | undefined {
    return this.list().find((r) => r.kind === 'enroll' && r.keyFingerprint === keyFingerprint);
  }

  async add(request: NewRequest): Promise<SandboxRequest> {
    await this.refresh();
    let id: string;
    do {
      id = Array.from({ length: 6 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
    } while (this.requests.has(id));
    await this.append({ type: 'request', id, at: this.now().toISOString(), ...request });
    return this.get(id)!;
  }

  /** Records the sponsor's decision; a decided request cannot be decided again. */
  async decide(rawId: string, decision: 'approved' | 'rejected', by: string, reason?: string): Promise<SandboxRequest> {
    await this.refresh();
    const id = normalizeRequestId(rawId);
    const r = this.requests.get(id);
    if (!r) throw new OnboardError('SANDBOX_REQUEST_NOT_FOUND', { id: rawId });
    if (r.status !== 'pending') throw new OnboardError('SANDBOX_REQUEST_DECIDED', { id, status: r.status });
    const cleanReason = reason?.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 500) || undefined;
    await this.append({ type: 'decision', id, at: this.now().toISOString(), decision, by, ...(cleanReason ? { reason: cleanReason } : {}) });
    return this.get(id)!;
  }

  async recordIssued(id: string, serial: string, certDer: Buffer, notAfter: Date): Promise<SandboxRequest> {
    await this.append({ type: 'issued', id, at: this.now().toISOString(), serial, cert: certDer.toString('base64'), notAfter: notAfter.toISOString() });
    return this.get(id)!;
  }

  private async append(record: LogRecord): Promise<void> {
    const fh = await fsp.open(this.file, C.O_WRONLY | C.O_APPEND | C.O_CREAT, 0o600);
    try {
      const st = await fh.stat();
      await fh.write(`\n${JSON.stringify(record)}\n`);
      await fh.datasync();
      if (st.size === 0) {
        // A new file: make its directory entry durable too.
        const dh = await fsp.open(path.dirname(this.file), C.O_RDONLY);
        await dh.sync().catch(() => {});
        await dh.close();
      }
    } finally {
      await fh.close();
    }
    this.seen = '';
    await this.refresh();
  }
}

function replay(text: string): Map<string, SandboxRequest> {
  const map = new Map<string, SandboxRequest>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let rec: LogRecord;
    try {
      rec = JSON.parse(line) as LogRecord;
    } catch {
      continue; // a line torn by a crash
    }
    const cur = map.get(rec.id);
    if (rec.type === 'request' && !cur) {
      map.set(rec.id, {
        id: rec.id,
        kind: rec.kind,
        status: 'pending',
        createdAt: rec.at,
        name: rec.name,
        email: rec.email,
        subject: rec.subject,
        keyFingerprint: rec.keyFingerprint,
        auth: rec.auth,
        renews: rec.renews,
        csrDer: Buffer.from(rec.csr, 'base64'),
        decidedAt: undefined,
        decidedBy: undefined,
        reason: undefined,
        serial: undefined,
        certPem: undefined,
        notAfter: undefined,
      });
    } else if (rec.type === 'decision' && cur && cur.status === 'pending') {
      map.set(rec.id, { ...cur, status: rec.decision, decidedAt: rec.at, decidedBy: rec.by, reason: rec.reason });
    } else if (rec.type === 'issued' && cur && cur.status === 'approved') {
      const certPem = derToPem(Buffer.from(rec.cert, 'base64'), 'CERTIFICATE');
      map.set(rec.id, { ...cur, status: 'issued', serial: rec.serial, certPem, notAfter: rec.notAfter });
    }
  }
  return map;
}
