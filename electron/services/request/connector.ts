/**
 * Which certificate authority a request goes to, and how to reach it: the sandbox CA (EST,
 * started in this process, or the one another process runs over the same folder), or an RFC
 * 7030 server the user named. The CA's TLS is checked against the app's own trust only
 * (`appTlsCa`): a CA the Trust CAs step did not install is refused.
 */
import { X509Certificate } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import type { EstAuth, EstEndpoint } from '../issuer';
import { estBaseUrl } from '../issuer';
import { appTlsCa, readAppTrust } from '../trust';
import type { Sandbox } from '../../sandbox';

export interface SandboxEndpoint {
  readonly estUrl: string;
  readonly enrolmentCode: string;
  /** Only when the CA runs in this process (the admin token is made per start). */
  readonly sponsorUrl?: string;
}

/**
 * The sandbox CA's address and enrolment code: started here on first use, or — when another
 * process (the app, `osg-onboard sandbox start`) already serves this folder — read from the
 * state it keeps there (`server.json`, `enrolment-code`).
 */
export async function sandboxEndpoint(sandbox: Sandbox): Promise<SandboxEndpoint> {
  try {
    const ca = await sandbox.ca();
    return { estUrl: ca.estUrl, enrolmentCode: ca.enrolmentCode, sponsorUrl: ca.sponsorUrl };
  } catch (e) {
    if (!isOnboardError(e) || e.code !== 'SANDBOX_CA_RUNNING') throw e;
    const read = (f: string) => fsp.readFile(path.join(sandbox.caDir, f), 'utf8');
    const port = Number(JSON.parse(await read('server.json')).port);
    const enrolmentCode = (await read('enrolment-code')).trim();
    return { estUrl: `https://127.0.0.1:${port}/.well-known/est`, enrolmentCode };
  }
}

function fingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

/** Whether the app's trust holds the sandbox CA (the Trust CAs step installs it). */
export async function sandboxCaTrusted(sandbox: Sandbox, dataDir: string): Promise<boolean> {
  const want = (await sandbox.material()).fingerprint256.toUpperCase();
  return (await readAppTrust(dataDir)).some((pem) => fingerprint(pem)?.toUpperCase() === want);
}

/** Refuses before any key is made when the sandbox CA is not trusted yet. */
export async function requireSandboxTrusted(sandbox: Sandbox, dataDir: string): Promise<void> {
  if (await sandboxCaTrusted(sandbox, dataDir)) return;
  const m = await sandbox.material();
  throw new OnboardError('REQUEST_CA_NOT_TRUSTED', { ca: `the sandbox CA (${m.subject})`, bundle: 'sandbox' });
}

/** A normalised EST base URL (typed errors for a bad one). */
export function checkEstUrl(url: string): string {
  return estBaseUrl(url).href;
}

/** The endpoint over the app's trust. */
export async function endpointFor(estUrl: string, dataDir: string): Promise<EstEndpoint> {
  return { url: estUrl, ca: await appTlsCa(dataDir), timeoutMs: 30_000 };
}

/** HTTP Basic with the enrolment code (EST servers ignore the user name; ours too). */
export function codeAuth(code: string | undefined): EstAuth {
  return code ? { basic: { username: 'osg-onboard', password: code } } : {};
}
