/**
 * SSH host keys as users see them: the `SHA256:` fingerprint exactly as `ssh-keygen -lf` and
 * `ssh` print it (unpadded base64 of the SHA-256 of the key blob), the key type, and the
 * standard OpenSSH warning for a changed key.
 */
import { createHash } from 'node:crypto';

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`…). */
export function keyBlobType(blob: Buffer): string {
  if (blob.length < 4) throw new Error('SSH key blob too short');
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) throw new Error('SSH key blob malformed');
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` with unpadded base64, as OpenSSH prints fingerprints. */
export function sha256Fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The short label OpenSSH uses in messages: `ED25519`, `ECDSA`, `RSA`, `DSA`. */
export function keyTypeLabel(type: string): string {
  if (type === 'ssh-ed25519' || type.startsWith('sk-ssh-ed25519')) return type.startsWith('sk-') ? 'ED25519-SK' : 'ED25519';
  if (type.startsWith('ecdsa-sha2-') || type.startsWith('sk-ecdsa-')) return type.startsWith('sk-') ? 'ECDSA-SK' : 'ECDSA';
  if (type === 'ssh-rsa' || type.startsWith('rsa-sha2-')) return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  return type.toUpperCase();
}

/** Host key *signature* algorithms offered in SSH for a key of this blob type. */
export function hostKeyAlgorithmsFor(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

/** How OpenSSH names a host in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export interface PresentedHostKey {
  readonly host: string;
  readonly port: number;
  /** SSH key type from the blob, e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  readonly blob: Buffer;
}

export function describeHostKey(host: string, port: number, blob: Buffer): PresentedHostKey {
  return { host, port, keyType: keyBlobType(blob), fingerprint: sha256Fingerprint(blob), blob };
}

/** The text `ssh` prints when a known host presents a different key (OpenSSH 9, StrictHostKeyChecking). */
export function changedHostKeyWarning(key: PresentedHostKey, offending: { file: string; line: number; keyType: string }): string {
  const label = keyTypeLabel(key.keyType);
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${label} key sent by the remote host is`,
    `${key.fingerprint}.`,
    'Please contact your system administrator.',
    `Add correct host key in ${offending.file} to get rid of this message.`,
    `Offending ${keyTypeLabel(offending.keyType)} key in ${offending.file}:${offending.line}`,
    '  remove with:',
    `  ssh-keygen -f "${offending.file}" -R "${knownHostsName(key.host, key.port)}"`,
    `Host key for ${knownHostsName(key.host, key.port)} has changed and you have requested strict checking.`,
    'Host key verification failed.',
  ].join('\n');
}
