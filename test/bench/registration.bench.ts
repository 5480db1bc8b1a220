import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { medianMs, type BenchResult, type BenchSuite } from './harness';
import { TestPki } from '../helpers/registration-pki';
import { composeMessage, sendSmtp, startMailbox } from '../../electron/sandbox/mailbox';
import { startSandboxVoms } from '../../electron/sandbox/voms-admin';
import { confirmRegistration, fetchMemberInfo, findConfirmationLink, submitRegistration } from '../../electron/services/registration/voms-admin-connector';

/**
 * Registration: the member-info check the app polls (client-certificate TLS, fresh connection)
 * against curl doing the same request, and a delivery into the sandbox mailbox against curl's
 * SMTP upload. curl's figures include its process start, ours run in the app's process.
 * (The harness's hyperfine helper blocks this process, where the servers run: curl is timed
 * here with an asynchronous spawn instead.)
 */
const exec = promisify(execFile);
const curlMedianMs = (args: string[], runs: number) => medianMs(() => exec('curl', args), runs);

export const suite: BenchSuite = {
  name: 'registration (sandbox VOMS-Admin + mailbox)',
  async run(): Promise<BenchResult[]> {
    const pki = new TestPki();
    const work = mkdtempSync(path.join(os.tmpdir(), 'osg-reg-bench-'));
    const mailbox = await startMailbox({ dir: path.join(work, 'mailbox') });
    try {
      const ca = await pki.ca('/CN=Bench CA');
      const [server, user] = await Promise.all([pki.issue(ca, '/CN=127.0.0.1', 'server'), pki.issue(ca, '/DC=org/CN=Bench User', 'client')]);
      const voms = await startSandboxVoms({ dir: path.join(work, 'voms'), vo: 'sandbox', trustedCaPems: [ca.certPem], tls: { certPem: server.certPem, keyPem: server.keyPem }, smtp: { port: mailbox.smtpPort } });
      try {
        const s = { endpoint: { baseUrl: voms.baseUrl, vo: 'sandbox', trustedCaPems: [ca.certPem] }, credential: { key: user.keyPem, certPem: user.certPem } };
        const { requestId } = await submitRegistration(s, { name: 'Bench', surname: 'User', emailAddress: 'bench@example.org', aupAccepted: true });
        await confirmRegistration(s, (await findConfirmationLink(mailbox, s.endpoint, { emailAddress: 'bench@example.org', requestId }))!);
        await voms.approve(requestId!);
        for (const [name, pem] of [['ca.pem', ca.certPem], ['cert.pem', user.certPem], ['key.pem', user.keyPem]]) writeFileSync(path.join(work, name), pem, { mode: 0o600 });

        const oursInfo = await medianMs(() => fetchMemberInfo(s), 20);
        const url = `${voms.voUrl}/apiv2/user-info.action`;
        const curlInfo = await curlMedianMs(['-sf', '--cacert', `${work}/ca.pem`, '--cert', `${work}/cert.pem`, '--key', `${work}/key.pem`, '-o', '/dev/null', url], 20);

        const message = composeMessage({ from: 'a@sandbox.invalid', to: ['b@example.org'], subject: 'bench', text: 'x\n'.repeat(20), date: new Date(), messageId: 'bench@x' });
        writeFileSync(path.join(work, 'mail.eml'), message);
        const oursMail = await medianMs(() => sendSmtp({ port: mailbox.smtpPort, from: 'a@sandbox.invalid', to: ['b@example.org'], message }), 20);
        const curlMail = await curlMedianMs(['-sf', `smtp://127.0.0.1:${mailbox.smtpPort}`, '--mail-from', 'a@sandbox.invalid', '--mail-rcpt', 'b@example.org', '-T', `${work}/mail.eml`], 20);
        return [
          { name: 'member info over client-cert TLS', ours: oursInfo, anchor: curlInfo, unit: 'ms', anchorLabel: 'curl --cert', better: 'lower', goal: 1, note: 'fresh TLS connection each time' },
          { name: 'deliver one e-mail into the mailbox', ours: oursMail, anchor: curlMail, unit: 'ms', anchorLabel: 'curl smtp:// -T', better: 'lower', goal: 1, note: 'both wait smtp-server’s fixed 100 ms early-talker pause before the greeting' },
        ];
      } finally {
        await voms.close();
      }
    } finally {
      await mailbox.close();
      pki.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
