import { unwrapApi, type RawOnboardApi } from '../../../shared/contract/client';
import type { OnboardApi } from '../../../shared/contract';
import { createBridgeApi, takeToken } from './bridge-client';

declare global {
  interface Window {
    /** Set by the Electron preload, or by browser mode below. Exactly the contract's keys. */
    onboard?: RawOnboardApi;
  }
}

export type ConnectResult = { api: OnboardApi } | { api: null; reason: 'no-token' };

/** In Electron the preload has set window.onboard; in browser mode we make it from the token. */
export function connect(): ConnectResult {
  if (!window.onboard) {
    const token = takeToken();
    if (!token) return { api: null, reason: 'no-token' };
    Object.defineProperty(window, 'onboard', { value: createBridgeApi(token), writable: false, configurable: false });
  }
  return { api: unwrapApi(window.onboard!) };
}
