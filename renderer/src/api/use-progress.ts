import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import { useApi } from './context';

export type Progress = EventPayload<'progress'>;

/** The latest progress event of one long task (key generation, an upload, a sponsor's approval). */
export function useProgress(task: string | null): Progress | null {
  const api = useApi();
  const [p, setP] = useState<Progress | null>(null);
  useEffect(() => {
    setP(null);
    if (!task) return;
    return api.on('progress', (e) => {
      if (e.task === task || e.task.startsWith(`${task}:`)) setP(e);
    });
  }, [api, task]);
  return p;
}
