/**
 * The sandbox mailbox as the Register step shows it: the e-mails (newest first), and one
 * message with the link that confirms a registration with the running sandbox VO, if it has one.
 * Read from the mailbox folder, so it works whether or not the SMTP side runs.
 */
import path from 'node:path';
import type { RegisterMailMessage, RegisterMailSummary } from '../../../shared/contract/register';
import type { Sandbox } from '../../sandbox';
import { listMessages, readMessage } from '../../sandbox/mailbox';
import { confirmationUrl, vomsAdminEndpoint } from '../registration/voms-admin-connector';

const mailboxDir = (sandbox: Sandbox) => path.join(sandbox.dir, 'mailbox');

export async function listSandboxMail(sandbox: Sandbox): Promise<RegisterMailSummary[]> {
  return (await listMessages(mailboxDir(sandbox))).map((m) => ({ id: m.id, receivedAt: m.receivedAt, from: m.from, to: [...m.to], subject: m.subject }));
}

/** `voUrl`: the running sandbox VOMS-Admin (`https://127.0.0.1:<port>/voms/<vo>`). */
export async function readSandboxMail(sandbox: Sandbox, id: string, voUrl: string): Promise<RegisterMailMessage> {
  const m = await readMessage(mailboxDir(sandbox), id);
  const endpoint = vomsAdminEndpoint(voUrl);
  const confirmationLink = m.links.find((link) => {
    try {
      confirmationUrl(endpoint, link);
      return true;
    } catch {
      return false;
    }
  });
  return { id: m.id, receivedAt: m.receivedAt, from: m.from, to: [...m.to], subject: m.subject, text: m.text, links: [...m.links], confirmationLink };
}
