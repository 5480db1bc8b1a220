import { IPC_EVENT_CHANNEL, IPC_PREFIX, PROCEDURE_NAMES, type EventName, type EventPayload } from '../../shared/contract';
import { OnboardError } from '../../shared/errors';
import type { Dispatcher } from '../services/dispatch';

/** The parts of Electron's IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

/** The parts of Electron's ipcMain we use (so this file never imports 'electron'). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The app's own origin: the custom protocol the window's files are served from. */
export const APP_ORIGIN = 'app://bundle';

/**
 * True for a URL of the given origin. Compared by scheme and host, because Node's URL gives
 * custom schemes the opaque origin "null" (Chromium, with the scheme registered as standard,
 * does not), and the check must be right in both.
 */
export function hasOrigin(url: string, origin: string = APP_ORIGIN): boolean {
  try {
    const u = new URL(url);
    const o = new URL(origin);
    return u.protocol === o.protocol && u.host === o.host && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * A call is trusted only when it comes from one of our windows (webContents id registered at
 * creation) AND from a frame showing our own origin — not a page the window was navigated to.
 */
export class SenderTrust {
  private readonly ids = new Set<number>();
  constructor(private readonly origin: string = APP_ORIGIN) {}
  add(webContentsId: number): void {
    this.ids.add(webContentsId);
  }
  remove(webContentsId: number): void {
    this.ids.delete(webContentsId);
  }
  isTrusted(event: InvokeEventLike): boolean {
    if (!this.ids.has(event.sender.id)) return false;
    const url = event.senderFrame?.url;
    return url ? hasOrigin(url, this.origin) : false;
  }
}

/**
 * Registers one handler per contract procedure (`onboard:<name>`), made from the contract,
 * so no channel is wired by hand. Untrusted senders get UNAUTHORIZED and reach no service.
 */
export function registerIpc(ipcMain: IpcMainLike, dispatch: Dispatcher, trust: SenderTrust, log: (line: string) => void = () => {}): () => void {
  for (const name of PROCEDURE_NAMES) {
    ipcMain.handle(IPC_PREFIX + name, async (event, input) => {
      if (!trust.isTrusted(event)) {
        log(`ipc: refused ${name} from untrusted sender ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'})`);
        return { ok: false, error: new OnboardError('UNAUTHORIZED').toWire() };
      }
      return dispatch(name, input);
    });
  }
  return () => {
    for (const name of PROCEDURE_NAMES) ipcMain.removeHandler(IPC_PREFIX + name);
  };
}

export interface EventTarget {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends an event to every trusted window. */
export function broadcast<E extends EventName>(targets: Iterable<EventTarget>, event: E, payload: EventPayload<E>): void {
  for (const wc of targets) if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, { event, payload });
}
