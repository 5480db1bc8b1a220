import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError } from '../../../../shared/errors';
import { writeFileAtomic } from '../../fs/atomic';
import { pemBlocks, sha256Fingerprint } from '../certificate';
import { shellLine } from '../run';
import type { Change, TargetInfo, TargetOutcome, TargetPlan, TargetResult, TrustedCa, UndoEntry } from '../types';
import { exportCompanion, exportPath, mkdirsRecorded, type InstallTarget, type TargetContext } from './target';

/** `$X509_CERT_DIR` when set, else `~/.globus/certificates` (the grid tools' per-user trust dir). */
export function x509CertDir(ctx: Pick<TargetContext, 'env' | 'homeDir'>): string {
  const fromEnv = ctx.env.X509_CERT_DIR?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(ctx.homeDir, '.globus', 'certificates');
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EACCES' || code === 'EPERM') throw e;
    return ''; // a directory or an unreadable oddity: occupied, not ours
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function holdsCert(text: string, sha256: string): boolean {
  try {
    return pemBlocks(text).some((der) => sha256Fingerprint(der) === sha256);
  } catch {
    return false;
  }
}

/** Where a CA is (`present`) or would go (first free `<hash>.N`), as OpenSSL's CApath lookup walks .0, .1, … */
async function slotFor(dir: string, ca: TrustedCa, reserved: Set<string>): Promise<{ file: string; present: boolean }> {
  for (let i = 0; i < 100; i++) {
    const file = path.join(dir, `${ca.subjectHash}.${i}`);
    if (reserved.has(file)) continue;
    const text = await readOrUndefined(file);
    if (text === undefined) return { file, present: false };
    if (holdsCert(text, ca.sha256)) return { file, present: true };
  }
  throw new OnboardError('IO_ERROR', { action: 'find a free name in', path: dir, detail: `100 files named ${ca.subjectHash}.N already exist` });
}

interface Step {
  readonly change: Change;
  /** File to write (absent for `keep`). */
  readonly write?: { readonly file: string; readonly data: string; readonly source: string };
  readonly note?: string;
}

async function policyStep(dir: string, ca: TrustedCa, kind: 'signing_policy' | 'namespaces', ctx: TargetContext): Promise<Step | undefined> {
  const data = kind === 'signing_policy' ? ca.signingPolicy : ca.namespaces;
  if (data === undefined) return undefined;
  const file = path.join(dir, `${ca.subjectHash}.${kind}`);
  const current = await readOrUndefined(file);
  if (current === undefined) return { change: { action: 'add', ca: ca.name, where: file }, write: { file, data, source: exportCompanion(ctx, ca, kind) } };
  if (current === data) return { change: { action: 'keep', ca: ca.name, where: file } };
  return {
    change: { action: 'skip', ca: ca.name, where: file, detail: `a different ${kind} file is already there; it was kept` },
    note: `Kept the existing ${file}: it differs from the bundle's ${kind} for “${ca.name}”.`,
  };
}

async function steps(cas: readonly TrustedCa[], ctx: TargetContext): Promise<{ dir: string; dirExists: boolean; steps: Step[]; notes: string[] }> {
  const dir = x509CertDir(ctx);
  const dirExists = await exists(dir);
  const out: Step[] = [];
  const notes: string[] = [];
  // Files this install will write: two CAs with one subject hash get .0 and .1, one policy file.
  const reserved = new Set<string>();
  for (const ca of cas) {
    const slot = await slotFor(dir, ca, reserved);
    reserved.add(slot.file);
    out.push(
      slot.present
        ? { change: { action: 'keep', ca: ca.name, sha256: ca.sha256, where: slot.file } }
        : { change: { action: 'add', ca: ca.name, sha256: ca.sha256, where: slot.file }, write: { file: slot.file, data: ca.pem, source: exportPath(ctx, ca) } },
    );
    for (const kind of ['signing_policy', 'namespaces'] as const) {
      const file = path.join(dir, `${ca.subjectHash}.${kind}`);
      if (reserved.has(file)) continue;
      const s = await policyStep(dir, ca, kind, ctx);
      if (!s) continue;
      if (s.write) reserved.add(file);
      out.push(s);
    }
    if (ca.signingPolicyGenerated) notes.push(`“${ca.name}” came without a .signing_policy; one allowing it to sign any subject was written.`);
  }
  for (const s of out) if (s.note) notes.push(s.note);
  const system = path.join(ctx.systemRoot, 'etc', 'grid-security', 'certificates');
  if (!dirExists && !ctx.env.X509_CERT_DIR && (await exists(system))) {
    notes.push(`Globus tools use ${dir} instead of ${system} once it exists: CAs only in ${system} will no longer be trusted by them. Set X509_CERT_DIR to choose.`);
  }
  return { dir, dirExists, steps: out, notes };
}

function commandsFor(dir: string, dirExists: boolean, ss: readonly Step[]): string[] {
  const cmds = dirExists ? [] : [shellLine(['mkdir', '-p', '-m', '0755', dir])];
  for (const s of ss) if (s.write) cmds.push(shellLine(['install', '-m', '0644', s.write.source, s.write.file]));
  return cmds;
}

const isPermission = (e: unknown) => ['EACCES', 'EPERM', 'EROFS'].includes((e as NodeJS.ErrnoException).code ?? '');

export const x509DirTarget: InstallTarget = {
  id: 'x509',

  async info(ctx): Promise<TargetInfo> {
    return {
      id: 'x509',
      label: 'Grid tools (X509_CERT_DIR)',
      description: 'The trusted-CA folder of voms-proxy-init, globus-url-copy, HTCondor, xrootd and openssl -CApath: <hash>.0, .signing_policy, .namespaces.',
      paths: [x509CertDir(ctx)],
      available: true,
      needsRoot: false,
      defaultSelected: true,
    };
  },

  async plan(cas, ctx): Promise<TargetPlan> {
    const s = await steps(cas, ctx);
    return { target: 'x509', available: true, changes: s.steps.map((x) => x.change), commands: commandsFor(s.dir, s.dirExists, s.steps), notes: s.notes };
  },

  async install(cas, ctx): Promise<TargetOutcome> {
    const s = await steps(cas, ctx);
    const undo: UndoEntry[] = [];
    const changes: Change[] = [];
    try {
      if (!s.dirExists && s.steps.some((x) => x.write)) {
        await mkdirsRecorded(s.dir, undo, 0o755);
        changes.push({ action: 'create', where: s.dir });
      }
      for (const step of s.steps) {
        if (step.write) {
          await writeFileAtomic(step.write.file, step.write.data, { mode: 0o644, existing: 'fail' });
          undo.push({ kind: 'file-created', path: step.write.file, sha256: sha256Hex(step.write.data) });
        }
        changes.push(step.change);
      }
    } catch (e) {
      if (isPermission(e) && undo.length === 0) {
        const command = commandsFor(s.dir, s.dirExists, s.steps).map((c) => `sudo ${c}`).join(' && ');
        return { target: 'x509', status: 'needs-root', command, changes: [], undo, notes: s.notes };
      }
      const err = new OnboardError('IO_ERROR', { action: 'write into', path: s.dir, detail: (e as Error).message });
      return { target: 'x509', status: 'failed', error: err.toWire(), changes, undo, notes: s.notes };
    }
    return { target: 'x509', status: undo.length ? 'changed' : 'unchanged', changes, undo, notes: s.notes };
  },

  async undo(entries): Promise<TargetResult> {
    const changes: Change[] = [];
    const notes: string[] = [];
    // Files first (newest first), then the folder if we made it and it is empty.
    for (const u of [...entries].reverse()) {
      if (u.kind === 'file-created') {
        const text = await readOrUndefined(u.path).catch(() => undefined);
        if (text === undefined) continue;
        if (sha256Hex(text) !== u.sha256) {
          notes.push(`${u.path} was changed after the install; it was kept.`);
          continue;
        }
        await fsp.rm(u.path);
        changes.push({ action: 'remove', where: u.path });
      } else if (u.kind === 'dir-created') {
        try {
          await fsp.rmdir(u.path);
          changes.push({ action: 'remove', where: u.path });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOTEMPTY' || code === 'EEXIST') notes.push(`${u.path} now holds other files; the folder was kept.`);
        }
      }
    }
    return { target: 'x509', status: changes.length ? 'changed' : 'unchanged', changes, notes };
  },
};
