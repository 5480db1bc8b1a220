import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { composeMessage, encodeQuotedPrintable, extractLinks, parseMessage } from '../../../electron/sandbox/mailbox/mime';

const date = new Date('2026-11-24T15:30:01Z');

describe('sandbox mailbox MIME', () => {
  it('round-trips a UTF-8 message with a long link (quoted-printable, soft breaks)', () => {
    const link = 'https://127.0.0.1:40123/voms/sandbox/register/confirm-request.action?requestId=12&confirmationId=0123456789abcdef0123456789abcdef';
    const raw = composeMessage({ from: 'VOMS Admin <voms-admin@sandbox.invalid>', to: ['jane@example.org'], subject: 'Bitte bestätigen — confirm', text: `Grüße,\n\n${link}\n\nbye=1;`, date, messageId: 'a@b' });
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(raw).toMatch(/^[\x00-\x7f]*$/); // 7-bit on the wire
    const m = parseMessage(Buffer.from(raw));
    expect(m.subject).toBe('Bitte bestätigen — confirm');
    expect(m.from).toBe('VOMS Admin <voms-admin@sandbox.invalid>');
    expect(m.text).toBe(`Grüße,\n\n${link}\n\nbye=1;\n`);
    expect(m.links).toEqual([link]);
    expect(m.date).toBe('2026-11-24T15:30:01.000Z');
  });

  it('reads the shapes other mailers send: multipart/alternative, base64, encoded words', () => {
    const raw = [
      'From: =?utf-8?q?J=C3=B6rg?= <j@example.org>',
      'To: A <a@example.org>, b@example.org',
      'Subject: =?UTF-8?B?w4TDpA==?= =?UTF-8?B?w7Y=?=',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      '',
      '--XYZ',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html <a href="https://x.example/h">h</a></p>',
      '--XYZ',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Plain text https://x.example/p.\n').toString('base64'),
      '--XYZ--',
      '',
    ].join('\r\n');
    const m = parseMessage(Buffer.from(raw));
    expect(m.from).toBe('Jörg <j@example.org>');
    expect(m.to).toEqual(['a@example.org', 'b@example.org']);
    expect(m.subject).toBe('Ääö');
    expect(m.text).toBe('Plain text https://x.example/p.\n');
    expect(m.links).toEqual(['https://x.example/p']);
  });

  it('quoted-printable decodes back to the same text for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const text = s.replace(/\r/g, '');
        const raw = composeMessage({ from: 'a@b.c', to: ['d@e.f'], subject: 's', text, date, messageId: 'x@y' });
        expect(parseMessage(Buffer.from(raw)).text).toBe(text.endsWith('\n') ? text : text + '\n');
        for (const line of encodeQuotedPrintable(text).split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
      }),
      { numRuns: 200 },
    );
  });

  it('extracts links without trailing punctuation and without duplicates', () => {
    expect(extractLinks('see https://a.example/x?y=1&z=2, and (https://b.example/) https://a.example/x?y=1&z=2.')).toEqual([
      'https://a.example/x?y=1&z=2',
      'https://b.example/',
    ]);
  });
});
