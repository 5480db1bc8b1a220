import path from 'node:path';
import { parseArgs } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import { defaultDataDir } from '../../services';
import { sandboxRequests, startSandboxCa, type SandboxRequest } from '../../sandbox/ca';
import { printJson, reportError, type CliIo } from '../io';

/** The sandbox CA's folder: --dir, else `<data folder>/sandbox/ca` (as the app uses). */
function caDir(io: CliIo, values: { dir?: string; data?: string }): string {
  if (values.dir) return path.resolve(values.dir);
  return path.join(values.data ? path.resolve(values.data) : defaultDataDir(io.env), 'sandbox', 'ca');
}

function oneId(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new OnboardError('INVALID_INPUT', { field: 'request id', detail: `give exactly one request id. Usage: ${usage}` });
  return positionals[0];
}

function publicView(r: SandboxRequest) {
  return {
    id: r.id,
    status: r.status,
    kind: r.kind,
    name: r.name,
    email: r.email,
    subject: r.subject,
    createdAt: r.createdAt,
    authenticatedBy: r.auth,
    keyFingerprint: r.keyFingerprint,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    reason: r.reason,
    serial: r.serial,
    notAfter: r.notAfter,
  };
}

export async function sandboxStart(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: {
      dir: { type: 'string' },
      data: { type: 'string' },
      port: { type: 'string' },
      'auto-approve': { type: 'boolean' },
      'retry-after': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new OnboardError('INVALID_INPUT', { field: '--port', detail: 'must be a whole number from 0 to 65535' });
    }
    const retryAfter = values['retry-after'] === undefined ? undefined : Number(values['retry-after']);
    if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 1 || retryAfter > 3600)) {
      throw new OnboardError('INVALID_INPUT', { field: '--retry-after', detail: 'must be a whole number of seconds from 1 to 3600' });
    }
    const dir = caDir(io, values);
    const ca = await startSandboxCa({ dir, port, autoApprove: values['auto-approve'] ?? false, retryAfterSeconds: retryAfter });
    const info = {
      estUrl: ca.estUrl,
      sponsorUrl: ca.sponsorUrl,
      crlUrl: ca.crlUrl,
      caSubject: ca.caSubject,
      caFingerprint: ca.caFingerprint,
      caCertFile: path.join(dir, 'ca-cert.pem'),
      enrolmentCode: ca.enrolmentCode,
      autoApprove: values['auto-approve'] ?? false,
      pid: process.pid,
    };
    if (json) io.stdout.write(JSON.stringify(info) + '\n');
    else {
      io.stdout.write(
        [
          'Sandbox CA running — press Ctrl-C to stop.',
          `  EST:            ${info.estUrl}`,
          `  Sponsor page:   ${info.sponsorUrl}`,
          `  CRL:            ${info.crlUrl}`,
          `  CA:             ${info.caSubject}`,
          `  CA SHA-256:     ${info.caFingerprint}`,
          `  CA file:        ${info.caCertFile}`,
          `  Enrolment code: ${info.enrolmentCode}`,
          `  Auto-approve:   ${info.autoApprove ? 'on' : 'off'}`,
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await ca.close();
    if (!json) io.stderr.write('Sandbox CA stopped.\n');
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

const APPROVE_USAGE = 'osg-onboard sandbox approve <request-id> [--dir D] [--data DIR] [--json]';
const REJECT_USAGE = 'osg-onboard sandbox reject <request-id> [--reason TEXT] [--dir D] [--data DIR] [--json]';

export async function sandboxApprove(io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...io.argv], options: { dir: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
  const json = values.json ?? false;
  try {
    const r = await sandboxRequests(caDir(io, values)).approve(oneId(positionals, APPROVE_USAGE));
    if (json) printJson(io, publicView(r));
    else io.stdout.write(`Approved request ${r.id} for ${r.subject}.\nThe certificate is issued when the requester's app asks again (the sandbox CA must be running).\n`);
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function sandboxReject(io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...io.argv],
    options: { dir: { type: 'string' }, data: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const json = values.json ?? false;
  try {
    const r = await sandboxRequests(caDir(io, values)).reject(oneId(positionals, REJECT_USAGE), values.reason);
    if (json) printJson(io, publicView(r));
    else io.stdout.write(`Rejected request ${r.id} for ${r.subject}${r.reason ? ` (${r.reason})` : ''}.\n`);
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function sandboxRequestsList(io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...io.argv], options: { dir: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: false });
  const json = values.json ?? false;
  try {
    const all = await sandboxRequests(caDir(io, values)).list();
    if (json) {
      printJson(io, all.map(publicView));
      return 0;
    }
    if (all.length === 0) {
      io.stdout.write('No certificate requests yet.\n');
      return 0;
    }
    io.stdout.write(`${'ID'.padEnd(6)}  ${'STATUS'.padEnd(8)}  ${'REQUESTED (UTC)'.padEnd(19)}  SUBJECT\n`);
    for (const r of all) {
      io.stdout.write(`${r.id.padEnd(6)}  ${r.status.padEnd(8)}  ${r.createdAt.replace('T', ' ').slice(0, 19)}  ${r.subject}${r.email ? ` <${r.email}>` : ''}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}
