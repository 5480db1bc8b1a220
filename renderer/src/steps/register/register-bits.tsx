import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import EditNoteIcon from '@mui/icons-material/EditNote';
import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import HowToRegIcon from '@mui/icons-material/HowToReg';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import type { RegisterStage } from '../../../../shared/contract';

export const mono = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', overflowWrap: 'anywhere' } as const;

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export interface Fact {
  readonly term: string;
  readonly value: ReactNode;
  readonly code?: boolean;
  readonly testId?: string;
}

/** A definition list of facts (term, value), monospace for DNs. */
export function FactList({ facts, label }: { facts: readonly Fact[]; label: string }) {
  return (
    <Box component="dl" aria-label={label} sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: 'minmax(140px, max-content) 1fr' }, columnGap: 2, rowGap: 1, m: 0 }}>
      {facts.map((f) => (
        <Box key={f.term} sx={{ display: 'contents' }}>
          <Typography component="dt" variant="body2" color="text.secondary">{f.term}</Typography>
          <Typography component="dd" variant="body2" sx={{ m: 0, ...(f.code ? mono : {}) }} data-testid={f.testId}>{f.value}</Typography>
        </Box>
      ))}
    </Box>
  );
}

const JOURNEY = [
  { id: 'form', label: 'Registration form', icon: <EditNoteIcon /> },
  { id: 'email', label: 'E-mail confirmation', icon: <MarkEmailReadIcon /> },
  { id: 'admin', label: 'VO administrator', icon: <HowToRegIcon /> },
  { id: 'member', label: 'Member', icon: <VerifiedUserIcon /> },
] as const;

function position(stage: RegisterStage): number {
  switch (stage) {
    case 'confirmation-needed':
      return 1;
    case 'pending-approval':
    case 'rejected':
      return 2;
    case 'member':
      return 4;
    default:
      return 0;
  }
}

/** Where the registration stands, as a row of chips (done ones ticked, the current one filled). */
export function RegisterJourney({ stage }: { stage: RegisterStage }) {
  const at = position(stage);
  return (
    <Stack component="ol" direction="row" aria-label="Registration progress" spacing={1} useFlexGap
      sx={{ listStyle: 'none', p: 0, m: 0, mb: 2, flexWrap: 'wrap' }} data-testid="register-journey">
      {JOURNEY.map((j, i) => {
        const done = i < at;
        const current = i === at;
        return (
          <li key={j.id} aria-current={current ? 'step' : undefined}>
            <Chip
              icon={done ? <CheckCircleIcon /> : j.icon}
              label={`${j.label}${done ? ' — done' : current ? ' — now' : ''}`}
              color={done ? 'success' : current ? 'primary' : 'default'}
              variant={current ? 'filled' : 'outlined'}
            />
          </li>
        );
      })}
    </Stack>
  );
}
