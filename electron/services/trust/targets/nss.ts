import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { OnboardError, isOnboardError, type WireError } from '../../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../../fs/atomic';
import { firstErrorLine, shellLine } from '../run';
import type { Change, TargetInfo, TargetOutcome, TargetPlan, TargetResult, TrustedCa, UndoEntry } from '../types';
import { Certutil, requireCertutil, certutilPackage, trustCovers, trustUnion, type NssInventory } from './nss-certutil';
import { discoverNssDbs, type NssDb } from './nss-discovery';
import { anchorsOnly, exportPath, mkdirsRecorded, type InstallTarget, type TargetContext } from './target';

/** The seed's two "Trust" boxes (web sites, e-mail users) plus code signing, as mkcert's CT,C,C. */
export const NSS_TRUST = 'CT,C,C';

type DbAction =
  | { readonly kind: 'add'; readonly ca: TrustedCa; readonly nickname: string }
  | { readonly kind: 'set-trust'; readonly ca: TrustedCa; readonly nickname: string; readonly from: string; readonly to: string }
  | { readonly kind: 'keep'; readonly ca: TrustedCa; readonly nickname: string };

function nicknameFor(ca: TrustedCa, inv: NssInventory | undefined, taken: Set<string>): string {
  const base = `${ca.name} (OSG Onboard)`;
  const used = new Set([...(inv?.entries.map((e) => e.nickname) ?? []), ...taken]);
  let nick = base;
  for (let i = 2; used.has(nick); i++) nick = `${base} #${i}`;
  taken.add(nick);
  return nick;
}

function actionsFor(cas: readonly TrustedCa[], inv: NssInventory | undefined): DbAction[] {
  const taken = new Set<string>();
  return cas.map((ca): DbAction => {
    const entry = inv?.bySha256.get(ca.sha256);
    if (!entry) return { kind: 'add', ca, nickname: nicknameFor(ca, inv, taken) };
    if (trustCovers(entry.trust, NSS_TRUST)) return { kind: 'keep', ca, nickname: entry.nickname };
    return { kind: 'set-trust', ca, nickname: entry.nickname, from: entry.trust, to: trustUnion(entry.trust, NSS_TRUST) };
  });
}

function toChange(a: DbAction, db: string): Change {
  if (a.kind === 'add') return { action: 'add', ca: a.ca.name, sha256: a.ca.sha256, where: db, detail: `as “${a.nickname}” with trust ${NSS_TRUST}` };
  if (a.kind === 'set-trust') return { action: 'set-trust', ca: a.ca.name, sha256: a.ca.sha256, where: db, detail: `“${a.nickname}” trust ${a.from || '(none)'} → ${a.to}` };
  return { action: 'keep', ca: a.ca.name, sha256: a.ca.sha256, where: db, detail: `already trusted as “${a.nickname}”` };
}

function commandFor(a: DbAction, db: string, ctx: TargetContext): string | undefined {
  if (a.kind === 'add') return shellLine(['certutil', '-A', '-d', db, '-n', a.nickname, '-t', NSS_TRUST, '-i', exportPath(ctx, a.ca)]);
  if (a.kind === 'set-trust') return shellLine(['certutil', '-M', '-d', db, '-n', a.nickname, '-t', a.to]);
  return undefined;
}

