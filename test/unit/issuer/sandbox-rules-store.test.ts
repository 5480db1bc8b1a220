import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { latinName, personIdFor, sandboxIdentity, SANDBOX_USER_BASE } from '../../../electron/sandbox/ca/dn-rules';
import { RequestStore, REQUESTS_FILE, type NewRequest } from '../../../electron/sandbox/ca/request-store';

describe('sandbox naming rules', () => {
  it('issues /DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox/CN=<Latin name> <stable id>', () => {
    const id = sandboxIdentity({ name: '  José   Müller-Łukasiewicz ', email: 'Jose@CERN.CH' });
    expect(id.name).toBe('Jose Muller-Lukasiewicz');
    expect(id.email).toBe('Jose@cern.ch');
    expect(id.subjectDn).toBe(`${SANDBOX_USER_BASE}/CN=Jose Muller-Lukasiewicz ${id.personId}`);
    expect(id.personId).toMatch(/^S[1-9]\d{5}$/);
  });
  it('keeps the same DN for the same person (e-mail case-insensitive), another for another person', () => {
    const a = sandboxIdentity({ name: 'Jane Doe', email: 'jane@example.org' });
    expect(sandboxIdentity({ name: 'Jane Doe', email: 'JANE@example.org' }).subjectDn).toBe(a.subjectDn);
    expect(sandboxIdentity({ name: 'Jane Doe', email: 'jane.doe@example.org' }).personId).not.toBe(a.personId);
    expect(sandboxIdentity({ name: 'Jane Doe' }).personId).toBe(personIdFor('Jane Doe', undefined));
  });
  it('accepts its own CN back (a preview or an old certificate) without doubling the id', () => {
    const a = sandboxIdentity({ name: 'Grace Hopper', email: 'grace@navy.mil' });
    const cn = a.subjectDn.replace(/^.*\/CN=/, '');
    expect(sandboxIdentity({ name: cn, email: 'grace@navy.mil' }).subjectDn).toBe(a.subjectDn);
    const b = sandboxIdentity({ name: 'Alan Turing' });
    expect(sandboxIdentity({ name: b.subjectDn.replace(/^.*\/CN=/, '') }).subjectDn).toBe(b.subjectDn);
  });
  it.each([
    ['李小龍', 'Latin letters'],
    ['Robert; DROP TABLE', 'Latin letters'],
    ['R2D2', 'Latin letters'],
    ['/CN=Admin', 'Latin letters'],
    ['X', 'at least 2 letters'],
    ['A'.repeat(57), 'at most 56'],
  ])('refuses the name %j (%s)', (name, why) => {
    expect(() => sandboxIdentity({ name })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(why) }));
  });
  it.each(['not-an-email', 'a@b', 'jane@exa mple.org', 'jane<x>@example.org'])('refuses the e-mail %j', (email) => {
    expect(() => sandboxIdentity({ name: 'Jane Doe', email })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
  it('transliterates what it can: ß, Æ, Ø, œ, accents, curly apostrophes', () => {
    expect(latinName('Strauß Ærø Œuvre Dvořák O’Brien')).toBe("Strauss AEro OEuvre Dvorak O'Brien");
  });
  it('whatever is typed, an accepted CN is PrintableString-safe and at most 64 characters (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.option(fc.emailAddress(), { nil: undefined }), (name, email) => {
        let cn: string;
        try {
          cn = sandboxIdentity({ name, email }).subjectDn.replace(/^.*\/CN=/, '');
        } catch (e) {
          expect((e as { code?: string }).code).toBe('INVALID_INPUT');
          return;
        }
        expect(cn).toMatch(/^[A-Za-z][A-Za-z .'-]* S\d{6}$/);
        expect(cn.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sandbox request store (JSON lines)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'osg-ca-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const req = (fp: string): NewRequest => ({ kind: 'enroll', keyFingerprint: fp, csr: 'AA==', name: 'Jane Doe', subject: '/CN=Jane Doe S123456', auth: 'enrolment code' });

  it('writes 0600, reads back in a new instance, ids case-insensitive', async () => {
    const a = new RequestStore(dir);
    const r = await a.add(req('k1'));
    expect(statSync(path.join(dir, REQUESTS_FILE)).mode & 0o777).toBe(0o600);
    const b = new RequestStore(dir);
    await b.refresh();
    expect(b.get(r.id.toLowerCase())?.status).toBe('pending');
    expect(b.findEnrolmentByKey('k1')?.id).toBe(r.id);
  });

  it('sees decisions another process appended, and the first decision wins', async () => {
    const server = new RequestStore(dir);
    const cliA = new RequestStore(dir);
    const cliB = new RequestStore(dir);
    const r = await server.add(req('k2'));
    await cliA.refresh();
    await cliB.refresh();
    // Both looked before either wrote: both appends land; replay keeps the first.
    await cliA.decide(r.id, 'rejected', 'cli A', 'first');
    appendFileSync(path.join(dir, REQUESTS_FILE), `\n${JSON.stringify({ type: 'decision', id: r.id, at: new Date().toISOString(), decision: 'approved', by: 'cli B' })}\n`);
    await server.refresh();
    expect(server.get(r.id)).toMatchObject({ status: 'rejected', decidedBy: 'cli A', reason: 'first' });
    await expect(cliB.decide(r.id, 'approved', 'cli B')).rejects.toMatchObject({ code: 'SANDBOX_REQUEST_DECIDED' });
    await expect(cliB.decide('NOSUCH', 'approved', 'x')).rejects.toMatchObject({ code: 'SANDBOX_REQUEST_NOT_FOUND' });
  });

  it('survives a torn last line (crash mid-write): earlier and later records are kept', async () => {
    const s = new RequestStore(dir);
    const r1 = await s.add(req('k3'));
    appendFileSync(path.join(dir, REQUESTS_FILE), '\n{"type":"request","id":"TORN","at":"2026');
    const r2 = await new RequestStore(dir).add(req('k4'));
    const fresh = new RequestStore(dir);
    await fresh.refresh();
    expect(fresh.list().map((r) => r.id)).toEqual([r1.id, r2.id]);
    expect(readFileSync(path.join(dir, REQUESTS_FILE), 'utf8')).toContain('"TORN"');
  });

  it('keeps reasons single-line and bounded', async () => {
    const s = new RequestStore(dir);
    const r = await s.add(req('k5'));
    const d = await s.decide(r.id, 'rejected', 'sponsor', `bad\n\u0000${'x'.repeat(600)}`);
    expect(d.reason).toMatch(/^bad {2}x+$/);
    expect(d.reason!.length).toBe(500);
  });
});
