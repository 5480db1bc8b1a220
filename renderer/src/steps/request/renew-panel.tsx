import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AutorenewIcon from '@mui/icons-material/Autorenew';
import HistoryIcon from '@mui/icons-material/History';
import type { PreviousCredentialView, RequestStatusView } from '../../../../shared/contract/request';
import { useApi } from '../../api/context';
import { useProgress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { ProgressPanel } from '../../components/progress-panel';
import { formatDate, mono } from '../../components/certificate-facts';

const DAY_MS = 86_400_000;
const WARN_DAYS = 30;
const ORIGIN_TEXT: Record<PreviousCredentialView['origin'], string> = { request: 'requested', import: 'imported', renewal: 'renewed' };

export function daysLeft(notAfter: string, now = Date.now()): number {
  return Math.floor((new Date(notAfter).getTime() - now) / DAY_MS);
}

/**
 * The issued certificate's expiry and "Renew": a new key and a renewal request (EST
 * simplereenroll) signed in with the current certificate. An expired one cannot renew: the user
 * is sent to a new request instead.
 */
export function RenewPanel({ status, onChanged, onNew }: { status: RequestStatusView; onChanged: (s: RequestStatusView) => void; onNew: () => void }) {
  const api = useApi();
  const keygen = useProgress('keygen');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [passphrase, setPassphrase] = useState('');
  const [estUrl, setEstUrl] = useState('');
  const c = status.certificate;
  if (!c) return null;
  const left = daysLeft(c.notAfter);
  const expired = left < 0 || new Date(c.notAfter).getTime() < Date.now();
  const typed = status.keyProtection === 'typed';
  // An imported certificate from a CA with no known EST service: the user names its address.
  const needsUrl = !status.estUrl && !status.sandbox;

  const renew = async () => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.requestRenew({ keyBits: 2048, keyPassphrase: typed && passphrase ? passphrase : undefined, estUrl: needsUrl ? estUrl.trim() : undefined }));
      setPassphrase('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card sx={{ mt: 2 }} data-testid="renew-panel">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <AutorenewIcon color="primary" aria-hidden />
          <Typography variant="h6" component="h3">Renewal</Typography>
        </Stack>
        <Typography sx={{ mb: 2 }} data-testid="renew-expiry">
          {expired
            ? `Your certificate expired on ${formatDate(c.notAfter)}.`
            : `Your certificate is valid until ${formatDate(c.notAfter)} (${left} day${left === 1 ? '' : 's'} left).`}
        </Typography>
        {status.warnings?.filter((w) => !/^The certificate expires in/.test(w)).map((w) => <Alert key={w} severity="info" sx={{ mb: 2 }}>{w}</Alert>)}
        {expired ? (
          <Alert severity="warning" data-testid="renew-expired" action={<Button color="inherit" onClick={onNew}>Request a new certificate</Button>}>
            <AlertTitle>Renewal needs a valid certificate</AlertTitle>
            An expired certificate cannot sign in to the certificate authority. Request a new one: your sponsor approves it again.
          </Alert>
        ) : (
          <>
            {left < WARN_DAYS && (
              <Alert severity="warning" sx={{ mb: 2 }} data-testid="renew-soon">
                Fewer than {WARN_DAYS} days are left: renew now, so your grid jobs and your VO membership keep working.
              </Alert>
            )}
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              Renewing makes a new key on this computer and asks the certificate authority for a certificate with the same name,
              signed in with your current certificate (EST re-enrolment). Your current certificate and key are kept.
            </Typography>
            <Box component="form" noValidate onSubmit={(e) => {
              e.preventDefault();
              if (!busy) void renew();
            }}>
              {needsUrl && (
                <TextField label="EST address of your certificate authority" fullWidth value={estUrl} onChange={(e) => setEstUrl(e.target.value)} spellCheck={false}
                  helperText="OSG Onboard does not know where this certificate’s CA renews certificates. Your VO or CA web page gives the address (https://…/.well-known/est)."
                  sx={{ mb: 2 }} slotProps={{ htmlInput: { 'data-testid': 'renew-est-url' } }} />
              )}
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
                {typed && (
                  <TextField label="Passphrase of your current key" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
                    autoComplete="current-password" sx={{ minWidth: 300 }} helperText="The new key gets the same passphrase."
                    slotProps={{ htmlInput: { 'data-testid': 'renew-passphrase' } }} />
                )}
                <Button type="submit" variant="outlined" startIcon={<AutorenewIcon />} disabled={busy || (typed && !passphrase) || (needsUrl && !estUrl.trim())} data-testid="renew-start" sx={{ mt: typed ? 1 : 0 }}>
                  Renew my certificate
                </Button>
              </Stack>
            </Box>
            {busy && <ProgressPanel progress={keygen} fallbackLabel="Making your new key…" />}
          </>
        )}
        {error !== null && (
          <Box sx={{ mt: 2 }} data-testid="renew-error">
            <ErrorAlert error={error} onClose={() => setError(null)} />
          </Box>
        )}
      </CardContent>
    </Card>
  );
}

/** Credentials the current one replaced: kept by OSG Onboard, never overwritten. */
export function PreviousCredentials({ previous }: { previous: readonly PreviousCredentialView[] }) {
  if (previous.length === 0) return null;
  return (
    <Card sx={{ mt: 2 }} data-testid="previous-credentials">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <HistoryIcon color="action" aria-hidden />
          <Typography variant="h6" component="h3">Previous certificates (kept)</Typography>
        </Stack>
        <Table size="small" aria-label="Previous certificates">
          <TableHead>
            <TableRow>
              <TableCell>Serial number</TableCell>
              <TableCell>How</TableCell>
              <TableCell>Valid until</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {previous.map((p) => (
              <TableRow key={p.credentialId} data-testid="previous-row">
                <TableCell sx={{ ...mono, wordBreak: 'break-all' }}>{p.serial}</TableCell>
                <TableCell>{ORIGIN_TEXT[p.origin]}</TableCell>
                <TableCell>{formatDate(p.notAfter)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
