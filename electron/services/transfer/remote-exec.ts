/** Running one short command on the submit host (openssl check, sha256sum), bounded in output and time. */
import type { Client as SshClient } from 'ssh2';

export type RemoteRun =
  | { readonly ran: true; readonly code: number | null; readonly signal?: string; readonly stdout: string; readonly stderr: string }
  | { readonly ran: false; readonly reason: string };

const MAX_OUTPUT = 64 * 1024;

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function runRemote(client: SshClient, command: string, timeoutMs = 30_000): Promise<RemoteRun> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: RemoteRun) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ran: false, reason: `the command did not finish within ${Math.round(timeoutMs / 1000)} seconds` }), timeoutMs);
    try {
      client.exec(command, (err, stream) => {
        if (err) return finish({ ran: false, reason: 'the host does not allow running commands' });
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | undefined;
        stream.on('data', (d: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
        });
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? undefined;
        });
        stream.on('close', () => finish({ ran: true, code, signal, stdout: stdout.slice(0, MAX_OUTPUT), stderr: stderr.slice(0, MAX_OUTPUT) }));
        stream.on('error', () => finish({ ran: false, reason: 'the command channel failed' }));
      });
    } catch (e) {
      finish({ ran: false, reason: (e as Error).message });
    }
  });
}
