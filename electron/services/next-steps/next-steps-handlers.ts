import type { Handlers } from '../dispatch';
import type { NextStepsService } from './next-steps-service';
import type { ToolsService } from './tools-service';

export { NextStepsService, type CredentialKeys, type NextStepsOptions } from './next-steps-service';
export { ToolsService, type ToolsOptions } from './tools-service';
export { sandboxAwareVomsTarget, directoryVomsTarget, type VomsTargetLookup, type VomsTarget } from './voms-offer';

/** The Next steps procedures of the contract (step 8: make, show and verify a proxy). */
export function nextStepsHandlers(svc: NextStepsService): Pick<Handlers, 'proxyOverview' | 'proxyMake' | 'proxyInspect'> {
  return {
    proxyOverview: async () => svc.overview(),
    proxyMake: async (input) => svc.make(input),
    proxyInspect: async () => svc.inspect(),
  };
}

/** The Tools procedures: inspect a dropped file; make a per-user sub-proxy (portal operators). */
export function toolsHandlers(svc: ToolsService): Pick<Handlers, 'toolsInspect' | 'puspDefaults' | 'puspMake'> {
  return {
    toolsInspect: async ({ text, name }) => svc.inspect(text, name),
    puspDefaults: async () => svc.defaults(),
    puspMake: async (input) => svc.makePusp(input),
  };
}
