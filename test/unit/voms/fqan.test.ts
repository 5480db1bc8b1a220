import { describe, expect, it } from 'vitest';
import { longFqan, parseFqan, parseFqanList, shortFqan } from '../../../electron/services/voms';

describe('FQANs', () => {
  it('reads groups, roles and capabilities, and writes the long and short forms', () => {
    expect(longFqan(parseFqan('/cms'))).toBe('/cms/Role=NULL/Capability=NULL');
    expect(longFqan(parseFqan('/cms/analysis/Role=production'))).toBe('/cms/analysis/Role=production/Capability=NULL');
    expect(shortFqan(parseFqan('/cms/Role=NULL/Capability=NULL'))).toBe('/cms');
    expect(parseFqan('/cms/a/b/Role=pilot', 'cms')).toEqual({ vo: 'cms', group: '/cms/a/b', role: 'pilot', capability: 'NULL' });
  });

  it('refuses what a VOMS server refuses', () => {
    for (const bad of ['cms', '/', '//cms', '/cms/Role=a/x', '/cms/gr oup', '/cms/<x>', '/Role=x', '/cms/Capability=c/Role=r']) {
      expect(() => parseFqan(bad), bad).toThrow(expect.objectContaining({ code: 'VOMS_FQAN_INVALID' }));
    }
    expect(() => parseFqan('/atlas', 'cms')).toThrow(/belongs to the VO “atlas”/);
  });

  it('splits the fqans request parameter (commas), all of one VO', () => {
    expect(parseFqanList('/cms,/cms/analysis').map(longFqan)).toEqual(['/cms/Role=NULL/Capability=NULL', '/cms/analysis/Role=NULL/Capability=NULL']);
    expect(() => parseFqanList('/cms,/atlas')).toThrow(expect.objectContaining({ code: 'VOMS_FQAN_INVALID' }));
  });
});
