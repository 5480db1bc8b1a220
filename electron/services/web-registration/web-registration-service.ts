/**
 * The `web` registration connector's desktop half (VOMRS and any VO registering on its own web
 * page): put the user's certificate into the browser certificate store the app's Chromium reads,
 * then open the VO's registration page in an app window that presents exactly that certificate.
 * The window itself is Electron's (electron/main/registration-window.ts), handed in as `openWindow`;
 * without it (browser mode, CLI) the procedure answers REGISTER_DESKTOP_ONLY and the step keeps
 * its hand-off. What was imported and what the window did are kept in the journal
 * (`webRegistration: { <vo>: … }`), so the import can be undone later.
 */
import { z } from 'zod';
import { OnboardError, toWireError } from '../../../shared/errors';
import type { RegisterWindowView } from '../../../shared/contract/register';
import type { ServiceContext } from '../context';
import type { Journal, JournalData } from '../journal/journal';
import type { VoService } from '../vo/vo-service';
import type { RegisterCredentials } from '../register/register-credential';
import { importIntoBrowserStore, removeFromBrowserStore, type BrowserStoreImport, type BrowserStoreOptions } from './browser-store';
import { registrationOrigin } from './window-policy';

/** What the Electron glue is asked to open. */
export interface RegistrationWindowRequest {
  readonly url: string;
  /** The only origin the window may show. */
  readonly origin: string;
  /** The certificate to present, `AB:CD:…` SHA-256. */
  readonly certificateSha256: string;
  readonly title: string;
}

/** What happened in the window, reported when it closes (the contract's view). */
export type RegistrationWindowOutcome = RegisterWindowView;

export type RegistrationWindowOpener = (request: RegistrationWindowRequest) => Promise<RegistrationWindowOutcome>;

const wireErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string(), details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.undefined()])).optional() });

const importSchema = z.object({
  db: z.string(),
  nickname: z.string(),
  sha256: z.string(),
  subject: z.string(),
  alreadyPresent: z.boolean(),
  createdDb: z.boolean(),
  at: z.string(),
  credentialId: z.string(),
  removedAt: z.string().optional(),
});

const windowSchema = z.object({
  openedAt: z.string(),
  closedAt: z.string(),
  certificatePresented: z.boolean(),
  problem: wireErrorSchema.optional(),
  openedInBrowser: z.array(z.string()),
  refused: z.array(z.string()),
});

export const webRegistrationSectionSchema = z.object({ import: importSchema.optional(), window: windowSchema.optional() }).passthrough();
export type WebRegistrationSection = z.infer<typeof webRegistrationSectionSchema>;

