import { OnboardError } from '../../../shared/errors';
import { normalizeFingerprint, parseCa, publicInfo } from './certificate';
import type { BundleData, BundleSummary, ResolvedBundle, RuntimeBundle, RuntimeBundleProvider, TrustedCa } from './types';
import osgBundle from './bundles/osg.json';

/** The bundles shipped as data (electron/services/trust/bundles/*.json). */
export const BUILTIN_BUNDLES: readonly BundleData[] = [osgBundle as BundleData];

function runtimeToData(b: RuntimeBundle): BundleData {
  return {
    name: b.name,
    displayName: b.displayName ?? b.name,
    description: b.description ?? `The CA certificates of “${b.name}”, made on this computer.`,
    certificates: b.certificates.map((c) => ({
      pem: c.pem,
      sha256: c.pin,
      role: c.role,
      source: `made at run time (${b.name}); pinned by its maker`,
      signingPolicy: c.signingPolicy,
      namespaces: c.namespaces,
    })),
  };
}

/** A Globus EACL allowing the CA to sign any subject: for runtime CAs that bring no policy. */
export function permissiveSigningPolicy(subject: string): string {
  const quoted = subject.replace(/'/g, "\\'");
  return (
    `# Written by OSG Onboard for a CA made on this computer: it may sign any subject.\n` +
    `access_id_CA   X509    '${quoted}'\n` +
    `pos_rights     globus  CA:sign\n` +
    `cond_subjects  globus  '"/*"'\n`
  );
}

/**
 * Checks every certificate of a bundle against its pin. Any mismatch or unreadable entry
 * throws before anything is returned, so a tampered bundle installs nothing.
 */
export function verifyBundle(data: BundleData, runtime = false): TrustedCa[] {
  if (!data.certificates?.length) {
    throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: data.name, detail: 'it has no certificates' });
  }
  const seen = new Set<string>();
  return data.certificates.map((c, i) => {
    const label = `#${i + 1}`;
    if (typeof c.pem !== 'string' || typeof c.sha256 !== 'string') {
      throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: data.name, detail: `certificate ${label} has no PEM or no pin` });
    }
    const expected = normalizeFingerprint(c.sha256);
    if (!/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(expected)) {
      throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: data.name, detail: `the pin of certificate ${label} is not a SHA-256 fingerprint` });
    }
    let parsed;
    try {
      parsed = parseCa(c.pem);
    } catch (e) {
      // A damaged PEM is a failed pin too: say which CA (by position) and that nothing was installed.
      throw new OnboardError('TRUST_PIN_MISMATCH', { bundle: data.name, ca: `${label} (unreadable: ${(e as Error).message})`, expected, actual: 'no certificate' });
    }
    if (parsed.sha256 !== expected) {
      throw new OnboardError('TRUST_PIN_MISMATCH', { bundle: data.name, ca: parsed.name, expected, actual: parsed.sha256 });
    }
    if (!parsed.isCa) {
      throw new OnboardError('TRUST_CERT_INVALID', { bundle: data.name, ca: parsed.name, detail: 'it is not a CA certificate (basicConstraints CA:TRUE missing)' });
    }
    if (seen.has(parsed.sha256)) {
      throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: data.name, detail: `“${parsed.name}” is listed twice` });
    }
    seen.add(parsed.sha256);
    const role = c.role ?? (parsed.selfSigned ? 'root' : 'intermediate');
    const generate = runtime && !c.signingPolicy;
    return {
      ...parsed,
      role,
      source: c.source ?? '',
      signingPolicy: generate ? permissiveSigningPolicy(parsed.subject) : c.signingPolicy,
      signingPolicyGenerated: generate || undefined,
      namespaces: c.namespaces,
    };
  });
}

export class BundleRegistry {
  constructor(
    private readonly builtin: readonly BundleData[] = BUILTIN_BUNDLES,
    private readonly runtime?: RuntimeBundleProvider,
  ) {}

  private async all(): Promise<{ data: BundleData; runtime: boolean }[]> {
    const extra = this.runtime ? await this.runtime() : [];
    return [...extra.map((b) => ({ data: runtimeToData(b), runtime: true })), ...this.builtin.map((data) => ({ data, runtime: false }))];
  }

  async names(): Promise<string[]> {
    return (await this.all()).map((b) => b.data.name);
  }

  private async find(name: string): Promise<{ data: BundleData; runtime: boolean }> {
    const all = await this.all();
    const hit = all.find((b) => b.data.name === name) ?? all.find((b) => b.data.aliases?.includes(name));
    if (!hit) throw new OnboardError('TRUST_BUNDLE_UNKNOWN', { name, known: all.map((b) => b.data.name).join(', ') || '(none)' });
    return hit;
  }

  /** The bundle with every pin verified; throws TRUST_PIN_MISMATCH on any tampering. */
  async resolve(name: string): Promise<ResolvedBundle> {
    const { data, runtime } = await this.find(name);
    return { name: data.name, displayName: data.displayName ?? data.name, cas: verifyBundle(data, runtime) };
  }

  /** Every bundle for the UI; each is verified, so a tampered one fails here too. */
  async list(): Promise<BundleSummary[]> {
    const out: BundleSummary[] = [];
    for (const { data, runtime } of await this.all()) {
      const cas = verifyBundle(data, runtime);
      out.push({
        name: data.name,
        aliases: data.aliases ?? [],
        displayName: data.displayName ?? data.name,
        description: data.description ?? '',
        runtime,
        notes: data.notes ?? [],
        certificates: cas.map((ca) => ({
          ...publicInfo(ca),
          role: ca.role,
          source: ca.source,
          hasSigningPolicy: Boolean(ca.signingPolicy),
          hasNamespaces: Boolean(ca.namespaces),
        })),
      });
    }
    return out;
  }
}
