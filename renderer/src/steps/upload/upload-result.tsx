import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { UploadView } from '../../../../shared/contract';
import { Facts, formatDate } from '../../components/certificate-facts';
import { mono } from './upload-form';

const STATUS: Record<UploadView['files'][number]['status'], { label: string; color: 'success' | 'default' | 'info' }> = {
  installed: { label: 'sent and checked', color: 'success' },
  resumed: { label: 'sent before the drop, checked', color: 'info' },
  unchanged: { label: 'already there', color: 'default' },
};

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The upload's outcome: what happened to each file, `ls -l ~/.globus` as a table, the remote openssl check. */
export function UploadResultCard({ result, onAgain, onNext }: { result: UploadView; onAgain: () => void; onNext: () => void }) {
  const where = `${result.username}@${result.host}${result.port === 22 ? '' : ` port ${result.port}`}`;
  const backups = result.files.filter((f) => f.backupPath);
  return (
    <Box data-testid="upload-result">
      <Alert severity="success" sx={{ mb: 2 }}>
        <AlertTitle>Your certificate is on the submit host</AlertTitle>
        Uploaded to {where} into <Box component="code" sx={mono}>{result.directory}</Box>, {formatDate(result.finishedAt)}.
      </Alert>

      {backups.length > 0 && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="upload-backups">
          <AlertTitle>Nothing was overwritten</AlertTitle>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {backups.map((f) => (
              <li key={f.name}>Your old <Box component="code" sx={mono}>{f.name}</Box> was kept as <Box component="code" sx={mono}>{base(f.backupPath!)}</Box></li>
            ))}
          </Box>
        </Alert>
      )}

      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>What was sent</Typography>
          <Box component="ul" aria-label="Files sent" sx={{ listStyle: 'none', p: 0, m: 0 }}>
            {result.files.map((f) => (
              <Stack component="li" key={f.name} direction="row" spacing={1.5} sx={{ alignItems: 'center', py: 0.5 }} data-testid={`upload-status-${f.name}`} data-status={f.status}>
                <Typography sx={{ ...mono, fontSize: '0.95rem', minWidth: 130 }}>{f.name}</Typography>
                <Chip size="small" color={STATUS[f.status].color} label={STATUS[f.status].label} />
                <Typography variant="body2" color="text.secondary" sx={{ ...mono, wordBreak: 'break-all' }}>SHA-256 {f.sha256.slice(0, 16)}…</Typography>
              </Stack>
            ))}
          </Box>
          <Box sx={{ mt: 2 }}>
            <Facts label="Connection" facts={[
              { term: 'Submit host', value: where },
              { term: 'Host key', value: `${result.hostKey.keyTypeLabel} ${result.hostKey.fingerprint} (${result.hostKey.trust === 'accepted' ? 'trusted by you now' : 'known before'})`, code: true, testId: 'upload-result-hostkey' },
              { term: 'userkey.pem passphrase', value: result.keyPassphrase === 'own' ? 'the passphrase you chose here' : 'the same as your usercred.p12 password' },
              ...(result.certificate ? [{ term: 'Certificate', value: result.certificate.subject, code: true }, { term: 'Valid until', value: formatDate(result.certificate.notAfter) }] : []),
            ]} />
          </Box>
        </CardContent>
      </Card>

      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>
            <Box component="code" sx={{ ...mono, fontSize: 'inherit' }}>{result.directory}</Box> on the submit host
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>The folder is <Box component="code" sx={mono}>{result.directoryModeText}</Box> (only you can open it).</Typography>
          <TableContainer>
            <Table size="small" aria-label={`Files in ${result.directory}`} data-testid="upload-listing">
              <TableHead>
                <TableRow>
                  <TableCell>Permissions</TableCell>
                  <TableCell align="right">Size (bytes)</TableCell>
                  <TableCell>Modified</TableCell>
                  <TableCell>Name</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {result.listing.map((e) => (
                  <TableRow key={e.name} data-testid={`listing-${e.name}`}>
                    <TableCell sx={mono}>{e.modeText}</TableCell>
                    <TableCell align="right" sx={mono}>{e.size}</TableCell>
                    <TableCell>{formatDate(e.mtime)}</TableCell>
                    <TableCell sx={{ ...mono, fontWeight: ['usercert.pem', 'userkey.pem', 'usercred.p12'].includes(e.name) ? 700 : 400 }}>{e.name}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        </CardContent>
      </Card>

      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>Checked on the host with openssl</Typography>
          {result.openssl.available ? (
            <Box component="pre" data-testid="upload-openssl" sx={{ ...mono, m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {`$ ${result.openssl.command}\n${result.openssl.output ?? ''}`}
            </Box>
          ) : (
            <Typography variant="body2" data-testid="upload-openssl-none">Not run: {result.openssl.reason}. The files were checked by size and SHA-256 instead.</Typography>
          )}
        </CardContent>
      </Card>

      {result.warnings.length > 0 && (
        <Alert severity="warning" sx={{ mb: 2 }}>{result.warnings.join(' ')}</Alert>
      )}

      <Stack direction="row" spacing={2} sx={{ justifyContent: 'flex-end' }}>
        <Button onClick={onAgain} data-testid="upload-again">Upload again</Button>
        <Button variant="contained" onClick={onNext} data-testid="upload-next">Continue to Next steps</Button>
      </Stack>
    </Box>
  );
}
