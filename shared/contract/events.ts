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
};

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
