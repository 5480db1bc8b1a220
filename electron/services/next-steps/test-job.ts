/**
 * "The next steps are to run a test job, and then real jobs" (seed 000). The commands the
 * Next steps screen offers to copy: look at the proxy, check it for real (openssl verify —
 * voms-proxy-info and grid-proxy-info do not verify signatures), run a test job with HTCondor
 * on the submit host, copy a file with the proxy. Short, copyable, with the user's own paths.
 */
import type { CommandBlock } from '../../../shared/contract/next-steps';
import type { VoEntry } from '../../../shared/vo';

/** Quotes for a POSIX shell when needed (paths with spaces or quotes). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface TestJobOptions {
  readonly proxyPath: string;
  /** Where grid tools look without being told ($X509_USER_PROXY unset): /tmp/x509up_u<uid>. */
  readonly toolsDefaultPath: string;
  readonly trustDir: string;
  readonly vo: VoEntry | null;
  /** Where the Upload step last put the credential (its account is the user's there). */
  readonly uploadedTo?: { readonly host: string; readonly port: number; readonly username: string } | null;
}

export const SUBMIT_FILE = [
  'universe   = vanilla',
  'executable = /bin/hostname',
  'output     = test.out',
  'error      = test.err',
  'log        = test.log',
  'use_x509userproxy = true',
  'queue',
].join('\n');

export function testJobCommands(o: TestJobOptions): CommandBlock[] {
  const p = shellQuote(o.proxyPath);
  const custom = o.proxyPath !== o.toolsDefaultPath;
  const exportLine = custom ? [`export X509_USER_PROXY=${p}`] : [];
  const host = o.uploadedTo ?? o.vo?.submitHosts[0];
  const hostName = host?.host ?? 'SUBMIT_HOSTNAME';
  const sshPort = host && host.port !== 22 ? ` -p ${host.port}` : '';
  const user = o.uploadedTo ? shellQuote(o.uploadedTo.username) : 'YOUR_USERNAME';
  const voms = o.vo && o.vo.vomsServers.length > 0 ? `voms-proxy-init -voms ${o.vo.name}` : 'grid-proxy-init';
  const sandbox = o.vo?.sandbox === true;
  return [
    {
      id: 'check',
      title: 'Look at your proxy',
      description: 'What the grid tools see: subject, identity, type, time left.',
      commands: [...exportLine, 'voms-proxy-info --all', 'grid-proxy-info -all'].join('\n'),
    },
    {
      id: 'verify',
      title: 'Check it against the trusted CAs',
      description: 'The real check: the tools above print any proxy, even a broken one; openssl verifies every signature up to your CA.',
      commands: `openssl verify -allow_proxy_certs -CApath ${shellQuote(o.trustDir)} -untrusted ${p} ${p}`,
    },
    {
      id: 'test-job',
      title: 'Run a test job on your submit host',
      description:
        (o.uploadedTo
          ? `Log in to ${hostName} as ${o.uploadedTo.username}, where the Upload step put your certificate in ~/.globus; make a proxy there and submit a job that prints the name of the machine it ran on.`
          : host
          ? `Log in to ${hostName}, your VO’s submit host, where the Upload step put your certificate in ~/.globus; make a proxy there and submit a job that prints the name of the machine it ran on.`
          : 'Log in to the submit host your VO named (replace SUBMIT_HOSTNAME), where the Upload step put your certificate in ~/.globus; make a proxy there and submit a job that prints the name of the machine it ran on.') +
        (sandbox ? ' The sandbox’s practice submit host only receives files: it runs no jobs — with your VO’s real submit host these commands run a test job.' : '') +
        (o.uploadedTo ? '' : ' Replace YOUR_USERNAME with your user id on the submit host.'),
      commands: [
        `ssh${sshPort} ${user}@${hostName}`,
        voms,
        `cat > test.sub <<'EOF'`,
        SUBMIT_FILE,
        'EOF',
        'condor_submit test.sub',
        'condor_q',
        'cat test.out',
      ].join('\n'),
    },
    {
      id: 'transfer',
      title: 'Copy a file with your proxy',
      description: 'Where your site runs a GridFTP server: the proxy authenticates you, no password asked.',
      commands: [...exportLine, `globus-url-copy -vb file:///etc/hostname gsiftp://${hostName}/tmp/osg-onboard-test.txt`].join('\n'),
    },
  ];
}
