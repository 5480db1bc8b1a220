// `osg-onboard request | request status | request resume` over the same Request service the
// app uses (journal, credential store, CA connector). Passwords and enrolment codes only from
// --pwstdin (one per line: key passphrase, then enrolment code) or the prompt.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import type { RequestStatusView } from '../../../shared/contract/request';
import { createServices, defaultDataDir, type Services } from '../../services';
import { printJson, readPassword, reportError, type CliIo } from '../io';

function open(io: CliIo, json: boolean): Services {
  let last = '';
  return createServices({
    shell: 'cli',
    dataDir: defaultDataDir(io.env),
    homeDir: io.env.HOME ? path.resolve(io.env.HOME) : undefined,
    emit: (event, payload) => {
      if (json || event !== 'progress') return;
      const p = payload as { task: string; label: string };
      if (p.label !== last) io.stderr.write(`  ${p.label}\n`);
      last = p.label;
    },
  });
}

function describe(s: RequestStatusView): string {
  const lines = [`${s.origin === 'import' ? 'Imported certificate' : s.origin === 'renewal' ? 'Renewal' : 'Request'} for ${s.subject}`, `  state:       ${s.state}${s.requestId ? ` (request ${s.requestId})` : ''}`];
  lines.push(`  VO:          ${s.vo}${s.sandbox ? ' (sandbox)' : ''}`, `  CA (EST):    ${s.estUrl || '(not known)'}`, `  key:         RSA-${s.keyBits}, SHA-256 ${s.publicKeyFingerprint}`);
  if (s.agreedAt) lines.push(`  agreed:      ${s.agreedAt}`);
  lines.push(`  ${s.origin === 'import' ? 'imported' : 'sent'}:${s.origin === 'import' ? '    ' : '        '}${s.startedAt}`);
  if (s.sponsorUrl) lines.push(`  sponsor page: ${s.sponsorUrl}`);
  if (s.certificate) lines.push(`  certificate: ${s.certificate.subject}`, `  issued by:   ${s.certificate.issuer}`, `  valid until: ${s.certificate.notAfter}`);
  if (s.error) lines.push(`  problem:     ${s.error.message}`, `               ${s.error.hint}`);
  return lines.join('\n') + '\n';
}

