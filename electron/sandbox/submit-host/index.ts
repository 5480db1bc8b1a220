export { startSandboxSubmitHost, SANDBOX_OPENSSL_COMMAND, type SandboxSubmitHost, type StartSandboxSubmitHostOptions } from './server';
export { sandboxSubmitHostDir, SANDBOX_SUBMIT_USER, loadOrCreateHostKey, loadOrCreateAccount } from './state';
