import { OnboardError } from '../../../shared/errors';
import type { Handlers } from '../dispatch';
import type { RegisterService } from './register-service';
import type { WebRegistrationService } from '../web-registration/web-registration-service';

/**
 * The Register procedures of the contract, over the register service (polling runs in the service)
 * and, for VOs registering on a web page, the desktop app's registration window (`web`: absent →
 * REGISTER_DESKTOP_ONLY, as in browser mode).
 */
export function registerHandlers(
  register: RegisterService,
  web?: WebRegistrationService,
): Pick<Handlers, 'registerStatus' | 'registerUnlock' | 'registerSubmit' | 'registerConfirm' | 'registerMailbox' | 'registerMailRead' | 'registerHandoffDone' | 'registerOpenWebWindow' | 'registerWebStoreRemove'> {
  return {
    registerStatus: async ({ refresh }) => register.status(refresh ?? false),
    registerUnlock: async ({ keyPassphrase }) => register.unlock(keyPassphrase),
    registerSubmit: async (input) => register.submit(input),
    registerConfirm: async ({ link }) => register.confirm(link),
    registerMailbox: async () => register.mailbox(),
    registerMailRead: async ({ id }) => register.mailRead(id),
    registerHandoffDone: async () => register.handoffDone(),
    registerOpenWebWindow: async ({ keyPassphrase }) => {
      if (!web) throw new OnboardError('REGISTER_DESKTOP_ONLY');
      await web.open(keyPassphrase);
      return register.status();
    },
    registerWebStoreRemove: async () => {
      if (!web) throw new OnboardError('REGISTER_WEB_NOT_IMPORTED', { vo: 'this VO' });
      await web.removeImport();
      return register.status();
    },
  };
}
