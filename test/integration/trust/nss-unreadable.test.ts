import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Certutil } from '../../../electron/services/trust/targets/nss-certutil';
import { makeCa, rmrf, sh, tempDir } from './helpers';

// An entry certutil cannot export (a database busy with another program, a broken entry) is
// listed as unreadable — never taken for "not there", which made undo skip our CA and say done.
// The real certutil runs behind a wrapper that makes `-L -n <nick> -a` fail while a marker exists.
const work = tempDir('nss-unreadable');
afterAll(() => rmrf(work));

describe('certutil inventory', () => {
  it('lists an entry it cannot export as unreadable, retries once, and finds it again when it can', async () => {
    const db = `sql:${path.join(work, 'db')}`;
    mkdirSync(path.join(work, 'db'));
    sh('certutil', ['-N', '--empty-password', '-d', db]);
    const ca = makeCa(work, 'ca', '/O=OSG Onboard Test/CN=Unreadable Test CA');
    sh('certutil', ['-A', '-d', db, '-n', 'OSG Onboard: Unreadable Test CA', '-t', 'CT,C,C', '-i', ca.certFile]);
    const marker = path.join(work, 'fail-export');
    const count = path.join(work, 'count');
    const real = sh('sh', ['-c', 'command -v certutil']).trim();
    const wrapper = path.join(work, 'certutil');
    writeFileSync(wrapper, `#!/bin/sh\ncase " $* " in *" -n "*" -a "*) if [ -e '${marker}' ]; then echo x >> '${count}'; echo 'certutil: could not find certificate named: busy' >&2; exit 255; fi;; esac\nexec '${real}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const cu = new Certutil(wrapper, { PATH: process.env.PATH });

    writeFileSync(marker, '');
    const busy = await cu.inventory(db);
    const nick = busy.entries.map((e) => e.nickname);
    expect(nick).toHaveLength(1);
    expect(nick[0]).toMatch(/OSG Onboard: Unreadable Test CA$/);
    expect(busy.bySha256.size).toBe(0);
    expect([...(busy.unreadable ?? [])]).toEqual(nick);
    expect(sh('wc', ['-l', count]).trim().split(/\s+/)[0]).toBe('2'); // tried twice

    rmrf(marker);
    expect(existsSync(marker)).toBe(false);
    const ok = await cu.inventory(db);
    expect(ok.bySha256.get(ca.sha256)?.nickname).toMatch(/OSG Onboard: Unreadable Test CA$/);
    expect(ok.unreadable?.size).toBe(0);
  });
});
