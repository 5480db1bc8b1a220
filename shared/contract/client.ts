import { PROCEDURE_NAMES, type Envelope, type OnboardApi, type ProcedureName, type Procedures } from './index';
import type { InputOf, OutputOf } from './define';
import type { EventName, EventPayload } from './events';
import type { WireError } from '../errors';

/**
 * What `window.onboard` exposes: one function per procedure answering an Envelope (errors as
 * data, because thrown errors lose their fields crossing Electron's contextBridge), plus `on`.
 */
export type RawOnboardApi = {
  readonly [K in ProcedureName]: (input: InputOf<Procedures[K]>) => Promise<Envelope<OutputOf<Procedures[K]>>>;
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};

export type Invoke = (name: ProcedureName, input: unknown) => Promise<Envelope<unknown>>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

/** Builds `window.onboard` from the contract: the preload and the browser bridge client both use this. */
export function buildRawApi(invoke: Invoke, subscribe: Subscribe): RawOnboardApi {
  const api: Record<string, unknown> = {};
  for (const name of PROCEDURE_NAMES) api[name] = (input: unknown) => invoke(name, input ?? {});
  api.on = (event: EventName, listener: (payload: unknown) => void) => subscribe(event, listener);
  return Object.freeze(api) as RawOnboardApi;
}

/** A failed call as the renderer sees it: the error table's text and hint, and the code. */
export class OnboardApiError extends Error {
  readonly code: WireError['code'];
  readonly hint: string;
  readonly details: WireError['details'];
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'OnboardApiError';
    this.code = wire.code;
    this.hint = wire.hint;
    this.details = wire.details;
  }
}

/** Turns envelopes into values or thrown OnboardApiErrors, for React code. */
export function unwrapApi(raw: RawOnboardApi): OnboardApi {
  const api: Record<string, unknown> = {};
  for (const name of PROCEDURE_NAMES) {
    api[name] = async (input: unknown) => {
      const env = await (raw[name] as (i: unknown) => Promise<Envelope<unknown>>)(input);
      if (env.ok) return env.value;
      throw new OnboardApiError(env.error);
    };
  }
  api.on = raw.on;
  return api as OnboardApi;
}
