import type { Handlers } from '../dispatch';
import type { SupportService } from './support-service';

/** The "Get help" procedures of the contract, over the support service. */
export function supportHandlers(support: SupportService): Pick<Handlers, 'supportBundlePreview' | 'supportBundleSave' | 'supportReplayInfo'> {
  return {
    supportBundlePreview: async () => support.preview(),
    supportBundleSave: async ({ folder }) => support.save({ folder }),
    supportReplayInfo: async () => support.replayInfo(),
  };
}
