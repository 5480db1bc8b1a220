// Translator configuration: one JSON file, validated with zod; every error names the field.
// Relative paths are read from the configuration file's folder.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { OnboardError } from '../../shared/errors';

const port = z.number().int().min(0).max(65535);
const positive = z.number().positive().finite();
const file = z.string().min(1);

/** A CIDR block: `a.b.c.d/n` (n ≤ 32), an IPv6 `x::y/n` (n ≤ 128), or a bare address. */
export const cidrSchema = z.string().refine((s) => parseCidrText(s) !== undefined, { message: 'is not an IPv4 or IPv6 address or CIDR block (e.g. 192.0.2.0/24, 2001:db8::/32)' });

export function parseCidrText(s: string): { address: string; prefix: number; family: 4 | 6 } | undefined {
  const [addr, bits, extra] = s.trim().split('/');
  if (extra !== undefined || !addr) return undefined;
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return undefined;
  const max = family === 4 ? 32 : 128;
  if (bits === undefined) return { address: addr, prefix: max, family };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return { address: addr, prefix: Number(bits), family };
}

const pkcs11KeySchema = z
  .object({
    /** The vendor's PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so). */
    module: file,
    /** Slot id as the module numbers it, or the token label (one of the two). */
    slot: z.number().int().min(0).optional(),
    tokenLabel: z.string().min(1).max(32).optional(),
    keyLabel: z.string().min(1).optional(),
    /** CKA_ID in hex. */
    keyId: z.string().regex(/^(?:[0-9a-fA-F]{2})+$/, 'must be hex bytes (e.g. "01a2")').optional(),
    /** File holding the user PIN (first line); keep it 0600. */
    pinFile: file,
    /** Parallel token sessions used for signing (the token serialises per session). */
    sessions: z.number().int().min(1).max(16).default(4),
    /** Accept a key the token would let out (CKA_EXTRACTABLE true). Off: such keys are refused. */
    allowExtractable: z.boolean().default(false),
  })
  .strict()
  .refine((k) => (k.slot === undefined) !== (k.tokenLabel === undefined), { message: 'give exactly one of slot or tokenLabel', path: ['slot'] })
  .refine((k) => k.keyLabel !== undefined || k.keyId !== undefined, { message: 'give keyLabel or keyId', path: ['keyLabel'] });

const fileKeySchema = z
  .object({
    /** The robot's encrypted (or plain) private key, PEM. */
    file,
    /** File with the passphrase on its first line. */
    passphraseFile: file.optional(),
    /** Keychain account (service osg-onboard) holding the passphrase. */
    passphraseKeychain: z.string().min(1).optional(),
  })
  .strict()
  .refine((k) => !(k.passphraseFile && k.passphraseKeychain), { message: 'give passphraseFile or passphraseKeychain, not both', path: ['passphraseFile'] });

export const robotSchema = z
  .object({
    /** The robot certificate (PEM); its id is the MD5 of its slash-form subject. */
    certFile: file,
    /** CA certificates to send after the robot certificate (optional; most clients have them). */
    chainFile: file.optional(),
    key: z.union([z.object({ pkcs11: pkcs11KeySchema }).strict(), fileKeySchema]),
    /** Make PUSPs even if the certificate does not look like an IGTF robot certificate. */
    force: z.boolean().default(false),
  })
  .strict();

