import { procedures, isProcedureName, type Envelope, type ProcedureName, type Procedures, type ParsedInputOf, type OutputOf } from '../../shared/contract';
import { OnboardError, toWireError, type WireError } from '../../shared/errors';
import { issuePath } from '../../shared/vo';

/** One function per procedure; inputs arrive already validated by the contract's schema. */
export type Handlers = {
  readonly [K in ProcedureName]: (input: ParsedInputOf<Procedures[K]>) => Promise<OutputOf<Procedures[K]>>;
};

export type Dispatcher = (name: unknown, rawInput: unknown) => Promise<Envelope<unknown>>;

/** Told of every error a dispatcher returns (name, wire error, what was thrown) — never the input. */
export type DispatchErrorHook = (procedure: string, error: WireError, thrown: unknown) => Promise<void>;
const errorHooks = new WeakMap<object, DispatchErrorHook>();

/** The services attach their error log to their handler set; every dispatcher over it reports to it. */
export function onDispatchError(handlers: Handlers, hook: DispatchErrorHook): void {
  errorHooks.set(handlers, hook);
}

/**
 * The single entry for calls from outside the trusted side (IPC, bridge, CLI): checks the
 * name against the contract, validates the input with its schema, runs the handler, and
 * turns every failure into a typed wire error. Stacks go to `log`, never to the caller.
 */
export function createDispatcher(handlers: Handlers, log: (e: unknown) => void = () => {}): Dispatcher {
  return async (name, rawInput) => {
    try {
      if (!isProcedureName(name)) throw new OnboardError('UNKNOWN_PROCEDURE', { detail: String(name).slice(0, 80) });
      const parsed = procedures[name].input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new OnboardError('INVALID_INPUT', { field: issuePath(issue.path) || 'input', detail: issue.message });
      }
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (e) {
      if (!(e instanceof OnboardError) || e.code === 'INTERNAL') log(e);
      const error = toWireError(e);
      await errorHooks.get(handlers)?.(String(name).slice(0, 80), error, e).catch(() => {});
      return { ok: false, error };
    }
  };
}
