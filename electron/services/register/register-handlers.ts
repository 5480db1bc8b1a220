import type { Handlers } from '../dispatch';
import type { RegisterService } from './register-service';

/** The Register procedures of the contract, over the register service (polling runs in the service). */
export function registerHandlers(
  register: RegisterService,
): Pick<Handlers, 'registerStatus' | 'registerUnlock' | 'registerSubmit' | 'registerConfirm' | 'registerMailbox' | 'registerMailRead' | 'registerHandoffDone'> {
  return {
    registerStatus: async ({ refresh }) => register.status(refresh ?? false),
    registerUnlock: async ({ keyPassphrase }) => register.unlock(keyPassphrase),
    registerSubmit: async (input) => register.submit(input),
    registerConfirm: async ({ link }) => register.confirm(link),
    registerMailbox: async () => register.mailbox(),
    registerMailRead: async ({ id }) => register.mailRead(id),
    registerHandoffDone: async () => register.handoffDone(),
  };
}
