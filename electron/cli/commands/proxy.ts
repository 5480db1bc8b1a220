// `osg-onboard proxy init|info|verify` and `pusp create`. Only node:util, the CLI helpers and the
// proxy key generator are loaded up front; each command imports the service files it needs, so
// `proxy init` starts lean (no zod, no node-forge: Node's crypto and the proxy folder's DER writer).
import { parseArgs } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import { generateProxyKey } from '../../services/proxy/proxy-key';
import { printJson, readPassword, reportError, type CliIo } from '../io';

function positiveNumber(raw: string | undefined, field: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new OnboardError('INVALID_INPUT', { field, detail: `“${raw}” is not a positive number` });
  return n;
}

function bitsOption(raw: string | undefined): number {
  const n = positiveNumber(raw, '--bits', 2048);
  if (![2048, 3072, 4096].includes(n)) throw new OnboardError('INVALID_INPUT', { field: '--bits', detail: 'use 2048, 3072 or 4096' });
  return n;
}

async function fileHasPrivateKey(file: string): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8').then((t) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t), () => false);
}

export async function proxyInit(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: {
      cert: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' }, hours: { type: 'string' },
      bits: { type: 'string' }, limited: { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' }, voms: { type: 'string' },
    },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    // `--voms <vo>[:<fqan>]` as voms-proxy-init takes it.
    const vomsArg = values.voms !== undefined ? /^([^:]+)(?::(.+))?$/.exec(values.voms) : undefined;
    if (values.voms !== undefined && !vomsArg) throw new OnboardError('INVALID_INPUT', { field: '--voms', detail: 'give the VO name, e.g. --voms cms or --voms cms:/cms/Role=production' });
    const hours = positiveNumber(values.hours, '--hours', 12);
    const bits = bitsOption(values.bits);
    // The RSA key is most of the run: start it now on the thread pool, while this thread loads the
    // services, reads the credential and asks for the pass phrase. If any of that fails the key is
    // dropped unused (the process only exits once its generation ends).
    const pendingKey = generateProxyKey(bits);
    pendingKey.catch(() => undefined); // awaited below; not an unhandled rejection when we fail first
    const [{ createProxy }, { loadUserCredential, endEntityOf }, files] = await Promise.all([
      import('../../services/proxy/make-proxy'),
      import('../../services/proxy/cert-input'),
      import('../../services/proxy/proxy-file'),
    ]);
    const defaults = files.defaultUserCredentialPaths(io.env);
    const certFile = values.cert ?? defaults.certFile;
    // A proxy file given as --cert carries its own key (proxy of a proxy), as grid-proxy-init reads it.
    const keyFile = values.key ?? (values.cert && (await fileHasPrivateKey(values.cert)) ? values.cert : defaults.keyFile);
    const cred = await loadUserCredential({
      certFile,
      keyFile,
      passphrase: () => readPassword(io, 'Enter GRID pass phrase for this identity: ', values.pwstdin ?? false),
    });
    const out = values.out ?? files.defaultProxyPath(io.env);
    const policy = files.proxyFileWritePolicy(out); // never rejects
    let vomsAcs: Buffer[] | undefined;
    let vo: { vo: string; fqans: readonly string[]; issuer: string } | undefined;
    if (vomsArg) {
      // Only a VOMS proxy loads the VOMS client (plain `proxy init` stays lean).
      const [voms, { defaultTrustDir }, { loadTrustDir }, { pemEncode }] = await Promise.all([
        import('../../services/voms'), import('../../services/proxy/proxy-file'), import('../../services/proxy/trust-dir'), import('../../services/proxy/pem'),
      ]);
      const server = await voms.findVomsServer(vomsArg[1], io.env);
      const trust = await loadTrustDir(await defaultTrustDir(io.env));
      const got = await voms.fetchVomsAc({
        vo: vomsArg[1], server, certPem: [cred.certificate, ...cred.chain].map((c) => pemEncode('CERTIFICATE', c.der)).join(''), key: cred.key,
        trustedCaPems: trust.certificates.map((c) => pemEncode('CERTIFICATE', c.der)), fqans: vomsArg[2] ? [vomsArg[2]] : undefined, lifetimeSeconds: hours * 3600,
      });
      vomsAcs = [got.der];
      vo = { vo: got.ac.vo, fqans: got.ac.fqans, issuer: got.ac.issuer };
    }
    const proxy = await createProxy({ issuerCert: cred.certificate, issuerKey: cred.key, chain: cred.chain, hours, limited: values.limited, proxyKey: pendingKey, vomsAcs });
    await files.writeProxyFile(out, proxy.pem, policy);
    const identity = endEntityOf([cred.certificate, ...cred.chain]).subjectDn;
    if (json) {
      printJson(io, { file: out, subject: proxy.subject, identity, notAfter: proxy.notAfter.toISOString(), policy: proxy.policy, shortened: proxy.shortened, ...(vo ? { vo } : {}) });
    } else if (!values.quiet) {
      if (proxy.shortened) io.stderr.write(`Warning: the signing certificate ends ${cred.certificate.notAfter.toISOString()}, before the ${hours} hours asked for; the proxy ends then.\n`);
      io.stdout.write(`Your identity: ${identity}\n${vo ? `VO ${vo.vo} attributes (from ${vo.issuer}): ${vo.fqans.join(', ')}\n` : ''}Proxy written to ${out}\nYour proxy is valid until: ${proxy.notAfter.toString()}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function proxyInfo(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { file: { type: 'string', short: 'f' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    const [{ inspectProxy, formatProxyInfo }, { readProxyFile, defaultProxyPath }] = await Promise.all([
      import('../../services/proxy/inspect'),
      import('../../services/proxy/proxy-file'),
    ]);
    const file = values.file ?? defaultProxyPath(io.env);
    const { text } = await readProxyFile(file);
    const info = inspectProxy(text, { path: file });
    if (json) printJson(io, info);
    else io.stdout.write(formatProxyInfo(info, values.all ?? false));
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function proxyVerify(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { file: { type: 'string', short: 'f' }, 'ca-dir': { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    const [{ verifyChain }, { readProxyFile, defaultProxyPath, defaultTrustDir }] = await Promise.all([
      import('../../services/proxy/verify'),
      import('../../services/proxy/proxy-file'),
    ]);
    const file = values.file ?? defaultProxyPath(io.env);
    const { text } = await readProxyFile(file);
    const caDir = values['ca-dir'] ?? (await defaultTrustDir(io.env));
    const result = await verifyChain({ chain: text, trust: caDir });
    if (json) {
      printJson(io, { file, caDir, ...result });
      return result.valid ? 0 : 1;
    }
    if (result.valid) {
      io.stdout.write(`Verification OK: ${file} (${result.proxyCount} ${result.proxyCount === 1 ? 'proxy' : 'proxies'}, trusted CA folder ${caDir})\n`);
      io.stdout.write(`identity : ${result.identity}\n`);
      for (const r of result.identityReasons) io.stdout.write(`  ${r.message}\n`);
    } else {
      io.stdout.write(`Verification FAILED: ${file}\n`);
      for (const r of result.errors) io.stdout.write(`  ${r.code}: ${r.message}\n`);
    }
    for (const w of result.warnings) io.stdout.write(`  warning ${w.code}: ${w.message}\n`);
    return result.valid ? 0 : 1;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function puspCreate(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: {
      'robot-cert': { type: 'string' }, 'robot-key': { type: 'string' }, user: { type: 'string' },
      pseudonym: { type: 'boolean' }, 'secret-file': { type: 'string' }, session: { type: 'boolean' },
      hours: { type: 'string' }, bits: { type: 'string' }, out: { type: 'string' }, limited: { type: 'boolean' },
      force: { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    for (const opt of ['robot-cert', 'robot-key', 'user', 'out'] as const) {
      if (!values[opt]) throw new OnboardError('INVALID_INPUT', { field: `--${opt}`, detail: 'it is required' });
    }
    const hours = positiveNumber(values.hours, '--hours', 12);
    const bits = bitsOption(values.bits);
    const [{ createPusp, pseudonymSecret }, { loadUserCredential }, { writeProxyFile }] = await Promise.all([
      import('../../services/proxy/pusp'),
      import('../../services/proxy/cert-input'),
      import('../../services/proxy/proxy-file'),
    ]);
    const robot = await loadUserCredential({
      certFile: values['robot-cert']!,
      keyFile: values['robot-key']!,
      passphrase: () => readPassword(io, 'Enter pass phrase for the robot key: ', values.pwstdin ?? false),
    });
    let secret: Buffer | undefined;
    if (values.pseudonym) {
      const store = values['secret-file']
        ? (await import('../../services/proxy/secret-file')).fileSecretStore(values['secret-file'])
        : new (await import('../../services/keychain/keytar-store')).KeytarSecretStore();
      secret = await pseudonymSecret(store);
    }
    const r = await createPusp({
      robotCert: robot.certificate, robotKey: robot.key, robotChain: robot.chain, userId: values.user!,
      pseudonymSecret: secret, session: values.session, hours, bits, limited: values.limited, force: values.force,
    });
    await writeProxyFile(values.out!, r.pem);
    const leaf = r.session ?? r.pusp;
    if (json) {
      printJson(io, { file: values.out, identity: r.identity, userLabel: r.userLabel, pseudonymous: r.pseudonymous, subject: leaf.subject, notAfter: leaf.notAfter.toISOString(), robot: r.robot });
    } else {
      if (!r.robot.robot) io.stderr.write(`Warning: forced; not a robot certificate: ${r.robot.problems.join('; ')}\n`);
      io.stdout.write(`PUSP identity: ${r.identity}\n${r.session ? `Session proxy: ${r.session.subject}\n` : ''}Written to ${values.out}, valid until ${leaf.notAfter.toString()}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}
