/** Pure helpers of the Trust CAs step: per-database results, the stepper's summary, "is it done". */
import path from 'node:path';
import type { TrustDbResult, TrustTargetResultView } from '../../../shared/contract/trust';
import type { TrustService } from './trust-service';
import type { BundleSummary, TargetResult } from './types';
import type { NssDb } from './targets/nss-discovery';

/** Databases whose password callback was answered with nothing: no password given, or skipped by the user. */
export interface PasswordAsks {
  readonly missing: Map<string, string>;
  readonly skipped: Map<string, string>;
}

const CHANGING = new Set(['add', 'set-trust', 'create', 'remove', 'restore-trust']);

/**
 * Splits the `nss` target's result into one line per database. A database the user chose to
 * skip is reported as `skipped`; when skips are the only failures, the target is not `failed`.
 */
export function nssDbResults(r: TargetResult, dbs: readonly Pick<NssDb, 'db' | 'label'>[], asks: PasswordAsks): TrustTargetResultView {
  const lines: TrustDbResult[] = dbs.map((d) => {
    const failNote = r.notes.find((n) => n.startsWith(`${d.label}: `));
    const message = failNote?.slice(d.label.length + 2);
    if (asks.skipped.has(d.db)) return { db: d.db, label: d.label, status: 'skipped', message: 'protected by a Primary Password; skipped as you asked — nothing in it was changed' };
    if (asks.missing.has(d.db)) return { db: d.db, label: d.label, status: 'password-needed', message };
    if (failNote) return { db: d.db, label: d.label, status: 'failed', message };
    const changed = r.changes.some((c) => c.where === d.db && CHANGING.has(c.action));
    return { db: d.db, label: d.label, status: changed ? 'changed' : 'unchanged' };
  });
  const failures = lines.filter((l) => l.status === 'failed' || l.status === 'password-needed');
  const skips = lines.filter((l) => l.status === 'skipped');
  if (r.status === 'failed' && failures.length === 0 && skips.length === 0) {
    // The whole target failed before any database (e.g. certutil missing): say so on each line.
    return { ...r, dbs: lines.map((l) => (l.status === 'changed' ? l : { ...l, status: 'failed', message: r.error?.message })) };
  }
  const onlySkips = r.status === 'failed' && failures.length === 0 && skips.length > 0 && r.error?.code === 'TRUST_NSS_PASSWORD_NEEDED';
  if (!onlySkips) return { ...r, dbs: lines };
  const notes = r.notes.filter((n) => !lines.some((l) => l.status === 'skipped' && n.startsWith(`${l.label}: `)));
  for (const l of lines) if (l.status === 'skipped') notes.push(`${l.label}: skipped (protected by a Primary Password).`);
  const { error: _dropped, ...rest } = r;
  return { ...rest, status: lines.some((l) => l.status === 'changed') ? 'changed' : 'unchanged', notes, dbs: lines };
}

/** True when the app's own trust and the X509 folder both hold every CA of the bundle and its policy files (nothing left to add). */
export async function coreHeld(trust: Pick<TrustService, 'plan'>, bundle: string): Promise<boolean> {
  const plan = await trust.plan({ bundle, targets: ['app', 'x509'] });
  return plan.targets.every((t) => t.available && !t.changes.some((c) => c.action === 'add'));
}

/** `~/…` for paths in the home folder. */
export function tildePath(p: string, homeDir: string): string {
  const rel = path.relative(homeDir, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel}` : p;
}

/** What the CAs are called in one line: `sandbox CA`, `6 OSG CAs`. */
export function bundleLabel(bundle: Pick<BundleSummary, 'name' | 'certificates'>): string {
  const name = bundle.name === 'osg' ? 'OSG' : bundle.name;
  const n = bundle.certificates.length;
  return n === 1 ? `${name} CA` : `${n} ${name} CAs`;
}

/** The stepper's line, e.g. `sandbox CA → app, ~/.globus/certificates, 1 browser db`. */
export function describeInstall(
  bundle: Pick<BundleSummary, 'name' | 'certificates'>,
  results: readonly TrustTargetResultView[],
  coreIsHeld: boolean,
  x509Dir: string,
  homeDir: string,
): string {
  const ok = (t: string) => results.some((r) => r.target === t && (r.status === 'changed' || r.status === 'unchanged'));
  const parts: string[] = [];
  if (coreIsHeld || ok('app')) parts.push('app');
  if (coreIsHeld || ok('x509')) parts.push(tildePath(x509Dir, homeDir));
  const nss = results.find((r) => r.target === 'nss');
  const dbs = nss?.dbs?.filter((d) => d.status === 'changed' || d.status === 'unchanged').length ?? 0;
  if (dbs > 0) parts.push(`${dbs} browser db${dbs === 1 ? '' : 's'}`);
  if (ok('macos-keychain')) parts.push('macOS keychain');
  if (ok('windows-user-root')) parts.push('Windows roots');
  const label = bundleLabel(bundle);
  // A browser db waiting for its Primary Password is said as such, not as a failure.
  const waiting = nss?.dbs?.filter((d) => d.status === 'password-needed').length ?? 0;
  const onlyWaiting = (r: TrustTargetResultView) => r.target === 'nss' && waiting > 0 && !r.dbs?.some((d) => d.status === 'failed');
  const failed = results.filter((r) => r.status === 'failed' && !onlyWaiting(r)).length;
  const notes = [failed ? `${failed} failed` : '', waiting ? `${waiting} browser db${waiting === 1 ? ' needs its' : 's need their'} password` : ''].filter(Boolean);
  const tail = notes.length ? ` (${notes.join('; ')})` : '';
  return parts.length ? `${label} → ${parts.join(', ')}${tail}` : `${label}: not installed${tail}`;
}
