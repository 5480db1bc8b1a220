import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers/web-app';

/**
 * Electronegativity (Doyensec's Electron security checker) over the built app. Findings we
 * reviewed and accept, with why:
 * - PRELOAD_JS_CHECK: our preload exposes exactly the contract (tested in the E2E).
 * - OPEN_EXTERNAL_JS_CHECK: only https links without credentials reach openExternal (unit-tested).
 * - CSP_GLOBAL_CHECK: flags style-src 'unsafe-inline', which MUI's emotion styles need; scripts stay 'self' only.
 */
const ACCEPTED = new Set(['PRELOAD_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'CSP_GLOBAL_CHECK']);

describe('electronegativity over out/', () => {
  it('finds nothing beyond the reviewed findings, and no HIGH severity at all', () => {
    expect(existsSync(path.join(ROOT, 'out', 'main', 'index.js')), 'run npm run build first').toBe(true);
    // SARIF (JSON) rather than CSV: CSV samples may hold newlines and commas.
    const sarif = path.join(mkdtempSync(path.join(os.tmpdir(), 'osg-eneg-')), 'out.sarif');
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'electronegativity'), ['-i', path.join(ROOT, 'out'), '-e', '45.0.0', '-o', sarif, '-r', '-v', 'false'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(sarif, 'utf8')) as {
      runs: { results: { ruleId: string; level?: string; message?: { text?: string }; properties?: { severity?: string } }[] }[];
    };
    const findings = report.runs.flatMap((r) => r.results).map((x) => ({
      check: x.ruleId,
      severity: String(x.properties?.severity ?? (x.level === 'error' ? 'HIGH' : x.level ?? '')).toUpperCase(),
      row: `${x.ruleId}: ${x.message?.text ?? ''}`,
    }));
    expect(findings.filter((f) => f.severity === 'HIGH').map((f) => f.row)).toEqual([]);
    expect(findings.filter((f) => !ACCEPTED.has(f.check)).map((f) => f.row)).toEqual([]);
    // The window's own settings are seen and are not flagged.
    expect(findings.some((f) => /CONTEXT_ISOLATION|SANDBOX_JS|NODE_INTEGRATION/.test(f.check))).toBe(false);
  });
});
