/** One entry of the error table: what a scientist reads, and what to do about it. */
export interface ErrorText {
  /** What went wrong, in plain words. May use {placeholders} filled from `details`. */
  readonly message: string;
  /** What to do next. */
  readonly hint: string;
}

export type ErrorTable<K extends string = string> = Readonly<Record<K, ErrorText>>;

/** Declares a capability's part of the error table with its codes checked at compile time. */
export function defineErrors<const T extends Record<string, ErrorText>>(table: T): T {
  return table;
}
