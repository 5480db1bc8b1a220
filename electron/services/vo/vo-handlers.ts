import type { Handlers } from '../dispatch';
import type { VoService } from './vo-service';

/** The VO procedures of the contract, over the VO service. */
export function voHandlers(vo: VoService): Pick<Handlers, 'voList' | 'voChoose' | 'voAddCustom' | 'voCurrent'> {
  return {
    voList: async ({ query }) => vo.list(query),
    voChoose: async ({ name }) => vo.choose(name),
    voAddCustom: async (input) => vo.addCustom(input),
    voCurrent: async () => vo.current(),
  };
}
