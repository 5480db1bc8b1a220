import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import Chip from '@mui/material/Chip';
import Alert from '@mui/material/Alert';
import type { TrustNssDbView, TrustTargetId, TrustTargetPlanView, TrustTargetView } from '../../../../shared/contract';
import { CopyButton } from '../../components/copy-button';

export const mono = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.8rem' } as const;

export interface DbPasswordState {
  readonly passwords: Readonly<Record<string, string>>;
  readonly skip: ReadonlySet<string>;
}

interface Props {
  readonly targets: readonly TrustTargetView[];
  readonly selected: ReadonlySet<TrustTargetId>;
  readonly onToggle: (id: TrustTargetId, on: boolean) => void;
  readonly nssDbs: readonly TrustNssDbView[];
  /** Databases that need a password: found before, or asked during the last install. */
  readonly lockedDbs: ReadonlySet<string>;
  readonly pw: DbPasswordState;
  readonly onPassword: (db: string, value: string) => void;
  readonly onSkip: (db: string, skip: boolean) => void;
  readonly plans: ReadonlyMap<TrustTargetId, TrustTargetPlanView>;
  readonly disabled: boolean;
}

function Commands({ lines, what }: { lines: readonly string[]; what: string }) {
  const text = lines.join('\n');
  return (
    <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 0.5, mt: 1, p: 1, borderRadius: 1, bgcolor: 'action.hover' }}>
      <Box component="pre" sx={{ ...mono, m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', flex: 1 }}>{text}</Box>
      <CopyButton variant="icon" text={text} what={what} />
    </Box>
  );
}

/** A checkbox per install target with its path(s); browsers list their databases, with a password field where one is needed. */
export function TargetPicker({ targets, selected, onToggle, nssDbs, lockedDbs, pw, onPassword, onSkip, plans, disabled }: Props) {
  // A locked database already holding the CAs needs no password: its field is not shown.
  const nssPlan = plans.get('nss');
  const needsWork = (db: string) => !nssPlan || nssPlan.changes.some((c) => c.where === db && c.action !== 'keep');
  return (
    <Stack spacing={1.5} role="group" aria-labelledby="targets-title" data-testid="target-list">
      {targets.map((t) => {
        const on = selected.has(t.id);
        const rootCommands = t.needsRoot ? plans.get(t.id)?.commands ?? [] : [];
        return (
          <Box key={t.id} data-testid={`target-${t.id}`} sx={{ border: 1, borderColor: 'divider', borderRadius: 2, px: 1.5, py: 1, opacity: t.available ? 1 : 0.75 }}>
            <FormControlLabel
              sx={{ alignItems: 'flex-start', m: 0, width: '100%' }}
              disabled={disabled || !t.available}
              control={
                <Checkbox
                  checked={on && t.available}
                  onChange={(e) => onToggle(t.id, e.target.checked)}
                  sx={{ mt: -0.5 }}
                  slotProps={{ input: { 'data-testid': `target-check-${t.id}` } as object }}
                />
              }
              label={
                <Box sx={{ minWidth: 0 }}>
                  <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0.5 }}>
                    <Typography component="span" sx={{ fontWeight: 600 }}>{t.label}</Typography>
                    {!t.available && <Chip size="small" variant="outlined" label="not available here" />}
                    {t.needsRoot && t.available && <Chip size="small" color="warning" label="needs root" />}
                  </Stack>
                  <Typography component="span" variant="body2" color="text.secondary" sx={{ display: 'block' }}>{t.description}</Typography>
                  {!t.available && t.reason && (
                    <Typography component="span" variant="body2" sx={{ display: 'block' }} data-testid={`target-reason-${t.id}`}>Why: {t.reason}.</Typography>
                  )}
                  {t.paths.length > 0 && t.id !== 'nss' && (
                    <Box component="span" sx={{ ...mono, display: 'block', wordBreak: 'break-all', color: 'text.secondary' }}>{t.paths.join(', ')}</Box>
                  )}
                </Box>
              }
            />
            {t.needsRoot && t.available && rootCommands.length > 0 && (
              <Box sx={{ pl: 5 }}>
                <Typography variant="body2">OSG Onboard never runs this itself. To trust the CAs for every program on this computer, run as administrator:</Typography>
                <Commands lines={rootCommands} what={`the commands for ${t.label}`} />
              </Box>
            )}
            {t.id === 'nss' && nssDbs.length > 0 && (
              <Stack spacing={1} sx={{ pl: 5, mt: 0.5 }} data-testid="nss-dbs">
                {nssDbs.map((d, i) => (
                  <Box key={d.db}>
                    <Typography variant="body2" component="div">
                      <strong>{d.label}</strong>{' '}
                      <Box component="span" sx={{ ...mono, wordBreak: 'break-all', color: 'text.secondary' }}>{d.db}</Box>
                      {!d.exists && ' (will be created)'}
                    </Typography>
                    {lockedDbs.has(d.db) && t.available && needsWork(d.db) && (
                      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mt: 0.5, alignItems: { sm: 'center' } }}>
                        <TextField
                          size="small"
                          type="password"
                          autoComplete="off"
                          label={`Primary Password of ${d.label}`}
                          value={pw.passwords[d.db] ?? ''}
                          onChange={(e) => onPassword(d.db, e.target.value)}
                          disabled={disabled || !on || pw.skip.has(d.db)}
                          helperText="Used for this change only; never stored."
                          slotProps={{ htmlInput: { 'data-testid': `nss-password-${i}` } }}
                          sx={{ minWidth: { sm: 380 } }}
                        />
                        <FormControlLabel
                          disabled={disabled || !on}
                          control={<Checkbox checked={pw.skip.has(d.db)} onChange={(e) => onSkip(d.db, e.target.checked)} slotProps={{ input: { 'data-testid': `nss-skip-${i}` } as object }} />}
                          label="Skip this database"
                        />
                      </Stack>
                    )}
                  </Box>
                ))}
                {nssDbs.some((d) => lockedDbs.has(d.db) && needsWork(d.db)) && on && (
                  <Alert severity="info" sx={{ py: 0 }}>
                    A Firefox profile with a Primary Password needs it to change its certificates. Close Firefox first.
                  </Alert>
                )}
              </Stack>
            )}
          </Box>
        );
      })}
    </Stack>
  );
}
