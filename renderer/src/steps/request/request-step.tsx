import { useCallback, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { RequestStatusView } from '../../../../shared/contract';
import { OnboardApiError } from '../../../../shared/contract/client';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { useJournalRefresh, useLive } from '../../api/use-journal-refresh';
import { useProgress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { ProgressPanel } from '../../components/progress-panel';
import { RequestForm, type RequestFormValues } from './request-form';
import { IssuedPanel, PassphrasePanel, RetryPanel, WaitingPanel } from './request-panels';
import { RequestOrImport } from './request-or-import';
import { PreviousCredentials, RenewPanel } from './renew-panel';

const TRUST_CODES = new Set(['REQUEST_CA_NOT_TRUSTED', 'ISSUER_CA_NOT_TRUSTED']);

function TrustHint({ code, goTo }: { code: string | undefined; goTo: StepProps['goTo'] }) {
  if (!code || !TRUST_CODES.has(code)) return null;
  return (
    <Button variant="outlined" sx={{ mt: 1 }} onClick={() => goTo('trust')} data-testid="go-trust">
      Go to Trust CAs
    </Button>
  );
}

/**
 * Step 4 of seed 000, "Requesting a New User Certificate": the VO and its sponsor, the name the
 * CA will issue, the agreement ("I AGREE"), the key made here with a progress bar, then
 * "waiting for your sponsor" until the certificate is issued. The service polls; this screen
 * follows it (progress events, and the status on every journal change).
 */
export function RequestStep({ vo, goTo }: StepProps) {
  const api = useApi();
  const [status, setStatus] = useState<RequestStatusView | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [showForm, setShowForm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [starting, setStarting] = useState(false);
  const [lastValues, setLastValues] = useState<Partial<RequestFormValues>>({});
  const [formKey, setFormKey] = useState(0);
  const keygen = useProgress('keygen');
  const live = useLive();

  const refresh = useCallback(async () => {
    try {
      const s = await api.requestStatus({});
      if (live.current) setStatus(s);
      return s;
    } catch (e) {
      if (live.current) setLoadError(e);
      return undefined;
    }
  }, [api, live]);
  useJournalRefresh(refresh);

  const start = async (v: RequestFormValues, policySha256: string) => {
    setBusy(true);
    setStarting(true);
    setFormError(null);
    const before = status?.credentialId;
    try {
      const s = await api.requestStart({
        name: v.name,
        email: v.email,
        keyBits: v.keyBits,
        agree: true,
        policySha256,
        estUrl: v.estUrl || undefined,
        enrolmentCode: v.enrolmentCode || undefined,
        keyPassphrase: v.keyPassphrase || undefined,
      });
      setStatus(s);
      setShowForm(false);
    } catch (e) {
      const s = await refresh();
      // A request was made (and failed at the CA): its panel shows the error. Otherwise stay on the form.
      if (s && s.credentialId !== before) setShowForm(false);
      else setFormError(e);
    } finally {
      setBusy(false);
      setStarting(false);
    }
  };

  const act = async (fn: () => Promise<RequestStatusView>) => {
    setBusy(true);
    setActionError(null);
    try {
      setStatus(await fn());
    } catch (e) {
      setActionError(e);
      await refresh();
    } finally {
      setBusy(false);
    }
  };

  const newRequest = () => {
    setFormError(null);
    setActionError(null);
    if (status) setLastValues({ name: status.name, email: status.email ?? '', keyBits: status.keyBits as RequestFormValues['keyBits'] });
    setFormKey((k) => k + 1);
    setShowForm(true);
  };

  let body: React.ReactNode;
  if (!vo) {
    body = (
      <Alert severity="info" action={<Button color="inherit" onClick={() => goTo('chooseVo')}>Choose VO</Button>}>
        Choose your Virtual Organization first: its certificate authority and your sponsor depend on it.
      </Alert>
    );
  } else if (loadError) {
    body = <ErrorAlert error={loadError} />;
  } else if (status === undefined) {
    body = <Skeleton variant="rounded" height={240} aria-busy="true" />;
  } else if (!status || showForm || starting) {
    body = (
      <>
        {formError !== null && (
          <Box sx={{ mb: 2 }} data-testid="request-error">
            <ErrorAlert error={formError} onClose={() => setFormError(null)} />
            <TrustHint code={formError instanceof OnboardApiError ? formError.code : undefined} goTo={goTo} />
          </Box>
        )}
        {starting && <ProgressPanel progress={keygen} fallbackLabel="Making your key…" />}
        <RequestOrImport hidden={starting} goTo={goTo} onImported={(s) => { setStatus(s); setShowForm(false); }}>
          <RequestForm key={formKey} initial={lastValues} busy={busy} onSubmit={start} goTo={goTo} />
        </RequestOrImport>
      </>
    );
  } else {
    const s = status;
    body = (
      <>
        {actionError !== null && (
          <Box sx={{ mb: 2 }}>
            <ErrorAlert error={actionError} onClose={() => setActionError(null)} />
          </Box>
        )}
        {s.state === 'submitting' && <ProgressPanel progress={null} fallbackLabel="Sending your request to the certificate authority…" />}
        {s.state === 'waiting' && (
          <WaitingPanel status={s} sponsor={vo.vo.sponsor} busy={busy} onCancel={() => void act(() => api.requestCancel({}))} />
        )}
        {s.state === 'issued' && <IssuedPanel status={s} onBackup={() => goTo('backup')} onNew={newRequest} />}
        {s.state === 'issued' && <RenewPanel status={s} onChanged={setStatus} onNew={newRequest} />}
        <PreviousCredentials previous={s.previous} />
        {s.state === 'needs-passphrase' && <PassphrasePanel busy={busy} onSubmit={(p) => void act(() => api.requestResume({ keyPassphrase: p }))} />}
        {(s.state === 'failed' || s.state === 'rejected') && s.error && (
          <Box data-testid={`request-${s.state}-error`}>
            <ErrorAlert error={new OnboardApiError(s.error)} />
            <TrustHint code={s.error.code} goTo={goTo} />
          </Box>
        )}
        {s.state === 'rejected' && (
          <Stack direction="row" sx={{ mt: 2, justifyContent: 'flex-end' }}>
            <Button variant="contained" onClick={newRequest} data-testid="request-new">Start a new request</Button>
          </Stack>
        )}
        {(s.state === 'failed' || s.state === 'cancelled') && (
          <RetryPanel status={s} busy={busy} onNew={newRequest} onRetry={(code) => void act(() => api.requestResume({ enrolmentCode: code || undefined }))} />
        )}
      </>
    );
  }

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Request your certificate
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 760 }}>
        {status?.origin === 'import'
          ? 'Your certificate and its key were brought in from the file you chose (which was left as it was); the key is kept here, encrypted.'
          : 'Your key pair is made on this computer; only the request (with your public key) goes to the certificate authority. Your sponsor approves it, then the certificate comes back here.'}
      </Typography>
      {body}
    </section>
  );
}