function sections(j: JournalData): Record<string, unknown> {
  const raw = (j as Record<string, unknown>).webRegistration;
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

export function readWebRegistration(j: JournalData, vo: string): WebRegistrationSection | null {
  const parsed = webRegistrationSectionSchema.safeParse(sections(j)[vo]);
  return parsed.success ? parsed.data : null;
}

function writeWebRegistration(j: JournalData, vo: string, s: WebRegistrationSection): void {
  (j as Record<string, unknown>).webRegistration = { ...sections(j), [vo]: s };
}

export interface WebRegistrationServiceOptions {
  readonly context: Pick<ServiceContext, 'dataDir' | 'homeDir' | 'now' | 'shell'>;
  readonly journal: Journal;
  readonly vo: VoService;
  readonly credentials: RegisterCredentials;
  /** The desktop app's registration window; absent in browser mode and the CLI. */
  readonly openWindow?: RegistrationWindowOpener;
  /** PATH / platform for certutil and pk12util (tests). */
  readonly store?: Pick<BrowserStoreOptions, 'env' | 'platform' | 'osReleaseFile'>;
}

export class WebRegistrationService {
  constructor(private readonly o: WebRegistrationServiceOptions) {}

  private storeOptions(): BrowserStoreOptions {
    const c = this.o.context;
    return { homeDir: c.homeDir, dataDir: c.dataDir, now: c.now, ...this.o.store };
  }

  private async webVo() {
    const choice = await this.o.vo.current();
    if (!choice) throw new OnboardError('REGISTER_NO_VO');
    const vo = choice.vo;
    if (vo.registration.kind !== 'web' && vo.registration.kind !== 'vomrs') {
      throw new OnboardError('REGISTER_WRONG_KIND', { vo: vo.displayName, detail: 'OSG Onboard registers with it directly' });
    }
    return vo;
  }

  /**
   * Imports the certificate into the browser store, opens the registration window and waits until
   * the user closes it; records both. Browser mode / CLI: REGISTER_DESKTOP_ONLY before anything else.
   */
  async open(keyPassphrase?: string): Promise<{ import: BrowserStoreImport; window: RegistrationWindowOutcome }> {
    const openWindow = this.o.openWindow;
    if (this.o.context.shell !== 'electron' || !openWindow) throw new OnboardError('REGISTER_DESKTOP_ONLY');
    const vo = await this.webVo();
    const origin = registrationOrigin(vo.registration.url);
    const held = await this.o.credentials.current();
    if (!held) throw new OnboardError('REGISTER_NO_CERTIFICATE');
    const key = await this.o.credentials.key(held, keyPassphrase);
    const imported = await importIntoBrowserStore(this.storeOptions(), { key, certificate: held.certificate });
    await this.o.journal.update((j) => {
      const old = readWebRegistration(j, vo.name) ?? {};
      // A store entry we added earlier and not yet removed stays ours to undo even when found again.
      const keepOurs = old.import && !old.import.removedAt && !old.import.alreadyPresent && old.import.sha256 === imported.sha256;
      const rec = keepOurs ? { ...old.import!, at: imported.at } : { ...imported, credentialId: held.record.id };
      writeWebRegistration(j, vo.name, { ...old, import: rec });
      this.o.journal.record(j, 'register', 'browserStoreImport', `${imported.alreadyPresent ? 'already in' : 'imported into'} ${imported.db} as “${imported.nickname}”`);
    });
    let outcome: RegistrationWindowOutcome;
    try {
      outcome = await openWindow({ url: vo.registration.url, origin, certificateSha256: imported.sha256, title: `${vo.displayName} — registration` });
    } catch (e) {
      const now = this.o.context.now().toISOString();
      outcome = { openedAt: now, closedAt: now, certificatePresented: false, problem: toWireError(e), openedInBrowser: [], refused: [] };
    }
    await this.o.journal.update((j) => {
      const old = readWebRegistration(j, vo.name) ?? {};
      writeWebRegistration(j, vo.name, { ...old, window: { ...outcome, openedInBrowser: [...outcome.openedInBrowser], refused: [...outcome.refused] } });
      this.o.journal.record(j, 'register', 'registrationWindowClosed', outcome.certificatePresented ? 'certificate presented' : outcome.problem ? outcome.problem.code : 'no certificate asked');
      // The stepper: visited, not done — only the user can say they registered (registerHandoffDone).
      if (j.steps.register?.status !== 'done') this.o.journal.setStep(j, 'register', 'in-progress', 'registration page opened');
    });
    return { import: imported, window: outcome };
  }

  /** Undoes the import recorded for the chosen VO (nothing is removed that was there before). */
  async removeImport(): Promise<{ removed: boolean }> {
    const vo = await this.webVo();
    const rec = readWebRegistration(await this.o.journal.read(), vo.name)?.import;
    if (!rec || rec.removedAt) throw new OnboardError('REGISTER_WEB_NOT_IMPORTED', { vo: vo.displayName });
    const removed = await removeFromBrowserStore(this.storeOptions(), rec);
    const at = this.o.context.now().toISOString();
    await this.o.journal.update((j) => {
      const old = readWebRegistration(j, vo.name) ?? {};
      if (old.import) writeWebRegistration(j, vo.name, { ...old, import: { ...old.import, removedAt: at } });
      this.o.journal.record(j, 'register', 'browserStoreRemove', removed ? `removed “${rec.nickname}” from ${rec.db}` : 'nothing to remove');
    });
    return { removed };
  }
}
