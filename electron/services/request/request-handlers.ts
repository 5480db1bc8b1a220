import type { Handlers } from '../dispatch';
import type { RequestService } from './request-service';

/** The Request procedures of the contract, over the request service (polling runs in the service). */
export function requestHandlers(
  request: RequestService,
): Pick<Handlers, 'requestPreview' | 'requestStart' | 'requestStatus' | 'requestCancel' | 'requestResume' | 'requestImportSources' | 'requestImport' | 'requestRenew'> {
  return {
    requestPreview: async (input) => request.preview(input),
    requestStart: async (input) => request.start(input),
    requestStatus: async () => request.status(),
    requestCancel: async () => request.cancel(),
    requestResume: async (input) => request.resume(input),
    requestImportSources: async () => request.importSources(),
    requestImport: async (input) => request.importCredential(input),
    requestRenew: async (input) => request.renew(input),
  };
}
