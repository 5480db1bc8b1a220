import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OnboardError } from '../../../shared/errors';
import { defaultDataDir, defaultEnvironment } from '../../services';
import { TARGET_IDS, TrustService, type NssPasswordPrompt, type RuntimeBundle, type TargetId, type TargetResult, type TrustProgress } from '../../services/trust';
import { printJson, readFirstLine, readPassword, reportError, type CliIo } from '../io';

const runtimeBundleSchema = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  certificates: z
    .array(
      z.object({
        pem: z.string().min(1),
        pin: z.string().min(1),
        role: z.enum(['root', 'intermediate']).optional(),
        signingPolicy: z.string().optional(),
        namespaces: z.string().optional(),
      }),
    )
    .min(1),
});

async function readBundleFile(file: string): Promise<RuntimeBundle> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: file, detail: (e as Error).message });
  }
  const parsed = runtimeBundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OnboardError('TRUST_BUNDLE_INVALID', { bundle: file, detail: `“${issue.path.join('.')}” ${issue.message}` });
  }
  return parsed.data;
}

const TARGET_ALIASES: Readonly<Record<string, TargetId>> = { macos: 'macos-keychain', keychain: 'macos-keychain', windows: 'windows-user-root', browsers: 'nss' };

function parseTargets(raw: string | undefined): TargetId[] | undefined {
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const id = TARGET_ALIASES[t] ?? t;
      if (!(TARGET_IDS as readonly string[]).includes(id)) throw new OnboardError('TRUST_TARGET_UNKNOWN', { target: t, known: TARGET_IDS.join(', ') });
      return id as TargetId;
    });
}

const commonOptions = {
  json: { type: 'boolean' },
  'bundle-file': { type: 'string' },
  data: { type: 'string' },
} as const;

async function serviceFor(io: CliIo, values: { 'bundle-file'?: string; data?: string }): Promise<TrustService> {
  const extra = values['bundle-file'] ? [await readBundleFile(values['bundle-file'])] : [];
  return new TrustService({
    dataDir: values.data ?? defaultDataDir(io.env),
    homeDir: io.env.HOME || os.homedir(),
    env: io.env,
    runtimeBundles: () => extra,
  });
}

/** NSS password: one line of stdin with --pwstdin (used for every db that asks), else the terminal prompt. */
function passwordPrompt(io: CliIo, pwstdin: boolean): NssPasswordPrompt {
  let fromStdin: string | undefined;
  return async (db) => {
    if (pwstdin) return (fromStdin ??= await readFirstLine(io.stdin));
    if (!io.stdin.isTTY) return undefined;
    return readPassword(io, `Password of ${db.label} (${db.db}): `, false);
  };
}

function progressPrinter(io: CliIo, json: boolean): (p: TrustProgress) => void {
  return (p) => {
    if (json || p.phase !== 'finished' || !p.result) return;
    io.stderr.write(`[${p.index + 1}/${p.total}] ${p.target}: ${p.result.status}\n`);
  };
}

function printResults(io: CliIo, results: readonly TargetResult[]): void {
  for (const r of results) {
    io.stdout.write(`${r.target}: ${r.status}\n`);
    for (const c of r.changes) {
      if (c.action === 'keep') continue;
      io.stdout.write(`  ${c.action} ${c.ca ?? ''}${c.ca ? ' → ' : ''}${c.where}${c.detail ? ` (${c.detail})` : ''}\n`);
    }
    const kept = r.changes.filter((c) => c.action === 'keep').length;
    if (kept) io.stdout.write(`  ${kept} already in place\n`);
    if (r.error) io.stdout.write(`  error: ${r.error.message}\n    ${r.error.hint}\n`);
    if (r.command) io.stdout.write(`  run as administrator: ${r.command}\n`);
    for (const n of r.notes) if (!r.command || !n.includes(r.command)) io.stdout.write(`  note: ${n}\n`);
  }
}

