import { commonErrors } from './common';
import { voErrors } from './vo';
import { issuerErrors } from './issuer';
import { trustErrors } from './trust';
import { credentialErrors } from './credential';
import { registrationErrors } from './registration';
import { registerErrors } from './register';
import { proxyErrors } from './proxy';
import { transferErrors } from './transfer';
import { translatorErrors } from './translator';
import { requestErrors } from './request';
import { protectErrors } from './protect';
import { trustStepErrors } from './trust-step';
import { nextStepsErrors } from './next-steps';
import { uploadErrors } from './upload';
import { supportErrors } from './support';
import { vomsErrors } from './voms';
import type { ErrorText } from './types';

export type { ErrorText } from './types';
export { defineErrors } from './types';

/**
 * The one error table: every code a service may throw, with the words a scientist reads.
 * Each capability owns a part (shared/errors/<capability>.ts); this file only merges them.
 */
export const errorTable = {
  ...commonErrors,
  ...voErrors,
  ...issuerErrors,
  ...trustErrors,
  ...credentialErrors,
  ...registrationErrors,
  ...registerErrors,
  ...proxyErrors,
  ...transferErrors,
  ...translatorErrors,
  ...requestErrors,
  ...protectErrors,
  ...trustStepErrors,
  ...nextStepsErrors,
  ...uploadErrors,
  ...supportErrors,
  ...vomsErrors,
} as const;

export type ErrorCode = keyof typeof errorTable;

export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/** The only error shape that crosses the contract. Never carries a stack trace. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly details?: ErrorDetails;
}

function fill(template: string, details: ErrorDetails | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = details?.[key];
    return value === undefined ? whole.replace(/[{}]/g, '') : String(value);
  });
}

/** A typed error a service throws; its text comes from the error table. */
export class OnboardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }) {
    const text: ErrorText = errorTable[code];
    super(fill(text.message, details), options);
    this.name = 'OnboardError';
    this.code = code;
    this.hint = fill(text.hint, details);
    this.details = details;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export function isOnboardError(e: unknown): e is OnboardError {
  return e instanceof OnboardError;
}

/** Maps anything thrown to the wire shape; unknown errors become INTERNAL (stack kept only in logs). */
export function toWireError(e: unknown): WireError {
  if (isOnboardError(e)) return e.toWire();
  const detail = e instanceof Error ? e.message : String(e);
  return new OnboardError('INTERNAL', { detail }).toWire();
}

/** Recreates a typed error from its wire form (renderer and CLI side). */
export function isWireError(v: unknown): v is WireError {
  return (
    typeof v === 'object' && v !== null &&
    typeof (v as WireError).code === 'string' && (v as WireError).code in errorTable &&
    typeof (v as WireError).message === 'string'
  );
}
