// `osg-onboard upload`: the credential into ~/.globus on a submit host over SSH/SFTP (or the
// sandbox submit host). Secrets come only from --pwstdin (one per line: the .p12 password with
// --p12, then the SSH password or key passphrase, then any one-time codes) or a prompt.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { buildGlobusFiles, GLOBUS_FILE_MODES, GLOBUS_FILE_ORDER, MAX_CREDENTIAL_FILE_BYTES, type GlobusFileName } from '../../services/credential';
import {
  createTransferService,
  keyTypeLabel,
  knownHostsName,
  parsePrivateKey,
  type ConfirmHostKey,
  type KnownHostsConfig,
  type PromptKeyboard,
  type RemoteFileSpec,
  type SshAuth,
  type UploadProgress,
  type UploadResult,
} from '../../services/transfer';
import { printJson, readFirstLine, readPassword, reportError, type CliIo } from '../io';

export const UPLOAD_USAGE =
  'osg-onboard upload (--host H [--port P] --user U | --sandbox) [--identity KEY | --agent | --keyboard-interactive] ' +
  '[--p12 FILE | --cert FILE --key FILE [--p12-file FILE]] [--accept-host-key SHA256:…] [--pwstdin] [--json]';

function dataDir(env: NodeJS.ProcessEnv): string {
  if (env.OSG_ONBOARD_DATA) return path.resolve(env.OSG_ONBOARD_DATA);
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'osg-onboard');
}

async function readInput(file: string): Promise<Buffer> {
  try {
    const st = await fsp.stat(file);
    if (st.size > MAX_CREDENTIAL_FILE_BYTES) throw new OnboardError('INVALID_INPUT', { field: file, detail: 'too large for a credential file' });
    return await fsp.readFile(file);
  } catch (e) {
    if (isOnboardError(e)) throw e;
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
  }
}

/** A visible answer (one-time code, host-key “yes”): stdin line, or the terminal. */
async function readVisible(io: CliIo, prompt: string, fromStdin: boolean): Promise<string> {
  if (fromStdin || !io.stdin.isTTY) {
    if (!fromStdin) throw new OnboardError('INVALID_INPUT', { field: 'answer', detail: 'no terminal to ask on; use --pwstdin' });
    return readFirstLine(io.stdin);
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
  }
}

async function filesToUpload(io: CliIo, v: Record<string, string | boolean | undefined>, fromStdin: boolean): Promise<RemoteFileSpec[]> {
  const mode = (n: GlobusFileName) => GLOBUS_FILE_MODES[n];
  if (typeof v.p12 === 'string') {
    if (v.cert || v.key) throw new OnboardError('USAGE', { detail: '--p12 makes all three files; give --cert/--key with --p12-file instead', usage: UPLOAD_USAGE });
    const p12 = await readInput(v.p12);
    const password = await readPassword(io, `Password for ${path.basename(v.p12)}: `, fromStdin);
    const built = await buildGlobusFiles({ p12, password, what: v.p12 });
    for (const w of built.warnings) io.stderr.write(`note: ${w}\n`);
    return GLOBUS_FILE_ORDER.map((name) => ({ name, data: built.files[name], mode: mode(name) }));
  }
  const given: Partial<Record<GlobusFileName, string>> = {};
  if (typeof v.cert === 'string') given['usercert.pem'] = v.cert;
  if (typeof v.key === 'string') given['userkey.pem'] = v.key;
  if (typeof v['p12-file'] === 'string') given['usercred.p12'] = v['p12-file'];
  if (Object.keys(given).length === 0) {
    // Nothing named: what is in the local ~/.globus.
    const home = path.join(io.env.HOME || os.homedir(), '.globus');
    for (const name of GLOBUS_FILE_ORDER) {
      const p = path.join(home, name);
      if (await fsp.stat(p).then((s) => s.isFile(), () => false)) given[name] = p;
    }
    if (Object.keys(given).length === 0) throw new OnboardError('TRANSFER_NOTHING_TO_UPLOAD', { detail: `no --p12/--cert/--key given and nothing in ${home}` });
  }
  const out: RemoteFileSpec[] = [];
  for (const name of GLOBUS_FILE_ORDER) {
    const file = given[name];
    if (file) out.push({ name, data: await readInput(file), mode: mode(name) });
  }
  return out;
}

