// `osg-onboard translator serve --config FILE`: runs the eToken-compatible PUSP service in the
// foreground until SIGTERM/SIGINT (graceful: in-flight requests finish, token sessions close).
import { parseArgs } from 'node:util';
import { OnboardError } from '../../../shared/errors';
import { reportError, type CliIo } from '../io';

export async function translatorServe(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { config: { type: 'string', short: 'c' }, 'log-level': { type: 'string' }, keychain: { type: 'boolean' } },
    allowPositionals: false,
  });
  try {
    if (!values.config) throw new OnboardError('USAGE', { detail: '--config FILE is required', usage: 'osg-onboard translator serve --config FILE' });
    const level = values['log-level'] ?? 'info';
    if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new OnboardError('INVALID_INPUT', { field: '--log-level', detail: 'use debug, info, warn or error' });
    const { loadTranslatorConfig, startTranslator, jsonLogger } = await import('../../translator');
    const config = loadTranslatorConfig(values.config);
    const logger = jsonLogger(io.stderr, level as 'info');
    // The keychain is opened only when a robot's passphrase lives there.
    const needsKeychain = config.robots.some((r) => !('pkcs11' in r.key) && r.key.passphraseKeychain);
    const secretStore = needsKeychain ? (await (await import('../../services/keychain')).openSecretStore()).store : undefined;
    const t = await startTranslator(config, { logger, secretStore });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.log('info', 'signal received', { signal });
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        t.close().then(resolve, (e) => {
          logger.log('error', 'shutdown failed', { error: (e as Error).message });
          resolve();
        });
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
    });
    return 0;
  } catch (e) {
    return reportError(io, e, false);
  }
}
