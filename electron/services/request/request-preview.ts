/**
 * What the Request step shows before anything is made: the VO and sponsor, the CA connection,
 * the subject the CA will issue for the typed name and e-mail, the agreement and key choices.
 */
import { createHash } from 'node:crypto';
import { formatRfc4514Dn, formatSlashDn, type Dn } from '../../../shared/dn';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { policyFor, type PolicyText } from '../../../shared/request-policy';
import { REQUEST_KEY_SIZES, type ConnectorView, type RequestPreview } from '../../../shared/contract/request';
import type { VoEntry } from '../../../shared/vo';
import { sandboxIdentity, latinName } from '../../sandbox/ca';
import type { Sandbox } from '../../sandbox';
import { checkEstUrl, sandboxCaTrusted, sandboxEndpoint } from './connector';
import type { KeyProtection } from './key-protection';

export function policySha256(p: PolicyText): string {
  return createHash('sha256').update(JSON.stringify([p.version, p.title, ...p.paragraphs])).digest('hex');
}

/** The subject sent in the CSR for a generic EST CA (it sets the final subject itself). */
export function estSubject(name: string, email: string): Dn {
  const cn = latinName(name);
  if (!/^[A-Za-z][A-Za-z .'-]{1,63}$/.test(cn)) {
    throw new OnboardError('INVALID_INPUT', { field: 'name', detail: 'may use Latin letters, spaces, hyphens, apostrophes and full stops only' });
  }
  return [[{ type: 'CN', value: cn }], [{ type: 'emailAddress', value: email }]];
}

export async function buildPreview(
  o: { readonly vo: VoEntry; readonly sandbox: Sandbox | null; readonly dataDir: string; readonly keys: KeyProtection },
  input: { name: string; email: string; estUrl?: string },
): Promise<RequestPreview> {
  const vo = o.vo;
  const policy = policyFor(vo);
  const keys = await o.keys.resolve();
  let connector: ConnectorView;
  const sandboxed = vo.sandbox && o.sandbox && !input.estUrl;
  if (sandboxed) {
    const ep = await sandboxEndpoint(o.sandbox!);
    connector = {
      kind: 'sandbox',
      estUrl: ep.estUrl,
      description: 'The sandbox CA on this computer (EST, RFC 7030). Your sponsor approves on the sandbox sponsor page — in the sandbox, that is you.',
      caTrusted: await sandboxCaTrusted(o.sandbox!, o.dataDir),
      trustBundle: 'sandbox',
      enrolmentCode: 'sandbox-default',
    };
  } else if (input.estUrl) {
    let url = input.estUrl;
    try {
      url = checkEstUrl(input.estUrl);
    } catch {
      // shown as typed; requestStart names the problem
    }
    connector = {
      kind: 'est',
      estUrl: url,
      description: 'The EST (RFC 7030) certificate authority at this address. Its certificate must be installed by the Trust CAs step.',
      caTrusted: null,
      enrolmentCode: 'unknown',
    };
  } else {
    connector = {
      kind: 'none',
      description: `OSG Onboard knows no certificate authority connection for ${vo.displayName} in this version. If your VO gave you an EST address and an enrolment code, enter them below; otherwise follow your VO’s instructions to get your certificate (for OSG: CILogon).`,
      caTrusted: null,
      enrolmentCode: 'unknown',
    };
  }
  let subject: Dn | undefined;
  let problem: RequestPreview['problem'];
  if (input.name) {
    try {
      subject = sandboxed ? sandboxIdentity({ name: input.name, email: input.email || undefined }).subject : input.email ? estSubject(input.name, input.email) : undefined;
    } catch (e) {
      if (!isOnboardError(e) || e.code !== 'INVALID_INPUT') throw e;
      problem = { field: e.details?.field === 'e-mail' ? 'email' : 'name', message: e.message };
    }
  }
  return {
    vo: { name: vo.name, displayName: vo.displayName, sponsor: vo.sponsor, sandbox: vo.sandbox },
    connector,
    subject: subject ? formatSlashDn(subject) : undefined,
    subjectRfc4514: subject ? formatRfc4514Dn(subject) : undefined,
    subjectNote: sandboxed
      ? 'The sandbox CA writes your name in Latin letters, as in a passport, and adds a stable id so that two people never share a name. Your e-mail address goes into the certificate’s alternative names.'
      : 'Your CA decides the final name in the certificate; the request carries your name and e-mail address.',
    problem,
    policy: { ...policy, sha256: policySha256(policy) },
    keySizes: REQUEST_KEY_SIZES,
    defaultKeySize: 2048,
    keyProtection: keys.view,
  };
}
