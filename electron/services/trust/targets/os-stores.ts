import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError } from '../../../../shared/errors';
import { pemBlocks, sha256Fingerprint } from '../certificate';
import { firstErrorLine, runCommand, shellLine, windowsLine } from '../run';
import type { Change, TargetInfo, TargetOutcome, TargetPlan, TargetResult, TrustedCa, UndoEntry } from '../types';
import { SYSTEM_STORES, macLoginKeychain, macosCommands, systemAnchorName, systemCommands, windowsCommands, type SystemStore } from './os-commands';
import { anchorsOnly, exportPath, type InstallTarget, type TargetContext } from './target';

const run = (argv: string[], ctx: TargetContext) => runCommand(argv, { env: ctx.env, timeoutMs: 120_000 });

function unavailable(id: 'macos-keychain' | 'windows-user-root' | 'system', reason: string): TargetOutcome {
  const err = new OnboardError('TRUST_TARGET_UNAVAILABLE', { target: id, reason });
  return { target: id, status: 'failed', error: err.toWire(), changes: [], undo: [], notes: [] };
}

// ---------- macOS login keychain ----------

async function macPresent(ca: TrustedCa, ctx: TargetContext, keychain: string): Promise<boolean> {
  const r = await run(macosCommands.find(keychain), ctx);
  if (r.code !== 0 || !r.stdout.toUpperCase().includes(ca.sha1)) return false;
  return (await run(macosCommands.verify(exportPath(ctx, ca)), ctx)).code === 0;
}

export const macosKeychainTarget: InstallTarget = {
  id: 'macos-keychain',
  async info(ctx): Promise<TargetInfo> {
    const on = ctx.platform === 'darwin';
    return {
      id: 'macos-keychain',
      label: 'macOS login keychain',
      description: 'Safari, Chrome and most Mac programs; macOS asks for your password to change trust settings.',
      paths: [macLoginKeychain(ctx.homeDir)],
      available: on,
      reason: on ? undefined : 'only on macOS',
      needsRoot: false,
      defaultSelected: on,
    };
  },
  async plan(cas, ctx): Promise<TargetPlan> {
    const keychain = macLoginKeychain(ctx.homeDir);
    const on = ctx.platform === 'darwin';
    const roots = anchorsOnly(cas);
    const changes: Change[] = [];
    const commands: string[] = [];
    for (const ca of roots) {
      const present = on && (await macPresent(ca, ctx, keychain));
      changes.push({ action: present ? 'keep' : 'add', ca: ca.name, sha256: ca.sha256, where: keychain });
      if (!present) commands.push(shellLine(macosCommands.add(exportPath(ctx, ca), keychain)));
    }
    return { target: 'macos-keychain', available: on, reason: on ? undefined : 'only on macOS', changes, commands, notes: [] };
  },
  async install(cas, ctx): Promise<TargetOutcome> {
    if (ctx.platform !== 'darwin') return unavailable('macos-keychain', 'this is not macOS');
    const keychain = macLoginKeychain(ctx.homeDir);
    const changes: Change[] = [];
    const undo: UndoEntry[] = [];
    for (const ca of anchorsOnly(cas)) {
      if (await macPresent(ca, ctx, keychain)) {
        changes.push({ action: 'keep', ca: ca.name, sha256: ca.sha256, where: keychain });
        continue;
      }
      const argv = macosCommands.add(exportPath(ctx, ca), keychain);
      const r = await run(argv, ctx);
      if (r.code !== 0) {
        const err = new OnboardError('TRUST_COMMAND_FAILED', { command: shellLine(argv), detail: firstErrorLine(r) });
        return { target: 'macos-keychain', status: 'failed', error: err.toWire(), changes, undo, notes: [] };
      }
      undo.push({ kind: 'keychain-cert-added', keychain, sha1: ca.sha1, sha256: ca.sha256, file: exportPath(ctx, ca) });
      changes.push({ action: 'add', ca: ca.name, sha256: ca.sha256, where: keychain });
    }
    return { target: 'macos-keychain', status: undo.length ? 'changed' : 'unchanged', changes, undo, notes: [] };
  },
  async undo(entries, ctx): Promise<TargetResult> {
    const changes: Change[] = [];
    for (const u of entries) {
      if (u.kind !== 'keychain-cert-added' || ctx.platform !== 'darwin') continue;
      await run(macosCommands.removeTrust(u.file), ctx);
      const r = await run(macosCommands.remove(u.sha1, u.keychain), ctx);
      if (r.code === 0) changes.push({ action: 'remove', sha256: u.sha256, where: u.keychain });
    }
    return { target: 'macos-keychain', status: changes.length ? 'changed' : 'unchanged', changes, notes: [] };
  },
};