function printResult(io: CliIo, r: UploadResult): void {
  const w = io.stdout;
  w.write(`Uploaded to ${r.username}@${r.host}${r.port === 22 ? '' : `:${r.port}`}:${r.directory} (${r.hostKey.trust === 'accepted' ? 'host key accepted now' : 'known host'}: ${keyTypeLabel(r.hostKey.keyType)} ${r.hostKey.fingerprint})\n`);
  for (const f of r.files) {
    const what = f.status === 'installed' ? 'installed' : f.status === 'resumed' ? 'installed (sent before the connection dropped)' : 'already there, unchanged';
    w.write(`  ${f.name.padEnd(14)} ${what}${f.backupPath ? `; previous file kept as ${path.posix.basename(f.backupPath)}` : ''}\n`);
  }
  w.write(`\n${r.directory}:\n`);
  for (const e of r.listing) w.write(`  ${e.modeText} ${String(e.size).padStart(8)}  ${e.name}\n`);
  if (r.certificate) w.write(`\nCertificate: ${r.certificate.subject}, valid until ${r.certificate.notAfter}\n`);
  if (r.openssl.available) w.write(`\n$ ${r.openssl.command}\n${r.openssl.output}\n`);
  else w.write(`\n(openssl check not run on the host: ${r.openssl.reason})\n`);
}

