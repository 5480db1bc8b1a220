import { describe, expect, it } from 'vitest';
import { certificateNames, splitPemCertificates } from '../../../electron/services/registration/certificate-names';
import { formToValues, validateRegistrationValues } from '../../../electron/services/registration/voms-admin-fields';
import { confirmationUrl, readFieldErrors, vomsAdminEndpoint } from '../../../electron/services/registration/voms-admin-connector';
import { webRegistrationHandOff } from '../../../electron/services/registration/web-handoff';
import { registrationConnector } from '../../../electron/services/registration';
import { voEntrySchema } from '../../../shared/vo';
import { OnboardError } from '../../../shared/errors';

// Made by: openssl req -x509 -utf8 -multivalue-rdn -subj "/DC=org/DC=cilogon/C=US/O=Universität Wien/CN=Jöns Doe A123+UID=jd1/emailAddress=j@example.org"
const MULTI_VALUED_UTF8 = `-----BEGIN CERTIFICATE-----
MIICiDCCAi6gAwIBAgIBATAKBggqhkjOPQQDAjCBoTETMBEGCgmSJomT8ixkARkW
A29yZzEXMBUGCgmSJomT8ixkARkWB2NpbG9nb24xCzAJBgNVBAYTAlVTMRowGAYD
VQQKDBFVbml2ZXJzaXTDpHQgV2llbjEqMBEGCgmSJomT8ixkAQEMA2pkMTAVBgNV
BAMMDkrDtm5zIERvZSBBMTIzMRwwGgYJKoZIhvcNAQkBFg1qQGV4YW1wbGUub3Jn
MCAXDTI2MTEyNDE1NTY1MVoYDzIxMjYxMDMxMTU1NjUxWjCBoTETMBEGCgmSJomT
8ixkARkWA29yZzEXMBUGCgmSJomT8ixkARkWB2NpbG9nb24xCzAJBgNVBAYTAlVT
MRowGAYDVQQKDBFVbml2ZXJzaXTDpHQgV2llbjEqMBEGCgmSJomT8ixkAQEMA2pk
MTAVBgNVBAMMDkrDtm5zIERvZSBBMTIzMRwwGgYJKoZIhvcNAQkBFg1qQGV4YW1w
bGUub3JnMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIsCFMcrd0ZJbp0QrrZFi
DXYiAO7Arc0RScwP0HmhLjDybjulLHUIfV0glGGon6W/mldT1X7JUoQ5Yc13j4s/
waNTMFEwHQYDVR0OBBYEFOgppIdL2kS4ls9gfQo8n7OT3Mh5MB8GA1UdIwQYMBaA
FOgppIdL2kS4ls9gfQo8n7OT3Mh5MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0E
AwIDSAAwRQIhAPGNLIMwx6r3Nlvg1tE18v+WxAGGn7QmbnZqVYGZSAstAiAu1jj8
svfZgW1ShV0G8IjXs+VP4MWCFJ1RT+8v6jWrkg==
-----END CERTIFICATE-----
`;

// Made by: openssl req -x509 -utf8 with string_mask=default (O= a T61String, CN= a BMPString), as older CAs encode names.
const BMP_T61 = `-----BEGIN CERTIFICATE-----
MIIB0zCCAXkCFHKR3lQF4/Srjb9fXgunAedIyHotMAoGCCqGSM49BAMCMGwxEzAR
BgoJkiaJk/IsZAEZFgNvcmcxFDASBgNVBAoUC1VuaXZlcnNpdOR0MSkwEAYKCZIm
iZPyLGQBARMCeDEwFQYDVQQDHg4ASgD2AG4AcwAgZeVnLDEUMBIGCSqGSIb3DQEJ
ARYFYUBiLmMwHhcNMjYxMTI0MTkyMTQ3WhcNMjYxMTI2MTkyMTQ3WjBsMRMwEQYK
CZImiZPyLGQBGRYDb3JnMRQwEgYDVQQKFAtVbml2ZXJzaXTkdDEpMBAGCgmSJomT
8ixkAQETAngxMBUGA1UEAx4OAEoA9gBuAHMAIGXlZywxFDASBgkqhkiG9w0BCQEW
BWFAYi5jMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/34oYNUNMIz4sRolW2oH
s+7tlgVdrddeWhJLhqmyiwf8Ym4UfnaxbRZnc69aTm4yKEBu5eqIsxdbRg2ojXcA
wjAKBggqhkjOPQQDAgNIADBFAiEA3DXAdQEaQzOjvD4HMACzVPaZSD7ra+p+Povn
b0/9pIkCIBczobS9cskxUUR49ogutwYqgfCmT7/ZO01B//JVAO7W
-----END CERTIFICATE-----
`;

describe('certificateNames', () => {
  it('reads BMPString and T61String values (a version-1 certificate, given as DER bytes)', () => {
    const der = Buffer.from(BMP_T61.split('-----')[2].replace(/\s+/g, ''), 'base64');
    // As `openssl x509 -nameopt compat,utf8` prints it: DC=org, O=Universität, UID=x1 + CN=Jöns 日本, emailAddress=a@b.c
    expect(certificateNames(der).subject).toBe('/DC=org/O=Universität/UID=x1+CN=Jöns 日本/emailAddress=a@b.c');
    expect(certificateNames(new Uint8Array(der))).toEqual(certificateNames(BMP_T61));
  });
  it('says when a text holds no certificate', () => {
    expect(() => certificateNames('no certificate here')).toThrow('no PEM certificate found');
  });
  it('reads order, multi-valued RDNs and UTF-8 exactly, in slash form', () => {
    const n = certificateNames(MULTI_VALUED_UTF8);
    // DER sorts the members of a SET OF: UID comes first here, as `openssl x509 -nameopt compat` prints it.
    expect(n.subject).toBe('/DC=org/DC=cilogon/C=US/O=Universität Wien/UID=jd1+CN=Jöns Doe A123/emailAddress=j@example.org');
    expect(n.issuer).toBe(n.subject);
  });
  it('splits a bundle', () => {
    expect(splitPemCertificates(MULTI_VALUED_UTF8 + MULTI_VALUED_UTF8)).toHaveLength(2);
  });
});

