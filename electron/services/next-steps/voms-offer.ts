/**
 * Next steps' "with VO attributes": which VOMS server the chosen VO names, whether the user is a
 * member (the Register step's journal section), and fetching the AC with the user's credential.
 */
import type { KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import type { VomsOfferView } from '../../../shared/contract/next-steps';
import type { VoEntry } from '../../../shared/vo';
import type { Journal } from '../journal/journal';
import { ensureDir } from '../fs/atomic';
import { readRegisterSection } from '../register/register-state';
import { loadTrustDir } from '../proxy';
import { pemEncode } from '../proxy/pem';
import { fetchVomsAc, type VomsServerAddress } from '../voms';

/** A VOMS server to ask and the CAs trusted for it (its TLS certificate and the AC). */
export interface VomsTarget {
  readonly server: VomsServerAddress;
  readonly trustedCaPems: readonly string[];
}

/** How the app finds the VOMS server of a VO (the sandbox's is running in-process; others come from the directory). */
export type VomsTargetLookup = (vo: VoEntry) => Promise<VomsTarget | null>;

/** The directory's first VOMS server, trusted through the installed CA folder. */
export function directoryVomsTarget(trustDir: () => Promise<string>): VomsTargetLookup {
  return async (vo) => {
    const s = vo.vomsServers[0];
    if (!s) return null;
    const store = await loadTrustDir(await trustDir()).catch(() => null);
    return { server: { host: s.host, port: s.port, dn: s.dn, caDn: s.caDn }, trustedCaPems: (store?.certificates ?? []).map((c) => pemEncode('CERTIFICATE', c.der)) };
  };
}

export async function vomsOffer(vo: VoEntry | null, journal: Journal, lookup: VomsTargetLookup): Promise<{ view: VomsOfferView | null; target: VomsTarget | null }> {
  if (!vo) return { view: null, target: null };
  const section = readRegisterSection(await journal.read(), vo.name);
  const member = section?.stage === 'member' || section?.stage === 'handoff-done';
  // The sandbox's server only starts for a member (no servers are started just to say "register first").
  if (vo.sandbox && !member) {
    return { view: { vo: vo.name, server: 'the sandbox VOMS server', available: false, reason: 'Register first (Register step): the VOMS server gives VO attributes to members only.' }, target: null };
  }
  const target = await lookup(vo);
  if (!target) return { view: null, target: null };
  const server = `${target.server.host}:${target.server.port}`;
  if (!member) return { view: { vo: vo.name, server, available: false, reason: 'Register first (Register step): the VOMS server gives VO attributes to members only.' }, target };
  return { view: { vo: vo.name, server, available: true }, target };
}

/** The AC for the proxy (what voms-proxy-init gets before it signs), lifetime = the proxy's. */
export async function fetchAcFor(vo: VoEntry, target: VomsTarget | null, certPem: string, key: KeyObject, hours: number, now: () => Date): Promise<Buffer> {
  if (!target) throw new OnboardError('VOMS_NO_SERVER', { vo: vo.name });
  const { der } = await fetchVomsAc({ vo: vo.name, server: target.server, certPem, key, trustedCaPems: target.trustedCaPems, lifetimeSeconds: hours * 3600, now });
  return der;
}

/** The sandbox VO's VOMS server is the one running in-process (its port and CA are per install); other VOs use the directory. */
export function sandboxAwareVomsTarget(
  sandbox: { readonly dir: string; voms(): Promise<{ readonly vomsServer?: VomsServerAddress }>; material(): Promise<{ readonly certPem: string }> } | null,
  fallback: VomsTargetLookup,
): VomsTargetLookup {
  return async (vo) => {
    if (!vo.sandbox) return fallback(vo);
    if (!sandbox) return null;
    await ensureDir(sandbox.dir, 0o700);
    const running = await sandbox.voms();
    if (!running.vomsServer) return null;
    return { server: running.vomsServer, trustedCaPems: [(await sandbox.material()).certPem] };
  };
}
