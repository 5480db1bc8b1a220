// `osg-onboard key new | csr | p12 export | p12 import | globus install` over the credential
// services. Passwords come only from --pwstdin (one per line, in the order the usage lists) or
// a prompt; never from arguments.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DnSyntaxError, parseDn } from '../../../shared/dn';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import {
  CredentialStore,
  buildCsr,
  certificateInfo,
  checkPassphrase,
  encodeName,
  encryptPrivateKey,
  generateRsaKey,
  installGlobus,
  publicKeyFingerprint,
  readCertificate,
  readCertificates,
  readPkcs12,
  readPrivateKeyPem,
  writePkcs12,
  MAX_CREDENTIAL_FILE_BYTES,
} from '../../services/credential';
import { writeFileAtomic } from '../../services/fs/atomic';
import { printJson, readFirstLine, readPassword, type CliIo } from '../io';

function dataDir(env: NodeJS.ProcessEnv): string {
  if (env.OSG_ONBOARD_DATA) return path.resolve(env.OSG_ONBOARD_DATA);
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'osg-onboard');
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    const st = await fsp.stat(file);
    if (st.size > MAX_CREDENTIAL_FILE_BYTES) throw new OnboardError('INPUT_TOO_LARGE', { what, size: st.size, limit: MAX_CREDENTIAL_FILE_BYTES });
    return await fsp.readFile(file);
  } catch (e) {
    if (isOnboardError(e)) throw e;
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
  }
}

async function writeOutput(file: string, data: string | Buffer, mode: number): Promise<string | undefined> {
  try {
    return (await writeFileAtomic(path.resolve(file), data, { mode, existing: 'backup' })).backupPath;
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'write', path: file, detail: (e as Error).message });
  }
}

/** A new secret: one stdin line, or typed twice at the prompt. */
async function newSecret(io: CliIo, what: string, fromStdin: boolean): Promise<string> {
  const first = await readPassword(io, `New ${what}: `, fromStdin);
  if (!fromStdin) {
    const again = await readPassword(io, `Type the ${what} again: `, false);
    if (again !== first) throw new OnboardError('INVALID_INPUT', { field: what, detail: 'the two entries differ' });
  }
  checkPassphrase(first, what);
  return first;
}

/** An optional further stdin line (undefined at end of input). */
async function optionalLine(io: CliIo): Promise<string | undefined> {
  try {
    return await readFirstLine(io.stdin);
  } catch (e) {
    if (isOnboardError(e) && e.code === 'INVALID_INPUT') return undefined;
    throw e;
  }
}

function required(value: string | undefined, field: string, usage: string): string {
  if (!value) throw new OnboardError('INVALID_INPUT', { field, detail: `is required. Usage: ${usage}` });
  return value;
}

/** The keychain, or null (passphrases typed) when it cannot be used. Loads keytar only here. */
async function openKeychain(io: CliIo, json: boolean) {
  const { openSecretStore } = await import('../../services/keychain');
  const opened = await openSecretStore();
  if (opened.fallback) {
    if (!json) io.stderr.write(`osg-onboard: ${opened.fallback.message}\n  The passphrase will be asked each time.\n`);
    return null;
  }
  return opened.store;
}

