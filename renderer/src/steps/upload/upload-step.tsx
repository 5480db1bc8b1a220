import { useCallback, useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import type { UploadDefaults, UploadQuestionView, UploadRunningView, UploadView } from '../../../../shared/contract';
import { OnboardApiError } from '../../../../shared/contract/client';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import type { Progress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { UploadForm, formProblems, initialForm, isOnSandbox, mono, usesRememberedP12, type UploadFormState } from './upload-form';
import { QuestionDialog, UploadRunning } from './upload-running';
import { UploadResultCard } from './upload-result';

/** An id for this window's upload, so Cancel works before the call returns. */
function newUploadId(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return 'up-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function authInput(f: UploadFormState) {
  switch (f.auth) {
    case 'password': return { method: 'password' as const, password: f.password };
    case 'key': return { method: 'key' as const, keyFile: f.keyFile.trim(), ...(f.keyPassphrase ? { passphrase: f.keyPassphrase } : {}) };
    case 'sandbox-account': return { method: 'sandbox-account' as const };
    case 'keyboard-interactive': return { method: 'keyboard-interactive' as const };
    case 'agent': return { method: 'agent' as const };
  }
}

/** A running upload seen from uploadStatus (another window, or this one after a reload). */
function filesFrom(r: UploadRunningView): Record<string, Progress> {
  const out: Record<string, Progress> = {};
  for (const f of r.files) out[f.name] = { task: `upload:${f.name}`, fraction: f.state === 'waiting' ? 0 : f.state === 'sending' ? f.bytesDone / Math.max(1, f.bytesTotal) : 1, label: `${f.name}: ${f.state}` };
  return out;
}

/** What went wrong, with what the user can do: the standard warning for a changed host key, “Try again” after a drop. */
function UploadErrorPanel({ error, onRetry, onClose }: { error: unknown; onRetry: () => void; onClose: () => void }) {
  const e = error instanceof OnboardApiError ? error : null;
  if (e?.code === 'CANCELLED') {
    return (
      <Alert severity="info" onClose={onClose} data-testid="upload-cancelled" sx={{ mb: 2 }}>
        <AlertTitle>Upload cancelled</AlertTitle>
        Start it again when you are ready: files already sent and checked on the host are not sent twice, and nothing half-sent is ever left under its real name.
      </Alert>
    );
  }
  const checked = typeof e?.details?.checked === 'string' && e.details.checked ? e.details.checked.split(',') : [];
  const retry = e?.code === 'TRANSFER_CONNECTION_DROPPED' || e?.code === 'UPLOAD_QUESTION_TIMEOUT';
  return (
    <Box sx={{ mb: 2 }} data-testid="upload-error" data-code={e?.code}>
      <ErrorAlert error={error} onClose={onClose} />
      {e?.code === 'TRANSFER_HOST_KEY_CHANGED' && typeof e.details?.warning === 'string' && (
        <Box component="pre" data-testid="hostkey-changed-warning" sx={{ ...mono, mt: 1, p: 1.5, overflowX: 'auto', border: 1, borderColor: 'error.main', borderRadius: 1 }}>
          {e.details.warning}
        </Box>
      )}
      {e?.code === 'TRANSFER_CONNECTION_DROPPED' && checked.length > 0 && (
        <Typography variant="body2" sx={{ mt: 1 }} data-testid="upload-checked">
          Already sent and checked on the host: {checked.join(', ')}. These are not sent again.
        </Typography>
      )}
      {retry && <Button variant="contained" sx={{ mt: 1 }} onClick={onRetry} data-testid="upload-retry">Try again</Button>}
    </Box>
  );
}

/**
 * Step 7 of seed 000, "Transferring the Certificate to the Submit Host": the seed's scp, ssh,
 * openssl, chmod, mkdir and mv — done by the app, in the right order, over SSH: host and user,
 * how to log in, the usercred.p12 and its password; then the host key to confirm, a bar per
 * file, Cancel, and the result as the host lists it.
 */
export function UploadStep({ goTo }: StepProps) {
  const api = useApi();
  const [defaults, setDefaults] = useState<UploadDefaults | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [form, setForm] = useState<UploadFormState | null>(null);
  const [touched, setTouched] = useState(false);
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [overall, setOverall] = useState<Progress | null>(null);
  const [files, setFiles] = useState<Record<string, Progress>>({});
  const [question, setQuestion] = useState<UploadQuestionView | null>(null);
  const [answering, setAnswering] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [result, setResult] = useState<UploadView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [again, setAgain] = useState(false);
  const idRef = useRef<string | null>(null);
  const ownCall = useRef(false);

  const finish = useCallback(() => {
    idRef.current = null;
    setUploadId(null);
    setQuestion(null);
    setCancelling(false);
  }, []);

  /** Follows an upload this window did not start (another window, or before a reload). */
  const observe = useCallback((r: UploadRunningView) => {
    idRef.current = r.uploadId;
    setUploadId(r.uploadId);
    setTarget(`${r.username}@${r.host}`);
    setFiles(filesFrom(r));
    setQuestion(r.question);
    const poll = async () => {
      if (idRef.current !== r.uploadId || ownCall.current) return;
      try {
        const s = await api.uploadStatus({});
        if (s.running?.uploadId === r.uploadId) {
          setQuestion(s.running.question);
          setTimeout(() => void poll(), 1000);
          return;
        }
        if (s.last?.uploadId === r.uploadId) setResult(s.last);
        else if (s.lastError) setError(new OnboardApiError(s.lastError));
      } catch (e) {
        setError(e);
      }
      finish();
    };
    setTimeout(() => void poll(), 1000);
  }, [api, finish]);

  const load = useCallback(async () => {
    try {
      const d = await api.uploadDefaults({});
      setDefaults(d);
      setForm((f) => f ?? initialForm(d));
      if (d.running && !ownCall.current) observe(d.running);
    } catch (e) {
      setLoadError(e);
    }
  }, [api, observe]);

  useEffect(() => {
    void load();
    const offProgress = api.on('progress', (e) => {
      if (!idRef.current) return;
      if (e.task === 'upload') setOverall(e);
      else if (e.task.startsWith('upload:')) setFiles((f) => ({ ...f, [e.task.slice('upload:'.length)]: e }));
    });
    const offQuestion = api.on('uploadQuestion', ({ open, ...q }) => {
      if (q.uploadId !== idRef.current) return;
      if (open) setQuestion(q);
      else setQuestion((cur) => (cur?.questionId === q.questionId ? null : cur));
    });
    return () => {
      offProgress();
      offQuestion();
    };
  }, [api, load]);

  const set = (patch: Partial<UploadFormState>) => setForm((f) => (f ? { ...f, ...patch } : f));

  const start = async () => {
    if (!form || !defaults) return;
    setTouched(true);
    if (Object.keys(formProblems(form, isOnSandbox(defaults, form), usesRememberedP12(defaults, form))).length > 0) return;
    const id = newUploadId();
    idRef.current = id;
    ownCall.current = true;
    setUploadId(id);
    setTarget(`${form.username.trim()}@${form.host.trim()}`);
    setFiles({});
    setOverall(null);
    setError(null);
    setResult(null);
    try {
      const r = await api.uploadStart({
        uploadId: id,
        target: { host: form.host.trim(), port: Number(form.port), username: form.username.trim() },
        auth: authInput(form),
        credential: {
          p12Path: form.p12Path.trim(),
          // Left out when empty and remembered: the services read it from the keychain (it never comes here).
          ...(form.p12Password === '' && usesRememberedP12(defaults, form) ? {} : { password: form.p12Password }),
          ...(form.ownKeyPassphrase ? { keyPassphrase: form.userkeyPassphrase, keyPassphraseConfirm: form.userkeyConfirm } : {}),
        },
      });
      setResult(r);
      setAgain(false);
      setTouched(false);
      // Done: the passwords are not kept any longer than needed.
      set({ password: '', keyPassphrase: '', p12Password: '', userkeyPassphrase: '', userkeyConfirm: '' });
    } catch (e) {
      setError(e);
    } finally {
      ownCall.current = false;
      finish();
      void load();
    }
  };

  const answer = async (a: { accept?: boolean; answers?: string[] }) => {
    if (!question) return;
    setAnswering(true);
    try {
      await api.uploadAnswer({ uploadId: question.uploadId, questionId: question.questionId, ...a });
    } catch {
      // Answered elsewhere, timed out or cancelled: the upload's own outcome says what happened.
    } finally {
      setAnswering(false);
      setQuestion(null);
    }
  };

  const cancel = async () => {
    if (!uploadId) return;
    setCancelling(true);
    try {
      await api.uploadCancel({ uploadId });
    } catch (e) {
      setError(e);
    }
  };

  const shown = result ?? (again || error ? null : defaults?.last ?? null);
  let body: React.ReactNode;
  if (!defaults || !form) {
    body = loadError ? <ErrorAlert error={loadError} /> : <Skeleton variant="rounded" height={320} aria-busy="true" />;
  } else if (uploadId) {
    body = (
      <>
        <UploadRunning overall={overall} files={files} target={target} onCancel={() => void cancel()} cancelling={cancelling} />
        <QuestionDialog question={question} onAnswer={(a) => void answer(a)} onCancel={() => void cancel()} busy={answering} />
      </>
    );
  } else if (shown) {
    body = <UploadResultCard result={shown} onAgain={() => { setResult(null); setAgain(true); }} onNext={() => goTo('nextSteps')} />;
  } else {
    body = (
      <>
        {error !== null && <UploadErrorPanel error={error} onRetry={() => void start()} onClose={() => setError(null)} />}
        <UploadForm defaults={defaults} form={form} set={set} onSubmit={() => void start()} touched={touched} />
      </>
    );
  }

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Upload your certificate to the submit host
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 760 }}>
        Grid jobs are submitted from your VO’s <strong>submit host</strong>, and the grid tools there look for your certificate in
        <Box component="code" sx={mono}> ~/.globus</Box>. This step puts <code>usercred.p12</code>, <code>usercert.pem</code> and
        <code> userkey.pem</code> there over SSH, with the permissions the tools require.
      </Typography>
      {body}
    </section>
  );
}
