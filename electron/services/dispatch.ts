import { procedures, isProcedureName, type Envelope, type ProcedureName, type Procedures, type ParsedInputOf, type OutputOf } from '../../shared/contract';
import { OnboardError, toWireError } from '../../shared/errors';
import { issuePath } from '../../shared/vo';

/** One function per procedure; inputs arrive already validated by the contract's schema. */
export type Handlers = {
  readonly [K in ProcedureName]: (input: ParsedInputOf<Procedures[K]>) => Promise<OutputOf<Procedures[K]>>;
};

export type Dispatcher = (name: unknown, rawInput: unknown) => Promise<Envelope<unknown>>;

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
      return { ok: false, error: toWireError(e) };
    }
  };
}