export async function keyNew(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { bits: { type: 'string' }, out: { type: 'string' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const json = values.json ?? false;
  const bits = Number(values.bits ?? 2048);
  const fromStdin = values.pwstdin ?? false;
  if (values.out) {
    const passphrase = await newSecret(io, 'key passphrase', fromStdin);
    const key = await generateRsaKey({ bits });
    const backupPath = await writeOutput(values.out, encryptPrivateKey(key, passphrase), 0o400);
    const result = { path: path.resolve(values.out), bits, publicKeyFingerprint: publicKeyFingerprint(key), backupPath };
    if (json) printJson(io, result);
    else io.stdout.write(`Wrote ${result.path} (RSA-${bits}, encrypted)\n  public key SHA-256 ${result.publicKeyFingerprint}\n${backupPath ? `  the old file was kept as ${backupPath}\n` : ''}`);
    return 0;
  }
  const secrets = fromStdin ? null : await openKeychain(io, json);
  const passphrase = secrets ? undefined : await newSecret(io, 'key passphrase', fromStdin);
  const key = await generateRsaKey({ bits });
  const record = await new CredentialStore({ dataDir: dataDir(io.env), secrets }).create({ key, passphrase });
  if (json) printJson(io, record);
  else io.stdout.write(`Saved key ${record.id} (RSA-${bits}; passphrase ${record.passphrase === 'keychain' ? 'in the keychain' : 'typed each time'})\n  public key SHA-256 ${record.publicKeyFingerprint}\n`);
  return 0;
}

async function loadKey(io: CliIo, opts: { key?: string; id?: string; pwstdin: boolean; json: boolean }, usage: string) {
  if (opts.key) {
    const pem = await readInput(opts.key, opts.key);
    return readPrivateKeyPem(pem, await readPassword(io, `Passphrase for ${opts.key}: `, opts.pwstdin), opts.key);
  }
  const id = required(opts.id, '--key or --id', usage);
  const secrets = opts.pwstdin ? null : await openKeychain(io, opts.json);
  const store = new CredentialStore({ dataDir: dataDir(io.env), secrets });
  const record = await store.get(id);
  const typed = record.passphrase === 'typed' || !secrets ? await readPassword(io, `Passphrase for key ${id}: `, opts.pwstdin) : undefined;
  return store.unlockKey(id, typed);
}

const CSR_USAGE = 'osg-onboard csr (--key FILE | --id ID) --subject DN [--out FILE] [--pwstdin] [--json]';

export async function csrNew(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { key: { type: 'string' }, id: { type: 'string' }, subject: { type: 'string' }, out: { type: 'string' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const json = values.json ?? false;
  let subject;
  try {
    subject = parseDn(required(values.subject, '--subject', CSR_USAGE));
  } catch (e) {
    if (e instanceof DnSyntaxError) throw new OnboardError('SUBJECT_INVALID', { detail: e.reason });
    throw e;
  }
  encodeName(subject); // a name the CA would refuse is reported before any passphrase is asked
  const key = await loadKey(io, { key: values.key, id: values.id, pwstdin: values.pwstdin ?? false, json }, CSR_USAGE);
  const csr = buildCsr({ key, subject });
  const backupPath = values.out ? await writeOutput(values.out, csr.pem, 0o644) : undefined;
  const result = { subject: values.subject, publicKeyFingerprint: publicKeyFingerprint(key), path: values.out ? path.resolve(values.out) : undefined, backupPath, pem: csr.pem };
  if (json) printJson(io, result);
  else if (values.out) io.stdout.write(`Wrote ${result.path}\n`);
  else io.stdout.write(csr.pem);
  return 0;
}

const EXPORT_USAGE = 'osg-onboard p12 export (--key FILE --cert FILE [--chain FILE] | --id ID) --out FILE [--name NAME] [--legacy] [--iter N] [--pwstdin] [--json]';

export async function p12Export(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: {
      key: { type: 'string' }, cert: { type: 'string' }, chain: { type: 'string' }, id: { type: 'string' }, out: { type: 'string' },
      name: { type: 'string' }, legacy: { type: 'boolean' }, iter: { type: 'string' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  const json = values.json ?? false;
  const fromStdin = values.pwstdin ?? false;
  const out = required(values.out, '--out', EXPORT_USAGE);
  const iterations = values.iter === undefined ? undefined : Number(values.iter);
  let certificate;
  let chain;
  if (values.id) {
    const store = new CredentialStore({ dataDir: dataDir(io.env), secrets: null });
    ({ certificate, chain } = await store.certificates(values.id));
  } else {
    certificate = readCertificate(await readInput(required(values.cert, '--cert', EXPORT_USAGE), values.cert!), values.cert);
    chain = values.chain ? readCertificates(await readInput(values.chain, values.chain), values.chain) : [];
  }
  const key = await loadKey(io, { key: values.key, id: values.id, pwstdin: fromStdin, json }, EXPORT_USAGE);
  const password = await newSecret(io, '.p12 password', fromStdin);
  const profile = values.legacy ? 'legacy' : 'modern';
  const p12 = await writePkcs12({ key, certificate, chain, password, friendlyName: values.name, profile, iterations });
  const check = await readPkcs12(p12, password, { what: 'the new .p12' }); // prove it opens before anyone relies on it
  const backupPath = await writeOutput(out, p12, 0o600);
  const result = {
    path: path.resolve(out), profile, subject: certificateInfo(certificate).subject, friendlyName: check.friendlyName,
    chainLength: check.chain.length, keyProtection: check.keyProtection, mac: check.mac, verified: true, backupPath,
  };
  if (json) printJson(io, result);
  else io.stdout.write(`Wrote ${result.path} (${profile}; ${result.keyProtection}); it opens with the password.\n${backupPath ? `  the old file was kept as ${backupPath}\n` : ''}`);
  return 0;
}

export async function p12Import(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { in: { type: 'string' }, store: { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const json = values.json ?? false;
  const file = required(values.in, '--in', 'osg-onboard p12 import --in FILE [--store] [--pwstdin] [--json]');
  const bytes = await readInput(file, file);
  const password = await readPassword(io, `Password for ${file}: `, values.pwstdin ?? false);
  const contents = await readPkcs12(bytes, password, { what: file });
  const info = certificateInfo(contents.certificate);
  let storedId: string | undefined;
  if (values.store) {
    // The keychain keeps a random passphrase; without one, the .p12 password protects the saved key.
    const secrets = await openKeychain(io, json);
    const store = new CredentialStore({ dataDir: dataDir(io.env), secrets });
    const rec = await store.create({ key: contents.key, subject: info.subject, passphrase: secrets ? undefined : password, request: { connector: 'import', source: path.basename(file) } });
    const pems = [contents.certificate, ...contents.chain].map((c) => c.toString()).join('\n');
    storedId = (await store.attachCertificate(rec.id, pems, secrets ? undefined : password)).id;
  }
  const result = {
    certificate: info,
    chain: contents.chain.map((c) => certificateInfo(c).subject),
    friendlyName: contents.friendlyName,
    integrity: contents.integrity,
    mac: contents.mac,
    keyProtection: contents.keyProtection,
    certificateProtection: contents.certificateProtection,
    expired: new Date(info.notAfter).getTime() < Date.now(),
    warnings: contents.warnings,
    storedId,
  };
  if (json) printJson(io, result);
  else {
    io.stdout.write(
      [
        `subject      : ${info.subject}`,
        `issuer       : ${info.issuer}`,
        `valid until  : ${info.notAfter}${result.expired ? ' (EXPIRED)' : ''}`,
        `friendly name: ${contents.friendlyName ?? '(none)'}`,
        `chain        : ${result.chain.length ? result.chain.join(' ← ') : '(none in the file)'}`,
        `integrity    : ${contents.integrity === 'mac-verified' ? `MAC verified (${contents.mac?.hash}, ${contents.mac?.iterations} rounds)` : 'no MAC in the file'}`,
        `key          : ${info.key.algorithm} ${info.key.bits ?? ''}, matches the certificate (${contents.keyProtection})`,
        ...contents.warnings.map((w) => `warning      : ${w}`),
        ...(storedId ? [`saved as     : ${storedId}`] : []),
      ].join('\n') + '\n',
    );
  }
  return 0;
}

export async function globusInstall(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { in: { type: 'string' }, dir: { type: 'string' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const json = values.json ?? false;
  const fromStdin = values.pwstdin ?? false;
  const file = required(values.in, '--in', 'osg-onboard globus install --in FILE [--dir DIR] [--pwstdin] [--json]');
  const dir = path.resolve(values.dir ?? path.join(io.env.HOME || os.homedir(), '.globus'));
  const p12 = await readInput(file, file);
  const password = await readPassword(io, `Password for ${file}: `, fromStdin);
  // Second line (or prompt): passphrase for userkey.pem; empty or absent = the .p12 password.
  const second = fromStdin ? await optionalLine(io) : await readPassword(io, 'Passphrase for userkey.pem (Enter: the same as the .p12 password): ', false);
  const keyPassphrase = second ? second : undefined;
  const result = await installGlobus({ dir, p12, password, keyPassphrase, what: file });
  if (json) printJson(io, result);
  else {
    io.stdout.write(`Installed ${result.subject} (valid until ${result.notAfter}) into ${result.dir}\n`);
    for (const f of result.files) {
      io.stdout.write(`  ${f.name.padEnd(13)} ${f.mode.toString(8).padStart(4, '0')}${f.backupPath ? `  (the old one was kept as ${path.basename(f.backupPath)})` : ''}\n`);
    }
    for (const w of result.warnings) io.stdout.write(`  warning: ${w}\n`);
  }
  return 0;
}
