import type { CliCommand } from '../io';

/**
 * The proxy commands, listed in the CLI's table (commands/index.ts) and, on their own, in the lean
 * entry (cli/proxy-entry.ts) the launcher uses for them, so their start-up pulls in nothing else.
 */
export const proxyCommands: readonly CliCommand[] = [
  {
    words: ['proxy', 'init'],
    summary: 'Make an RFC 3820 proxy from usercert.pem/userkey.pem (as grid-proxy-init; with --voms, as voms-proxy-init -voms), written to $X509_USER_PROXY or /tmp/x509up_u<uid>',
    usage: 'osg-onboard proxy init [--voms VO[:FQAN]] [--cert FILE] [--key FILE] [--out FILE] [--hours H] [--bits 2048|3072|4096] [--limited] [--pwstdin] [--json]',
    load: async () => (await import('./proxy')).proxyInit,
  },
  {
    words: ['proxy', 'info'],
    summary: 'Show a proxy as voms-proxy-info --all does (subject, identity, type, time left, VOMS attributes); verifies nothing',
    usage: 'osg-onboard proxy info [--file FILE] [--all] [--json]',
    load: async () => (await import('./proxy')).proxyInfo,
  },
  {
    words: ['proxy', 'verify'],
    summary: 'Verify a proxy chain against the trusted CA folder (RFC 3820 + EGI PUSP rules) and print the effective identity',
    usage: 'osg-onboard proxy verify [--file FILE] [--ca-dir DIR] [--json]',
    load: async () => (await import('./proxy')).proxyVerify,
  },
  {
    words: ['pusp', 'create'],
    summary: 'Make a per-user sub-proxy (robot DN + CN=user:<id>) from a robot certificate',
    usage: 'osg-onboard pusp create --robot-cert FILE --robot-key FILE --user ID [--pseudonym [--secret-file FILE]] [--session] [--hours H] [--bits N] [--force] [--pwstdin] --out FILE [--json]',
    load: async () => (await import('./proxy')).puspCreate,
  },];
