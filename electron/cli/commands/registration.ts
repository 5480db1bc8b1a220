import { parseArgs } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import { defaultDataDir } from '../../services';
import { MailboxStore } from '../../sandbox/mailbox';
import { Registrar, VomsAdminState, mailTransport, sandboxMailboxDir, sandboxVomsDir, SANDBOX_VO_NAME } from '../../sandbox/voms-admin';
import { printJson, reportError, type CliIo } from '../io';

/**
 * `osg-onboard sandbox vo-requests | vo-approve | mailbox`: the sandbox VO administrator's and
 * the sandbox mailbox's command line. They act on the durable sandbox state, whether the app
 * (and its sandbox services) runs or not.
 */

const common = {
  json: { type: 'boolean' },
  data: { type: 'string' },
  vo: { type: 'string' },
} as const;

function dirs(io: CliIo, values: { data?: string; vo?: string }) {
  const dataDir = values.data ?? defaultDataDir(io.env);
  return { dataDir, vo: values.vo ?? SANDBOX_VO_NAME, vomsDir: sandboxVomsDir(dataDir), mailboxDir: sandboxMailboxDir(dataDir) };
}

export async function voRequests(io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...io.argv], options: { ...common, all: { type: 'boolean' } }, allowPositionals: false });
  const json = values.json ?? false;
  try {
    const d = dirs(io, values);
    const s = await new VomsAdminState(d.vomsDir, d.vo).read();
    const shown = values.all ? s.requests : s.requests.filter((r) => r.status === 'SUBMITTED' || r.status === 'CONFIRMED');
    const requests = shown.map(({ confirmationId: _secret, ...r }) => r);
    if (json) {
      printJson(io, { vo: d.vo, requests, members: s.members.length, mailPending: s.outbox.length });
      return 0;
    }
    if (requests.length === 0) {
      io.stdout.write(`No ${values.all ? '' : 'open '}membership requests in the sandbox VO “${d.vo}”.${values.all ? '' : ' (--all shows decided ones too)'}\n`);
      return 0;
    }
    io.stdout.write('ID    STATUS      SUBMITTED             NAME / E-MAIL / CERTIFICATE\n');
    for (const r of requests) {
      io.stdout.write(`${r.id.padEnd(5)} ${r.status.padEnd(11)} ${r.submittedAt.slice(0, 19)}Z  ${r.name} ${r.surname} <${r.emailAddress}>\n${' '.repeat(39)}${r.dn}\n`);
    }
    if (requests.some((r) => r.status === 'SUBMITTED')) io.stdout.write('\nSUBMITTED requests wait for the user to follow the link in the confirmation e-mail.\n');
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function voApprove(io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...io.argv], options: { ...common, reject: { type: 'boolean' } }, allowPositionals: true });
  const json = values.json ?? false;
  try {
    if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) {
      throw new OnboardError('INVALID_INPUT', { field: 'request id', detail: 'give one request id (see osg-onboard sandbox vo-requests)' });
    }
    const d = dirs(io, values);
    const state = new VomsAdminState(d.vomsDir, d.vo);
    const recorded = (await state.read()).mail;
    // The running mailbox if there is one; otherwise straight into the mailbox folder.
    const transport = mailTransport({ ...recorded, mailboxDir: recorded.mailboxDir ?? d.mailboxDir }, true);
    const registrar = new Registrar(state, transport);
    const decision = values.reject ? 'reject' : 'approve';
    const { request, member } = await registrar.decide(positionals[0], decision, 'vo-admin (command line)');
    const pending = (await state.read()).outbox.length;
    if (json) {
      const { confirmationId: _secret, ...shown } = request;
      printJson(io, { request: shown, member, mailPending: pending });
      return 0;
    }
    io.stdout.write(`Request ${request.id} ${decision === 'approve' ? 'approved' : 'rejected'}: ${request.name} ${request.surname} <${request.emailAddress}>\n  ${request.dn}\n`);
    if (member) io.stdout.write(`Member of ${d.vo} until ${member.endTime}.\n`);
    io.stdout.write(pending ? `The e-mail to the user could not be delivered yet (${pending} kept for later).\n` : 'The user was sent an e-mail.\n');
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function mailboxList(io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...io.argv], options: { ...common, show: { type: 'string' } }, allowPositionals: false });
  const json = values.json ?? false;
  try {
    const d = dirs(io, values);
    const store = new MailboxStore(d.mailboxDir);
    if (values.show) {
      const m = await store.read(values.show);
      if (json) printJson(io, m);
      else io.stdout.write(`From: ${m.from}\nTo: ${m.to.join(', ')}\nDate: ${m.date}\nSubject: ${m.subject}\n\n${m.text}${m.text.endsWith('\n') ? '' : '\n'}`);
      return 0;
    }
    const list = await store.list();
    if (json) {
      printJson(io, list);
      return 0;
    }
    if (list.length === 0) {
      io.stdout.write('The sandbox mailbox is empty.\n');
      return 0;
    }
    io.stdout.write('ID                RECEIVED              TO                        SUBJECT\n');
    for (const m of list) io.stdout.write(`${m.id.padEnd(17)} ${m.receivedAt.slice(0, 19)}Z  ${m.to.join(', ').padEnd(25)} ${m.subject}\n`);
    io.stdout.write('\nRead one with: osg-onboard sandbox mailbox --show <ID>\n');
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}
