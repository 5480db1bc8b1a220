import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensureDir } from '../../fs/atomic';
import type { TrustedCa, NssPasswordPrompt, TargetId, TargetInfo, TargetOutcome, TargetPlan, UndoEntry, TargetResult } from '../types';

/** Everything a target may touch, passed in so tests use temp HOME dirs and fake PATHs. */
export interface TargetContext {
  readonly homeDir: string;
  /** The app's data folder (app trust store, exported PEMs, install records). */
  readonly dataDir: string;
  /** Environment for lookups (X509_CERT_DIR, PATH) and for the programs we run. */
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly now: () => Date;
  /** Where a PEM of each CA is written for commands to refer to (`<dataDir>/trust/export`). */
  readonly exportDir: string;
  /** `/etc/os-release` (tests point it elsewhere). */
  readonly osReleaseFile: string;
  /** Root of system paths (`/` normally; tests use a temp dir). */
  readonly systemRoot: string;
  readonly nssPassword?: NssPasswordPrompt;
}

/**
 * One place CAs can be installed. Every target is idempotent (a second install reports
 * `unchanged`), reports exactly what it changed, and can undo from the entries it returned.
 */
export interface InstallTarget {
  readonly id: TargetId;
  info(ctx: TargetContext): Promise<TargetInfo>;
  /** What install would change, and the equivalent commands. Changes nothing but the export folder. */
  plan(cas: readonly TrustedCa[], ctx: TargetContext): Promise<TargetPlan>;
  install(cas: readonly TrustedCa[], ctx: TargetContext): Promise<TargetOutcome>;
  undo(entries: readonly UndoEntry[], ctx: TargetContext): Promise<TargetResult>;
}

/** The CA file a command refers to: `<exportDir>/<sha256 hex>.pem`. */
export function exportPath(ctx: TargetContext, ca: TrustedCa): string {
  return path.join(ctx.exportDir, `${ca.sha256.replace(/:/g, '').toLowerCase().slice(0, 16)}-${ca.subjectHash}.pem`);
}

/** Roots only: stores whose entries become trust anchors (browsers, OS) get no intermediates. */
export function anchorsOnly(cas: readonly TrustedCa[]): TrustedCa[] {
  return cas.filter((c) => c.role === 'root');
}

/** Companion files of an export: `<export>.signing_policy`, `<export>.namespaces`. */
export function exportCompanion(ctx: TargetContext, ca: TrustedCa, kind: 'signing_policy' | 'namespaces'): string {
  return exportPath(ctx, ca).replace(/\.pem$/, `.${kind}`);
}

/**
 * Creates `dir` and any missing parents, recording each one made so undo can remove exactly
 * those (when empty). Parents get 0700 (e.g. ~/.globus, ~/.pki), the leaf `leafMode`.
 */
export async function mkdirsRecorded(dir: string, undo: UndoEntry[], leafMode: number): Promise<void> {
  const missing: string[] = [];
  for (let p = dir; ; p = path.dirname(p)) {
    try {
      await fsp.stat(p);
      break;
    } catch {
      missing.unshift(p);
      if (path.dirname(p) === p) break;
    }
  }
  for (const p of missing) {
    await ensureDir(p, p === dir ? leafMode : 0o700);
    undo.push({ kind: 'dir-created', path: p });
  }
}
