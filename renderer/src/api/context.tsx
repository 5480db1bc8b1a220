import { createContext, useContext } from 'react';
import type { OnboardApi } from '../../../shared/contract';

export const ApiContext = createContext<OnboardApi | null>(null);

export function useApi(): OnboardApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
