import path from 'node:path';

/**
 * Exact command lines for the operating-system trust stores. Pure functions (unit-tested
 * argv); the targets run them only on their own system.
 */

/** The user's login keychain (macOS 10.12+ names it `login.keychain-db`). */
export function macLoginKeychain(homeDir: string): string {
  return path.posix.join(homeDir, 'Library', 'Keychains', 'login.keychain-db');
}

export const macosCommands = {
  /** Adds the CA to the login keychain and marks it trusted as a root for the user. */
  add: (file: string, keychain: string): string[] => ['security', 'add-trusted-cert', '-r', 'trustRoot', '-k', keychain, file],
  /** Lists the keychain's certificates with their SHA-1 (and SHA-256) hashes. */
  find: (keychain: string): string[] => ['security', 'find-certificate', '-a', '-Z', keychain],
  /** Succeeds when the certificate is trusted (local only, no network). */
  verify: (file: string): string[] => ['security', 'verify-cert', '-c', file, '-L'],
  /** Drops the user trust setting for the certificate. */
  removeTrust: (file: string): string[] => ['security', 'remove-trusted-cert', file],
  /** Deletes the certificate (by SHA-1) from the keychain. */
  remove: (sha1: string, keychain: string): string[] => ['security', 'delete-certificate', '-Z', sha1, keychain],
};

export const windowsCommands = {
  /** Adds the CA to the current user's Trusted Root store (Windows asks the user to confirm). */
  add: (file: string): string[] => ['certutil', '-user', '-addstore', 'Root', file],
  /** Exit code 0 when a certificate with that SHA-1 is in the user's Root store. */
  find: (sha1: string): string[] => ['certutil', '-user', '-verifystore', 'Root', sha1],
  remove: (sha1: string): string[] => ['certutil', '-user', '-delstore', 'Root', sha1],
};

export interface SystemStore {
  readonly family: 'debian' | 'fedora';
  /** Where a local anchor goes. */
  readonly anchorDir: string;
  /** `.crt` for Debian's update-ca-certificates, `.pem` for Fedora's p11-kit. */
  readonly extension: '.crt' | '.pem';
  readonly refresh: readonly string[];
}

export const SYSTEM_STORES: readonly SystemStore[] = [
  { family: 'debian', anchorDir: '/usr/local/share/ca-certificates', extension: '.crt', refresh: ['update-ca-certificates'] },
  { family: 'fedora', anchorDir: '/etc/pki/ca-trust/source/anchors', extension: '.pem', refresh: ['update-ca-trust', 'extract'] },
];

export const systemCommands = {
  install: (file: string, dest: string): string[] => ['sudo', 'install', '-m', '0644', file, dest],
  remove: (dest: string): string[] => ['sudo', 'rm', '-f', dest],
  refresh: (store: SystemStore): string[] => ['sudo', ...store.refresh],
};

/** File name for a system anchor: `osg-onboard-<name>-<sha256 prefix><ext>`. */
export function systemAnchorName(caName: string, sha256: string, ext: string): string {
  const slug = caName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'ca';
  return `osg-onboard-${slug}-${sha256.replace(/:/g, '').slice(0, 8).toLowerCase()}${ext}`;
}
