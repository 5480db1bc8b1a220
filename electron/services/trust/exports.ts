import { promises as fsp } from 'node:fs';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import type { TrustedCa } from './types';
import { exportCompanion, exportPath, type TargetContext } from './targets/target';

async function sameContent(file: string, data: string): Promise<boolean> {
  try {
    return (await fsp.readFile(file, 'utf8')) === data;
  } catch {
    return false;
  }
}

/**
 * Writes each CA (and its IGTF files) into the app's export folder, so the commands shown
 * in "show the commands" refer to real files. App-owned data: rewritten freely.
 */
export async function writeExports(cas: readonly TrustedCa[], ctx: TargetContext): Promise<void> {
  await ensureDir(ctx.exportDir, 0o755);
  for (const ca of cas) {
    const files: [string, string | undefined][] = [
      [exportPath(ctx, ca), ca.pem],
      [exportCompanion(ctx, ca, 'signing_policy'), ca.signingPolicy],
      [exportCompanion(ctx, ca, 'namespaces'), ca.namespaces],
    ];
    for (const [file, data] of files) {
      if (data === undefined || (await sameContent(file, data))) continue;
      await writeFileAtomic(file, data, { mode: 0o644, existing: 'replace' });
    }
  }
}
