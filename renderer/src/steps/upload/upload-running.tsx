import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import HourglassEmptyIcon from '@mui/icons-material/HourglassEmpty';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import type { UploadQuestionView } from '../../../../shared/contract';
import type { Progress } from '../../api/use-progress';
import { mono } from './upload-form';

export const FILE_ORDER = ['userkey.pem', 'usercert.pem', 'usercred.p12'] as const;

const WHAT: Record<string, string> = {
  'userkey.pem': 'your private key, encrypted (0400)',
  'usercert.pem': 'your certificate (0644)',
  'usercred.p12': 'certificate and key in one file (0400)',
};

function FileIcon({ p }: { p?: Progress }) {
  if (!p || p.fraction === 0) return <HourglassEmptyIcon color="disabled" aria-hidden />;
  if (/in place|checked|byte for byte/.test(p.label)) return <CheckCircleIcon color="success" aria-hidden />;
  return <UploadFileIcon color="primary" aria-hidden />;
}

/** One bar per file (from the `upload:<file>` progress events), the overall step above, Cancel below. */
export function UploadRunning({ overall, files, target, onCancel, cancelling }: {
  overall: Progress | null;
  files: Readonly<Record<string, Progress>>;
  target: string;
  onCancel: () => void;
  cancelling: boolean;
}) {
  return (
    <Box data-testid="upload-running" sx={{ my: 2 }}>
      <Typography variant="h6" component="h3">Uploading to {target}</Typography>
      <Typography role="status" aria-live="polite" variant="body2" color="text.secondary" sx={{ mb: 2 }} data-testid="upload-overall">
        {overall?.label ?? 'Starting…'}
      </Typography>
      <Box component="ol" aria-label="Files" sx={{ listStyle: 'none', p: 0, m: 0 }}>
        {FILE_ORDER.map((name) => {
          const p = files[name];
          const pct = Math.round((p?.fraction ?? 0) * 100);
          return (
            <Box component="li" key={name} data-testid={`upload-file-${name}`} data-fraction={p?.fraction ?? 0} sx={{ py: 1, borderBottom: 1, borderColor: 'divider' }}>
              <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', mb: 0.5 }}>
                <FileIcon p={p} />
                <Typography sx={{ fontWeight: 600, ...mono, fontSize: '0.95rem' }}>{name}</Typography>
                <Typography variant="body2" color="text.secondary">{WHAT[name]}</Typography>
              </Stack>
              <LinearProgress variant="determinate" value={pct} aria-label={`${name}: ${p?.label ?? 'waiting'}`} sx={{ height: 8, borderRadius: 4 }} />
              <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }} data-testid={`upload-file-label-${name}`}>{p?.label ?? 'waiting'}</Typography>
            </Box>
          );
        })}
      </Box>
      <Stack direction="row" sx={{ mt: 2, justifyContent: 'flex-end' }}>
        <Button variant="outlined" color="inherit" onClick={onCancel} disabled={cancelling} data-testid="upload-cancel">
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </Button>
      </Stack>
    </Box>
  );
}

function expiresIn(iso: string): string {
  const ms = new Date(iso).getTime() - Date.now();
  const min = Math.max(0, Math.round(ms / 60_000));
  return min >= 2 ? `${min} minutes` : `${Math.max(0, Math.round(ms / 1000))} seconds`;
}

/**
 * The host's question during an upload: an unknown host key (fingerprint and key type, the
 * sandbox's own key beside it to compare), or keyboard-interactive prompts (one-time codes).
 */
export function QuestionDialog({ question, onAnswer, onCancel, busy }: {
  question: UploadQuestionView | null;
  onAnswer: (a: { accept?: boolean; answers?: string[] }) => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const [answers, setAnswers] = useState<string[]>([]);
  useEffect(() => setAnswers(question?.prompts?.map(() => '') ?? []), [question?.questionId, question?.prompts]);
  if (!question) return null;
  const where = question.port === 22 ? question.host : `${question.host} port ${question.port}`;

  if (question.kind === 'host-key') {
    const same = question.sandboxFingerprint !== undefined && question.sandboxFingerprint === question.fingerprint;
    return (
      <Dialog open aria-labelledby="hostkey-title" aria-describedby="hostkey-text" data-testid="hostkey-dialog" maxWidth="sm" fullWidth>
        <DialogTitle id="hostkey-title">Is this the submit host you expect?</DialogTitle>
        <DialogContent>
          <Typography id="hostkey-text" sx={{ mb: 2 }}>
            This computer has not connected to <strong>{where}</strong> before, so it cannot yet tell whether it is really that host.
            Compare the fingerprint below with the one your VO publishes (or ask its support) before you say yes. Nothing has been sent.
          </Typography>
          <Typography variant="body2" color="text.secondary">{question.keyTypeLabel} key fingerprint ({question.keyType})</Typography>
          <Box component="pre" data-testid="hostkey-fingerprint" sx={{ ...mono, fontSize: '1rem', m: 0, mb: 2, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {question.fingerprint}
          </Box>
          {question.sandboxFingerprint !== undefined && (
            <Typography variant="body2" data-testid="hostkey-sandbox" sx={{ mb: 1 }}>
              This is the sandbox submit host: the sandbox’s own key is <Box component="span" sx={{ ...mono, wordBreak: 'break-all' }}>{question.sandboxFingerprint}</Box>
              {same ? ' — the same, so you may trust it.' : ' — NOT the same: do not trust this key.'}
            </Typography>
          )}
          {question.otherKnownTypes && question.otherKnownTypes.length > 0 && (
            <Typography variant="body2" sx={{ mb: 1 }}>This host is already known by another key type ({question.otherKnownTypes.join(', ')}).</Typography>
          )}
          <Typography variant="body2" color="text.secondary">
            Yes saves the key in OSG Onboard’s known hosts, so you are asked only once. Unanswered, the upload stops in {expiresIn(question.expiresAt)}.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => onAnswer({ accept: false })} disabled={busy} data-testid="hostkey-reject">No, do not connect</Button>
          <Button variant="contained" onClick={() => onAnswer({ accept: true })} disabled={busy} data-testid="hostkey-accept">Yes, trust this host</Button>
        </DialogActions>
      </Dialog>
    );
  }

  const prompts = question.prompts ?? [];
  return (
    <Dialog open aria-labelledby="kbd-title" data-testid="keyboard-dialog" maxWidth="sm" fullWidth>
      <Box component="form" onSubmit={(e) => {
        e.preventDefault();
        onAnswer({ answers });
      }}>
        <DialogTitle id="kbd-title">{question.name || `${where} asks`}</DialogTitle>
        <DialogContent>
          {question.instructions && <Typography sx={{ mb: 2 }}>{question.instructions}</Typography>}
          {prompts.map((p, i) => (
            <TextField key={i} label={p.prompt.replace(/[:\s]+$/, '')} type={p.echo ? 'text' : 'password'} fullWidth autoFocus={i === 0} autoComplete={p.echo ? 'one-time-code' : 'off'}
              value={answers[i] ?? ''} onChange={(e) => setAnswers((a) => a.map((x, j) => (j === i ? e.target.value : x)))} sx={{ mt: 1 }}
              slotProps={{ htmlInput: { 'data-testid': `keyboard-answer-${i}` } }} />
          ))}
          <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>Unanswered, the upload stops in {expiresIn(question.expiresAt)}.</Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={onCancel} disabled={busy} data-testid="keyboard-cancel">Cancel the upload</Button>
          <Button type="submit" variant="contained" disabled={busy} data-testid="keyboard-send">Send</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
