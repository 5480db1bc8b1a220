/**
 * The proxy library's answers (ProxyInfo, VerifyResult, RobotCheck) as contract views: dates as
 * ISO strings, only public fields. Nothing here can carry a key: the views are built field by
 * field, never spread from the library's objects.
 */
import { promises as fsp } from 'node:fs';
import { isOnboardError } from '../../../shared/errors';
import { formatProxyInfo, verifyChain, type ProxyInfo, type RobotCheck, type VerifyResult } from '../proxy';
import type { ProxyInfoView, RobotCheckView, VerificationView } from '../../../shared/contract/next-steps';

export function toInfoView(info: ProxyInfo): ProxyInfoView {
  return {
    subject: info.subject,
    issuer: info.issuer,
    identity: info.identity,
    vomsIdentity: info.vomsIdentity,
    type: info.proxyType,
    isProxy: info.isProxy,
    limited: info.limited,
    strength: info.strength,
    path: info.path,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    timeleftSeconds: info.timeleftSeconds,
    timeleft: info.timeleft,
    keyUsage: [...info.keyUsage],
    chainLength: info.chainLength,
    puspLabel: info.puspLabel,
    vo: info.vo.map((v) => ({
      vo: v.vo,
      subject: v.subject,
      issuer: v.issuer,
      attributes: [...v.attributes],
      notAfter: v.notAfter.toISOString(),
      timeleftSeconds: v.timeleftSeconds,
      timeleft: v.timeleft,
      uri: v.uri,
    })),
    hasPrivateKey: info.hasPrivateKey,
    text: formatProxyInfo(info, true),
  };
}

export function toRobotView(r: RobotCheck): RobotCheckView {
  return { robot: r.robot, evidence: [...r.evidence], problems: [...r.problems] };
}

const reason = (r: { code: string; message: string; depth?: number }) => ({ code: r.code, message: r.message, ...(r.depth !== undefined ? { depth: r.depth } : {}) });

export function toVerificationView(v: VerifyResult, trustDir: string): VerificationView {
  return {
    valid: v.valid,
    trustDir,
    errors: v.errors.map(reason),
    warnings: v.warnings.map(reason),
    path: v.path.map((p) => ({ role: p.role, subject: p.subject, notAfter: p.notAfter.toISOString(), source: p.source, ...(p.proxyPolicy ? { proxyPolicy: p.proxyPolicy } : {}) })),
    identity: v.identity,
    identityReasons: v.identityReasons.map(reason),
    pusp: v.pusp ? { userLabel: v.pusp.userLabel, subject: v.pusp.subject } : undefined,
    robot: v.robot ? toRobotView(v.robot) : undefined,
  };
}

/** Verification against the trusted CA folder; a typed failure (e.g. a missing folder) is a reason in the view, not a crash. */
export async function verifyToView(text: string, trustDir: string, now: Date): Promise<VerificationView> {
  try {
    return toVerificationView(await verifyChain({ chain: text, trust: trustDir, now }), trustDir);
  } catch (e) {
    if (!isOnboardError(e)) throw e;
    return { valid: false, trustDir, errors: [{ code: e.code, message: `${e.message} ${e.hint}` }], warnings: [], path: [], identityReasons: [] };
  }
}

/** `0600`-style mode of a file, or undefined when it cannot be read (Windows: not meaningful). */
export async function fileMode(file: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  try {
    return '0' + ((await fsp.stat(file)).mode & 0o777).toString(8).padStart(3, '0');
  } catch {
    return undefined;
  }
}
