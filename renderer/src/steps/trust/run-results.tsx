import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Alert from '@mui/material/Alert';
import HourglassEmptyIcon from '@mui/icons-material/HourglassEmpty';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import type { TrustDbResult, TrustTargetId, TrustTargetResultView } from '../../../../shared/contract';
import { CopyButton } from '../../components/copy-button';
import { mono } from './target-picker';

export interface LiveState {
  readonly done: boolean;
  readonly label: string;
}

type Status = TrustTargetResultView['status'];

const CHIP: Record<Status, { label: string; color: 'success' | 'default' | 'error' | 'warning' }> = {
  changed: { label: 'changed', color: 'success' },
  unchanged: { label: 'unchanged', color: 'default' },
  failed: { label: 'failed', color: 'error' },
  'needs-root': { label: 'needs root', color: 'warning' },
};

const DB_CHIP: Record<TrustDbResult['status'], { label: string; color: 'success' | 'default' | 'error' | 'warning' }> = {
  changed: { label: 'changed', color: 'success' },
  unchanged: { label: 'unchanged', color: 'default' },
  failed: { label: 'failed', color: 'error' },
  skipped: { label: 'skipped', color: 'default' },
  'password-needed': { label: 'password needed', color: 'warning' },
};

const ACTION: Record<string, string> = {
  add: 'Added',
  'set-trust': 'Trust set',
  keep: 'Already there',
  create: 'Created',
  remove: 'Removed',
  'restore-trust': 'Trust restored',
  skip: 'Not done',
};

function Icon({ result, live }: { result?: TrustTargetResultView; live?: LiveState }) {
  if (result?.status === 'failed') return <ErrorIcon color="error" aria-hidden />;
  if (result?.status === 'needs-root') return <AdminPanelSettingsIcon color="warning" aria-hidden />;
  if (result || live?.done) return <CheckCircleIcon color="success" aria-hidden />;
  if (live) return <CircularProgress size={20} aria-hidden />;
  return <HourglassEmptyIcon color="disabled" aria-hidden />;
}

/**
 * The progress list of an install or undo: one line per target, a spinner while it runs, then
 * its result chip, what changed, and — when it failed or needs root — the message or command.
 */
export function RunResults({ kind, order, labels, live, results }: {
  kind: 'install' | 'undo';
  order: readonly TrustTargetId[];
  labels: ReadonlyMap<TrustTargetId, string>;
  live: Readonly<Partial<Record<TrustTargetId, LiveState>>>;
  results: readonly TrustTargetResultView[] | null;
}) {
  return (
    <Box component="ol" aria-label={kind === 'install' ? 'Install progress' : 'Undo progress'} data-testid="run-results" sx={{ listStyle: 'none', p: 0, m: 0 }}>
      {order.map((id) => {
        const r = results?.find((x) => x.target === id);
        const l = live[id];
        const chip = r ? CHIP[r.status] : undefined;
        return (
          <Box component="li" key={id} data-testid={`result-${id}`} data-status={r?.status ?? (l ? (l.done ? 'finished' : 'running') : 'waiting')}
            sx={{ borderBottom: 1, borderColor: 'divider', py: 1 }}>
            <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
              <Icon result={r} live={l} />
              <Typography sx={{ fontWeight: 600 }}>{labels.get(id) ?? id}</Typography>
              {chip && <Chip size="small" color={chip.color} label={chip.label} data-testid={`chip-${id}`} />}
              {!r && <Typography variant="body2" color="text.secondary">{l ? l.label : 'waiting'}</Typography>}
            </Stack>
            {r && (
              <Box sx={{ pl: 4.5, mt: 0.5 }}>
                {r.error && r.status === 'failed' && (
                  <Alert severity="error" sx={{ py: 0, mb: 0.5 }} data-testid={`error-${id}`}>
                    {r.error.message} {r.error.hint}
                  </Alert>
                )}
                {r.command && (
                  <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 0.5, p: 1, borderRadius: 1, bgcolor: 'action.hover', mb: 0.5 }}>
                    <Box component="pre" sx={{ ...mono, m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', flex: 1 }}>{r.command}</Box>
                    <CopyButton variant="icon" text={r.command} what={`the command for ${labels.get(id) ?? id}`} />
                  </Box>
                )}
                {r.dbs && r.dbs.length > 0 && (
                  <Stack spacing={0.5} sx={{ mb: 0.5 }}>
                    {r.dbs.map((d) => (
                      <Stack key={d.db} direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }} data-testid="db-result">
                        <Chip size="small" variant="outlined" color={DB_CHIP[d.status].color} label={DB_CHIP[d.status].label} />
                        <Typography variant="body2">{d.label}</Typography>
                        {d.message && <Typography variant="body2" color="text.secondary">— {d.message}</Typography>}
                      </Stack>
                    ))}
                  </Stack>
                )}
                {r.changes.filter((c) => c.action !== 'keep' || r.changes.length <= 6).slice(0, 12).map((c, i) => (
                  <Typography key={i} variant="body2" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
                    {ACTION[c.action] ?? c.action}{c.ca ? ` “${c.ca}”` : ''} — <Box component="span" sx={mono}>{c.where}</Box>{c.detail ? ` (${c.detail})` : ''}
                  </Typography>
                ))}
                {r.notes.filter((n) => !r.command || !n.includes(r.command)).map((n, i) => (
                  <Typography key={`n${i}`} variant="body2">{n}</Typography>
                ))}
              </Box>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
