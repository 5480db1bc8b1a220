import { defineErrors } from './types';

/** Upload step: the credential onto the submit host over SSH (SFTP). */
export const transferErrors = defineErrors({
  TRANSFER_DNS_FAILED: {
    message: 'The submit host name “{host}” could not be found.',
    hint: 'Check the spelling of the host name (your VO’s instructions give it, e.g. login.osg.example.org) and that this computer is online.',
  },
  TRANSFER_HOST_UNREACHABLE: {
    message: 'Could not reach the submit host {host} on port {port}: {detail}',
    hint: 'Check the host name and port, that this computer is online, and whether the host needs a VPN or is down for maintenance.',
  },
  TRANSFER_NOT_SSH: {
    message: 'The computer at {host} port {port} did not answer as an SSH server: {detail}',
    hint: 'Check the port (SSH is usually 22) and the host name; a firewall or proxy may be in the way.',
  },
  TRANSFER_HOST_KEY_UNKNOWN: {
    message: 'The submit host {host} is not known yet; its {keyType} key has fingerprint {fingerprint}.',
    hint: 'Compare the fingerprint with the one your VO publishes, then confirm it (CLI: add --accept-host-key {fingerprint}).',
  },
  TRANSFER_HOST_KEY_REJECTED: {
    message: 'You did not accept the {keyType} key of {host} ({fingerprint}); nothing was sent.',
    hint: 'If the fingerprint does not match what your VO publishes, tell your VO’s support; do not connect.',
  },
  TRANSFER_HOST_KEY_CHANGED: {
    message: 'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! {host} sent a {keyType} key with fingerprint {fingerprint}, not the one recorded in {file}:{line}. Nothing was sent.',
    hint: 'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY! It is also possible that the host key has just been changed. Please contact your system administrator (your VO’s support) before connecting again.',
  },
  TRANSFER_HOST_KEY_REVOKED: {
    message: 'The {keyType} key of {host} ({fingerprint}) is marked as revoked in {file}:{line}. Nothing was sent.',
    hint: 'Contact your VO’s support: this host key must not be trusted.',
  },
  TRANSFER_AUTH_FAILED: {
    message: 'The submit host {host} did not accept the login for “{user}” ({method}).',
    hint: 'Check the user name and the password, key or one-time code; the user name is your account on the submit host, not your e-mail.',
  },
  TRANSFER_KEY_PASSPHRASE_NEEDED: {
    message: 'The SSH key {file} is protected by a passphrase.',
    hint: 'Type the passphrase of this SSH key (not your certificate’s), or use the SSH agent.',
  },
  TRANSFER_KEY_INVALID: {
    message: 'The SSH key {file} could not be used: {detail}',
    hint: 'Check the passphrase, and that the file is an SSH private key (e.g. ~/.ssh/id_ed25519, not the .pub file).',
  },
  TRANSFER_AGENT_UNAVAILABLE: {
    message: 'No SSH agent is available: {detail}',
    hint: 'Start your SSH agent and add your key (ssh-add), or choose another way to log in.',
  },
  TRANSFER_SFTP_UNAVAILABLE: {
    message: 'The submit host {host} does not offer file transfer (SFTP): {detail}',
    hint: 'Ask your VO’s support whether files may be copied to this host, or which host to use.',
  },
  TRANSFER_PERMISSION_DENIED: {
    message: 'The submit host refused to {action} {path} (permission denied).',
    hint: 'Check that {path} belongs to your account there and that you may write to it (ls -ld ~/.globus); fix it or ask the host’s support.',
  },
  TRANSFER_DISK_FULL: {
    message: 'The submit host could not store {path}: its disk, or your quota there, is full.',
    hint: 'Free some space in your home folder on the submit host (or ask its support for more quota), then upload again; files already checked are not sent twice.',
  },
  TRANSFER_CONNECTION_DROPPED: {
    message: 'The connection to {host} was lost while {action}.',
    hint: 'Upload again: files already checked are not sent twice, and no half-sent file is ever left under its real name.',
  },
  TRANSFER_VERIFY_FAILED: {
    message: 'The copy of {path} on the submit host does not match what was sent ({detail}).',
    hint: 'Nothing was replaced. Upload again; if it keeps failing, the host’s disk may be faulty: tell its support.',
  },
  TRANSFER_REMOTE_NOT_DIRECTORY: {
    message: '{path} on the submit host exists but is not a folder.',
    hint: 'Rename or remove that file on the submit host (it should be a folder holding your certificate), then upload again.',
  },
  TRANSFER_REMOTE_FAILED: {
    message: 'The submit host could not {action} {path}: {detail}',
    hint: 'Try again; if it persists, tell the host’s support what this message says.',
  },
  TRANSFER_NOTHING_TO_UPLOAD: {
    message: 'There is nothing to upload: {detail}',
    hint: 'Make or import your certificate first (usercert.pem, userkey.pem or usercred.p12).',
  },
  SANDBOX_SUBMIT_HOST_FAILED: {
    message: 'The sandbox submit host could not start: {detail}',
    hint: 'Close other copies of OSG Onboard, or reset the sandbox; a fixed port may already be in use.',
  },
});
