import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Journal } from '../../../electron/services/journal/journal';

const run = promisify(execFile);
const writer = path.join(import.meta.dirname, 'journal-writer.ts');
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const events = (d: string) =>
  (JSON.parse(readFileSync(path.join(d, 'journal.json'), 'utf8')) as { history: { event: string }[] }).history.map((h) => h.event);

describe('the journal shared by the app and the CLI', () => {
  it('two writers on one folder lose no update, and each reads the other’s', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-journal-'));
    const a = new Journal(dir);
    const b = new Journal(dir);
    await a.read();
    await b.read(); // both have read (and would have cached) the empty journal
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update((j) => (i % 2 ? a : b).record(j, 'test', `w${i}`))),
    );
    expect(events(dir).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `w${i}`).sort());
    expect((await a.read()).history).toHaveLength(40);
    expect((await b.read()).history).toHaveLength(40);
    expect(existsSync(path.join(dir, 'journal.json.lock'))).toBe(false);
  });

  it('with a real second process writing at the same time, every entry of both is kept', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-journal-'));
    const app = new Journal(dir);
    let childDone = false;
    const child = run(process.execPath, ['--import', 'tsx', writer, dir, 'cli', '60', '5'], { timeout: 60_000 }).finally(() => (childDone = true));
    // Wait (bounded) for the CLI's first entry, then write for as long as it does: the two really
    // overlap, whatever the time the child takes to start on a loaded machine.
    const until = Date.now() + 60_000;
    while (!childDone && Date.now() < until && !(await app.read()).history.some((h) => h.event.startsWith('cli-'))) await new Promise((r) => setTimeout(r, 5));
    let mine = 0;
    while (!childDone && mine < 300 && Date.now() < until) {
      const i = mine++;
      await app.update((j) => app.record(j, 'test', `app-${i}`));
    }
    await child;
    const seen = events(dir);
    expect(seen.filter((e) => e.startsWith('cli-'))).toHaveLength(60);
    expect(seen.filter((e) => e.startsWith('app-'))).toHaveLength(mine);
    // The writes really interleaved (otherwise this test proves nothing).
    const firstCli = seen.findIndex((e) => e.startsWith('cli-'));
    expect(seen.slice(firstCli).some((e) => e.startsWith('app-'))).toBe(true);
    expect((await app.read()).history).toHaveLength(60 + mine); // the app sees the CLI's entries
  });

  it('the app hears of a change another process made (and not twice of its own)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-journal-'));
    const heard: string[] = [];
    const app = new Journal(dir, () => new Date(), (at) => heard.push(at));
    const stop = app.watchOthers(50);
    try {
      await app.update((j) => app.record(j, 'test', 'mine'));
      await new Promise((r) => setTimeout(r, 400));
      expect(heard).toHaveLength(1); // the update's own notice only
      await run(process.execPath, ['--import', 'tsx', writer, dir, 'cli', '1'], { timeout: 60_000 });
      await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(2);
      expect((await app.read()).history.map((h) => h.event)).toEqual(['mine', 'cli-0']);
    } finally {
      stop();
    }
  });

  it('a lock left by a killed writer does not block the next one for long', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-journal-'));
    const journal = new Journal(dir);
    await journal.update((j) => journal.record(j, 'test', 'first'));
    // kill -9 during an update: the writer's lock stays behind (its timestamp stops moving).
    const child = run(process.execPath, ['--import', 'tsx', '-e', `
      import lockfile from 'proper-lockfile';
      await lockfile.lock(${JSON.stringify(path.join(dir, 'journal.json'))}, { realpath: false, update: 2000 });
      process.kill(process.pid, 'SIGKILL');`], { timeout: 30_000 }).catch((e: unknown) => e);
    await child;
    expect(existsSync(path.join(dir, 'journal.json.lock'))).toBe(true);
    await journal.update((j) => journal.record(j, 'test', 'after'));
    expect(events(dir)).toEqual(['first', 'after']);
  }, 40_000);
});