export async function upload(io: CliIo): Promise<number> {
  const { values: v } = parseArgs({
    args: [...io.argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      sandbox: { type: 'boolean' },
      identity: { type: 'string' },
      agent: { type: 'boolean' },
      'keyboard-interactive': { type: 'boolean' },
      p12: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'p12-file': { type: 'string' },
      'accept-host-key': { type: 'string' },
      pwstdin: { type: 'boolean' },
      json: { type: 'boolean' },
      data: { type: 'string' },
    },
    allowPositionals: false,
  });
  const json = v.json ?? false;
  const fromStdin = v.pwstdin ?? false;
  let sandboxHost: { close(): Promise<void> } | undefined;
  try {
    if (v.sandbox && (v.host || v.user)) throw new OnboardError('USAGE', { detail: '--sandbox picks the host and user itself', usage: UPLOAD_USAGE });
    if (!v.sandbox && (!v.host || !v.user)) throw new OnboardError('USAGE', { detail: '--host and --user are needed (or --sandbox)', usage: UPLOAD_USAGE });
    if ([v.identity, v.agent, v['keyboard-interactive']].filter(Boolean).length > 1) {
      throw new OnboardError('USAGE', { detail: 'choose one of --identity, --agent, --keyboard-interactive', usage: UPLOAD_USAGE });
    }
    const port = v.port === undefined ? 22 : Number(v.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OnboardError('INVALID_INPUT', { field: 'port', detail: 'a number from 1 to 65535' });
    const data = v.data ? path.resolve(v.data) : dataDir(io.env);

    const files = await filesToUpload(io, v, fromStdin);
    const service = createTransferService({ dataDir: data, homeDir: io.env.HOME || os.homedir(), env: io.env });

    let target = { host: v.host ?? '', port, username: v.user ?? '' };
    let knownHosts: KnownHostsConfig | undefined;
    let auth: SshAuth;
    if (v.sandbox) {
      // The embedded sandbox host: its key is ours, so it is trusted through its own file.
      const { startSandboxSubmitHost, sandboxSubmitHostDir } = await import('../../sandbox/submit-host');
      const dir = sandboxSubmitHostDir(data);
      const h = await startSandboxSubmitHost({ dir });
      sandboxHost = h;
      const kh = path.join(dir, 'client_known_hosts');
      await fsp.writeFile(kh, h.knownHostsLine + '\n', { mode: 0o600 });
      knownHosts = { userFiles: [], appFile: kh };
      target = { host: h.host, port: h.port, username: h.username };
      auth = { method: 'password', password: h.password };
      if (!json) io.stderr.write(`Sandbox submit host on 127.0.0.1:${h.port}, home folder ${h.homeDir}\n`);
    } else if (v.identity) {
      const privateKey = await readInput(v.identity);
      auth = { method: 'key', privateKey, keyFile: v.identity };
      try {
        parsePrivateKey(privateKey, undefined, v.identity);
      } catch (e) {
        if (!(isOnboardError(e) && e.code === 'TRANSFER_KEY_PASSPHRASE_NEEDED')) throw e;
        auth = { ...auth, passphrase: await readPassword(io, `Passphrase for ${v.identity}: `, fromStdin) };
      }
    } else if (v.agent) {
      auth = { method: 'agent' };
    } else if (v['keyboard-interactive']) {
      auth = { method: 'keyboard-interactive' };
    } else {
      auth = { method: 'password', password: await readPassword(io, `${target.username}@${target.host}'s password: `, fromStdin) };
    }

    const accept = v['accept-host-key'];
    let confirmHostKey: ConfirmHostKey | undefined;
    if (accept) {
      if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(accept)) throw new OnboardError('INVALID_INPUT', { field: 'accept-host-key', detail: 'a fingerprint such as SHA256:… (43 characters after the colon)' });
      confirmHostKey = async (q) => {
        if (q.fingerprint !== accept && !json) io.stderr.write(`The host key of ${q.host} is ${q.fingerprint}, not the ${accept} you gave.\n`);
        return q.fingerprint === accept;
      };
    } else if (io.stdin.isTTY && !fromStdin) {
      confirmHostKey = async (q) => {
        io.stderr.write(`The authenticity of host '${knownHostsName(q.host, q.port)}' can't be established.\n${keyTypeLabel(q.keyType)} key fingerprint is ${q.fingerprint}.\n`);
        if (q.otherKnownTypes.length) io.stderr.write(`This host is known by other key types: ${q.otherKnownTypes.map(keyTypeLabel).join(', ')}.\n`);
        const a = await readVisible(io, 'Are you sure you want to continue connecting (yes/no)? ', false);
        return a.trim().toLowerCase() === 'yes';
      };
    }
    const promptKeyboard: PromptKeyboard = async (req) => {
      if (req.instructions && !json) io.stderr.write(req.instructions + '\n');
      const answers: string[] = [];
      for (const p of req.prompts) answers.push(p.echo ? await readVisible(io, p.prompt, fromStdin) : await readPassword(io, p.prompt, fromStdin));
      return answers;
    };

    let last = '';
    const onProgress = (p: UploadProgress) => {
      if (json || !p.file) return;
      const line =
        p.note === 'resumed' ? `${p.file}: sent earlier and checked` :
        p.note === 'unchanged' ? `${p.file}: already on the host` :
        p.phase === 'sending' && p.bytesDone === p.bytesTotal ? `${p.file}: sent ${p.bytesTotal} bytes` :
        p.phase === 'checking' && p.bytesDone === 0 ? `${p.file}: checking SHA-256` : '';
      if (line && line !== last) io.stderr.write(line + '\n');
      last = line || last;
    };

    const result = await service.upload({ target, auth, files, confirmHostKey, promptKeyboard, onProgress, ...(knownHosts ? { knownHosts } : {}) });
    if (json) printJson(io, result);
    else printResult(io, result);
    return 0;
  } catch (e) {
    if (!json && isOnboardError(e) && e.code === 'TRANSFER_HOST_KEY_CHANGED' && e.details?.warning) io.stderr.write(String(e.details.warning) + '\n');
    return reportError(io, e, json);
  } finally {
    await sandboxHost?.close();
  }
}