describe('VOMS-Admin form rules', () => {
  const good = formToValues({ name: 'Jane', surname: 'Doe', emailAddress: 'jane.doe+grid@example.org', aupAccepted: true });
  it('accepts a minimal good form', () => {
    expect(validateRegistrationValues(good)).toEqual([]);
  });
  it.each(['<', '>', '&', '=', ';'])('refuses %s in any text field, naming the field', (c) => {
    for (const field of ['name', 'surname', 'institution', 'address', 'phoneNumber', 'userMessage']) {
      const errors = validateRegistrationValues({ ...good, [field]: `a${c}b` });
      expect(errors.map((e) => e.field)).toEqual([field]);
    }
  });
  it('requires name, surname, e-mail and the AUP; checks the e-mail shape', () => {
    const errors = validateRegistrationValues({ name: ' ', surname: '', emailAddress: 'x@y', aupAccepted: 'false' });
    expect(errors.map((e) => e.field)).toEqual(['name', 'surname', 'emailAddress', 'aupAccepted']);
    expect(errors[0].message).toBe('Please enter your name.');
  });
  it('reads Struts field errors in both the sandbox and the VOMS-Admin (xhtml theme) markup', () => {
    const struts = '<tr errorFor="submit-request_surname"><td align="left" valign="top" colspan="2"><span class="errorMessage">Please enter your surname.</span></td></tr>';
    const ours = '<span errorFor="submit-request_name" class="errorMessage" data-error-for="name">You entered invalid characters (&lt; &gt;).</span>';
    expect(readFieldErrors(struts + ours)).toEqual([
      { field: 'surname', message: 'Please enter your surname.' },
      { field: 'name', message: 'You entered invalid characters (< >).' },
    ]);
  });
});

describe('confirmation links', () => {
  const e = { baseUrl: 'https://voms.example.org:8443', vo: 'testvo' };
  const q = 'requestId=12&confirmationId=abc';
  it('accepts the VO server’s own link', () => {
    expect(confirmationUrl(e, ` https://voms.example.org:8443/voms/testvo/register/confirm-request.action?${q}\n`)).toBe(
      `https://voms.example.org:8443/voms/testvo/register/confirm-request.action?${q}`,
    );
  });
  it('re-bases a loopback link onto the running sandbox (its port may change)', () => {
    const sandbox = { baseUrl: 'https://127.0.0.1:40001', vo: 'sandbox' };
    expect(confirmationUrl(sandbox, `https://127.0.0.1:39999/voms/sandbox/register/confirm-request.action?${q}`)).toBe(
      `https://127.0.0.1:40001/voms/sandbox/register/confirm-request.action?${q}`,
    );
  });
  it.each([
    ['another host', `https://evil.example/voms/testvo/register/confirm-request.action?${q}`],
    ['plain http', `http://voms.example.org:8443/voms/testvo/register/confirm-request.action?${q}`],
    ['another VO', `https://voms.example.org:8443/voms/other/register/confirm-request.action?${q}`],
    ['no confirmation id', 'https://voms.example.org:8443/voms/testvo/register/confirm-request.action?requestId=1'],
    ['not a link', 'requestId=1'],
  ])('refuses %s', (_label, link) => {
    expect(() => confirmationUrl(e, link)).toThrow(OnboardError);
  });
  it('derives the endpoint from a VO registration URL', () => {
    expect(vomsAdminEndpoint('https://voms2.fnal.gov:8443/voms/fermilab/')).toEqual({ baseUrl: 'https://voms2.fnal.gov:8443', vo: 'fermilab', trustedCaPems: undefined });
    expect(() => vomsAdminEndpoint('https://voms.example.org/')).toThrow(OnboardError);
  });
});

describe('choosing the connector', () => {
  const vo = (kind: string, url: string) =>
    voEntrySchema.parse({ name: 'x-vo', displayName: 'X', description: 'X VO', registration: { kind, url } });
  it('VOMS-Admin is native, IAM is native, VOMRS and web are a hand-off', () => {
    expect(registrationConnector(vo('voms-admin', 'https://voms.example.org:8443/voms/x-vo')).kind).toBe('voms-admin');
    expect(registrationConnector(vo('iam', 'https://iam.example.org')).kind).toBe('iam');
    expect(registrationConnector(vo('vomrs', 'https://vomrs.example.org:8443/vo/x/vomrs')).kind).toBe('web');
    expect(registrationConnector(vo('web', 'https://example.org/join')).kind).toBe('web');
  });
  it('gives browser users the p12 import step first', () => {
    const h = webRegistrationHandOff(vo('vomrs', 'https://vomrs.example.org/reg'), { shell: 'browser', certificateDn: '/CN=Jane', p12Path: '/home/j/usercred.p12' });
    expect(h.url).toBe('https://vomrs.example.org/reg');
    expect(h.instructions[0]).toContain('/home/j/usercred.p12');
    expect(h.instructions.join(' ')).toContain('Registration (Phase I)');
    expect(h.instructions.join(' ')).toContain('choose “/CN=Jane”');
  });
});