// ---------- Windows current-user Root store ----------

export const windowsRootTarget: InstallTarget = {
  id: 'windows-user-root',
  async info(ctx): Promise<TargetInfo> {
    const on = ctx.platform === 'win32';
    return {
      id: 'windows-user-root',
      label: 'Windows trusted roots (your user)',
      description: 'Edge, Chrome and Windows programs; Windows asks you to confirm each CA.',
      paths: ['Cert:\\CurrentUser\\Root'],
      available: on,
      reason: on ? undefined : 'only on Windows',
      needsRoot: false,
      defaultSelected: on,
    };
  },
  async plan(cas, ctx): Promise<TargetPlan> {
    const on = ctx.platform === 'win32';
    const changes: Change[] = [];
    const commands: string[] = [];
    for (const ca of anchorsOnly(cas)) {
      const present = on && (await run(windowsCommands.find(ca.sha1), ctx)).code === 0;
      changes.push({ action: present ? 'keep' : 'add', ca: ca.name, sha256: ca.sha256, where: 'Cert:\\CurrentUser\\Root' });
      if (!present) commands.push(windowsLine(windowsCommands.add(exportPath(ctx, ca))));
    }
    return { target: 'windows-user-root', available: on, reason: on ? undefined : 'only on Windows', changes, commands, notes: [] };
  },
  async install(cas, ctx): Promise<TargetOutcome> {
    if (ctx.platform !== 'win32') return unavailable('windows-user-root', 'this is not Windows');
    const changes: Change[] = [];
    const undo: UndoEntry[] = [];
    for (const ca of anchorsOnly(cas)) {
      if ((await run(windowsCommands.find(ca.sha1), ctx)).code === 0) {
        changes.push({ action: 'keep', ca: ca.name, sha256: ca.sha256, where: 'Root' });
        continue;
      }
      const argv = windowsCommands.add(exportPath(ctx, ca));
      const r = await run(argv, ctx);
      if (r.code !== 0) {
        const err = new OnboardError('TRUST_COMMAND_FAILED', { command: windowsLine(argv), detail: firstErrorLine(r) });
        return { target: 'windows-user-root', status: 'failed', error: err.toWire(), changes, undo, notes: [] };
      }
      undo.push({ kind: 'windows-cert-added', store: 'Root', sha1: ca.sha1, sha256: ca.sha256 });
      changes.push({ action: 'add', ca: ca.name, sha256: ca.sha256, where: 'Cert:\\CurrentUser\\Root' });
    }
    return { target: 'windows-user-root', status: undo.length ? 'changed' : 'unchanged', changes, undo, notes: [] };
  },
  async undo(entries, ctx): Promise<TargetResult> {
    const changes: Change[] = [];
    for (const u of entries) {
      if (u.kind !== 'windows-cert-added' || ctx.platform !== 'win32') continue;
      const r = await run(windowsCommands.remove(u.sha1), ctx);
      if (r.code === 0) changes.push({ action: 'remove', sha256: u.sha256, where: 'Cert:\\CurrentUser\\Root' });
    }
    return { target: 'windows-user-root', status: changes.length ? 'changed' : 'unchanged', changes, notes: [] };
  },
};

// ---------- System-wide anchors (Linux): offered as a command, never run ----------

async function detectSystemStore(ctx: TargetContext): Promise<SystemStore | undefined> {
  if (ctx.platform !== 'linux') return undefined;
  for (const s of SYSTEM_STORES) {
    try {
      if ((await fsp.stat(path.join(ctx.systemRoot, s.anchorDir))).isDirectory()) return s;
    } catch {
      // try the next family
    }
  }
  return undefined;
}

