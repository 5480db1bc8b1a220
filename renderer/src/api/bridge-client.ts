import { buildRawApi, type RawOnboardApi } from '../../../shared/contract/client';
import type { EventName } from '../../../shared/contract';

const TOKEN_KEY = 'osg-onboard-token';
const TOKEN_HEADER = 'x-onboard-token';
const WS_PROTOCOL_PREFIX = 'onboard-token.';

/**
 * The token the bridge printed arrives in the URL fragment (never sent to a server); it is
 * kept for this tab only and removed from the address bar.
 */
export function takeToken(): string | null {
  const m = /(?:^|[#&])token=([0-9a-f]{16,128})/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Browser mode's `window.onboard`: the same contract over HTTP and a WebSocket for events. */
export function createBridgeApi(token: string): RawOnboardApi {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retry = 0;

  const connect = () => {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/events`;
    socket = new WebSocket(url, [WS_PROTOCOL_PREFIX + token]);
    socket.onmessage = (m) => {
      try {
        const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
        listeners.get(event)?.forEach((l) => l(payload));
      } catch {
        /* ignore malformed frames */
      }
    };
    socket.onopen = () => {
      retry = 0;
    };
    socket.onclose = () => {
      socket = null;
      if ([...listeners.values()].some((s) => s.size > 0) && retry < 20) {
        retry += 1;
        setTimeout(connect, Math.min(5000, 250 * 2 ** retry));
      }
    };
  };

  return buildRawApi(
    async (name, input) => {
      try {
        const res = await fetch(`/api/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
          body: JSON.stringify(input ?? {}),
        });
        return await res.json();
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: 'OSG Onboard’s background service is not answering.',
            hint: 'Check that `npm run web` (or the app) is still running, then reload this page.',
          },
        };
      }
    },
    (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!socket) connect();
      return () => {
        set!.delete(listener);
      };
    },
  );
}
