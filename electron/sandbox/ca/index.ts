/**
 * The sandbox CA (DESIGN §6): a root CA kept in a folder, an EST server with sponsor approval,
 * a CRL, and the sponsor page. The app starts it in-process with `startSandboxCa`; the CLI
 * decides requests through `sandboxRequests` whether a server runs or not.
 */
import path from 'node:path';
import { RequestStore, type SandboxRequest } from './request-store';

export { startSandboxCa, type SandboxCa, type SandboxCaOptions } from './sandbox-ca';
export { sandboxIdentity, latinName, SANDBOX_USER_BASE, SANDBOX_NAMESPACE, SANDBOX_CA_BASE, type SandboxIdentity } from './dn-rules';
export type { SandboxRequest, RequestStatus } from './request-store';

/**
 * The durable requests of a sandbox folder, without a server: decisions are appended to the log;
 * a running server picks them up at the client's next poll (and issues the certificate then).
 */
export function sandboxRequests(dir: string, now: () => Date = () => new Date()) {
  const store = new RequestStore(path.resolve(dir), now);
  return {
    list: async (): Promise<SandboxRequest[]> => {
      await store.refresh();
      return store.list();
    },
    approve: (id: string, by = 'sponsor (command line)') => store.decide(id, 'approved', by),
    reject: (id: string, reason?: string, by = 'sponsor (command line)') => store.decide(id, 'rejected', by, reason),
  };
}
