import type { Handlers } from '../dispatch';
import type { BackupService } from './backup-service';

/** The Back up procedures of the contract, over the backup service. */
export function backupHandlers(backup: BackupService): Pick<Handlers, 'backupDefaults' | 'backupWrite' | 'backupPickFolder'> {
  return {
    backupDefaults: async () => backup.defaults(),
    backupWrite: async (input) => backup.write(input),
    backupPickFolder: async ({ startIn }) => backup.pickFolder(startIn),
  };
}
