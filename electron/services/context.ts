import type { EventName, EventPayload } from '../../shared/contract';

export type Environment = 'sandbox' | 'production';

/** What every service is handed; nothing here reaches for globals, so tests pass temp dirs. */
export interface ServiceContext {
  /** The app's data folder (journal, pending requests, sandbox state). */
  readonly dataDir: string;
  /** The user's home (where `.globus`, `.pki/nssdb` and `.glite` live). */
  readonly homeDir: string;
  readonly environment: Environment;
  readonly shell: 'electron' | 'browser' | 'cli';
  readonly version: string;
  readonly now: () => Date;
  /** Pushes an event to every window (progress of long work). */
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
}
