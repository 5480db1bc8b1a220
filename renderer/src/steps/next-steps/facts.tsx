import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export const mono = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.85rem' } as const;

export interface Fact {
  readonly term: string;
  readonly value: ReactNode;
  /** Monospace, broken anywhere (DNs, paths). */
  readonly code?: boolean;
  readonly testId?: string;
}

/** A definition list: the term on the left, its value on the right (stacked on narrow windows). */
export function FactList({ facts, label }: { facts: readonly Fact[]; label: string }) {
  return (
    <Stack component="dl" spacing={0.75} sx={{ m: 0 }} aria-label={label}>
      {facts.map((f) => (
        <Stack key={f.term} direction={{ xs: 'column', sm: 'row' }} spacing={{ xs: 0, sm: 2 }} component="div">
          <Typography component="dt" variant="body2" color="text.secondary" sx={{ minWidth: 120, fontWeight: 600, flexShrink: 0 }}>
            {f.term}
          </Typography>
          <Typography component="dd" variant="body2" data-testid={f.testId} sx={{ m: 0, wordBreak: 'break-all', ...(f.code ? mono : {}) }}>
            {f.value}
          </Typography>
        </Stack>
      ))}
    </Stack>
  );
}
