import type { z } from 'zod';

/**
 * A procedure the renderer (or the CLI, or a test) may call: its input schema, validated on
 * the trusted side before any service sees it, and its output type (phantom: outputs are
 * produced by our own services, so they are typed, not parsed).
 */
export interface ProcedureDef<I extends z.ZodType, O> {
  readonly input: I;
  readonly summary: string;
  /** Phantom marker carrying the output type; never set at run time. */
  readonly __output?: O;
}

/** `procedure<Output>()({ input, summary })` — output type first, input inferred. */
export function procedure<O>() {
  return <I extends z.ZodType>(def: { input: I; summary: string }): ProcedureDef<I, O> => def;
}

export type AnyProcedure = ProcedureDef<z.ZodType, unknown>;
export type InputOf<P> = P extends ProcedureDef<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<P> = P extends ProcedureDef<infer I, unknown> ? z.output<I> : never;
export type OutputOf<P> = P extends ProcedureDef<z.ZodType, infer O> ? O : never;
