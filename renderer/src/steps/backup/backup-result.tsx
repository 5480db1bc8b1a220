import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import type { BackupResult } from '../../../../shared/contract';
import { OnboardApiError } from '../../../../shared/contract/client';
import { ErrorAlert } from '../../components/error-alert';
import { Facts, formatDate } from '../../components/certificate-facts';

/** What was saved, where, and the proof that it opens with the password. */
export function BackupResultCard({ result, onAgain, onNext }: { result: BackupResult; onAgain: () => void; onNext: () => void }) {
  return (
    <Box data-testid="backup-result">
      <Alert severity="success" sx={{ mb: 2 }}>
        <AlertTitle>Backup saved — and it opens with your password</AlertTitle>
        The file was read back from disk with the password you typed: it holds your certificate and its key.
      </Alert>
      {result.previousFileKeptAs && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="backup-previous">
          A file was already there; it was not overwritten. It is kept as <code>{result.previousFileKeptAs}</code>.
        </Alert>
      )}
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Facts label="Saved backup" facts={[
            { term: 'File', value: result.path, code: true, testId: 'backup-saved-path' },
            { term: 'Certificate SHA-256', value: result.fingerprintSha256, code: true, testId: 'backup-fingerprint' },
            { term: 'Subject', value: result.subject, code: true, testId: 'backup-subject' },
            { term: 'Issued by', value: result.issuer, code: true },
            { term: 'Valid until', value: formatDate(result.notAfter), testId: 'backup-expiry' },
            { term: 'Format', value: `${result.format === 'modern' ? 'Modern' : 'Legacy (3DES)'} — key protected with ${result.keyProtection}` },
            { term: 'Password', value: result.rememberedIn ? `remembered in ${result.rememberedIn}` : 'not remembered (keep it somewhere safe)' },
          ]} />
        </CardContent>
      </Card>
      {result.browser.length > 0 && (
        <Card sx={{ mb: 2 }} data-testid="backup-browser-results">
          <CardContent>
            <Typography variant="overline" component="h3">Imported into your browser</Typography>
            <Stack spacing={1}>
              {result.browser.map((b) => (
                <Box key={b.db}>
                  <Chip
                    icon={b.ok ? <CheckCircleIcon /> : <ErrorIcon />}
                    color={b.ok ? 'success' : 'error'}
                    variant="outlined"
                    label={b.ok ? `${b.label}: “${b.nickname}”` : `${b.label}: not imported`}
                  />
                  {b.error && <Box sx={{ mt: 1 }}><ErrorAlert error={new OnboardApiError(b.error)} /></Box>}
                </Box>
              ))}
            </Stack>
          </CardContent>
        </Card>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Saved {formatDate(result.savedAt)}. To check it yourself: <code>openssl pkcs12 -info -noout -in {result.path}</code>
      </Typography>
      <Stack direction="row" spacing={2} sx={{ justifyContent: 'flex-end' }}>
        <Button variant="text" onClick={onAgain} data-testid="backup-again">Save another copy</Button>
        <Button variant="contained" size="large" onClick={onNext} data-testid="go-register">Continue to Register</Button>
      </Stack>
    </Box>
  );
}
