/**
 * How strong a password or passphrase is, and why not — shared by the window (the meter, live)
 * and the services (which check again before using it). Not a cracking model: a small set of
 * rules a scientist can act on, and an estimate in bits from the character classes used, with
 * the usual weak patterns (common passwords, repeats, runs, personal data) taken out.
 */

export type StrengthLabel = 'too weak' | 'weak' | 'fair' | 'strong' | 'very strong';

export interface PasswordRule {
  readonly id: 'length' | 'common' | 'pattern' | 'personal';
  readonly ok: boolean;
  /** The rule in the user's words (shown with a tick or a cross). */
  readonly text: string;
}

export interface PasswordStrength {
  /** 0 (unusable) .. 4 (very strong). */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly label: StrengthLabel;
  /** Estimated guessing effort, in bits (after the weak patterns were taken out). */
  readonly bits: number;
  /** Every rule with whether it passes. The password is accepted when all pass. */
  readonly rules: readonly PasswordRule[];
  readonly acceptable: boolean;
  /** Why it is weak, one short reason per line (empty when strong). */
  readonly reasons: readonly string[];
}

export const MIN_PASSWORD_CHARS = 12;
/** A passphrase of this many words (of 3+ letters) is accepted even when shorter than 12 characters. */
export const MIN_PASSPHRASE_WORDS = 4;

/** Passwords seen at the top of every leaked-password list, and words people build them from. */
const COMMON = new Set([
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'password1', 'password123', '123456', '1234567', '12345678', '123456789',
  '1234567890', '12345', 'qwerty', 'qwertyuiop', 'qwerty123', 'azerty', 'abc123', 'abcdef', 'letmein', 'welcome',
  'welcome1', 'iloveyou', 'admin', 'administrator', 'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess',
  'master', 'shadow', 'superman', 'trustno1', 'changeme', 'secret', 'login', 'starwars', 'whatever', 'freedom',
  'grid', 'gridpassword', 'certificate', 'usercred', 'usercert', 'userkey', 'globus', 'osg', 'cilogon', 'sandbox',
  'opensciencegrid', 'fermilab', 'cern', 'physics', 'science', 'research', 'university', 'student',
]);

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'azertyuiop', 'qwertzuiop'];

function chars(s: string): string[] {
  return [...s];
}

/** Character-class pool size (the usual brute-force estimate). */
function poolSize(pw: string): number {
  let pool = 0;
  if (/[a-z]/.test(pw)) pool += 26;
  if (/[A-Z]/.test(pw)) pool += 26;
  if (/[0-9]/.test(pw)) pool += 10;
  if (/[^A-Za-z0-9\s\p{L}]/u.test(pw)) pool += 33;
  if (/\s/.test(pw)) pool += 1;
  if (/[^\x00-\x7f]/.test(pw)) pool += 100;
  return Math.max(pool, 1);
}

/** Words of 3+ letters separated by spaces, hyphens, dots or underscores. */
export function passphraseWords(pw: string): string[] {
  return pw.split(/[\s\-_.,]+/u).filter((w) => chars(w).length >= 3 && /\p{L}/u.test(w));
}

type Step = (a: string, b: string) => boolean;
const sameChar: Step = (a, b) => a === b;
const ascending: Step = (a, b) => b.codePointAt(0)! - a.codePointAt(0)! === 1;
const descending: Step = (a, b) => a.codePointAt(0)! - b.codePointAt(0)! === 1;
const keyboard: Step = (a, b) => KEYBOARD_ROWS.some((row) => {
  const k = row.indexOf(a);
  return k >= 0 && row[k + 1] === b;
});

/** Runs like `aaaa`, `abcd`, `4321`, `qwer` (4 or more): how many characters they cover. */
function patternChars(pw: string): number {
  const c = chars(pw.toLowerCase());
  let covered = 0;
  let i = 0;
  while (i < c.length) {
    let best = 1;
    for (const step of [sameChar, ascending, descending, keyboard]) {
      let k = i + 1;
      while (k < c.length && step(c[k - 1], c[k])) k++;
      best = Math.max(best, k - i);
    }
    if (best >= 4) covered += best;
    i += best;
  }
  return covered;
}

