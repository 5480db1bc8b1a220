import { z } from 'zod';
import { isValidDn } from './dn';

/** Host name or IPv4/IPv6 literal (no scheme, no port). */
const HOST_RE = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\d{1,3}(?:\.\d{1,3}){3}$|^\[?[0-9A-Fa-f:]+\]?$/;

export const hostSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .regex(HOST_RE, 'must be a host name such as login.example.org (no https://, no port)');

export const portSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

export const dnSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .refine(isValidDn, 'must be a distinguished name such as /DC=org/DC=example/CN=voms.example.org');

export const httpsUrlSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be a full https:// address');

/** VO names as `vomses` spells them (`osg`, `fermilab`, `vo.example.org`, and a few upper-case ones such as `GLOW`). */
export const voNameSchema = z
  .string()
  .trim()
  .min(2, 'must have at least 2 characters')
  .max(64, 'must have at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/, 'may use letters, digits, “.”, “-” and “_” only');

export const registrationKindSchema = z.enum(['voms-admin', 'vomrs', 'iam', 'web']);
export type RegistrationKind = z.infer<typeof registrationKindSchema>;

export const vomsServerSchema = z.object({
  host: hostSchema,
  port: portSchema,
  /** The VOMS server's certificate subject (for `.lsc` and `vomses`). */
  dn: dnSchema,
  /** Its issuing CA's subject (second line of the `.lsc` file). */
  caDn: dnSchema.optional(),
});
export type VomsServer = z.infer<typeof vomsServerSchema>;

export const submitHostSchema = z.object({
  host: hostSchema,
  port: portSchema.default(22),
  note: z.string().optional(),
});

export const sourceSchema = z.object({
  /** Where the facts were read (a public page or repository file). */
  url: z.string().url(),
  /** When it was read (YYYY-MM-DD). */
  retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  note: z.string().optional(),
});

export const voEntrySchema = z.object({
  name: voNameSchema,
  displayName: z.string().trim().min(1, 'is required').max(120),
  description: z.string().trim().min(1, 'is required').max(1000),
  /** Who vouches for members: the certificate sponsor / registration authority. */
  sponsor: z.string().trim().max(300).optional(),
  contact: z.string().trim().max(300).optional(),
  homepage: httpsUrlSchema.optional(),
  registration: z.object({
    kind: registrationKindSchema,
    url: httpsUrlSchema,
  }),
  vomsServers: z.array(vomsServerSchema).default([]),
  submitHosts: z.array(submitHostSchema).default([]),
  /** Name of the CA bundle the VO's members need (see the Trust CAs step). */
  caBundle: z.string().min(1).default('igtf-classic'),
  /** Groups a member may ask for (`/osg/…`). */
  groups: z.array(z.string().regex(/^\/[^\s]+$/, 'must start with /')).default([]),
  /** True only for the embedded sandbox VO. */
  sandbox: z.boolean().default(false),
  /** True for a VO the user typed in. */
  custom: z.boolean().default(false),
  sources: z.array(sourceSchema).default([]),
});
export type VoEntry = z.infer<typeof voEntrySchema>;
export type VoEntryInput = z.input<typeof voEntrySchema>;

export const voDirectorySchema = z.object({
  version: z.literal(1),
  updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  vos: z
    .array(voEntrySchema)
    .min(1, 'must list at least one VO')
    .refine((vos) => new Set(vos.map((v) => v.name)).size === vos.length, 'has two VOs with the same name'),
});
export type VoDirectory = z.infer<typeof voDirectorySchema>;

/** What the user types in the "Custom VO" form. */
export const customVoSchema = z.object({
  name: voNameSchema,
  displayName: z.string().trim().max(120).optional(),
  description: z.string().trim().max(1000).optional(),
  registrationKind: registrationKindSchema,
  registrationUrl: httpsUrlSchema,
  vomsHost: hostSchema.optional(),
  vomsPort: portSchema.optional(),
  vomsDn: dnSchema.optional(),
  submitHost: hostSchema.optional(),
  sponsor: z.string().trim().max(300).optional(),
}).superRefine((v, ctx) => {
  const some = v.vomsHost || v.vomsPort || v.vomsDn;
  const all = v.vomsHost && v.vomsPort && v.vomsDn;
  if (some && !all) {
    for (const field of ['vomsHost', 'vomsPort', 'vomsDn'] as const) {
      if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'is needed when any VOMS server field is given' });
    }
  }
});
export type CustomVoInput = z.input<typeof customVoSchema>;

/** Human label for a zod issue path, e.g. `vos[3].vomsServers[0].port`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}