export async function caList(io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...io.argv], options: commonOptions, allowPositionals: false });
  const json = values.json ?? false;
  try {
    const svc = await serviceFor(io, values);
    const [bundles, targets, installs] = [await svc.listBundles(), await svc.targets(), await svc.installs()];
    if (json) {
      printJson(io, { bundles, targets, installs });
      return 0;
    }
    for (const b of bundles) {
      io.stdout.write(`Bundle ${b.name}${b.aliases.length ? ` (also: ${b.aliases.join(', ')})` : ''}: ${b.displayName}\n`);
      for (const c of b.certificates) {
        io.stdout.write(`  ${c.role === 'root' ? 'root' : 'int.'}  ${c.subject}\n        SHA-256 ${c.sha256}\n        valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}, hash ${c.subjectHash}\n`);
      }
    }
    io.stdout.write('\nTargets:\n');
    for (const t of targets) {
      io.stdout.write(`  ${t.id.padEnd(18)} ${t.available ? (t.needsRoot ? 'needs root' : 'available') : 'unavailable'}${t.defaultSelected ? ' (default)' : ''}  ${t.paths.join(', ') || '-'}${t.reason ? `  [${t.reason}]` : ''}\n`);
    }
    if (installs.length) {
      io.stdout.write('\nInstalls (undo with: osg-onboard ca remove --install-id ID):\n');
      for (const i of installs) io.stdout.write(`  ${i.id}  ${i.bundle}  ${i.targets.join(',')}${i.undoneAt ? `  undone ${i.undoneAt}` : i.undoable ? '' : '  (changed nothing)'}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function caInstall(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { ...commonOptions, bundle: { type: 'string' }, targets: { type: 'string' }, 'dry-run': { type: 'boolean' }, pwstdin: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    const svc = await serviceFor(io, values);
    const bundle = values.bundle ?? (values['bundle-file'] ? (await readBundleFile(values['bundle-file'])).name : await svc.defaultBundle(defaultEnvironment(io.env)));
    const targets = parseTargets(values.targets);
    if (values['dry-run']) {
      const plan = await svc.plan({ bundle, targets });
      if (json) printJson(io, plan);
      else {
        for (const t of plan.targets) {
          io.stdout.write(`# ${t.target}${t.available ? '' : ` (unavailable: ${t.reason})`}\n`);
          for (const c of t.commands) io.stdout.write(`${c}\n`);
          if (t.commands.length === 0) io.stdout.write('# nothing to do\n');
        }
      }
      return 0;
    }
    const report = await svc.install({ bundle, targets, nssPassword: passwordPrompt(io, values.pwstdin ?? false) }, progressPrinter(io, json));
    if (json) printJson(io, report);
    else {
      io.stdout.write(`Install ${report.installId} of bundle ${report.bundle}\n`);
      printResults(io, report.results);
      io.stdout.write(`Undo with: osg-onboard ca remove --install-id ${report.installId}\n`);
    }
    return report.results.some((r) => r.status === 'failed') ? 1 : 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}

export async function caRemove(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { ...commonOptions, bundle: { type: 'string' }, 'install-id': { type: 'string' }, pwstdin: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    if (Boolean(values.bundle) === Boolean(values['install-id'])) {
      throw new OnboardError('INVALID_INPUT', { field: '--bundle / --install-id', detail: 'give exactly one of them' });
    }
    const svc = await serviceFor(io, values);
    const opts = { nssPassword: passwordPrompt(io, values.pwstdin ?? false) };
    const reports = values['install-id'] ? [await svc.undo(values['install-id'], opts, progressPrinter(io, json))] : await svc.removeBundle(values.bundle!, opts, progressPrinter(io, json));
    if (json) printJson(io, reports);
    else if (reports.length === 0) io.stdout.write('Nothing to remove: no install of that bundle is left to undo.\n');
    else {
      for (const r of reports) {
        io.stdout.write(`Undo of ${r.installId} (bundle ${r.bundle})\n`);
        printResults(io, r.results);
      }
    }
    return reports.some((r) => r.results.some((x) => x.status === 'failed')) ? 1 : 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}
