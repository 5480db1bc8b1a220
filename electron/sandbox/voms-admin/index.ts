export { startSandboxVoms, type SandboxVoms, type StartSandboxVomsOptions, type SandboxTlsMaterial } from './server';
export { VomsAdminState, type MembershipRequest, type Member, type RequestStatus, type VomsAdminStateData } from './state';
export { Registrar, mailTransport, SANDBOX_MAIL_FROM, SANDBOX_ADMIN_MAIL } from './registrar';
export { sandboxVomsDir, sandboxMailboxDir, SANDBOX_VO_NAME } from './paths';
export { startSandboxRegistration, type SandboxRegistration } from './start-sandbox-registration';
