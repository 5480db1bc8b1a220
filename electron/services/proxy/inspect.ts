import { OnboardError } from '../../../shared/errors';
import { basicConstraints, findExtension, keyUsage, KEY_USAGE_BITS, lastCn, OID, proxyCertInfo, publicKeyBits, type ParsedCertificate } from './cert';
import { parseProxyFile } from './proxy-file';
import { parseVomsExtension, VOMS_AC_EXTENSION_OID, type VomsAttributeCertificate } from './voms-ac';

/** OpenSSL's key usage words (what voms-proxy-info prints). */
const KEY_USAGE_WORDS: Record<(typeof KEY_USAGE_BITS)[number], string> = {
  digitalSignature: 'Digital Signature',
  nonRepudiation: 'Non Repudiation',
  keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment',
  keyAgreement: 'Key Agreement',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  encipherOnly: 'Encipher Only',
  decipherOnly: 'Decipher Only',
};

export interface VomsInfo extends VomsAttributeCertificate {
  readonly timeleftSeconds: number;
  readonly timeleft: string;
}

/** What `voms-proxy-info --all` shows (and grid-proxy-info's identity and type), as data. */
export interface ProxyInfo {
  readonly subject: string;
  readonly issuer: string;
  /** The identity services authorize: the end-entity subject, every proxy CN removed (grid-proxy-info, myproxy-server). */
  readonly identity: string;
  /** What voms-proxy-info prints as identity: the issuer of the first certificate. */
  readonly vomsIdentity: string;
  /** voms-proxy-info's type words ("RFC compliant proxy", "GT3-style proxy", "unknown"). */
  readonly type: string;
  /** grid-proxy-info's type words ("RFC 3820 compliant impersonation proxy", "end entity credential", …). */
  readonly proxyType: string;
  readonly isProxy: boolean;
  readonly limited: boolean;
  /** Key size in bits. */
  readonly strength: number;
  readonly path?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly timeleftSeconds: number;
  /** `H:MM:SS`, as voms-proxy-info prints it. */
  readonly timeleft: string;
  readonly keyUsage: readonly string[];
  /** The same names in OpenSSL's escaped one-line form, as grid tools print them (`\xC3\xBC`). */
  readonly oneline: { readonly subject: string; readonly issuer: string; readonly identity: string; readonly vomsIdentity: string };
  /** Length of the chain in the file (leaf included). */
  readonly chainLength: number;
  /** `user:<id>` when the first proxy after the end-entity certificate is a PUSP (not verified here). */
  readonly puspLabel?: string;
  readonly vo: readonly VomsInfo[];
  readonly hasPrivateKey: boolean;
}

export function formatTimeleft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function isLegacyProxy(c: ParsedCertificate, issuer: ParsedCertificate | undefined): 'full' | 'limited' | undefined {
  const cn = lastCn(c);
  if (!issuer || c.issuerKey !== issuer.subjectKey) return undefined;
  if (cn === 'proxy') return 'full';
  if (cn === 'limited proxy') return 'limited';
  return undefined;
}

function typeWords(c: ParsedCertificate, issuer: ParsedCertificate | undefined): { type: string; proxyType: string; isProxy: boolean; limited: boolean } {
  const pci = proxyCertInfo(c);
  if (pci) {
    const kind =
      pci.policyLanguage === OID.pplInheritAll ? 'impersonation'
      : pci.policyLanguage === OID.pplGlobusLimited ? 'limited'
      : pci.policyLanguage === OID.pplIndependent ? 'independent'
      : 'restricted';
    return {
      type: pci.rfc ? 'RFC compliant proxy' : 'GT3-style proxy',
      proxyType: `${pci.rfc ? 'RFC 3820' : 'Proxy draft (pre-RFC)'} compliant ${kind} proxy`,
      isProxy: true,
      limited: kind === 'limited',
    };
  }
  const legacy = isLegacyProxy(c, issuer);
  if (legacy) return { type: 'unknown', proxyType: `${legacy} legacy globus proxy`, isProxy: true, limited: legacy === 'limited' };
  if (basicConstraints(c)?.ca) return { type: 'unknown', proxyType: 'CA certificate', isProxy: false, limited: false };
  return { type: 'unknown', proxyType: 'end entity credential', isProxy: false, limited: false };
}

