import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import HourglassTopIcon from '@mui/icons-material/HourglassTop';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import type { RequestStatusView } from '../../../../shared/contract';
import { useProgress } from '../../api/use-progress';
import { ProgressPanel } from '../../components/progress-panel';
import { Facts, formatDate, formatElapsed } from '../../components/certificate-facts';
import { useNow } from '../../components/use-now';

/** "Waiting for your sponsor": request id, live elapsed time, the sponsor page (sandbox), cancel. */
export function WaitingPanel({ status, sponsor, onCancel, busy }: { status: RequestStatusView; sponsor?: string; onCancel: () => void; busy: boolean }) {
  const now = useNow(1000);
  const approval = useProgress('approval');
  const elapsed = formatElapsed(now - new Date(status.startedAt).getTime());
  return (
    <Card data-testid="request-waiting">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <HourglassTopIcon color="primary" />
          <Typography variant="h6" component="h3">Waiting for your sponsor</Typography>
        </Stack>
        <Typography sx={{ mb: 2 }}>
          Your request was sent. Your sponsor checks that it is really you and approves it; the certificate authority then
          issues your certificate and it is stored with your key here.
        </Typography>
        {sponsor && <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }} data-testid="waiting-sponsor">Sponsor: {sponsor}</Typography>}
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={4} sx={{ mb: 2 }}>
          <Box>
            <Typography variant="body2" color="text.secondary">Request id</Typography>
            <Typography variant="h5" component="p" sx={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', letterSpacing: 2 }} data-testid="request-id">
              {status.requestId ?? '—'}
            </Typography>
          </Box>
          <Box>
            <Typography variant="body2" color="text.secondary">Waiting for</Typography>
            <Typography variant="h5" component="p" data-testid="request-elapsed">{elapsed}</Typography>
          </Box>
        </Stack>
        {status.sandbox && status.sponsorUrl && (
          <Alert severity="info" sx={{ mb: 2 }}>
            <AlertTitle>In the sandbox you are your own sponsor</AlertTitle>
            Open the{' '}
            <Link href={status.sponsorUrl} target="_blank" rel="noopener noreferrer" data-testid="sponsor-link">
              sandbox sponsor page <OpenInNewIcon sx={{ fontSize: '1em', verticalAlign: 'middle' }} aria-hidden />
            </Link>{' '}
            and approve request <strong>{status.requestId}</strong> (or reject it, to see what that looks like).
          </Alert>
        )}
        <ProgressPanel progress={approval && approval.fraction === null ? approval : null} fallbackLabel="Asking the certificate authority whether your sponsor approved…" />
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          You may close OSG Onboard: the request and your key are kept, and the app asks again when you come back.
          {status.lastCheckedAt && ` Last asked ${new Date(status.lastCheckedAt).toLocaleTimeString()}.`}
        </Typography>
        <Button variant="outlined" onClick={onCancel} disabled={busy} data-testid="request-cancel">
          Cancel
        </Button>
      </CardContent>
    </Card>
  );
}

export function certificateFacts(c: NonNullable<RequestStatusView['certificate']>) {
  return [
    { term: 'Subject (your name)', value: c.subject, code: true, testId: 'cert-subject' },
    { term: 'Issued by', value: c.issuer, code: true, testId: 'cert-issuer' },
    { term: 'Valid until', value: formatDate(c.notAfter), testId: 'cert-expiry' },
    { term: 'Serial number', value: c.serial, code: true },
    { term: 'SHA-256 fingerprint', value: c.fingerprintSha256, code: true, testId: 'cert-fingerprint' },
  ];
}

export function IssuedPanel({ status, onBackup, onNew }: { status: RequestStatusView; onBackup: () => void; onNew: () => void }) {
  return (
    <Box data-testid="request-issued">
      <Alert severity="success" sx={{ mb: 2 }}>
        <AlertTitle>{status.origin === 'import' ? `Your certificate is imported from ${status.importedFrom ?? 'your file'}` : status.origin === 'renewal' ? 'Your certificate is renewed' : 'Your certificate is issued'}</AlertTitle>
        It is stored with your key in OSG Onboard. Next, save a backup (usercred.p12) protected by a password.
      </Alert>
      {status.certificate && (
        <Card sx={{ mb: 2 }}>
          <CardContent>
            <Facts label="Your certificate" facts={certificateFacts(status.certificate)} />
          </CardContent>
        </Card>
      )}
      <Stack direction="row" spacing={2} sx={{ justifyContent: 'flex-end' }}>
        <Button variant="text" onClick={onNew}>Request another certificate</Button>
        <Button variant="contained" size="large" onClick={onBackup} data-testid="go-backup">Continue to Back up</Button>
      </Stack>
    </Box>
  );
}

/** The certificate came while the app did not know the key passphrase (typed mode, after a restart). */
export function PassphrasePanel({ onSubmit, busy }: { onSubmit: (passphrase: string) => void; busy: boolean }) {
  const [pw, setPw] = useState('');
  return (
    <Card data-testid="request-needs-passphrase">
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>Your sponsor approved: type your key passphrase</Typography>
        <Typography sx={{ mb: 2 }}>
          The certificate is issued. To store it with your key, OSG Onboard checks that it belongs to your key, which needs
          the passphrase you chose when the request was made.
        </Typography>
        <Box component="form" noValidate onSubmit={(e) => {
          e.preventDefault();
          if (pw) onSubmit(pw);
        }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
            <TextField label="Key passphrase" type="password" value={pw} onChange={(e) => setPw(e.target.value)} autoComplete="current-password" sx={{ minWidth: 320 }}
              slotProps={{ htmlInput: { 'data-testid': 'resume-passphrase' } }} />
            <Button type="submit" variant="contained" disabled={!pw || busy} data-testid="resume-passphrase-submit" sx={{ mt: 1 }}>Store my certificate</Button>
          </Stack>
        </Box>
      </CardContent>
    </Card>
  );
}

/** A failed or cancelled request: try again with the same key (optionally with another enrolment code), or start over. */
export function RetryPanel({ status, onRetry, onNew, busy }: { status: RequestStatusView; onRetry: (code: string) => void; onNew: () => void; busy: boolean }) {
  const [code, setCode] = useState('');
  const cancelled = status.state === 'cancelled';
  return (
    <Card data-testid={cancelled ? 'request-cancelled' : 'request-failed'} sx={{ mt: 2 }}>
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>
          {cancelled ? 'You stopped waiting for your sponsor' : 'Try again with the same key'}
        </Typography>
        <Typography sx={{ mb: 2 }}>
          {cancelled
            ? `Request ${status.requestId ?? ''} and your key are kept. Resume to ask the certificate authority again, or start a new request with a new key.`
            : 'Your key and request are kept. Fix what the message says, then send the same request again — or start a new one.'}
        </Typography>
        <Box component="form" noValidate onSubmit={(e) => {
          e.preventDefault();
          onRetry(code);
        }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
            <TextField label="Enrolment code (optional)" type="password" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off"
              helperText={status.sandbox ? 'Empty: the sandbox CA’s own code' : 'The code your sponsor or VO sent you'}
              slotProps={{ htmlInput: { 'data-testid': 'retry-code' } }} />
            <Button type="submit" variant="contained" disabled={busy} data-testid="request-retry" sx={{ mt: 1 }}>
              {cancelled ? 'Resume waiting' : 'Try again'}
            </Button>
            <Button variant="text" onClick={onNew} disabled={busy} data-testid="request-new" sx={{ mt: 1 }}>Start a new request</Button>
          </Stack>
        </Box>
      </CardContent>
    </Card>
  );
}
