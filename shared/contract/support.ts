import { z } from 'zod';
import { procedure } from './define';

/** One part of the support bundle as the user reads it before saving. */
export interface SupportSectionView {
  readonly id: 'app' | 'system' | 'journey' | 'errors' | 'credentials' | 'trust' | 'upload';
  readonly title: string;
  /** One line: what the section holds. */
  readonly summary: string;
  /** A few lines of the facts it holds (already redacted). */
  readonly lines: readonly string[];
}

/** What a redaction rule took out, and how often. */
export interface SupportRedactionView {
  readonly rule: string;
  readonly count: number;
  readonly description: string;
}

/** This app is a help-desk replay of a user's bundle (the window shows a banner). */
export interface SupportReplayView {
  readonly bundleFile: string;
  readonly bundleSha256: string;
  readonly bundleCreatedAt: string;
  readonly userAppVersion: string;
  readonly userEnvironment: 'sandbox' | 'production';
  /** The VO the user chose (seeded into the replay's journal), or null. */
  readonly userVo: string | null;
  readonly startedAt: string;
  /** Bundle parts that were not replayed (unknown steps, an invalid custom VO…), in words. */
  readonly ignored: readonly string[];
}

export interface SupportPreview {
  /** The name the file gets (`osg-onboard-support-<UTC time>.json`). */
  readonly fileName: string;
  /** Where it goes unless another folder is chosen: ~/Downloads when it exists, else the home folder. */
  readonly defaultFolder: string;
  /** True only in the desktop app (browser mode cannot show the user's folders). */
  readonly folderPicker: boolean;
  readonly sections: readonly SupportSectionView[];
  readonly redactions: readonly SupportRedactionView[];
  /** What is never in a bundle, in words. */
  readonly neverIncluded: readonly string[];
  /** The error codes in the bundle's error log, newest first, each once. */
  readonly errorCodes: readonly string[];
  /** The exact text that would be saved (redacted JSON). */
  readonly text: string;
  readonly size: number;
  readonly sha256: string;
}

export interface SupportSaved {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly savedAt: string;
  readonly redactions: readonly SupportRedactionView[];
}

export const supportProcedures = {
  supportBundlePreview: procedure<SupportPreview>()({
    input: z.object({}).strict(),
    summary: 'What a support bundle holds right now (sections, the redactions made, the exact redacted text), for the user to read before saving.',
  }),
  supportBundleSave: procedure<SupportSaved>()({
    input: z.object({ folder: z.string().trim().min(1).max(4096).optional() }).strict(),
    summary: 'Writes a new support bundle (redacted JSON, 0600) into the folder (default ~/Downloads or home), never over a file; returns its path, size and SHA-256.',
  }),
  supportReplayInfo: procedure<SupportReplayView | null>()({
    input: z.object({}).strict(),
    summary: 'When this app is a help-desk replay of a user’s support bundle: which bundle (the window shows a banner); else null.',
  }),
};
