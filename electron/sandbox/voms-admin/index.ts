export { startSandboxVoms, type SandboxVoms, type StartSandboxVomsOptions, type SandboxTlsMaterial, type SandboxVomsServerEntry } from './server';
export { ensureVomsHostCert, SANDBOX_VOMS_HOST, SANDBOX_VOMS_HOST_DN, type VomsHostCredential } from './voms-host';
export { generateAc, DEFAULT_AC_LIFETIME_S, MAX_AC_LIFETIME_S } from './generate-ac';
export { VomsAdminState, type MembershipRequest, type Member, type RequestStatus, type VomsAdminStateData } from './state';
export { Registrar, mailTransport, SANDBOX_MAIL_FROM, SANDBOX_ADMIN_MAIL } from './registrar';
export { sandboxVomsDir, sandboxMailboxDir, SANDBOX_VO_NAME } from './paths';
export { startSandboxRegistration, type SandboxRegistration } from './start-sandbox-registration';