async function anchorHolds(file: string, sha256: string): Promise<boolean> {
  try {
    return pemBlocks(await fsp.readFile(file, 'utf8')).some((d) => sha256Fingerprint(d) === sha256);
  } catch {
    return false;
  }
}

async function systemSteps(cas: readonly TrustedCa[], ctx: TargetContext, store: SystemStore) {
  const steps: { ca: TrustedCa; dest: string; present: boolean }[] = [];
  for (const ca of anchorsOnly(cas)) {
    const dest = path.posix.join(store.anchorDir, systemAnchorName(ca.name, ca.sha256, store.extension));
    steps.push({ ca, dest, present: await anchorHolds(path.join(ctx.systemRoot, dest), ca.sha256) });
  }
  const todo = steps.filter((s) => !s.present);
  const commands = todo.length ? [...todo.map((s) => shellLine(systemCommands.install(exportPath(ctx, s.ca), s.dest))), shellLine(systemCommands.refresh(store))] : [];
  return { steps, todo, commands };
}

export const systemTarget: InstallTarget = {
  id: 'system',
  async info(ctx): Promise<TargetInfo> {
    const store = await detectSystemStore(ctx);
    return {
      id: 'system',
      label: 'Whole computer (needs administrator)',
      description: 'The system CA list used by curl, wget, Python and other programs for every user. We show the command; you run it with sudo.',
      paths: store ? [store.anchorDir] : [],
      available: Boolean(store),
      reason: store ? undefined : 'no Debian/Ubuntu or Fedora CA anchor folder here',
      needsRoot: true,
      defaultSelected: false,
    };
  },
  async plan(cas, ctx): Promise<TargetPlan> {
    const store = await detectSystemStore(ctx);
    if (!store) return { target: 'system', available: false, reason: 'no Debian/Ubuntu or Fedora CA anchor folder here', changes: [], commands: [], notes: [] };
    const { steps, commands } = await systemSteps(cas, ctx, store);
    const changes = steps.map((s): Change => ({ action: s.present ? 'keep' : 'add', ca: s.ca.name, sha256: s.ca.sha256, where: s.dest, detail: s.present ? undefined : 'needs administrator rights' }));
    return { target: 'system', available: true, changes, commands, notes: ['Needs administrator rights: run the commands yourself with sudo.'] };
  },
  async install(cas, ctx): Promise<TargetOutcome> {
    const store = await detectSystemStore(ctx);
    if (!store) return unavailable('system', 'no Debian/Ubuntu or Fedora CA anchor folder here');
    const { steps, todo, commands } = await systemSteps(cas, ctx, store);
    const changes = steps.map((s): Change => ({ action: s.present ? 'keep' : 'skip', ca: s.ca.name, sha256: s.ca.sha256, where: s.dest, detail: s.present ? undefined : 'needs administrator rights: not done' }));
    if (todo.length === 0) return { target: 'system', status: 'unchanged', changes, undo: [], notes: [] };
    const command = commands.join(' && ');
    const undo: UndoEntry[] = todo.map((s) => ({ kind: 'system-anchor-offered', path: s.dest, sha256: s.ca.sha256, refresh: store.refresh }));
    return { target: 'system', status: 'needs-root', command, changes, undo, notes: [`Run as administrator: ${command}`] };
  },
  async undo(entries, ctx): Promise<TargetResult> {
    const present: Extract<UndoEntry, { kind: 'system-anchor-offered' }>[] = [];
    for (const u of entries) if (u.kind === 'system-anchor-offered' && (await anchorHolds(path.join(ctx.systemRoot, u.path), u.sha256))) present.push(u);
    if (present.length === 0) return { target: 'system', status: 'unchanged', changes: [], notes: [] };
    const command = [...present.map((u) => shellLine(systemCommands.remove(u.path))), shellLine(['sudo', ...present[0].refresh])].join(' && ');
    const changes = present.map((u): Change => ({ action: 'skip', sha256: u.sha256, where: u.path, detail: 'needs administrator rights: not removed' }));
    return { target: 'system', status: 'needs-root', command, changes, notes: [`Run as administrator: ${command}`] };
  },
};
