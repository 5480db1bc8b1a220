/**
 * Turns the transfer service's progress into what the window shows: one `progress` event per
 * file (`upload:<file>`, a bar and a line) and one for the whole upload (`upload`), and keeps
 * the same state for `uploadStatus` (a reloaded window picks up where the bars were).
 */
import type { UploadFileProgressView, UploadRunningView, UploadView } from '../../../shared/contract/upload';
import { keyTypeLabel, modeText, type UploadProgress, type UploadResult } from '../transfer';

export type ProgressEmit = (task: string, fraction: number | null, label: string) => void;
type FileState = UploadFileProgressView['state'];
type Phase = UploadRunningView['phase'];

function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function fileLabel(f: UploadFileProgressView): string {
  switch (f.state) {
    case 'waiting': return `${f.name}: waiting (${bytes(f.bytesTotal)})`;
    case 'sending': return `${f.name}: sending, ${bytes(f.bytesDone)} of ${bytes(f.bytesTotal)}`;
    case 'checking': return `${f.name}: sent; checking the copy on the host (size and SHA-256)`;
    case 'checked': return `${f.name}: sent and checked`;
    case 'resumed': return `${f.name}: sent before the connection dropped; checked, not sent again`;
    case 'unchanged': return `${f.name}: already on the host, byte for byte`;
    case 'installing': return `${f.name}: putting it in place`;
    case 'installed': return `${f.name}: in place`;
  }
}

export class UploadProgressTracker {
  private readonly files = new Map<string, UploadFileProgressView>();
  phase: Phase = 'opening';

  constructor(private readonly emit: ProgressEmit, private readonly where: { host: string; port: number }) {}

  /** The files to come, each shown as waiting. */
  begin(files: readonly { name: string; size: number }[]): void {
    for (const f of files) this.set({ name: f.name, bytesDone: 0, bytesTotal: f.size, state: 'waiting' });
  }

  overall(phase: Phase, label: string, fraction: number | null = null): void {
    this.phase = phase;
    this.emit('upload', fraction, label);
  }

  snapshot(): UploadFileProgressView[] {
    return [...this.files.values()];
  }

  private set(f: UploadFileProgressView): void {
    const before = this.files.get(f.name);
    if (before && before.state === f.state && before.bytesDone === f.bytesDone) return;
    this.files.set(f.name, f);
    const fraction = f.state === 'waiting' ? 0 : f.state === 'sending' ? (f.bytesTotal ? f.bytesDone / f.bytesTotal : 1) : 1;
    this.emit(`upload:${f.name}`, Math.min(1, Math.max(0, fraction)), fileLabel(f));
  }

  /** A file that was being checked (or put in place) is done once the service moves on. */
  private settle(except?: string): void {
    for (const f of this.files.values()) {
      if (f.name === except) continue;
      if (f.state === 'checking') this.set({ ...f, bytesDone: f.bytesTotal, state: 'checked' });
      else if (f.state === 'installing') this.set({ ...f, state: 'installed' });
    }
  }

  on(p: UploadProgress): void {
    const f = p.file ? this.files.get(p.file) : undefined;
    if (p.file && !f) return;
    this.settle(p.file);
    switch (p.phase) {
      case 'connecting':
        this.overall('connecting', `Connecting to ${this.where.host} port ${this.where.port}…`);
        return;
      case 'preparing':
        this.overall('preparing', 'Logged in; preparing ~/.globus on the host…');
        return;
      case 'sending':
        this.phase = 'sending';
        this.set({ ...f!, bytesDone: p.bytesDone ?? 0, bytesTotal: p.bytesTotal ?? f!.bytesTotal, state: 'sending' });
        return;
      case 'checking':
        this.phase = 'checking';
        this.set({ ...f!, bytesDone: f!.bytesTotal, state: p.note === 'resumed' ? 'resumed' : p.note === 'unchanged' ? 'unchanged' : 'checking' });
        return;
      case 'installing':
        this.phase = 'installing';
        if (f) this.set({ ...f, state: 'installing' });
        return;
      case 'listing':
        this.overall('listing', 'Listing ~/.globus and checking the certificate with openssl on the host…');
        return;
      case 'done':
        this.overall('done', 'Upload finished', 1);
        return;
    }
  }
}

/** The service's result as the contract's public view. */
export function uploadView(
  r: UploadResult,
  extra: { uploadId: string; sandbox: boolean; accepted: boolean; p12Path: string; ownKeyPassphrase: boolean; warnings: readonly string[]; finishedAt: string },
): UploadView {
  return {
    uploadId: extra.uploadId,
    host: r.host,
    port: r.port,
    username: r.username,
    sandbox: extra.sandbox,
    hostKey: {
      keyType: r.hostKey.keyType,
      keyTypeLabel: keyTypeLabel(r.hostKey.keyType),
      fingerprint: r.hostKey.fingerprint,
      // The key was confirmed in the window before the connection that did the upload.
      trust: extra.accepted ? 'accepted' : r.hostKey.trust,
    },
    directory: r.directory,
    directoryMode: r.directoryMode,
    directoryModeText: modeText(0o040000 | r.directoryMode),
    files: r.files.map((f) => ({
      name: f.name,
      path: f.path,
      mode: f.mode,
      modeText: modeText(0o100000 | f.mode),
      size: f.size,
      sha256: f.sha256,
      status: f.status,
      backupPath: f.backupPath,
    })),
    listing: r.listing.map((e) => ({ name: e.name, mode: e.mode, modeText: e.modeText, size: e.size, isDirectory: e.isDirectory, mtime: e.mtime })),
    certificate: r.certificate,
    openssl: { ...r.openssl },
    p12Path: extra.p12Path,
    keyPassphrase: extra.ownKeyPassphrase ? 'own' : 'p12-password',
    warnings: extra.warnings,
    finishedAt: extra.finishedAt,
  };
}
