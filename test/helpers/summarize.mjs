// Reads vitest's JSON report and prints the closing line CI reads: N passed, N failed, N skipped.
import { readFileSync } from 'node:fs';

let report;
try {
  report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
let passed = 0, failed = 0, skipped = 0;
for (const file of report.testResults ?? []) {
  if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') failed += 1; // a file that failed to load
  for (const t of file.assertionResults ?? []) {
    if (t.status === 'passed') passed += 1;
    else if (t.status === 'failed') failed += 1;
    else skipped += 1;
  }
}
// Vitest also fails a run for errors outside any test (unhandled rejections, a file that
// could not load); count such a run as one failure so the line agrees with the exit code.
const vitestCode = Number(process.argv[3] ?? 0);
if (vitestCode !== 0 && failed === 0) {
  console.log('test: the runner reported errors outside the tests (see "Unhandled Errors" above)');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
