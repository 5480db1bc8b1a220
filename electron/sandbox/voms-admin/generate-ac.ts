import { isOnboardError } from '../../../shared/errors';
import type { ParsedCertificate } from '../../services/proxy/cert';
import type { TrustStore } from '../../services/proxy/trust-dir';
import { verifyParsed } from '../../services/proxy/verify';
import { buildVomsAc } from '../../services/voms/ac-build';
import { longFqan, parseFqan, parseFqanList, type Fqan } from '../../services/voms/fqan';
import { VomsAdminState, type VomsAdminStateData } from './state';
import type { VomsHostCredential } from './voms-host';

/** What the VOMS REST interface answers by default and at most (voms-server's 12 h / 24 h). */
export const DEFAULT_AC_LIFETIME_S = 12 * 3600;
export const MAX_AC_LIFETIME_S = 24 * 3600;
/** voms-admin / VOMS-AA answer version. */
const ANSWER_VERSION = 4;

export interface GenerateAcAnswer {
  readonly status: number;
  readonly body: string;
  /** Set when an AC was issued (for tests and logs). */
  readonly ac?: Buffer;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function acAnswer(ac: Buffer): string {
  // 64-column lines: the VOMS C API decodes with OpenSSL's line-oriented base64 reader.
  const b64 = (ac.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return `${XML_HEAD}<voms><ac>${b64}\n</ac><version>${ANSWER_VERSION}</version></voms>`;
}

/** VOMS error codes the clients know: NoSuchUser, SuspendedUser, BadRequest, NoSuchAttribute, InternalError. */
export function errorAnswer(status: number, code: string, message: string): GenerateAcAnswer {
  return { status, body: `${XML_HEAD}<voms><error><code>${code}</code><message>${escapeXml(message)}</message></error></voms>` };
}

export interface GenerateAcRequest {
  readonly vo: string;
  /** The client's certificate chain as the TLS peer sent it, leaf first (a proxy chain is fine). */
  readonly peerChain: readonly ParsedCertificate[];
  readonly trust: TrustStore;
  readonly state: VomsAdminStateData;
  readonly query: URLSearchParams;
  readonly host: VomsHostCredential;
  /** vomses host and port (the AC's policy authority `<vo>://<host>:<port>`). */
  readonly uriHost: string;
  readonly port: number;
  readonly now: Date;
}

/**
 * `GET /generate-ac?fqans=/<vo>[,/<vo>/<group>…]&lifetime=<s>` as VOMS servers answer it: the
 * client is identified by its (proxy) certificate chain, which must lead to a trusted CA; it must
 * be an unsuspended member; `/<vo>` grants every group of the member, a group or role must be the
 * member's. The AC's holder is the end-entity certificate; the lifetime is capped at 24 h and at
 * the end of that certificate.
 */
export function generateAc(r: GenerateAcRequest): GenerateAcAnswer {
  const verdict = verifyParsed(r.peerChain, r.trust, { now: r.now, signingPolicy: false });
  if (!verdict.valid || r.peerChain.length === 0) {
    return errorAnswer(403, 'NoSuchUser', `The client certificate is not trusted: ${verdict.errors[0]?.message ?? 'no certificate presented'}.`);
  }
  const eec = r.peerChain.find((c) => !c.extensions.some((e) => e.oid === '1.3.6.1.5.5.7.1.14' || e.oid === '1.3.6.1.4.1.3536.1.222'));
  if (!eec) return errorAnswer(403, 'NoSuchUser', 'The client sent only proxy certificates; send the chain up to your user certificate.');

  let requested: Fqan[];
  try {
    requested = parseFqanList(r.query.get('fqans') ?? `/${r.vo}`, r.vo);
  } catch (e) {
    if (!isOnboardError(e)) throw e;
    return errorAnswer(400, 'BadRequest', e.message);
  }
  const lifetimeText = r.query.get('lifetime');
  let lifetime = DEFAULT_AC_LIFETIME_S;
  if (lifetimeText !== null && lifetimeText !== '' && lifetimeText !== '-1') {
    if (!/^\d{1,9}$/.test(lifetimeText) || Number(lifetimeText) === 0) return errorAnswer(400, 'BadRequest', `lifetime must be a positive number of seconds, not “${lifetimeText}”.`);
    lifetime = Number(lifetimeText);
  }

  const member = VomsAdminState.memberByDn(r.state, eec.subjectDn, eec.issuerDn);
  if (!member) return errorAnswer(403, 'NoSuchUser', `${eec.subjectDn} (issued by ${eec.issuerDn}) is not a member of the VO ${r.vo}.`);
  if (member.suspended || member.certificates.some((c) => c.subjectString === eec.subjectDn && c.suspended)) {
    return errorAnswer(403, 'SuspendedUser', `The membership of ${eec.subjectDn} in ${r.vo} is suspended.`);
  }
  const memberGroups = member.fqans.map((f) => parseFqan(f, r.vo).group);
  const granted: string[] = [];
  const grant = (f: string) => {
    if (!granted.includes(f)) granted.push(f);
  };
  // Explicitly asked-for attributes first (the order the client asked), then the rest of a `/vo` request.
  for (const f of requested) {
    if (f.role !== 'NULL' || f.capability !== 'NULL') return errorAnswer(403, 'NoSuchAttribute', `You hold no role ${f.role} in ${r.vo}.`);
    if (!memberGroups.includes(f.group)) return errorAnswer(403, 'NoSuchAttribute', `You are not a member of the group ${f.group}.`);
    grant(longFqan(f));
  }
  if (requested.some((f) => f.group === `/${r.vo}`)) for (const g of memberGroups) grant(longFqan(parseFqan(g, r.vo)));

  const notBefore = new Date(Math.floor(r.now.getTime() / 1000) * 1000 - 5 * 60_000);
  const wanted = Math.floor(r.now.getTime() / 1000) * 1000 + Math.min(lifetime, MAX_AC_LIFETIME_S) * 1000;
  const notAfter = new Date(Math.min(wanted, eec.notAfter.getTime(), r.host.cert.notAfter.getTime()));
  const ac = buildVomsAc({
    holder: eec, serverCert: r.host.cert, serverKey: r.host.key, vo: r.vo, host: r.uriHost, port: r.port, fqans: granted, notBefore, notAfter,
  });
  return { status: 200, body: acAnswer(ac), ac };
}
