// Audit log: one JSON line per issued proxy (time, client, robot id, cn-label, serial, not-after)
// and per refusal (reason, status). Appended to a 0600 file, rotated by size to
// `<file>.1 … <file>.<keep>`. The record types have no field that could hold key material.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensureDir } from '../services/fs/atomic';

export interface IssuedRecord {
  readonly event: 'issued';
  readonly client: string;
  readonly robotId: string;
  readonly cnLabel: string;
  readonly serial: string;
  readonly notAfter: string;
  readonly keyType: 'rsa' | 'ec';
  /** True when a cached proxy was handed out again (proxy-renewal=true). */
  readonly cached: boolean;
  readonly voms?: readonly string[];
}

export interface RefusedRecord {
  readonly event: 'refused';
  readonly client: string;
  readonly status: number;
  readonly reason: string;
  readonly robotId?: string;
  readonly cnLabel?: string;
  readonly path?: string;
  /** Refusals of this client not written one by one since its last line (flood guard). */
  readonly suppressed?: number;
}

export type AuditRecord = IssuedRecord | RefusedRecord;

export interface AuditLog {
  write(record: AuditRecord): Promise<void>;
  close(): Promise<void>;
}

export async function openAuditLog(opts: { file: string; maxBytes: number; keep: number; now?: () => Date }): Promise<AuditLog> {
  await ensureDir(path.dirname(opts.file), 0o700);
  const now = opts.now ?? (() => new Date());
  let fh = await fsp.open(opts.file, 'a', 0o600);
  await fh.chmod(0o600);
  let size = (await fh.stat()).size;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const rotate = async () => {
    await fh.sync();
    await fh.close();
    for (let i = opts.keep - 1; i >= 1; i--) {
      await fsp.rename(`${opts.file}.${i}`, `${opts.file}.${i + 1}`).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    await fsp.rename(opts.file, `${opts.file}.1`);
    fh = await fsp.open(opts.file, 'a', 0o600);
    await fh.chmod(0o600);
    size = 0;
  };

  const append = async (bytes: Buffer) => {
    if (size > 0 && size + bytes.length > opts.maxBytes) await rotate();
    await fh.write(bytes);
    size += bytes.length;
  };

  // Group commit: while one write is on the disk thread, the lines that arrive wait in `pending`
  // and go out together in the next write, so a burst of requests costs a few writes, not one
  // round trip each queued behind the others. Each caller still resolves only once its own line
  // is written (the answer is sent after its audit record, as before).
  let pending: { line: string; done: { resolve: () => void; reject: (e: unknown) => void } }[] = [];
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      // Lines of one batch stay in one file: a batch larger than the rotation size is split.
      let i = 0;
      while (i < batch.length) {
        let j = i;
        let bytes = 0;
        while (j < batch.length && (j === i || bytes + Buffer.byteLength(batch[j].line) <= opts.maxBytes)) bytes += Buffer.byteLength(batch[j++].line);
        const part = batch.slice(i, j);
        try {
          await append(Buffer.from(part.map((b) => b.line).join(''), 'utf8'));
          for (const b of part) b.done.resolve();
        } catch (e) {
          for (const b of part) b.done.reject(e);
        }
        i = j;
      }
    }
  };

  return {
    write(record) {
      if (closed) return Promise.reject(new Error('the audit log is closed'));
      const line = JSON.stringify({ time: now().toISOString(), ...record }) + '\n';
      return new Promise<void>((resolve, reject) => {
        const idle = pending.length === 0;
        pending.push({ line, done: { resolve, reject } });
        if (idle) chain = chain.then(flush).catch(() => {});
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await chain;
      await fh.sync().catch(() => {});
      await fh.close();
    },
  };
}
