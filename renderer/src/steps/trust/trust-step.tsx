import { useCallback, useEffect, useMemo, useState } from 'react';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Box from '@mui/material/Box';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import UndoIcon from '@mui/icons-material/Undo';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import type { TrustInstallResult, TrustOverview, TrustTargetId, TrustTargetPlanView, TrustUndoResult } from '../../../../shared/contract';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';
import { CaCard } from './ca-card';
import { TargetPicker } from './target-picker';
import { RunResults, type LiveState } from './run-results';
import { CommandsPanel } from './commands-panel';

type Run =
  | { readonly kind: 'install'; readonly order: TrustTargetId[]; readonly value: TrustInstallResult | null }
  | { readonly kind: 'undo'; readonly order: TrustTargetId[]; readonly value: TrustUndoResult | null };

/**
 * Step 3 of seed 000: the seed downloads the Root, CA-1 and SHA-2 CA-1 certificates and imports
 * each into Firefox, ticking the first two “Trust” boxes. Here the VO's pinned bundle goes into
 * the app, the grid tools' folder and the browsers in one go, with undo.
 */
export function TrustStep({ info, vo, goTo }: StepProps) {
  const api = useApi();
  const [overview, setOverview] = useState<TrustOverview | null>(null);
  const [plans, setPlans] = useState<Map<TrustTargetId, TrustTargetPlanView>>(new Map());
  const [planLoading, setPlanLoading] = useState(false);
  const [selected, setSelected] = useState<Set<TrustTargetId>>(new Set());
  const [passwords, setPasswords] = useState<Record<string, string>>({});
  const [skip, setSkip] = useState<Set<string>>(new Set());
  const [asked, setAsked] = useState<Set<string>>(new Set());
  const [run, setRun] = useState<Run | null>(null);
  const [live, setLive] = useState<Partial<Record<TrustTargetId, LiveState>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (initial: boolean) => {
    try {
      const o = await api.trustOverview({});
      setOverview(o);
      if (initial) setSelected(new Set(o.targets.filter((t) => t.available && t.defaultSelected).map((t) => t.id)));
      const available = o.targets.filter((t) => t.available).map((t) => t.id);
      if (available.length > 0) {
        setPlanLoading(true);
        const p = await api.trustPlan({ targets: available });
        setPlans(new Map(p.targets.map((t) => [t.target, t])));
      }
    } catch (e) {
      setError(e);
    } finally {
      setPlanLoading(false);
    }
  }, [api]);

  const voName = vo?.vo.name;
  useEffect(() => {
    if (voName) void load(true);
  }, [load, voName]);

  useEffect(
    () =>
      api.on('progress', (e) => {
        const m = /^trust-(install|undo):(.+)$/.exec(e.task);
        if (m) setLive((prev) => ({ ...prev, [m[2]]: { done: e.fraction === 1, label: e.label } }));
      }),
    [api],
  );

  const labels = useMemo(() => new Map((overview?.targets ?? []).map((t) => [t.id, t.label])), [overview]);
  const order = useMemo(() => (overview?.targets ?? []).map((t) => t.id).filter((id) => selected.has(id)), [overview, selected]);
  const lockedDbs = useMemo(() => new Set([...(overview?.nssDbs.filter((d) => d.needsPassword).map((d) => d.db) ?? []), ...asked]), [overview, asked]);

  const install = async () => {
    if (!overview || order.length === 0) return;
    setBusy(true);
    setError(null);
    setLive({});
    setRun({ kind: 'install', order, value: null });
    const withPw = order.includes('nss') ? [...lockedDbs].filter((db) => !skip.has(db) && passwords[db]) : [];
    try {
      const value = await api.trustInstall({
        targets: order,
        nssPasswords: withPw.length ? withPw.map((db) => ({ db, password: passwords[db] })) : undefined,
        skipNssDbs: order.includes('nss') && skip.size ? [...skip] : undefined,
      });
      setRun({ kind: 'install', order, value });
      setAsked((prev) => new Set([...prev, ...value.passwordNeeded.map((p) => p.db)]));
      await load(false);
    } catch (e) {
      setError(e);
      setRun(null);
    } finally {
      // Passwords go in only, once: the fields are emptied after every attempt.
      setPasswords({});
      setBusy(false);
    }
  };

  const undo = async () => {
    if (!overview?.lastInstall) return;
    const targets = overview.lastInstall.targets;
    setBusy(true);
    setError(null);
    setLive({});
    setRun({ kind: 'undo', order: [...targets].reverse(), value: null });
    try {
      const value = await api.trustUndo({ installId: overview.lastInstall.id });
      setRun({ kind: 'undo', order: value.results.map((r) => r.target), value });
      await load(false);
    } catch (e) {
      setError(e);
      setRun(null);
    } finally {
      setBusy(false);
    }
  };

  if (!vo) {
    return (
      <section aria-labelledby="step-title">
        <Typography id="step-title" variant="h5" component="h2" gutterBottom>Trust the certificate authorities</Typography>
        <Alert severity="info" action={<Button onClick={() => goTo('chooseVo')}>Choose VO</Button>} data-testid="trust-no-vo">
          Choose your Virtual Organization first: it decides which certificate authorities to trust.
        </Alert>
      </section>
    );
  }

  const progress = info.progress.trust;
  const installResult = run?.kind === 'install' ? run.value : null;
  const done = installResult ? installResult.stepDone : progress?.status === 'done';
  const doneSummary = installResult?.summary ?? progress?.summary;

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Trust the certificate authorities
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 820 }}>
        Your VO’s instructions have you download the Root, CA-1 and SHA-2 CA-1 certificates and import each into
        Firefox, ticking the first two “Trust” boxes. OSG Onboard does this for the app, the grid tools and your
        browsers at once — after checking every certificate against its pinned SHA-256 fingerprint — and can undo it.
      </Typography>

      {error !== null && (
        <Box sx={{ mb: 2 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}

      {!overview ? (
        error === null && (
          <Stack spacing={1} aria-busy="true">
            {[0, 1].map((i) => <Skeleton key={i} variant="rounded" height={120} />)}
          </Stack>
        )
      ) : (
        <>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', rowGap: 0.5 }}>
            <VerifiedUserIcon color="primary" aria-hidden />
            <Typography variant="h6" component="h3" data-testid="bundle-name">{overview.bundle.displayName}</Typography>
            <Chip size="small" variant="outlined" label={`for VO ${overview.vo}`} />
            {overview.bundle.runtime && <Chip size="small" color="warning" label="made on this computer" />}
          </Stack>
          {overview.bundle.description && (
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5, maxWidth: 820 }}>{overview.bundle.description}</Typography>
          )}
          <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))', mb: 1 }} data-testid="ca-list">
            {overview.bundle.certificates.map((ca) => <CaCard key={ca.sha256} ca={ca} />)}
          </Box>
          {overview.bundle.notes.length > 0 && (
            <Box component="ul" sx={{ m: 0, pl: 3, mb: 1 }}>
              {overview.bundle.notes.map((n, i) => (
                <Typography key={i} component="li" variant="caption" color="text.secondary">{n}</Typography>
              ))}
            </Box>
          )}

          <Typography id="targets-title" variant="h6" component="h3" sx={{ mt: 3, mb: 1 }}>Where to install</Typography>
          <TargetPicker
            targets={overview.targets}
            selected={selected}
            onToggle={(id, on) => setSelected((prev) => { const n = new Set(prev); if (on) n.add(id); else n.delete(id); return n; })}
            nssDbs={overview.nssDbs}
            lockedDbs={lockedDbs}
            pw={{ passwords, skip }}
            onPassword={(db, v) => setPasswords((p) => ({ ...p, [db]: v }))}
            onSkip={(db, s) => setSkip((prev) => { const n = new Set(prev); if (s) n.add(db); else n.delete(db); return n; })}
            plans={plans}
            disabled={busy}
          />
          {!(selected.has('app') && selected.has('x509')) && (
            <Alert severity="info" sx={{ mt: 1 }}>This step is done once the app itself and the grid tools’ folder hold the CAs.</Alert>
          )}

          <Stack direction="row" spacing={1} sx={{ mt: 2, justifyContent: 'flex-end', flexWrap: 'wrap' }}>
            {overview.lastInstall && (
              <Button variant="outlined" startIcon={<UndoIcon />} onClick={undo} disabled={busy} data-testid="trust-undo">
                Undo the last install
              </Button>
            )}
            <Button variant="contained" size="large" onClick={install} disabled={busy || order.length === 0} data-testid="trust-install">
              {busy && run?.kind === 'install' ? 'Installing…' : 'Install'}
            </Button>
          </Stack>

          {run && (
            <Box sx={{ mt: 2 }} role="status" aria-live="polite">
              <Typography variant="h6" component="h3" sx={{ mb: 1 }}>
                {run.kind === 'install' ? (run.value ? 'Installed' : 'Installing…') : run.value ? 'Undone' : 'Undoing…'}
              </Typography>
              <RunResults kind={run.kind} order={run.order} labels={labels} live={live} results={run.value?.results ?? null} />
            </Box>
          )}

          {installResult && installResult.passwordNeeded.length > 0 && (
            <Alert severity="warning" sx={{ mt: 2 }} data-testid="password-needed">
              {installResult.passwordNeeded.map((p) => p.label).join(', ')} {installResult.passwordNeeded.length === 1 ? 'is' : 'are'} protected
              by a Primary Password. Type it above (or tick “Skip this database”) and press Install again.
            </Alert>
          )}

          {done && doneSummary && !busy && (
            <Alert
              severity="success"
              sx={{ mt: 2 }}
              data-testid="trust-done"
              action={<Button color="inherit" onClick={() => goTo('request')} data-testid="trust-continue">Continue to Request</Button>}
            >
              <AlertTitle>The CAs are trusted</AlertTitle>
              {doneSummary}
            </Alert>
          )}
          {run?.kind === 'undo' && run.value && !busy && (
            <Alert severity="info" sx={{ mt: 2 }} data-testid="trust-undone">
              The last install was taken back. Install again when you are ready.
            </Alert>
          )}

          <CommandsPanel plans={plans} order={order} labels={labels} loading={planLoading} />
        </>
      )}
    </section>
  );
}