/** Waits while the service polls; Ctrl-C stops waiting (the request is kept). */
async function waitForDecision(services: Services): Promise<RequestStatusView> {
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  try {
    for (;;) {
      const s = (await services.request.status())!;
      if (stop || !['waiting', 'submitting'].includes(s.state)) return s;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function exitCode(s: RequestStatusView): number {
  return s.state === 'issued' || s.state === 'waiting' || s.state === 'submitting' ? 0 : 1;
}

/** Waits for the sponsor unless told not to (or nothing is pending). */
async function waitIfPending(io: CliIo, services: Services, s: RequestStatusView, json: boolean, wait: boolean): Promise<RequestStatusView> {
  if (!wait || !(s.state === 'waiting' || s.state === 'submitting')) return s;
  if (!json) {
    io.stderr.write(`Waiting for your sponsor to approve request ${s.requestId ?? ''} (Ctrl-C stops waiting; resume later with: osg-onboard request resume)\n`);
    if (s.sponsorUrl) io.stderr.write(`  Sandbox sponsor page: ${s.sponsorUrl}\n  (or: osg-onboard sandbox approve ${s.requestId})\n`);
  }
  return waitForDecision(services);
}

function report(io: CliIo, s: RequestStatusView, json: boolean): number {
  if (json) printJson(io, s);
  else io.stdout.write(describe(s));
  return exitCode(s);
}

const USAGE = 'osg-onboard request --vo NAME --name NAME --email ADDRESS [--est-url URL] [--bits 2048|3072|4096] [--with-code] [--agree] [--no-wait] [--pwstdin] [--json]';

export async function requestNew(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: {
      vo: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      'est-url': { type: 'string' },
      bits: { type: 'string' },
      'with-code': { type: 'boolean' },
      agree: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      pwstdin: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  const services = open(io, json);
  try {
    if (values.vo) await services.vo.choose(values.vo);
    const name = values.name ?? '';
    const email = values.email ?? '';
    if (!name || !email) throw new OnboardError('USAGE', { detail: '--name and --email are required', usage: USAGE });
    const bits = Number(values.bits ?? 2048);
    const preview = await services.request.preview({ name, email, estUrl: values['est-url'] });
    if (preview.problem) throw new OnboardError('INVALID_INPUT', { field: preview.problem.field, detail: preview.problem.message });
    if (!values.agree) {
      if (!json) io.stdout.write(`${preview.policy.title}\n\n${preview.policy.paragraphs.join('\n\n')}\n\n`);
      throw new OnboardError('REQUEST_NOT_AGREED');
    }
    if (!json) io.stderr.write(`The CA will issue: ${preview.subject ?? '(decided by the CA)'}\n`);
    const fromStdin = values.pwstdin ?? false;
    let keyPassphrase: string | undefined;
    if (preview.keyProtection.mode === 'typed') {
      if (!json && !fromStdin) io.stderr.write(`The keychain is not used (${preview.keyProtection.reason ?? 'your choice in the Protect step'}): choose a passphrase for the new key.\n`);
      keyPassphrase = await readPassword(io, 'New key passphrase: ', fromStdin);
      if (!fromStdin && (await readPassword(io, 'Type it again: ', false)) !== keyPassphrase) {
        throw new OnboardError('INVALID_INPUT', { field: 'key passphrase', detail: 'the two entries differ' });
      }
    }
    const enrolmentCode = values['with-code'] ? await readPassword(io, 'Enrolment code: ', fromStdin) : undefined;
    const s = await services.request.start({
      name,
      email,
      keyBits: bits,
      agree: true,
      policySha256: preview.policy.sha256,
      estUrl: values['est-url'],
      enrolmentCode,
      keyPassphrase,
    });
    return report(io, await waitIfPending(io, services, s, json, !values['no-wait']), json);
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}

export async function requestStatus(io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...io.argv], options: { json: { type: 'boolean' } }, allowPositionals: false });
  const json = values.json ?? false;
  const services = open(io, json);
  try {
    const s = await services.request.status({ resume: false });
    if (!s) throw new OnboardError('REQUEST_NONE', { action: 'show' });
    if (json) printJson(io, s);
    else io.stdout.write(describe(s));
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}

export async function requestResume(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { 'with-code': { type: 'boolean' }, 'no-wait': { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  const services = open(io, json);
  try {
    const fromStdin = values.pwstdin ?? false;
    const before = await services.request.status({ resume: false });
    if (!before) throw new OnboardError('REQUEST_NONE', { action: 'resume' });
    let s: RequestStatusView;
    if (before.state === 'waiting' || before.state === 'submitting') s = (await services.request.status())!;
    else {
      const keyPassphrase = before.keyProtection === 'typed' && ['needs-passphrase', 'failed', 'cancelled'].includes(before.state)
        ? await readPassword(io, 'Key passphrase: ', fromStdin)
        : undefined;
      const enrolmentCode = values['with-code'] ? await readPassword(io, 'Enrolment code: ', fromStdin) : undefined;
      s = await services.request.resume({ keyPassphrase, enrolmentCode });
    }
    let out = await waitIfPending(io, services, s, json, !values['no-wait']);
    // A typed-passphrase request issued while we waited still needs the passphrase to be kept.
    if (out.state === 'needs-passphrase') out = await services.request.resume({ keyPassphrase: await readPassword(io, 'Key passphrase: ', fromStdin) });
    return report(io, out, json);
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}

const IMPORT_USAGE = 'osg-onboard request import (--p12 FILE | --globus [DIR]) [--pwstdin] [--json]';

function describeWithPrevious(s: RequestStatusView): string {
  const lines = [describe(s).trimEnd()];
  if (s.origin === 'import') lines.push(`  from:        ${s.importedFrom}`);
  if (s.renewOf) lines.push(`  renews:      serial ${s.renewOf.serial} (valid until ${s.renewOf.notAfter})`);
  for (const w of s.warnings ?? []) lines.push(`  note:        ${w}`);
  for (const p of s.previous) lines.push(`  previous:    serial ${p.serial}, ${p.origin}, valid until ${p.notAfter} (kept)`);
  return lines.join('\n') + '\n';
}

/**
 * `request import`: an existing credential — a .p12/.pfx, or usercert.pem + userkey.pem (~/.globus
 * by default) — checked and kept as the Request step's credential. The source is only read.
 * With --pwstdin: line 1 the .p12 password (or userkey.pem passphrase), line 2 the new key
 * passphrase when keys are typed (no keychain).
 */
export async function requestImport(io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...io.argv],
    options: { p12: { type: 'string' }, globus: { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const json = values.json ?? false;
  if (!!values.p12 === !!values.globus || (positionals.length > 0 && !values.globus) || positionals.length > 1) {
    return reportError(io, new OnboardError('USAGE', { detail: 'give either --p12 FILE or --globus [DIR]', usage: IMPORT_USAGE }), json);
  }
  const services = open(io, json);
  try {
    const fromStdin = values.pwstdin ?? false;
    const sources = await services.request.importSources();
    const source = values.p12
      ? { kind: 'p12' as const, path: path.resolve(values.p12) }
      : { kind: 'globus' as const, dir: positionals[0] ? path.resolve(positionals[0]) : undefined };
    const password = await readPassword(io, source.kind === 'p12' ? 'Password of the .p12 file: ' : 'Passphrase of userkey.pem: ', fromStdin);
    let keyPassphrase: string | undefined;
    if (sources.keyProtection.mode === 'typed') {
      if (!json && !fromStdin) io.stderr.write(`The keychain is not used (${sources.keyProtection.reason ?? 'your choice in the Protect step'}): choose a passphrase for the key OSG Onboard keeps.\n`);
      keyPassphrase = await readPassword(io, 'Key passphrase for OSG Onboard: ', fromStdin);
    }
    const s = await services.request.importCredential({ source, password, keyPassphrase });
    if (json) printJson(io, s);
    else io.stdout.write(describeWithPrevious(s));
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}

/**
 * `request renew`: a new key and EST simplereenroll authenticated by the current certificate; the
 * old credential is kept. With --pwstdin (typed keys): the current key's passphrase.
 */
export async function requestRenew(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { bits: { type: 'string' }, 'est-url': { type: 'string' }, 'no-wait': { type: 'boolean' }, pwstdin: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  const services = open(io, json);
  try {
    const before = await services.request.status({ resume: false });
    if (!before || before.state !== 'issued') throw new OnboardError('REQUEST_RENEW_NONE');
    const keyPassphrase = before.keyProtection === 'typed' ? await readPassword(io, 'Passphrase of your current key: ', values.pwstdin ?? false) : undefined;
    if (!json) io.stderr.write(`Renewing ${before.subject} (serial ${before.certificate?.serial}, valid until ${before.certificate?.notAfter})\n`);
    const s = await services.request.renew({ keyBits: Number(values.bits ?? 2048), keyPassphrase, estUrl: values['est-url'] });
    const out = await waitIfPending(io, services, s, json, !values['no-wait']);
    if (json) printJson(io, out);
    else io.stdout.write(describeWithPrevious(out));
    return exitCode(out);
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}
