import { describe, expect, it } from 'vitest';
import { splitCommonName, memberView, readRegisterSection, writeRegisterSection, registerSummary, sameDn } from '../../../electron/services/register';
import { registerFormSchema } from '../../../shared/contract/register';
import { journalSchema } from '../../../electron/services/journal/journal';

describe('name and surname from the certificate CN', () => {
  it.each([
    [['Jane Doe'], 'Jane', 'Doe'],
    [['Jane Doe S123456'], 'Jane', 'Doe'],
    [['Jane Doe A1234'], 'Jane', 'Doe'],
    [['Jane Doe 123456'], 'Jane', 'Doe'],
    [['Jean-Luc de la Fontaine'], 'Jean-Luc', 'de la Fontaine'],
    [['jdoe', '123456', 'Jane Doe'], 'Jane', 'Doe'],
    [['Jane Doe', 'proxy'], 'Jane', 'Doe'],
    [['Zoë Ångström'], 'Zoë', 'Ångström'],
    [['Madonna'], 'Madonna', ''],
  ])('%j → %s / %s', (cns, name, surname) => {
    expect(splitCommonName(cns)).toEqual({ name, surname });
  });

  it('gives nothing rather than a wrong guess for a host or robot name', () => {
    expect(splitCommonName(['host/login.example.org'])).toEqual({ name: '', surname: '' });
    expect(splitCommonName(['12345'])).toEqual({ name: '', surname: '' });
  });
});

describe('member information as the seed asks to check it', () => {
  const held = { dn: '/DC=org/DC=x/CN=Jane Doe', caDn: '/DC=org/DC=x/CN=Test CA' };
  const info = {
    name: 'Jane',
    surname: 'Doe',
    emailAddress: 'jane@example.org',
    certificates: [{ subjectString: '/DC=org/DC=x/CN=Jane Doe', issuerString: '/DC=org/DC=x/CN=Test CA', suspended: false }],
    fqans: ['/vo', '/vo/analysis'],
  };

  it('says the DN matches only when DN and CA both match and the certificate is not suspended', () => {
    expect(memberView(info, held)).toMatchObject({ dnMatches: true, status: 'active', fqans: ['/vo', '/vo/analysis'] });
    expect(memberView(info, { ...held, dn: '/DC=org/DC=x/CN=Jane Roe' }).dnMatches).toBe(false);
    expect(memberView(info, { ...held, caDn: '/DC=org/DC=y/CN=Other CA' }).dnMatches).toBe(false);
    const suspended = { ...info, suspended: true, certificates: [{ ...info.certificates[0], suspended: true }] };
    expect(memberView(suspended, held)).toMatchObject({ dnMatches: false, status: 'suspended' });
  });

  it('compares DNs across spellings (slash and RFC 4514)', () => {
    expect(sameDn('/DC=org/DC=x/CN=Jane Doe', 'CN=Jane Doe,DC=x,DC=org')).toBe(true);
    expect(sameDn('/DC=org/DC=x/CN=Jane Doe', '/DC=org/DC=x/CN=Jane Doe2')).toBe(false);
  });
});

describe('the journal section', () => {
  it('keeps one section per VO and moves a section of another certificate to the history', () => {
    const j = journalSchema.parse({ version: 1 });
    writeRegisterSection(j, { vo: 'sandbox', kind: 'voms-admin', stage: 'member', credentialId: 'a', requestedGroups: [] });
    writeRegisterSection(j, { vo: 'osg', kind: 'web', stage: 'handoff-done', requestedGroups: [] });
    writeRegisterSection(j, { vo: 'sandbox', kind: 'voms-admin', stage: 'confirmation-needed', credentialId: 'b', requestId: '7', requestedGroups: [] });
    expect(readRegisterSection(j, 'sandbox')).toMatchObject({ credentialId: 'b', requestId: '7' });
    expect(readRegisterSection(j, 'osg')?.stage).toBe('handoff-done');
    expect((j as Record<string, unknown>).registerHistory).toEqual([expect.objectContaining({ credentialId: 'a', stage: 'member' })]);
  });

  it('reads an unreadable section as absent (and leaves it alone)', () => {
    const j = journalSchema.parse({ version: 1, register: { sandbox: { stage: 'dancing' } } });
    expect(readRegisterSection(j, 'sandbox')).toBeNull();
    expect((j as Record<string, unknown>).register).toEqual({ sandbox: { stage: 'dancing' } });
  });

  it('words the stepper caption after the stage', () => {
    expect(registerSummary({ vo: 'sandbox', kind: 'voms-admin', stage: 'pending-approval', requestedGroups: [] })).toBe('waiting for the VO administrator');
    expect(registerSummary({ vo: 'sandbox', kind: 'voms-admin', stage: 'member', requestedGroups: [] })).toBe('member of sandbox');
  });
});

describe('the registration form in the contract', () => {
  const ok = { name: 'Jane', surname: 'Doe', emailAddress: 'jane@example.org', aupAccepted: true };

  it('accepts a plain form and defaults the groups', () => {
    expect(registerFormSchema.parse(ok).requestedGroups).toEqual([]);
  });

  it.each(['<', '>', '&', '=', ';'])('names the field holding “%s” (the VOMS-Admin rule)', (c) => {
    for (const field of ['name', 'surname', 'institution', 'address', 'phoneNumber', 'userMessage'] as const) {
      const r = registerFormSchema.safeParse({ ...ok, [field]: `a${c}b` });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path).toEqual([field]);
    }
  });

  it('refuses a form without the AUP accepted, and unknown fields', () => {
    expect(registerFormSchema.safeParse({ ...ok, aupAccepted: false }).error!.issues[0].path).toEqual(['aupAccepted']);
    expect(registerFormSchema.safeParse({ ...ok, password: 'x' }).success).toBe(false);
  });
});
