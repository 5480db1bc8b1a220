import type { VoEntry } from '../../../shared/vo';

/**
 * VOMRS and any other web registration: the VO's page, opened in an app window that presents the
 * user's certificate (Electron `select-client-certificate`), or — in browser mode — a hand-off
 * with the URL and how to import the certificate into the browser first.
 */
export interface WebHandOff {
  readonly kind: 'web';
  readonly url: string;
  /** What to do, in order, in the seed's words. */
  readonly instructions: readonly string[];
  /** The subject DN to pick when the browser asks for a certificate, when known. */
  readonly certificateDn?: string;
}

export function webRegistrationHandOff(vo: VoEntry, opts: { shell: 'electron' | 'browser'; certificateDn?: string; p12Path?: string }): WebHandOff {
  const url = vo.registration.url;
  const pick = opts.certificateDn ? `When asked for a certificate, choose “${opts.certificateDn}”.` : 'When asked for a certificate, choose your new grid certificate.';
  const phase = vo.registration.kind === 'vomrs' ? 'Fill in “Registration (Phase I)”' : 'Fill in the registration form';
  const instructions =
    opts.shell === 'electron'
      ? [`OSG Onboard opens ${url} in a window that presents your certificate.`, pick, `${phase} and accept the VO’s usage rules.`, 'Follow the link in the e-mail the VO sends you, then wait for the VO administrator.']
      : [
          `Import your certificate into this browser first: ${opts.p12Path ? `the file ${opts.p12Path}` : 'your usercred.p12'} (Firefox: Settings → Privacy & Security → Certificates → View Certificates → Your Certificates → Import; Chrome: Settings → Privacy and security → Security → Manage certificates → Import).`,
          `Open ${url}.`,
          pick,
          `${phase} and accept the VO’s usage rules.`,
          'Follow the link in the e-mail the VO sends you, then wait for the VO administrator.',
        ];
  return { kind: 'web', url, instructions, certificateDn: opts.certificateDn };
}