function leet(s: string): string {
  return s.replace(/[@4]/g, 'a').replace(/3/g, 'e').replace(/[1!|]/g, 'i').replace(/0/g, 'o').replace(/[$5]/g, 's').replace(/7/g, 't');
}

/** Whether the password is (or is one common word plus digits/symbols around it). */
export function isCommonPassword(pw: string): boolean {
  const lower = pw.toLowerCase().trim();
  if (COMMON.has(lower) || COMMON.has(leet(lower))) return true;
  // A common word with only digits or symbols around it (`password123456`, `!Welcome1`).
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  return core.length >= 4 && (COMMON.has(core) || COMMON.has(leet(core)));
}

/** Pieces of the user's own data (name parts, the e-mail's local part) of 3+ letters. */
function personalPieces(personal: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of personal) {
    const v = p.toLowerCase();
    for (const part of v.split(/[@\s.\-_+]+/)) if (part.length >= 3) out.add(part);
  }
  return [...out];
}

/**
 * Rates a password. `personal`: the user's name and e-mail (a password containing them is
 * refused). The service uses the same function to refuse weak passwords.
 */
export function passwordStrength(pw: string, personal: readonly string[] = []): PasswordStrength {
  const n = chars(pw).length;
  const words = passphraseWords(pw);
  const isPassphrase = words.length >= MIN_PASSPHRASE_WORDS;
  const lengthOk = n >= MIN_PASSWORD_CHARS || isPassphrase;
  const common = n > 0 && isCommonPassword(pw);
  const patterned = patternChars(pw);
  const patternOk = n === 0 || patterned < Math.max(4, n / 2);
  const lower = pw.toLowerCase();
  const personalHit = personalPieces(personal).find((piece) => lower.includes(piece));

  // Bits: characters outside runs at the pool's rate; each run counts as one character.
  const effective = Math.max(0, n - patterned) + (patterned > 0 ? 1 : 0);
  let bits = effective * Math.log2(poolSize(pw));
  if (isPassphrase) bits = Math.max(bits, words.length * 11); // ≥ 2048-word-list estimate per word
  if (common) bits = Math.min(bits, 10);
  if (personalHit) bits = Math.max(0, bits - 12);
  bits = Math.round(bits);

  const rules: PasswordRule[] = [
    { id: 'length', ok: lengthOk, text: `At least ${MIN_PASSWORD_CHARS} characters, or a passphrase of ${MIN_PASSPHRASE_WORDS} or more words` },
    { id: 'common', ok: n > 0 && !common, text: 'Not a common password (such as “password123”)' },
    { id: 'pattern', ok: n > 0 && patternOk, text: 'Not mostly a run or repeat (such as “aaaa”, “1234”, “qwerty”)' },
    { id: 'personal', ok: n > 0 && !personalHit, text: 'Does not contain your name or e-mail address' },
  ];
  const acceptable = rules.every((r) => r.ok);
  const reasons: string[] = [];
  if (n === 0) reasons.push('it is empty');
  else {
    if (!lengthOk) reasons.push(`it has ${n} character${n === 1 ? '' : 's'}; ${MIN_PASSWORD_CHARS} or more are needed (or ${MIN_PASSPHRASE_WORDS}+ words)`);
    if (common) reasons.push('it is a common password, tried first by attackers');
    if (!patternOk) reasons.push('it is mostly a run or a repeat of characters');
    if (personalHit) reasons.push(`it contains “${personalHit}” from your name or e-mail`);
    if (acceptable && bits < 60) {
      if (!/[A-Z]/.test(pw) && !/[0-9]/.test(pw) && !isPassphrase) reasons.push('only one kind of character: add words, digits or capitals');
    }
  }
  let score: PasswordStrength['score'];
  if (!acceptable) score = n === 0 ? 0 : bits >= 40 ? 1 : 0;
  else score = bits >= 90 ? 4 : bits >= 70 ? 3 : bits >= 50 ? 2 : 1;
  const label: StrengthLabel = (['too weak', 'weak', 'fair', 'strong', 'very strong'] as const)[score];
  return { score, label, bits, rules, acceptable, reasons };
}
