import { useEffect, useRef, type RefObject } from 'react';
import { useApi } from './context';

/**
 * True while the screen that holds it is shown: check it before setting state after an await,
 * so an answer that arrives after the user left the step is dropped.
 */
export function useLive(): RefObject<boolean> {
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  return live;
}

/**
 * Calls `fetch` now and again on every journal change (the service, the CLI or another window
 * moved a step), until the screen is left. Pass a stable function (useCallback).
 */
export function useJournalRefresh(fetch: () => unknown): void {
  const api = useApi();
  useEffect(() => {
    void fetch();
    return api.on('journalChanged', () => void fetch());
  }, [api, fetch]);
}
