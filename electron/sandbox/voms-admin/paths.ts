import path from 'node:path';

/** Where the sandbox VO service and the mailbox keep their state inside the app's data folder. */
export const SANDBOX_VO_NAME = 'sandbox';

export function sandboxVomsDir(dataDir: string): string {
  return path.join(dataDir, 'sandbox', 'voms-admin');
}

export function sandboxMailboxDir(dataDir: string): string {
  return path.join(dataDir, 'sandbox', 'mailbox');
}
