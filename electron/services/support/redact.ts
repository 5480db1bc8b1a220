/**
 * Redaction for the support bundle: what leaves the user's computer for the help desk. The bundle
 * is built from chosen public facts only; every string in it then passes these rules as a second
 * net, and `assertClean` checks the final text once more (a bundle that fails is never written).
 * Each rule counts what it did, so the user reads in the preview what was taken out.
 */
import { containsPrivateKey, stripPrivateKeyBlocks } from '../../../shared/private-key-blocks';
import { OnboardError } from '../../../shared/errors';
import { stripHeaderlessKeys } from './headerless-keys';

export const REDACTED = '[redacted]';

export type RedactionRule = 'private-key-block' | 'known-secret' | 'secret-field' | 'secret-in-text' | 'home-path' | 'email';

export const RULE_TEXT: Readonly<Record<RedactionRule, string>> = {
  'private-key-block': 'Private keys removed (-----BEGIN … PRIVATE KEY----- blocks, and key data without those lines)',
  'known-secret': 'Secrets this computer keeps (sandbox account password, enrolment code, confirmation ids) replaced by [redacted]',
  'secret-field': 'Fields named like a password, passphrase, token or code replaced by [redacted]',
  'secret-in-text': 'Passwords, tokens and codes written in text or addresses (token=…, password: …, Bearer …) replaced by [redacted]',
  'home-path': 'Your home folder’s path written as ~ (and the app’s data folder as <data folder>)',
  email: 'E-mail addresses masked (only the first letter and the domain are kept)',
};

/** Object keys whose values are secrets whatever they hold. */
const SECRET_KEY = /^(pass|passwd|pwd|pin|otp|cookie|authorization|bearer|secret|token|csrf|privatekey|keypem|enrol?lmentcode|confirmationid|confirmationcode|onetimecode)$|(password|passphrase|secret|token|apikey|confirmationid)$/i;