export const translatorConfigSchema = z
  .object({
    listen: z.object({ host: z.string().min(1).default('0.0.0.0'), port: port.default(8443) }).strict().default({ host: '0.0.0.0', port: 8443 }),
    tls: z
      .object({
        cert: file,
        key: file,
        /** Clients must present a certificate issued by one of these CAs (PEM bundle). */
        clientCa: file.optional(),
      })
      .strict(),
    /** Client addresses (CIDR) answered at all; everyone else gets 403. */
    allowedClients: z.array(cidrSchema).min(1),
    rate: z
      .object({ perSecond: positive.default(10), burst: z.number().int().min(1).default(20) })
      .strict()
      .default({ perSecond: 10, burst: 20 }),
    lifetimes: z
      .object({
        /** Proxy lifetime (the original's default: 24 h). */
        proxyHours: positive.max(24 * 31).default(24),
        /** A cached proxy is handed out again only while more than this remains (original: 20 of 24 h). */
        cacheMinRemainingHours: z.number().min(0).finite().default(20),
      })
      .strict()
      .default({ proxyHours: 24, cacheMinRemainingHours: 20 }),
    keys: z
      .object({
        /** Proxy key type when the request does not say (`key-type=rsa|ec`). */
        type: z.enum(['rsa', 'ec']).default('rsa'),
        /** Key types a request may ask for. */
        allowed: z.array(z.enum(['rsa', 'ec'])).min(1).default(['rsa']),
        bits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
        /** Fresh RSA keys kept ready. */
        poolSize: z.number().int().min(0).max(10_000).default(64),
        /** Upper bound on keys made per second for the pool (0 = as fast as the workers can). */
        refillPerSecond: z.number().min(0).finite().default(0),
        /** worker_threads making keys (default: one per CPU). */
        workers: z.number().int().min(1).max(64).optional(),
        /**
         * Nice value (0–19) of the key generation threads. Higher favours request latency over
         * refill speed; on a shared host it also yields to every other process.
         */
        workerNice: z.number().int().min(0).max(19).default(0),
      })
      .strict()
      .default({ type: 'rsa', allowed: ['rsa'], bits: 2048, poolSize: 64, refillPerSecond: 0, workerNice: 0 }),
    cache: z.object({ maxEntries: z.number().int().min(0).default(10_000) }).strict().default({ maxEntries: 10_000 }),
    audit: z
      .object({
        file,
        /** Rotate when the file passes this size. */
        maxBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
        /** Rotated files kept (audit.log.1 … .N). */
        keep: z.number().int().min(1).max(1000).default(10),
      })
      .strict(),
    /** Seconds in-flight requests get after SIGTERM before connections are cut. */
    shutdownGraceSeconds: positive.default(20),
    robots: z.array(robotSchema).min(1),
  })
  .strict()
  .refine((c) => c.keys.allowed.includes(c.keys.type), { message: 'must be one of keys.allowed', path: ['keys', 'type'] });

export type TranslatorConfig = z.infer<typeof translatorConfigSchema>;
export type RobotConfig = z.infer<typeof robotSchema>;
export type Pkcs11KeyConfig = z.infer<typeof pkcs11KeySchema>;

/** Validates a parsed configuration; paths are resolved against `baseDir`. */
export function parseTranslatorConfig(raw: unknown, baseDir: string, fileName = 'the configuration'): TranslatorConfig {
  const parsed = translatorConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new OnboardError('TRANSLATOR_CONFIG_INVALID', { file: fileName, field, detail: issue.message });
  }
  const c = parsed.data;
  const abs = (p: string) => path.resolve(baseDir, p);
  return {
    ...c,
    tls: { ...c.tls, cert: abs(c.tls.cert), key: abs(c.tls.key), clientCa: c.tls.clientCa && abs(c.tls.clientCa) },
    audit: { ...c.audit, file: abs(c.audit.file) },
    robots: c.robots.map((r) => ({
      ...r,
      certFile: abs(r.certFile),
      chainFile: r.chainFile && abs(r.chainFile),
      key: 'pkcs11' in r.key
        ? { pkcs11: { ...r.key.pkcs11, module: abs(r.key.pkcs11.module), pinFile: abs(r.key.pkcs11.pinFile) } }
        : { ...r.key, file: abs(r.key.file), passphraseFile: r.key.passphraseFile && abs(r.key.passphraseFile) },
    })),
  };
}

export function loadTranslatorConfig(configFile: string): TranslatorConfig {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnboardError('TRANSLATOR_CONFIG_UNREADABLE', { file: configFile, detail: code === 'ENOENT' ? 'the file does not exist' : (e as Error).message });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OnboardError('TRANSLATOR_CONFIG_UNREADABLE', { file: configFile, detail: `it is not valid JSON (${(e as Error).message})` });
  }
  return parseTranslatorConfig(raw, path.dirname(path.resolve(configFile)), configFile);
}

/** Reads a small secret file (PIN, passphrase): its first line, without the line end. */
export function readSecretLine(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[0];
  } catch (e) {
    throw new OnboardError('TRANSLATOR_FILE_UNREADABLE', { what, file, detail: (e as Error).message });
  }
}
