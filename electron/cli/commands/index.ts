import type { CliCommand } from '../io';
import { proxyCommands } from './proxy-commands';

/**
 * Every CLI command. Each capability adds its commands in `commands/<capability>.ts` and
 * lists them here; `load` keeps a command's code (and its libraries) out of start-up.
 */
export const commands: readonly CliCommand[] = [
  {
    words: ['vo', 'list'],
    summary: 'List the Virtual Organizations in the directory',
    usage: 'osg-onboard vo list [--search TEXT] [--json]',
    load: async () => (await import('./vo')).voList,
  },
  {
    words: ['ca', 'list'],
    summary: 'List the CA bundles (subject, SHA-256, validity), the install targets with their paths, and past installs',
    usage: 'osg-onboard ca list [--bundle-file FILE] [--json]',
    load: async () => (await import('./ca')).caList,
  },
  {
    words: ['ca', 'install'],
    summary: 'Install a pinned CA bundle into the app, X509_CERT_DIR, browser NSS databases and OS stores (--dry-run shows the commands)',
    usage: 'osg-onboard ca install [--bundle NAME] [--targets app,x509,nss,macos-keychain,windows-user-root,system] [--bundle-file FILE] [--dry-run] [--pwstdin] [--json]',
    load: async () => (await import('./ca')).caInstall,
  },
  {
    words: ['ca', 'remove'],
    summary: 'Undo a CA install: exactly what it added (one install, or every install of a bundle)',
    usage: 'osg-onboard ca remove (--bundle NAME | --install-id ID) [--pwstdin] [--json]',
    load: async () => (await import('./ca')).caRemove,
  },
  {
    words: ['upload'],
    summary: 'Upload the credential into ~/.globus on a submit host over SSH/SFTP (0700 folder, 0400/0644/0400 files, checked by SHA-256, old files kept as .bak-*), or --sandbox',
    usage: 'osg-onboard upload (--host H [--port P] --user U | --sandbox) [--identity KEY | --agent | --keyboard-interactive] [--p12 FILE | --cert FILE --key FILE [--p12-file FILE]] [--accept-host-key SHA256:…] [--pwstdin] [--json]',
    load: async () => (await import('./upload')).upload,
  },
  {
    words: ['sandbox', 'vo-requests'],
    summary: 'List the sandbox VO’s membership requests (open ones; --all for every one)',
    usage: 'osg-onboard sandbox vo-requests [--all] [--vo NAME] [--data DIR] [--json]',
    load: async () => (await import('./registration')).voRequests,
  },
  {
    words: ['sandbox', 'vo-approve'],
    summary: 'Approve (or --reject) a sandbox VO membership request as its VO administrator; the user gets an e-mail',
    usage: 'osg-onboard sandbox vo-approve <request-id> [--reject] [--vo NAME] [--data DIR] [--json]',
    load: async () => (await import('./registration')).voApprove,
  },
  {
    words: ['sandbox', 'mailbox'],
    summary: 'List the sandbox mailbox (the e-mails the sandbox services sent), or --show one with its links',
    usage: 'osg-onboard sandbox mailbox [--show ID] [--data DIR] [--json]',
    load: async () => (await import('./registration')).mailboxList,
  },
  {
    words: ['sandbox', 'start'],
    summary: 'Run the sandbox CA in the foreground (EST with sponsor approval, CRL, sponsor page); prints its URLs and CA fingerprint',
    usage: 'osg-onboard sandbox start [--dir D] [--data DIR] [--port P] [--auto-approve] [--retry-after S] [--json]',
    load: async () => (await import('./sandbox')).sandboxStart,
  },
  {
    words: ['sandbox', 'approve'],
    summary: 'Approve a sandbox CA certificate request as its sponsor (works whether or not the CA is running)',
    usage: 'osg-onboard sandbox approve <request-id> [--dir D] [--data DIR] [--json]',
    load: async () => (await import('./sandbox')).sandboxApprove,
  },
  {
    words: ['sandbox', 'reject'],
    summary: 'Reject a sandbox CA certificate request as its sponsor; the reason is shown to the requester',
    usage: 'osg-onboard sandbox reject <request-id> [--reason TEXT] [--dir D] [--data DIR] [--json]',
    load: async () => (await import('./sandbox')).sandboxReject,
  },
  {
    words: ['sandbox', 'requests'],
    summary: 'List the sandbox CA’s certificate requests and their status',
    usage: 'osg-onboard sandbox requests [--dir D] [--data DIR] [--json]',
    load: async () => (await import('./sandbox')).sandboxRequestsList,
  },
  {
    words: ['request'],
    summary: 'Request a user certificate from the VO’s CA (EST; the sandbox CA by default): shows the agreement (--agree accepts it), makes the key, sends the request and waits for the sponsor',
    usage: 'osg-onboard request --vo NAME --name NAME --email ADDRESS [--est-url URL] [--bits 2048|3072|4096] [--with-code] [--agree] [--no-wait] [--pwstdin] [--json]',
    load: async () => (await import('./request')).requestNew,
  },
  {
    words: ['request', 'status'],
    summary: 'Show the current certificate request (state, request id, key, certificate) without contacting the CA',
    usage: 'osg-onboard request status [--json]',
    load: async () => (await import('./request')).requestStatus,
  },
  {
    words: ['request', 'resume'],
    summary: 'Ask the CA again for a waiting, cancelled or failed request (same key) and wait for the sponsor; stores the certificate when issued',
    usage: 'osg-onboard request resume [--with-code] [--no-wait] [--pwstdin] [--json]',
    load: async () => (await import('./request')).requestResume,
  },
  {
    words: ['request', 'import'],
    summary: 'Use a certificate you already have (a .p12/.pfx, or usercert.pem + userkey.pem in ~/.globus): checks it and keeps it as your credential; the file is only read',
    usage: 'osg-onboard request import (--p12 FILE | --globus [DIR]) [--pwstdin] [--json]',
    load: async () => (await import('./request')).requestImport,
  },
  {
    words: ['request', 'renew'],
    summary: 'Renew your certificate (EST simplereenroll, signed in with the current certificate): a new key, the same name; the old credential is kept',
    usage: 'osg-onboard request renew [--bits 2048|3072|4096] [--est-url URL] [--no-wait] [--pwstdin] [--json]',
    load: async () => (await import('./request')).requestRenew,
  },
  {
    words: ['key', 'new'],
    summary: 'Make a new RSA private key (native keygen): into the app’s credential store, or encrypted PKCS#8 to --out',
    usage: 'osg-onboard key new [--bits 2048|3072|4096] [--out FILE] [--pwstdin] [--json]',
    load: async () => (await import('./credential')).keyNew,
  },
  {
    words: ['csr'],
    summary: 'Make a certificate request (PKCS#10, SHA-256) for a subject DN, signed with a key file or a stored key',
    usage: 'osg-onboard csr (--key FILE | --id ID) --subject DN [--out FILE] [--pwstdin] [--json]',
    load: async () => (await import('./credential')).csrNew,
  },
  {
    words: ['p12', 'export'],
    summary: 'Write a PKCS#12 backup (usercred.p12) with friendly name and chain; modern AES-256 or --legacy 3DES; re-read to prove it opens',
    usage: 'osg-onboard p12 export (--key FILE --cert FILE [--chain FILE] | --id ID) --out FILE [--name NAME] [--legacy] [--iter N] [--pwstdin] [--json]',
    load: async () => (await import('./credential')).p12Export,
  },
  {
    words: ['p12', 'import'],
    summary: 'Open a .p12 (OpenSSL, -legacy, Firefox/NSS, browsers), check MAC and key, show it; --store keeps it in the app',
    usage: 'osg-onboard p12 import --in FILE [--store] [--pwstdin] [--json]',
    load: async () => (await import('./credential')).p12Import,
  },
  {
    words: ['globus', 'install'],
    summary: 'From a .p12, write usercert.pem (0644), userkey.pem (0400, encrypted) and usercred.p12 (0400) into ~/.globus (0700); old files kept as .bak-<time>',
    usage: 'osg-onboard globus install --in FILE [--dir DIR] [--pwstdin] [--json]',
    load: async () => (await import('./credential')).globusInstall,
  },
  {
    words: ['translator', 'serve'],
    summary: 'Run the credential translator: an eToken-compatible HTTPS service making per-user sub-proxies from robot keys on a PKCS#11 token or in key files',
    usage: 'osg-onboard translator serve --config FILE [--log-level debug|info|warn|error]',
    load: async () => (await import('./translator')).translatorServe,
  },
  ...proxyCommands,
  {
    words: ['support', 'bundle'],
    summary: 'Save a redacted support bundle (app, steps, errors with their details, certificate facts; no keys, passwords or tokens) to send the help desk',
    usage: 'osg-onboard support bundle [--out FILE | --folder DIR] [--data DIR] [--json]',
    load: async () => (await import('./support')).supportBundle,
  },
  {
    words: ['support', 'replay'],
    summary: 'Help desk: replay a user’s support bundle in a fresh sandbox data folder and serve browser mode on it',
    usage: 'osg-onboard support replay BUNDLE [--data DIR] [--no-serve] [--port P] [--json]',
    load: async () => (await import('./support')).supportReplay,
  },
];