/** A private folder for password files (0700), removed after use. */
async function withPasswordFiles<T>(ctx: TargetContext, fn: (write: (pw: string) => Promise<string>) => Promise<T>): Promise<T> {
  const dir = path.join(ctx.dataDir, 'trust', `.pw-${process.pid}-${randomBytes(6).toString('hex')}`);
  await ensureDir(dir, 0o700);
  let n = 0;
  try {
    return await fn(async (pw) => {
      const file = path.join(dir, `pw-${n++}`);
      await writeFileAtomic(file, pw, { mode: 0o600, existing: 'fail' });
      return file;
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Asks for and checks the db password when changing it needs one; undefined when it does not. */
async function passwordFileFor(cu: Certutil, d: NssDb, ctx: TargetContext, write: (pw: string) => Promise<string>): Promise<string | undefined> {
  const empty = await write('');
  if (!(await cu.needsPassword(d.db, empty))) return undefined;
  const pw = ctx.nssPassword ? await ctx.nssPassword({ db: d.db, label: d.label }) : undefined;
  if (pw === undefined) throw new OnboardError('TRUST_NSS_PASSWORD_NEEDED', { db: `${d.label} (${d.dir})` });
  const file = await write(pw);
  if (!(await cu.passwordWorks(d.db, file))) throw new OnboardError('TRUST_NSS_PASSWORD_WRONG', { db: `${d.label} (${d.dir})` });
  return file;
}

/** Installs into one db; returns its changes, undo entries, and the error if it failed. */
async function installDb(cu: Certutil, d: NssDb, cas: readonly TrustedCa[], ctx: TargetContext, write: (pw: string) => Promise<string>) {
  const changes: Change[] = [];
  const undo: UndoEntry[] = [];
  try {
    if (!d.exists) {
      await mkdirsRecorded(d.dir, undo, 0o700);
      await cu.create(d.db);
      undo.push({ kind: 'nss-db-created', db: d.db });
      changes.push({ action: 'create', where: d.db, detail: 'new NSS database (no password)' });
    }
    // A db we just made is empty and has no password: no need to ask certutil.
    const inv = d.exists ? await cu.inventory(d.db) : { entries: [], bySha256: new Map() };
    const actions = actionsFor(cas, inv);
    const todo = actions.filter((a) => a.kind !== 'keep');
    for (const a of actions) if (a.kind === 'keep') changes.push(toChange(a, d.db));
    if (todo.length === 0) return { changes, undo };
    const pwFile = d.exists ? await passwordFileFor(cu, d, ctx, write) : undefined;
    for (const a of todo) {
      if (a.kind === 'add') {
        const r = await cu.add(d.db, a.nickname, NSS_TRUST, exportPath(ctx, a.ca), pwFile);
        if (r.code !== 0) {
          // certutil may leave the cert in with no trust when the trust step fails: take it out again.
          const after = await cu.inventory(d.db).catch(() => undefined);
          const left = after?.bySha256.get(a.ca.sha256);
          if (left) await cu.remove(d.db, left.nickname);
          throw new OnboardError('TRUST_NSS_FAILED', { db: d.db, detail: firstErrorLine(r) });
        }
        undo.push({ kind: 'nss-cert-added', db: d.db, nickname: a.nickname, sha256: a.ca.sha256 });
      } else if (a.kind === 'set-trust') {
        const r = await cu.modify(d.db, a.nickname, a.to, pwFile);
        if (r.code !== 0) throw new OnboardError('TRUST_NSS_FAILED', { db: d.db, detail: firstErrorLine(r) });
        undo.push({ kind: 'nss-trust-changed', db: d.db, nickname: a.nickname, sha256: a.ca.sha256, previousTrust: a.from });
      }
      changes.push(toChange(a, d.db));
    }
    return { changes, undo };
  } catch (e) {
    const err = isOnboardError(e) ? e : new OnboardError('TRUST_NSS_FAILED', { db: d.db, detail: (e as Error).message });
    return { changes, undo, error: err.toWire() };
  }
}

export const nssTarget: InstallTarget = {
  id: 'nss',

  async info(ctx): Promise<TargetInfo> {
    const { dbs } = await discoverNssDbs(ctx);
    let reason: string | undefined;
    try {
      requireCertutil(ctx);
    } catch {
      const pkg = certutilPackage(ctx);
      reason = `certutil is not installed (${pkg.install})`;
    }
    return {
      id: 'nss',
      label: 'Browsers (Firefox, Chromium, Chrome)',
      description: `NSS certificate databases, trusted for web sites and e-mail (${NSS_TRUST}).`,
      paths: dbs.map((d) => d.db),
      available: reason === undefined && dbs.length > 0,
      reason: reason ?? (dbs.length === 0 ? 'no browser certificate database was found' : undefined),
      needsRoot: false,
      defaultSelected: ctx.platform === 'linux',
    };
  },

  async plan(cas, ctx): Promise<TargetPlan> {
    const roots = anchorsOnly(cas);
    const { dbs, notes } = await discoverNssDbs(ctx);
    let cu: Certutil | undefined;
    let reason: string | undefined;
    const commands: string[] = [];
    try {
      cu = new Certutil(requireCertutil(ctx), ctx.env);
    } catch (e) {
      reason = (e as OnboardError).message;
      commands.push(certutilPackage(ctx).install);
    }
    const changes: Change[] = [];
    for (const d of dbs) {
      if (!d.exists) {
        changes.push({ action: 'create', where: d.db, detail: 'new NSS database (no password)' });
        commands.push(`${shellLine(['mkdir', '-p', '-m', '0700', d.dir])} && ${shellLine(['certutil', '-N', '--empty-password', '-d', d.db])}`);
      }
      const inv = cu && d.exists ? await cu.inventory(d.db).catch(() => undefined) : undefined;
      for (const a of actionsFor(roots, inv)) {
        changes.push(toChange(a, d.db));
        const c = commandFor(a, d.db, ctx);
        if (c) commands.push(c);
      }
    }
    return { target: 'nss', available: !reason && dbs.length > 0, reason, changes, commands, notes };
  },

  async install(cas, ctx): Promise<TargetOutcome> {
    const roots = anchorsOnly(cas);
    if (roots.length === 0) return { target: 'nss', status: 'unchanged', changes: [], undo: [], notes: ['The bundle has no root CA for browsers.'] };
    const { dbs, notes } = await discoverNssDbs(ctx);
    let cu: Certutil;
    try {
      cu = new Certutil(requireCertutil(ctx), ctx.env);
    } catch (e) {
      return { target: 'nss', status: 'failed', error: (e as OnboardError).toWire(), changes: [], undo: [], notes };
    }
    const changes: Change[] = [];
    const undo: UndoEntry[] = [];
    const errors: WireError[] = [];
    await withPasswordFiles(ctx, async (write) => {
      for (const d of dbs) {
        const r = await installDb(cu, d, roots, ctx, write);
        changes.push(...r.changes);
        undo.push(...r.undo);
        if (r.error) {
          errors.push(r.error);
          notes.push(`${d.label}: ${r.error.message}`);
        }
      }
    });
    const changed = undo.some((u) => u.kind !== 'dir-created');
    if (errors.length) return { target: 'nss', status: 'failed', error: errors[0], changes, undo, notes };
    return { target: 'nss', status: changed ? 'changed' : 'unchanged', changes, undo, notes };
  },

  async undo(entries, ctx): Promise<TargetResult> {
    const changes: Change[] = [];
    const notes: string[] = [];
    let cu: Certutil;
    try {
      cu = new Certutil(requireCertutil(ctx), ctx.env);
    } catch (e) {
      return { target: 'nss', status: 'failed', error: (e as OnboardError).toWire(), changes, notes };
    }
    let error: WireError | undefined;
    await withPasswordFiles(ctx, async (write) => {
      for (const u of [...entries].reverse()) {
        try {
          if (u.kind === 'nss-cert-added') {
            const inv = await cu.inventory(u.db); // unreadable db: the undo fails (and can be tried again)
            const entry = inv.bySha256.get(u.sha256);
            if (!entry && inv.unreadable?.has(u.nickname)) {
              throw new OnboardError('TRUST_NSS_FAILED', { db: u.db, detail: `“${u.nickname}” could not be read, so it was not removed; try Undo again` });
            }
            if (!entry) continue;
            if (entry.nickname !== u.nickname) {
              notes.push(`${u.db}: the CA is now kept as “${entry.nickname}”, not by OSG Onboard; it was left in place.`);
              continue;
            }
            const r = await cu.remove(u.db, u.nickname);
            if (r.code !== 0) throw new OnboardError('TRUST_NSS_FAILED', { db: u.db, detail: firstErrorLine(r) });
            changes.push({ action: 'remove', sha256: u.sha256, where: u.db, detail: `“${u.nickname}”` });
          } else if (u.kind === 'nss-trust-changed') {
            const dir = u.db.replace(/^(sql|dbm):/, '');
            const pwFile = await passwordFileFor(cu, { db: u.db, dir, label: dir, kind: 'firefox', exists: true }, ctx, write);
            const r = await cu.modify(u.db, u.nickname, u.previousTrust || ',,', pwFile);
            if (r.code !== 0) throw new OnboardError('TRUST_NSS_FAILED', { db: u.db, detail: firstErrorLine(r) });
            changes.push({ action: 'restore-trust', sha256: u.sha256, where: u.db, detail: `“${u.nickname}” back to ${u.previousTrust || '(none)'}` });
          } else if (u.kind === 'nss-db-created') {
            const left = await cu.list(u.db).catch(() => undefined);
            if (left && left.length === 0) {
              const dir = u.db.replace(/^(sql|dbm):/, '');
              for (const f of ['cert9.db', 'key4.db', 'pkcs11.txt']) await fsp.rm(path.join(dir, f), { force: true });
              changes.push({ action: 'remove', where: u.db, detail: 'the empty database made by the install' });
            } else if (left) notes.push(`${u.db} now holds other certificates; the database was kept.`);
          } else if (u.kind === 'dir-created') {
            await fsp.rmdir(u.path).then(
              () => changes.push({ action: 'remove', where: u.path }),
              () => notes.push(`${u.path} is not empty; it was kept.`),
            );
          }
        } catch (e) {
          const err = isOnboardError(e) ? e : new OnboardError('TRUST_NSS_FAILED', { db: 'db' in u ? u.db : '', detail: (e as Error).message });
          error ??= err.toWire();
          notes.push(err.message);
        }
      }
    });
    if (error) return { target: 'nss', status: 'failed', error, changes, notes };
    return { target: 'nss', status: changes.length ? 'changed' : 'unchanged', changes, notes };
  },
};
