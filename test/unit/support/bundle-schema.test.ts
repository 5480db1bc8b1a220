import { describe, expect, it } from 'vitest';
import { bundleSchema, BUNDLE_FORMAT } from '../../../electron/services/support/bundle-schema';
import { replaySeed } from '../../../electron/services/support/replay';

/** A minimal valid bundle, as the builder writes it. */
function minimalBundle(over: Record<string, unknown> = {}) {
  return {
    format: BUNDLE_FORMAT,
    version: 1,
    createdAt: '2026-11-24T19:00:00.000Z',
    app: { version: '0.1.0', environment: 'production', shell: 'electron' },
    system: { platform: 'linux', arch: 'x64', osType: 'Linux', osRelease: '6.1', node: '20.19.0', electron: '38.0.0' },
    journey: {
      vo: { name: 'sandbox', chosenAt: '2026-11-24T18:00:00.000Z' },
      steps: {
        chooseVo: { status: 'done', at: '2026-11-24T18:00:00.000Z', summary: 'sandbox' },
        trust: { status: 'done', at: '2026-11-24T18:05:00.000Z' },
        request: { status: 'failed', at: '2026-11-24T18:06:00.000Z', summary: 'CA not trusted' },
      },
      history: [{ at: '2026-11-24T18:00:00.000Z', step: 'chooseVo', event: 'done', detail: 'sandbox' }],
      request: null,
      otherSections: [],
    },
    errors: [{ at: '2026-11-24T18:06:00.000Z', procedure: 'requestStart', code: 'REQUEST_CA_NOT_TRUSTED', message: 'm', hint: 'h' }],
    credentials: {},
    trust: {},
    upload: null,
    redactions: [{ rule: 'email', count: 1, description: 'E-mail addresses masked' }],
    neverIncluded: [],
    ...over,
  };
}

describe('support bundle schema', () => {
  it('accepts what the builder writes', () => {
    expect(bundleSchema.safeParse(minimalBundle()).success).toBe(true);
  });

  it('refuses a wrong format, version or shape, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ format: 'something-else' }, 'format'],
      [{ version: 2 }, 'version'],
      [{ app: { version: '0.1.0', environment: 'staging', shell: 'x' } }, 'app.environment'],
      [{ journey: undefined }, 'journey'],
      [{ errors: [{ code: 'X' }] }, 'errors[0].at'],
    ];
    for (const [over, field] of cases) {
      const r = bundleSchema.safeParse(minimalBundle(over));
      expect(r.success, field).toBe(false);
      if (!r.success) expect(r.error.issues[0].path.map(String).join('.').replace(/\.(\d+)/g, '[$1]')).toBe(field);
    }
  });
});

describe('replay seed: only known, valid parts', () => {
  it('keeps the VO, known steps with valid statuses and valid history lines; says what it left out', () => {
    const b = bundleSchema.parse(minimalBundle({
      journey: {
        vo: { name: 'myvo', chosenAt: 't', entry: { name: 'myvo', custom: true } },
        steps: {
          chooseVo: { status: 'done', at: 't' },
          teleport: { status: 'done', at: 't' },
          trust: { status: 'exploded', at: 't' },
        },
        history: [{ at: 't', step: 'chooseVo', event: 'done' }, { nonsense: true }],
        request: null,
        otherSections: [],
      },
    }));
    const seed = replaySeed(b);
    expect(seed.vo).toEqual({ name: 'myvo', chosenAt: 't' });
    expect(Object.keys(seed.steps)).toEqual(['chooseVo']);
    expect(seed.history).toHaveLength(1);
    expect(seed.customVo).toBeNull();
    expect(seed.ignored.join('\n')).toMatch(/teleport[\s\S]*trust[\s\S]*1 history line[\s\S]*directory entry/);
  });

  it('replays a valid custom VO entry', () => {
    const entry = {
      name: 'myvo', displayName: 'My VO', description: 'A VO', registration: { kind: 'voms-admin', url: 'https://voms.example.org:8443/voms/myvo' }, custom: true,
    };
    const seed = replaySeed(bundleSchema.parse(minimalBundle({
      journey: { vo: { name: 'myvo', chosenAt: 't', entry }, steps: {}, history: [], request: null, otherSections: [] },
    })));
    expect(seed.customVo).toMatchObject({ name: 'myvo', custom: true });
    expect(seed.ignored).toEqual([]);
  });
});
