import { useCallback, useEffect, useState } from 'react';
import Typography from '@mui/material/Typography';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import TextField from '@mui/material/TextField';
import MenuItem from '@mui/material/MenuItem';
import FormControl from '@mui/material/FormControl';
import FormLabel from '@mui/material/FormLabel';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import RadioGroup from '@mui/material/RadioGroup';
import Radio from '@mui/material/Radio';
import Checkbox from '@mui/material/Checkbox';
import Skeleton from '@mui/material/Skeleton';
import KeyIcon from '@mui/icons-material/Key';
import type { NextStepsOverview, ProxyReport, ProxySourceView } from '../../../../shared/contract';
import type { StepProps } from '../index';
import { STEPS } from '../../../../shared/steps';
import { useApi } from '../../api/context';
import { useProgress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { ProgressPanel } from '../../components/progress-panel';
import { ProxyInfoCard } from './proxy-info-card';
import { VerificationCard } from './verification-card';
import { WhatNext } from './what-next';
import { mono } from '../../components/certificate-facts';
import { formatWhen } from '../../components/use-now';

function sourceLine(s: ProxySourceView): string {
  if (s.problem) return s.problem;
  const until = s.notAfter ? `${s.expired ? 'expired' : 'valid until'} ${formatWhen(s.notAfter)}` : '';
  const pass = s.passphrase === 'keychain' ? 'key passphrase in your keychain' : s.passphrase === 'typed' ? (s.passphraseRemembered ? 'key passphrase typed earlier in this session' : 'key passphrase asked below') : 'key not encrypted';
  return [s.subject, until, pass].filter(Boolean).join(' · ');
}

/**
 * Step 8 of seed 000, "Next steps": make a proxy from the new certificate (written where grid
 * tools look, mode 0600), show it as voms-proxy-info does, verify it, and give the commands
 * for a test job.
 */
export function NextStepsStep({ goTo }: StepProps) {
  const api = useApi();
  const [overview, setOverview] = useState<NextStepsOverview | null>(null);
  const [report, setReport] = useState<ProxyReport | null>(null);
  const [source, setSource] = useState<ProxySourceView['kind'] | ''>('');
  const [hours, setHours] = useState('12');
  const [bits, setBits] = useState(2048);
  const [limited, setLimited] = useState(false);
  /** "with VO attributes": null until the user touches it (then it follows the offer: on when available). */
  const [withVoms, setWithVoms] = useState<boolean | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const progress = useProgress(busy ? 'proxy' : null);

  const load = useCallback(async () => {
    try {
      const o = await api.proxyOverview({});
      setOverview(o);
      setReport((r) => r ?? o.current);
      const usable = o.sources.filter((s) => !s.problem && !s.expired);
      setSource((cur) => (cur && o.sources.some((s) => s.kind === cur) ? cur : usable[0]?.kind ?? o.sources[0]?.kind ?? ''));
      setHours(String(o.defaults.hours));
    } catch (e) {
      setError(e);
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const chosen = overview?.sources.find((s) => s.kind === source);
  const needsPassphrase = chosen?.passphrase === 'typed' && !chosen.passphraseRemembered;
  const hoursNumber = Number(hours);
  const maxHours = overview?.defaults.maxHours ?? 168;
  const hoursProblem = !/^\d+$/.test(hours) || hoursNumber < 1 || hoursNumber > maxHours ? `A whole number of hours from 1 to ${maxHours}.` : null;

  const vomsOffer = overview?.voms ?? null;
  const vomsOn = vomsOffer?.available === true && (withVoms ?? true);

  const make = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.proxyMake({
        source: chosen.kind, hours: hoursNumber, bits, limited, ...(vomsOffer ? { voms: vomsOn } : {}), ...(needsPassphrase ? { passphrase } : {}),
      });
      setReport(r);
      setPassphrase('');
      const o = await api.proxyOverview({});
      setOverview(o);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (!overview) {
    return (
      <section aria-labelledby="step-title">
        <Typography id="step-title" variant="h5" component="h2" gutterBottom>Next steps: make a proxy and run a test job</Typography>
        {error !== null ? <ErrorAlert error={error} /> : <Skeleton variant="rounded" height={180} aria-label="Loading" />}
      </section>
    );
  }

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>Next steps: make a proxy and run a test job</Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 780 }}>
        “The next steps are to run a test job, and then real jobs.” Grid jobs do not use your certificate directly: they
        carry a <strong>proxy</strong>, a short-lived certificate signed by yours, so your own key never travels. Make one
        here; grid tools find it at <Box component="span" sx={mono}>{overview.proxyPath}</Box>.
      </Typography>

      {overview.missing && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="missing-credential"
          action={<Button color="inherit" variant="outlined" size="small" onClick={() => goTo(overview.missing!.step)} data-testid="go-to-missing">Go to {STEPS.find((x) => x.id === overview.missing!.step)?.label ?? 'that step'}</Button>}>
          <AlertTitle>No certificate to make a proxy from yet</AlertTitle>
          {overview.missing.reason}
        </Alert>
      )}
      {!overview.trustDirExists && (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="no-trust-dir"
          action={<Button color="inherit" variant="outlined" size="small" onClick={() => goTo('trust')}>Go to Trust CAs</Button>}>
          The trusted CA folder <Box component="span" sx={mono}>{overview.trustDir}</Box> does not exist, so proxies cannot be
          verified. Install your CA’s certificate in the Trust CAs step.
        </Alert>
      )}

      {overview.sources.length > 0 && (
        <Card sx={{ mb: 3 }} component="section" aria-labelledby="make-title">
          <CardContent>
            <Typography id="make-title" variant="h6" component="h3" sx={{ mb: 1.5 }}>Make a proxy</Typography>
            <FormControl component="fieldset" sx={{ mb: 2, width: '100%' }}>
              <FormLabel component="legend">From which certificate</FormLabel>
              <RadioGroup value={source} onChange={(e) => setSource(e.target.value as ProxySourceView['kind'])}>
                {overview.sources.map((s) => (
                  <FormControlLabel
                    key={s.kind}
                    value={s.kind}
                    disabled={!!s.problem}
                    control={<Radio slotProps={{ input: { 'data-testid': `source-${s.kind}` } as Record<string, string> }} />}
                    label={
                      <Box sx={{ py: 0.5 }}>
                        <Typography variant="body1">{s.label}</Typography>
                        <Typography variant="body2" color={s.problem || s.expired ? 'error' : 'text.secondary'} sx={{ overflowWrap: 'anywhere' }}>{sourceLine(s)}</Typography>
                      </Box>
                    }
                  />
                ))}
              </RadioGroup>
            </FormControl>
            <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { md: 'flex-start' } }}>
              <TextField
                label="Lifetime (hours)"
                value={hours}
                onChange={(e) => setHours(e.target.value)}
                error={hoursProblem !== null}
                helperText={hoursProblem ?? 'Cut to your certificate’s own end if it ends sooner.'}
                slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'proxy-hours' } }}
                sx={{ maxWidth: 260 }}
              />
              <TextField select label="Key size" value={bits} onChange={(e) => setBits(Number(e.target.value))} sx={{ minWidth: 180 }}
                helperText="2048 bits, as grid-proxy-init makes" slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'proxy-bits' } as Record<string, string> } }}>
                {overview.defaults.keySizes.map((b) => <MenuItem key={b} value={b}>{b} bits</MenuItem>)}
              </TextField>
              <FormControl>
                <FormControlLabel control={<Checkbox checked={limited} onChange={(e) => setLimited(e.target.checked)} slotProps={{ input: { 'data-testid': 'proxy-limited' } as Record<string, string> }} />} label="Limited proxy" />
                <FormHelperText sx={{ mt: 0 }}>May move data, may not start jobs (grid-proxy-init -limited).</FormHelperText>
              </FormControl>
              {vomsOffer && (
                <FormControl>
                  <FormControlLabel
                    control={<Checkbox checked={vomsOn} disabled={!vomsOffer.available} onChange={(e) => setWithVoms(e.target.checked)} slotProps={{ input: { 'data-testid': 'proxy-voms' } as Record<string, string> }} />}
                    label={`with VO attributes (like voms-proxy-init -voms ${vomsOffer.vo})`}
                  />
                  <FormHelperText sx={{ mt: 0 }} data-testid="proxy-voms-help">
                    {vomsOffer.available ? `Asks the VOMS server ${vomsOffer.server} for your ${vomsOffer.vo} membership.` : vomsOffer.reason}
                  </FormHelperText>
                </FormControl>
              )}
            </Stack>
            {needsPassphrase && (
              <TextField
                type="password"
                label="Key passphrase"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                autoComplete="current-password"
                helperText={chosen?.kind === 'globus' ? `The passphrase that protects ${chosen.keyFile ?? 'userkey.pem'}.` : 'The passphrase you chose for your key in the Request step.'}
                slotProps={{ input: { startAdornment: <KeyIcon fontSize="small" sx={{ mr: 1, color: 'text.secondary' }} aria-hidden /> }, htmlInput: { 'data-testid': 'proxy-passphrase' } }}
                sx={{ mb: 2, maxWidth: 420, display: 'flex' }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !busy && hoursProblem === null && passphrase) void make();
                }}
              />
            )}
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              Written to <Box component="span" sx={mono} data-testid="proxy-path">{overview.proxyPath}</Box>
              {overview.proxyPathFromEnv ? ' (from X509_USER_PROXY)' : ''}, readable by you only (mode 0600). A proxy already there is replaced.
            </Typography>
            <Button variant="contained" size="large" onClick={make} disabled={busy || !chosen || !!chosen.problem || hoursProblem !== null || (needsPassphrase && !passphrase)} data-testid="make-proxy">
              {report ? 'Make a new proxy' : 'Make proxy'}
            </Button>
            {busy && <ProgressPanel progress={progress} fallbackLabel="Making the proxy…" />}
          </CardContent>
        </Card>
      )}

      {error !== null && (
        <Box sx={{ mb: 2 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
      {overview.currentProblem && !report && (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="current-problem">
          {overview.currentProblem} Making a new proxy keeps that file aside, renamed with the time.
        </Alert>
      )}

      {report && (
        <Stack spacing={2} sx={{ mb: 3 }} data-testid="proxy-report">
          {report.shortened && (
            <Alert severity="info" data-testid="shortened">The proxy lasts until your certificate ends, sooner than the hours asked for.</Alert>
          )}
          <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2} sx={{ alignItems: 'stretch' }}>
            <Box sx={{ flex: '1 1 58%', minWidth: 0 }}>
              <ProxyInfoCard info={report.info} title={`Your proxy${report.mode ? ` (mode ${report.mode})` : ''}`} testId="proxy-card" />
            </Box>
            <Box sx={{ flex: '1 1 42%', minWidth: 0 }}>
              <VerificationCard v={report.verification} testId="proxy-verification" />
            </Box>
          </Stack>
        </Stack>
      )}

      <WhatNext blocks={overview.commands} />
    </section>
  );
}
