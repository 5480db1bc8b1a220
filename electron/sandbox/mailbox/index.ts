export { startMailbox, type SandboxMailbox, type StartMailboxOptions } from './smtp-mailbox';
export { MailboxStore, listMessages, readMessage, type MailMessage, type MailSummary, type Envelope } from './mailbox-store';
export { sendSmtp, type SmtpSendOptions } from './smtp-client';
export { composeMessage, parseMessage, extractLinks, type OutgoingMail, type ParsedMail } from './mime';
