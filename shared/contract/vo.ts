import { z } from 'zod';
import { procedure } from './define';
import { customVoSchema, voNameSchema, type VoEntry } from '../vo';

export interface VoChoice {
  readonly vo: VoEntry;
  readonly chosenAt: string;
}

export const voProcedures = {
  voList: procedure<VoEntry[]>()({
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    summary: 'The VO directory (sandbox VO first, then custom VOs, then bundled), filtered by a search text.',
  }),
  voChoose: procedure<VoChoice>()({
    input: z.object({ name: voNameSchema }).strict(),
    summary: 'Records the chosen VO in the wizard journal.',
  }),
  voAddCustom: procedure<VoEntry>()({
    input: customVoSchema,
    summary: 'Validates and stores a VO the user typed in; it is then listed and may be chosen.',
  }),
  voCurrent: procedure<VoChoice | null>()({
    input: z.object({}).strict(),
    summary: 'The VO chosen earlier (restored after a restart), or null.',
  }),
};
