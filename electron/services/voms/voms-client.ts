import https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { formatSlashDn, parseSlashDn } from '../../../shared/dn';
import { parseCertificate } from '../proxy/cert';
import { makeTrustStore } from '../proxy/trust-dir';
import { pemBlocks } from '../pki/der';
import { parseVomsAc, type VomsAc } from './ac-read';
import { verifyVomsAc } from './ac-verify';

/** A VO's VOMS server as the VO directory lists it (vomses line + `.lsc`). */
export interface VomsServerAddress {
  readonly host: string;
  readonly port: number;
  /** The server certificate's subject. */
  readonly dn: string;
  /** Its CA's subject (the `.lsc` second line). */
  readonly caDn?: string;
}

export interface FetchVomsAcOptions {
  readonly vo: string;
  readonly server: VomsServerAddress;
  /** The user's certificate PEM (chain after it allowed) and key: the TLS client credential. */
  readonly certPem: string;
  readonly key: KeyObject | string;
  /** CA certificates trusted for the server's certificate and the AC (the installed CAs). */
  readonly trustedCaPems: readonly string[];
  /** Default `/<vo>` (every group of the member). */
  readonly fqans?: readonly string[];
  /** Seconds (default 12 h; the server caps it). */
  readonly lifetimeSeconds?: number;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

export interface FetchedVomsAc {
  readonly der: Buffer;
  readonly ac: VomsAc;
}

const norm = (dn: string) => {
  try {
    return formatSlashDn(parseSlashDn(dn));
  } catch {
    return dn;
  }
};

const MAX_ANSWER = 1024 * 1024;

function xmlText(body: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body);
  return m ? m[1].replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : undefined;
}

/**
 * `voms-proxy-init -voms <vo>`'s first half: asks the VO's VOMS server for an attribute
 * certificate over client-certificate TLS (REST `GET /generate-ac`), checks the server is the
 * one the VO names, and verifies the AC by the `.lsc` rule before handing it out.
 */
export async function fetchVomsAc(o: FetchVomsAcOptions): Promise<FetchedVomsAc> {
  const { vo, server } = o;
  const url = `https://${server.host}:${server.port}`;
  const fqans = (o.fqans?.length ? o.fqans : [`/${vo}`]).join(',');
  const lifetime = Math.max(1, Math.floor(o.lifetimeSeconds ?? 12 * 3600));
  const path = `/generate-ac?fqans=${encodeURI(fqans)}&lifetime=${lifetime}`;
  const key = typeof o.key === 'string' ? o.key : o.key.export({ type: 'pkcs8', format: 'pem' }).toString();

  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(
      {
        host: server.host, port: server.port, path, method: 'GET', agent: false, cert: o.certPem, key, ca: [...o.trustedCaPems],
        minVersion: 'TLSv1.2', timeout: o.timeoutMs ?? 20_000, headers: { Accept: 'text/xml', 'User-Agent': 'OSG Onboard (voms)' },
        // The VOMS server is recognised by its DN (vomses), not by a host name in its certificate.
        checkServerIdentity: (_host, cert) => {
          const dn = parseCertificate(Buffer.from(cert.raw)).subjectDn;
          return norm(dn) === norm(server.dn) ? undefined : new Error(`the server presented ${dn}, not ${server.dn}`);
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) req.destroy(new Error('the answer is larger than 1 MB'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round((o.timeoutMs ?? 20_000) / 1000)} s`)));
    req.on('error', reject);
    req.end();
  }).catch((e: Error) => {
    if (/larger than 1 MB/.test(e.message)) throw new OnboardError('VOMS_BAD_ANSWER', { vo, detail: e.message });
    throw new OnboardError('VOMS_SERVER_UNREACHABLE', { vo, url, detail: e.message }, { cause: e });
  });

  if (!/<voms>/.test(body)) throw new OnboardError('VOMS_BAD_ANSWER', { vo, detail: `HTTP ${status} without a <voms> answer` });
  const acText = xmlText(body, 'ac');
  if (status !== 200 || !acText) {
    const code = xmlText(body, 'code') ?? `HTTP ${status}`;
    const message = xmlText(body, 'message') ?? '(no message)';
    if (code === 'NoSuchUser') {
      const dn = parseCertificate(pemBlocks(o.certPem, 'CERTIFICATE')[0]).subjectDn;
      throw new OnboardError('VOMS_NOT_MEMBER', { vo, dn });
    }
    throw new OnboardError('VOMS_SERVER_REFUSED', { vo, code, detail: message });
  }
  const der = Buffer.from(acText.replace(/\s+/g, ''), 'base64');
  const ac = parseVomsAc(der); // VOMS_AC_INVALID when it is not an AC
  const trust = makeTrustStore(o.trustedCaPems.flatMap((p) => pemBlocks(p, 'CERTIFICATE')).map((d) => parseCertificate(d)));
  const user = parseCertificate(pemBlocks(o.certPem, 'CERTIFICATE')[0]);
  const check = verifyVomsAc(ac, {
    lsc: server.caDn ? [[server.dn, server.caDn]] : [[server.dn]],
    trust,
    holder: { dn: user.subjectDn, serial: user.serial },
    now: o.now?.(),
  });
  if (!check.valid) throw new OnboardError('VOMS_AC_UNTRUSTED', { vo, detail: check.errors.join('; ') });
  if (ac.vo !== vo) throw new OnboardError('VOMS_AC_UNTRUSTED', { vo, detail: `the AC is for the VO “${ac.vo}”` });
  return { der, ac };
}
