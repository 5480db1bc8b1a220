import { z } from 'zod';
import { procedure } from './define';
import { containsPrivateKey } from '../private-key-blocks';
import type { ProxyInfoView, RobotCheckView, VerificationView } from './next-steps';

/**
 * The Tools area: inspect a proxy or certificate file dropped on the window (its public text
 * only — the window strips private key blocks, and this schema refuses any that remain), and,
 * for portal operators, make a per-user sub-proxy (PUSP) from a robot certificate whose key
 * stays on this computer (given by path; its passphrase goes in only).
 */

/** Dropped files are read as text; a proxy chain is a few KB, a CA bundle a few hundred. */
export const TOOLS_MAX_TEXT = 512 * 1024;
export const PUSP_MAX_HOURS = 168;

export interface ToolsInspectResult {
  readonly name: string;
  readonly info: ProxyInfoView;
  readonly verification: VerificationView;
}

export interface PuspMadeView {
  readonly file: string;
  readonly mode?: string;
  /** The per-user identity: robot DN + `CN=user:<id>`. */
  readonly identity: string;
  readonly robotSubject: string;
  readonly userLabel: string;
  readonly pseudonymous: boolean;
  readonly session: boolean;
  readonly notAfter: string;
  /** What the robot check saw (with `force`, why it failed). */
  readonly robot: RobotCheckView;
  readonly forced: boolean;
  readonly info: ProxyInfoView;
  readonly verification: VerificationView;
}

export interface PuspDefaults {
  readonly homeDir: string;
  readonly trustDir: string;
  readonly outExample: string;
}

/** A file on this computer: absolute, or `~/…` (the home folder). */
export const localPathSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'must not contain a NUL character')
  .refine((p) => p.startsWith('/') || p === '~' || p.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(p), 'must be a full path, such as /home/you/robot/robotcert.pem or ~/robot/robotcert.pem');

export const toolsInspectInput = z
  .object({
    text: z
      .string()
      .min(1, 'is empty')
      .max(TOOLS_MAX_TEXT, `is larger than ${TOOLS_MAX_TEXT / 1024} KB`)
      .refine((t) => !containsPrivateKey(t), 'must not contain a private key: only certificates may be sent for inspection'),
    /** The dropped file's name, for display. */
    name: z.string().max(255).optional(),
  })
  .strict();

export const puspMakeInput = z
  .object({
    robotCertFile: localPathSchema,
    robotKeyFile: localPathSchema,
    /** The robot key's passphrase, typed by the operator; goes in only. */
    passphrase: z.string().max(1024, 'is too long').optional(),
    userId: z.string().trim().min(1, 'is required').max(1024, 'is too long'),
    pseudonym: z.boolean().default(false),
    session: z.boolean().default(false),
    hours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1 hour').max(PUSP_MAX_HOURS, `must be at most ${PUSP_MAX_HOURS} hours`).default(12),
    out: localPathSchema,
    force: z.boolean().default(false),
  })
  .strict();

export const toolsProcedures = {
  toolsInspect: procedure<ToolsInspectResult>()({
    input: toolsInspectInput,
    summary: 'Inspects the certificates of a dropped file (voms-proxy-info --all) and verifies them against the trusted CA folder; private keys are refused.',
  }),
  puspDefaults: procedure<PuspDefaults>()({
    input: z.object({}).strict(),
    summary: 'Where paths start (home folder), the trusted CA folder, and an example output path for the PUSP form.',
  }),
  puspMake: procedure<PuspMadeView>()({
    input: puspMakeInput,
    summary: 'Makes a per-user sub-proxy (robot DN + CN=user:<id>, optional pseudonym and session proxy) from a robot certificate and key on this computer; refuses a non-robot certificate unless forced.',
  }),
};

export type { RobotCheckView };