/** `token=…`, `password: …`, `Bearer …` and the like inside free text (URLs, messages, stacks). */
const SECRET_PARAM = /([?#&;])((?:access_|refresh_|admin_|form_|id_)?token|code|key|state|secret|sig|signature|enrol?lment[_-]?code|confirmation[_-]?(?:id|code)|confirmationId|password|passphrase|passwd|pwd)=([^\s&#"'<>)]+)/gi;
const SECRET_COLON = /\b(password|passphrase|passwd|pwd|secret|token|enrol?lment[ _-]?code|confirmation[ _-]?id)(\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,;"'&#]+)/gi;
/** A JSON Web Token (IAM access and ID tokens) anywhere in text. */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** Secrets in URL paths: `/confirm/<32 hex>`, `user:pass@host`. */
const CONFIRM_PATH = /(\/(?:confirm|confirmation|verify|reset)[\w-]*\/)([0-9a-fA-F]{16,}|[A-Za-z0-9_-]{20,})/g;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;
const EMAIL = /\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;
/** Other people's home folders (`/home/x/`, `/Users/x/`, `C:\Users\x\`) as a second net. */
const ANY_HOME = /(?:\/home\/|\/Users\/|[A-Za-z]:\\Users\\)[^/\\\s"']+/g;

/** Whether a field of this name holds a secret whatever its value (`password`, `nssPassword`, `adminToken`…). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export interface RedactorOptions {
  /** The user's home folder(s): rewritten to `~`. */
  readonly homeDirs: readonly string[];
  /** Other folders written by a name (e.g. the data folder as `<data folder>`), when not under home. */
  readonly places?: readonly { readonly path: string; readonly as: string }[];
  /** Exact secret values found on this computer (never shorter than 6 characters are used). */
  readonly secrets: readonly string[];
}

export interface RedactionEntry {
  readonly rule: RedactionRule;
  readonly count: number;
  readonly description: string;
}

export class Redactor {
  private readonly counts = new Map<RedactionRule, number>();
  private readonly homes: string[];
  private readonly places: { path: string; as: string }[];
  private readonly secrets: string[];

  constructor(opts: RedactorOptions) {
    this.homes = [...new Set(opts.homeDirs.map((h) => h.replace(/[/\\]+$/, '')).filter((h) => h.split(/[/\\]/).filter(Boolean).length >= 1 && h.length >= 3))]
      .sort((a, b) => b.length - a.length);
    this.places = [
      ...(opts.places ?? []).map((p) => ({ path: p.path.replace(/[/\\]+$/, ''), as: p.as })),
      ...this.homes.map((h) => ({ path: h, as: '~' })),
    ]
      .filter((p) => p.path.length >= 3)
      .sort((a, b) => b.path.length - a.path.length);
    this.secrets = [...new Set(opts.secrets.map((s) => s.trim()).filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
  }

  private count(rule: RedactionRule, n = 1): void {
    if (n > 0) this.counts.set(rule, (this.counts.get(rule) ?? 0) + n);
  }

  private sub(text: string, re: RegExp, rule: RedactionRule, to: (...m: string[]) => string): string {
    return text.replace(re, (...m: string[]) => {
      const out = to(...m);
      if (out !== m[0]) this.count(rule);
      return out;
    });
  }

  /** One string, every text rule. */
  text(input: string): string {
    const stripped = stripPrivateKeyBlocks(input);
    this.count('private-key-block', stripped.removed);
    const headerless = stripHeaderlessKeys(stripped.text);
    this.count('private-key-block', headerless.removed);
    let s = headerless.text;
    if (containsPrivateKey(s)) {
      // A marker the block rule could not take (e.g. split oddly): drop the whole string.
      this.count('private-key-block');
      return '[private key removed]';
    }
    for (const secret of this.secrets) {
      const parts = s.split(secret);
      if (parts.length > 1) {
        this.count('known-secret', parts.length - 1);
        s = parts.join(REDACTED);
      }
    }
    s = this.sub(s, URL_USERINFO, 'secret-in-text', (_w, scheme, user) => `${scheme}${user}:${REDACTED}@`);
    s = this.sub(s, SECRET_PARAM, 'secret-in-text', (w, pre, key, value) => (value === REDACTED ? w : `${pre}${key}=${REDACTED}`));
    s = this.sub(s, SECRET_COLON, 'secret-in-text', (w, key, sep, value) => (value.replace(/^["']/, '').startsWith(REDACTED) ? w : `${key}${sep}${REDACTED}`));
    s = this.sub(s, JWT, 'secret-in-text', () => REDACTED);
    s = this.sub(s, AUTH_HEADER, 'secret-in-text', (_w) => `${_w.split(/\s+/)[0]} ${REDACTED}`);
    s = this.sub(s, CONFIRM_PATH, 'secret-in-text', (_w, pre) => `${pre}${REDACTED}`);
    for (const place of this.places) {
      const parts = s.split(place.path);
      if (parts.length > 1) {
        // Only where the folder is a whole path component (`/home/al` must not eat `/home/alice`).
        let out = parts[0];
        for (let i = 1; i < parts.length; i++) {
          const next = parts[i];
          const whole = next === '' || /^[/\\\s"'`:;,)\]}]/.test(next);
          if (whole) this.count('home-path');
          out += (whole ? place.as : place.path) + next;
        }
        s = out;
      }
    }
    s = this.sub(s, ANY_HOME, 'home-path', () => '~');
    s = this.sub(s, EMAIL, 'email', (_w, first, domain) => `${first}***@${domain}`);
    return s;
  }

  /** A JSON-like value, deep: secret-named fields emptied, every string through `text`. */
  value<T>(v: T, key?: string): T {
    if (key !== undefined && SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' && v !== '') {
      this.count('secret-field');
      return REDACTED as unknown as T;
    }
    if (typeof v === 'string') return this.text(v) as unknown as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as unknown as T;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[this.text(k)] = this.value(x, k);
      return out as T;
    }
    return v;
  }

  report(): RedactionEntry[] {
    return [...this.counts].map(([rule, count]) => ({ rule, count, description: RULE_TEXT[rule] }));
  }

  /**
   * The last check on the final text: no private key marker, no known secret, no home path.
   * Throws SUPPORT_REDACTION_FAILED (nothing is written then).
   */
  assertClean(finalText: string): void {
    if (containsPrivateKey(finalText)) throw new OnboardError('SUPPORT_REDACTION_FAILED', { what: 'a private key block' });
    if (stripHeaderlessKeys(finalText).removed) throw new OnboardError('SUPPORT_REDACTION_FAILED', { what: 'private key data' });
    // Each value as written and as JSON writes it (a `\` or `"` in it is escaped there).
    const spellings = (v: string) => [v, JSON.stringify(v).slice(1, -1)];
    if (this.secrets.some((s) => spellings(s).some((x) => finalText.includes(x)))) {
      throw new OnboardError('SUPPORT_REDACTION_FAILED', { what: 'a secret kept on this computer' });
    }
    for (const home of this.homes) {
      for (const h of spellings(home)) {
        if (new RegExp(`${escapeRe(h)}(?:[/\\\\"]|$)`).test(finalText)) throw new OnboardError('SUPPORT_REDACTION_FAILED', { what: 'the home folder path' });
      }
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the bundle never holds, listed in the preview next to the counts. */
export const NEVER_INCLUDED: readonly string[] = [
  'What you typed into the app (procedure inputs: passwords, passphrases, codes) — the error log never records it',
  'Private keys, .p12 files and keychain entries — they are not read',
  'File contents — only public certificate facts (subject, issuer, serial, SHA-256, validity) and file names, sizes and permissions',
  'The browser-mode address and its one-time token, and the sandbox’s admin links',
];
