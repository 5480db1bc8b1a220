// Shared set-up for the translator tests: a test grid CA (openssl), a SoftHSM2 token with the
// robot key generated on it, the robot certificate for that key, a TLS certificate for the
// service, a configuration file, and a small HTTPS client that can pick its source address.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { IGTF_ROBOT_POLICY_OID } from '../../../electron/services/proxy';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { createSoftHsm, issueForPublicKey, type SoftHsm, type TokenKey } from '../../helpers/softhsm';

export const ROBOT_DN = '/C=US/O=OSG Onboard Test/OU=Robots/CN=Robot: Science Gateway Test';

export interface Fixture {
  readonly ca: GridCa;
  readonly hsm: SoftHsm;
  readonly tokenKey: TokenKey;
  readonly robotCertFile: string;
  readonly robotCertPem: string;
  /** MD5 of the robot DN as openssl prints it in slash form (-nameopt compat): an independent oracle. */
  readonly robotIdOracle: string;
  readonly tls: IssuedCert;
  /** The CA root PEM clients trust. */
  readonly caPem: string;
  cleanup(): void;
}

export function createFixture(): Fixture {
  const ca = createGridCa();
  const hsm = createSoftHsm();
  const tokenKey = hsm.generateKey('robot-key', 'a1b2');
  const robot = issueForPublicKey(ca, 'robot', ROBOT_DN, tokenKey.publicKeyPem, [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`]);
  const slash = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'compat', '-in', robot.certFile], { encoding: 'utf8' }).trim().replace(/^subject=/, '');
  const tls = ca.issue('translator-host', {
    subject: '/C=US/O=OSG Onboard Test/CN=localhost',
    keyUsage: 'keyUsage=critical,digitalSignature,keyEncipherment',
    extraExtensions: ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth'],
  });
  return {
    ca, hsm, tokenKey, robotCertFile: robot.certFile, robotCertPem: robot.certPem,
    robotIdOracle: createHash('md5').update(slash, 'utf8').digest('hex'),
    tls, caPem: ca.root.certPem,
    cleanup() {
      hsm.cleanup();
      ca.cleanup();
    },
  };
}

/** A configuration object (paths absolute) with the token robot; `over` replaces top-level fields. */
export function baseConfig(fx: Fixture, dir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    tls: { cert: fx.tls.certFile, key: fx.tls.keyFile },
    allowedClients: ['127.0.0.1/32', '::1/128'],
    rate: { perSecond: 1000, burst: 1000 },
    keys: { poolSize: 4, workers: 1 },
    audit: { file: path.join(dir, 'audit', 'audit.log') },
    robots: [{ certFile: fx.robotCertFile, key: { pkcs11: { module: fx.hsm.module, tokenLabel: fx.hsm.tokenLabel, keyLabel: 'robot-key', pinFile: fx.hsm.pinFile } } }],
    ...over,
  };
}

export function writeConfig(file: string, config: Record<string, unknown>): string {
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface GetOptions {
  readonly ca: string;
  readonly localAddress?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly agent?: https.Agent;
}

/** GET over HTTPS (to 127.0.0.1, SNI localhost), resolving with status, headers and text. */
export function get(url: string, o: GetOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, {
      ca: o.ca, servername: 'localhost', localAddress: o.localAddress, cert: o.cert, key: o.key, maxVersion: o.maxVersion,
      agent: o.agent ?? false, timeout: 60_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

export function pemBlocksOf(text: string): { label: string; text: string }[] {
  return [...text.matchAll(/-----BEGIN ([A-Z ]+)-----\n[\s\S]*?\n-----END \1-----\n/g)].map((m) => ({ label: m[1], text: m[0] }));
}
