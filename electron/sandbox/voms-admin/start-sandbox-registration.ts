import { startMailbox, type SandboxMailbox } from '../mailbox';
import { sandboxMailboxDir, sandboxVomsDir, SANDBOX_VO_NAME } from './paths';
import { startSandboxVoms, type SandboxTlsMaterial, type SandboxVoms, type StartSandboxVomsOptions } from './server';

export interface SandboxRegistration {
  readonly voms: SandboxVoms;
  readonly mailbox: SandboxMailbox;
  close(): Promise<void>;
}

/**
 * What the app starts in sandbox mode: the mailbox, then the sandbox VO's VOMS-Admin sending its
 * e-mails to it, both with their state in the app's data folder (where the CLI finds it).
 */
export async function startSandboxRegistration(opts: {
  readonly dataDir: string;
  readonly trustedCaPems: readonly string[];
  readonly tls: SandboxTlsMaterial | (() => Promise<SandboxTlsMaterial>);
  readonly vo?: string;
  /** Groups members may ask for (the VO entry's `groups`). */
  readonly groups?: readonly string[];
  /** The VOMS server's host credential: when given, `/generate-ac` runs too. */
  readonly vomsHost?: StartSandboxVomsOptions['vomsHost'];
  readonly now?: () => Date;
}): Promise<SandboxRegistration> {
  const mailboxDir = sandboxMailboxDir(opts.dataDir);
  const mailbox = await startMailbox({ dir: mailboxDir, now: opts.now });
  let voms: SandboxVoms;
  try {
    voms = await startSandboxVoms({
      dir: sandboxVomsDir(opts.dataDir),
      vo: opts.vo ?? SANDBOX_VO_NAME,
      trustedCaPems: opts.trustedCaPems,
      tls: opts.tls,
      smtp: { host: mailbox.smtpHost, port: mailbox.smtpPort },
      mailboxDir,
      groups: opts.groups,
      vomsHost: opts.vomsHost,
      now: opts.now,
    });
  } catch (e) {
    await mailbox.close();
    throw e;
  }
  return {
    voms,
    mailbox,
    close: async () => {
      await voms.close();
      await mailbox.close();
    },
  };
}
