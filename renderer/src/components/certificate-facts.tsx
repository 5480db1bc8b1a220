import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

/** Monospace text (DNs, paths, commands). */
export const mono = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.85rem' } as const;

export interface Fact {
  readonly term: string;
  readonly value: ReactNode;
  /** Monospace, broken anywhere (DNs, fingerprints, paths). */
  readonly code?: boolean;
  readonly testId?: string;
}

/**
 * A definition list of facts (subject, issuer, expiry, fingerprint, path…): the term on the left,
 * its value on the right (stacked on narrow windows). `dense`: closer rows, a narrower term column.
 */
export function Facts({ facts, label, dense = false }: { facts: readonly Fact[]; label: string; dense?: boolean }) {
  return (
    <Stack component="dl" spacing={dense ? 0.75 : 1} sx={{ m: 0 }} aria-label={label}>
      {facts.map((f) => (
        <Stack key={f.term} direction={{ xs: 'column', sm: 'row' }} spacing={{ xs: 0, sm: 2 }} component="div">
          <Typography component="dt" variant="body2" color="text.secondary" sx={{ minWidth: dense ? 120 : 170, fontWeight: 600, flexShrink: 0 }}>
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

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
}

/** `1 h 02 min`, `3 min 05 s`, `12 s`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}
