import { useCallback, useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { RegisterFormInput, RegisterView } from '../../../../shared/contract';
import { OnboardApiError } from '../../../../shared/contract/client';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';
import { FactList, RegisterJourney } from './register-bits';
import { RegisterForm, fieldErrorsFrom, type FieldErrors } from './register-form';
import { MailboxView } from './mailbox-view';
import { CheckEmailPanel, HandoffPanel, MemberPanel, PasteLinkPanel, UnlockPanel, WaitingPanel } from './register-panels';

const TRUST_CODES = new Set(['REGISTRATION_SERVER_UNTRUSTED']);
const CERT_CODES = new Set(['REGISTRATION_NO_CLIENT_CERT', 'REGISTRATION_CERT_UNTRUSTED', 'REGISTRATION_CREDENTIAL_INVALID']);

/**
 * Step 6 of seed 000, "VO Registration": log in to the VO's VOMS-Admin server with the new
 * certificate, fill in the form, follow the link in the e-mail, wait for the VO administrator,
 * then check the member information. The service says where things stand (it asks the VO server),
 * so this screen follows it: on every journal change, and while the service polls, its progress.
 */
export function RegisterStep({ info, goTo }: StepProps) {
  const api = useApi();
  const [view, setView] = useState<RegisterView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const live = useRef(true);

  const refresh = useCallback(async (force = false) => {
    try {
      const v = await api.registerStatus(force ? { refresh: true } : {});
      if (live.current) setView(v);
    } catch (e) {
      if (live.current) setError(e);
    }
  }, [api]);

  useEffect(() => {
    live.current = true;
    void refresh();
    const off = api.on('journalChanged', () => void refresh());
    return () => {
      live.current = false;
      off();
    };
  }, [api, refresh]);

  const act = async (f: () => Promise<RegisterView>) => {
    setBusy(true);
    setError(null);
    try {
      const v = await f();
      if (live.current) setView(v);
      return true;
    } catch (e) {
      if (live.current) setError(e);
      return false;
    } finally {
      if (live.current) setBusy(false);
    }
  };

  const submit = async (values: RegisterFormInput) => {
    setFieldErrors({});
    setBusy(true);
    setError(null);
    try {
      setView(await api.registerSubmit(values));
    } catch (e) {
      const named = fieldErrorsFrom(e);
      if (named) setFieldErrors(named);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const confirm = (link: string) => void act(() => api.registerConfirm({ link }));

  const code = view?.problem?.code ?? (error instanceof OnboardApiError ? error.code : undefined);

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Register with your VO
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 820 }}>
        Log in to your VO’s VOMS-Admin server with your new certificate, fill in the registration form, click the link in
        the e-mail the VO sends you, then wait for the VO administrator to approve you. Finally, check your member information.
      </Typography>
      {view && view.vo && view.stage !== 'handoff' && <RegisterJourney stage={view.stage} />}
      {error !== null && (
        <Box sx={{ mb: 2 }} data-testid="register-error">
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
      {view === null ? (
        <Stack spacing={1} aria-busy="true">{[0, 1, 2].map((i) => <Skeleton key={i} variant="rounded" height={56} />)}</Stack>
      ) : (
        <Body view={view} busy={busy} fieldErrors={fieldErrors} code={code} goTo={goTo} shell={info.shell} onView={setView}
          onUnlock={(keyPassphrase) => void act(() => api.registerUnlock({ keyPassphrase }))}
          onSubmit={(v) => void submit(v)}
          onConfirm={confirm}
          onCheck={() => void act(() => api.registerStatus({ refresh: true }))}
          onHandoffDone={() => void act(() => api.registerHandoffDone({}))} />
      )}
    </section>
  );
}

function CertificateCard({ view }: { view: RegisterView }) {
  const c = view.certificate;
  if (!c) return null;
  return (
    <Card sx={{ mb: 2 }} data-testid="register-certificate">
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>Your certificate</Typography>
        <FactList label="Your certificate" facts={[
          { term: 'DN (subject)', value: c.subject, code: true, testId: 'register-cert-subject' },
          { term: 'CA (issuer)', value: c.issuer, code: true },
          { term: 'Valid until', value: new Date(c.notAfter).toLocaleDateString() },
        ]} />
      </CardContent>
    </Card>
  );
}

function Body({ view, busy, fieldErrors, code, goTo, shell, onView, onUnlock, onSubmit, onConfirm, onCheck, onHandoffDone }: {
  view: RegisterView;
  shell: 'electron' | 'browser';
  onView: (v: RegisterView) => void;
  busy: boolean;
  fieldErrors: FieldErrors;
  code: string | undefined;
  goTo: StepProps['goTo'];
  onUnlock: (p: string) => void;
  onSubmit: (v: RegisterFormInput) => void;
  onConfirm: (link: string) => void;
  onCheck: () => void;
  onHandoffDone: () => void;
}) {
  switch (view.stage) {
    case 'no-vo':
      return (
        <Alert severity="info" data-testid="register-no-vo" action={<Button onClick={() => goTo('chooseVo')}>Choose VO</Button>}>
          Choose your VO first: the registration goes to its server.
        </Alert>
      );
    case 'no-certificate':
      return (
        <Alert severity="info" data-testid="register-no-certificate" action={<Button onClick={() => goTo('request')}>Go to Request</Button>}>
          <AlertTitle>No certificate yet</AlertTitle>
          VOMS-Admin knows you by your certificate. Finish the Request step first: once your sponsor approves, your certificate
          is kept by the app and used here.
        </Alert>
      );
    case 'needs-passphrase':
      return (
        <>
          <CertificateCard view={view} />
          <UnlockPanel view={view} busy={busy} onUnlock={onUnlock} />
        </>
      );
    case 'form':
      return <RegisterForm key={view.certificate?.credentialId ?? 'form'} view={view} busy={busy} serverErrors={fieldErrors} onSubmit={onSubmit} />;
    case 'confirmation-needed':
      return (
        <Box data-testid="register-confirmation">
          <CheckEmailPanel view={view} />
          {view.sandbox ? (
            <MailboxView emailAddress={view.emailAddress} busy={busy} onConfirm={onConfirm} />
          ) : (
            <Card><CardContent><PasteLinkPanel busy={busy} onConfirm={onConfirm} /></CardContent></Card>
          )}
        </Box>
      );
    case 'pending-approval':
      return (
        <>
          <CertificateCard view={view} />
          <WaitingPanel view={view} busy={busy} onCheck={onCheck} />
        </>
      );
    case 'member':
      return <MemberPanel view={view} onNext={() => goTo('upload')} />;
    case 'rejected':
      return (
        <Alert severity="error" data-testid="register-rejected">
          <AlertTitle>The VO administrator rejected your membership request{view.requestId ? ` (request ${view.requestId})` : ''}</AlertTitle>
          Contact the VO administrators or your sponsor to ask why. If they agree, register again: <Button size="small" onClick={onCheck}>check again</Button>
        </Alert>
      );
    case 'handoff':
      return <HandoffPanel view={view} busy={busy} shell={shell} onDone={onHandoffDone} onView={onView} />;
    case 'error':
      return (
        <Box data-testid="register-problem">
          <CertificateCard view={view} />
          {view.problem && <ErrorAlert error={new OnboardApiError(view.problem)} />}
          <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
            <Button variant="contained" onClick={onCheck} disabled={busy} data-testid="register-retry">Try again</Button>
            {code && TRUST_CODES.has(code) && <Button variant="outlined" onClick={() => goTo('trust')}>Go to Trust CAs</Button>}
            {code && CERT_CODES.has(code) && <Button variant="outlined" onClick={() => goTo('request')}>Go to Request</Button>}
          </Stack>
        </Box>
      );
  }
}
