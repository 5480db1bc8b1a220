import { z } from 'zod';

/** Events the trusted side pushes to the window. Each has a schema so tests can check them. */
export const eventSchemas = {
  progress: z.object({
    /** Which long task: `keygen`, `upload:<file>`, `approval`, … */
    task: z.string(),
    /** 0..1, or null when the end is unknown (waiting for a sponsor). */
    fraction: z.number().min(0).max(1).nullable(),
    label: z.string(),
  }),
  journalChanged: z.object({ at: z.string() }),
  /**
   * A running upload asks the window something (`open: true`: show it) or stops asking
   * (`open: false`: answered, timed out or cancelled). Answered with `uploadAnswer`.
   */
  uploadQuestion: z.object({
    open: z.boolean(),
    uploadId: z.string(),
    questionId: z.string(),
    kind: z.enum(['host-key', 'keyboard']),
    host: z.string(),
    port: z.number().int(),
    keyType: z.string().optional(),
    keyTypeLabel: z.string().optional(),
    fingerprint: z.string().optional(),
    otherKnownTypes: z.array(z.string()).optional(),
    sandboxFingerprint: z.string().optional(),
    name: z.string().optional(),
    instructions: z.string().optional(),
    prompts: z.array(z.object({ prompt: z.string(), echo: z.boolean() })).optional(),
    expiresAt: z.string(),
  }),
};

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
