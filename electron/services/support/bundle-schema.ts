/**
 * The support bundle's shape (format `osg-onboard-support-bundle`, version 1). The builder
 * writes it; the help desk's replay reads it back and trusts only what this schema accepts.
 */
import { z } from 'zod';
import { voEntrySchema } from '../../../shared/vo';
import { errorLogEntrySchema } from './error-log';

export const BUNDLE_FORMAT = 'osg-onboard-support-bundle';
export const BUNDLE_VERSION = 1;

export const stepStatusSchema = z.object({
  status: z.enum(['done', 'in-progress', 'failed']),
  at: z.string().max(64),
  summary: z.string().max(2000).optional(),
});

export const historyEntrySchema = z.object({
  at: z.string().max(64),
  step: z.string().max(64),
  event: z.string().max(200),
  detail: z.string().max(4000).optional(),
});

const redactionSchema = z.object({ rule: z.string(), count: z.number().int().nonnegative(), description: z.string() });

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  createdAt: z.string(),
  app: z.object({ version: z.string().max(64), environment: z.enum(['sandbox', 'production']), shell: z.string().max(32) }),
  system: z.object({
    platform: z.string(),
    arch: z.string(),
    osType: z.string(),
    osRelease: z.string(),
    node: z.string(),
    electron: z.string().nullable(),
  }),
  journey: z.object({
    vo: z
      .object({
        name: z.string().max(200),
        chosenAt: z.string().max(64),
        /** The VO's directory entry (public), so a custom VO can be replayed. */
        entry: z.unknown().optional(),
      })
      .nullable(),
    steps: z.record(z.string(), z.unknown()),
    history: z.array(z.unknown()).max(1000),
    request: z.record(z.string(), z.unknown()).nullable(),
    /** Per VO: the registration's stage (bundles of older versions may lack it). */
    register: z.record(z.string(), z.unknown()).nullable().optional(),
    /** Names of the journal's other sections (their content is not included). */
    otherSections: z.array(z.string()),
  }),
  errors: z.array(errorLogEntrySchema),
  credentials: z.record(z.string(), z.unknown()),
  trust: z.record(z.string(), z.unknown()),
  upload: z.record(z.string(), z.unknown()).nullable(),
  redactions: z.array(redactionSchema),
  neverIncluded: z.array(z.string()),
});
export type SupportBundle = z.infer<typeof bundleSchema>;

export { voEntrySchema };