/**
 * Reads a proxy file (or any PEM chain) and describes its first certificate the way
 * voms-proxy-info --all does. Like those tools it does NOT verify anything: use verifyChain.
 */
export function inspectProxy(text: string, opts: { path?: string; now?: Date } = {}): ProxyInfo {
  const file = opts.path ?? 'the file';
  const { certificates, privateKeyPem } = parseProxyFile(text, file);
  const now = (opts.now ?? new Date()).getTime();
  const leaf = certificates[0];
  try {
    const words = typeWords(leaf, certificates[1]);
    // Identity: strip proxies from the leaf upwards until the first non-proxy certificate.
    let eec = leaf;
    let firstProxyAfterEec: ParsedCertificate | undefined;
    for (let i = 0; i < certificates.length; i++) {
      const c = certificates[i];
      if (!typeWords(c, certificates[i + 1]).isProxy) {
        eec = c;
        break;
      }
      firstProxyAfterEec = c;
      eec = c;
    }
    let identity = eec.subjectDn;
    let identityOneline = eec.subjectOneline;
    if (eec === leaf && words.isProxy) {
      // A proxy file without the EEC: strip the proxy CNs by name, as grid-proxy-info does.
      identity = leaf.issuerDn;
      identityOneline = leaf.issuerOneline;
    }
    const ku = keyUsage(leaf);
    const vo: VomsInfo[] = [];
    const vomsExt = findExtension(leaf, VOMS_AC_EXTENSION_OID);
    if (vomsExt) {
      for (const ac of parseVomsExtension(vomsExt.value)) {
        const left = Math.max(0, Math.floor((ac.notAfter.getTime() - now) / 1000));
        vo.push({ ...ac, timeleftSeconds: left, timeleft: formatTimeleft(left) });
      }
    }
    const timeleftSeconds = Math.max(0, Math.floor((leaf.notAfter.getTime() - now) / 1000));
    const pusp = firstProxyAfterEec && lastCn(firstProxyAfterEec)?.startsWith('user:') ? lastCn(firstProxyAfterEec) : undefined;
    return {
      subject: leaf.subjectDn,
      issuer: leaf.issuerDn,
      identity,
      vomsIdentity: leaf.issuerDn,
      ...words,
      strength: publicKeyBits(leaf.spki),
      path: opts.path,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      timeleftSeconds,
      timeleft: formatTimeleft(timeleftSeconds),
      keyUsage: ku ? KEY_USAGE_BITS.filter((b) => ku.has(b)).map((b) => KEY_USAGE_WORDS[b]) : [],
      oneline: { subject: leaf.subjectOneline, issuer: leaf.issuerOneline, identity: identityOneline, vomsIdentity: leaf.issuerOneline },
      chainLength: certificates.length,
      puspLabel: pusp,
      vo,
      hasPrivateKey: privateKeyPem !== undefined,
    };
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('PROXY_FILE_INVALID', { file, detail: (e as Error).message });
  }
}

/** The text `voms-proxy-info [--all]` prints, from a ProxyInfo (Unicode names). */
export function formatProxyInfo(info: ProxyInfo, all = true): string {
  const line = (k: string, v: string | number) => `${k.padEnd(9)} : ${v}\n`;
  let out =
    line('subject', info.subject) + line('issuer', info.issuer) + line('identity', info.identity) +
    line('type', info.proxyType) + line('strength', `${info.strength} bits`) +
    (info.path ? line('path', info.path) : '') + line('timeleft', info.timeleft);
  if (info.puspLabel) out += line('pusp', info.puspLabel);
  if (!all) return out;
  if (info.keyUsage.length) out += line('key usage', info.keyUsage.join(', '));
  for (const v of info.vo) {
    out += `=== VO ${v.vo} extension information ===\n`;
    out += line('VO', v.vo) + line('subject', v.subject) + line('issuer', v.issuer);
    for (const a of v.attributes) out += line('attribute', a);
    out += line('timeleft', v.timeleft) + line('uri', v.uri);
  }
  return out;
}
