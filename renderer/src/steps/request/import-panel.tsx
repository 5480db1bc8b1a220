import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import type { ImportSourcesView, RequestStatusView } from '../../../../shared/contract/request';
import type { StepId } from '../../../../shared/steps';
import { OnboardApiError } from '../../../../shared/contract/client';
import { passwordStrength } from '../../../../shared/password-strength';
import { useApi } from '../../api/context';
import { useProgress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { PasswordMeter } from '../../components/password-meter';
import { ProgressPanel } from '../../components/progress-panel';
import { formatDate, mono } from '../../components/certificate-facts';

const TRUST_CODES = new Set(['REQUEST_IMPORT_CA_NOT_TRUSTED']);

/**
 * "I already have a certificate": a .p12/.pfx file (a browser or OpenSSL backup) or the
 * ~/.globus pair grid tools use. The password goes in only; the file is only read.
 */
export function ImportPanel({ onImported, goTo }: { onImported: (s: RequestStatusView) => void; goTo: (step: StepId) => void }) {
  const api = useApi();
  const progress = useProgress('import');
  const [sources, setSources] = useState<ImportSourcesView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [kind, setKind] = useState<'p12' | 'globus'>('p12');
  const [file, setFile] = useState('');
  const [password, setPassword] = useState('');
  const [keyPassphrase, setKeyPassphrase] = useState('');
  const [keyConfirm, setKeyConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api.requestImportSources({}).then(
      (s) => {
        if (!live) return;
        setSources(s);
        if (s.globus && !s.globus.problem) setKind('globus');
        else if (s.p12Files.length > 0) setFile(s.p12Files[0]);
      },
      (e) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!sources) return <Skeleton variant="rounded" height={200} aria-busy="true" />;

  const typed = sources.keyProtection.mode === 'typed';
  const strength = passwordStrength(keyPassphrase);
  const keyOk = !typed || (strength.acceptable && keyPassphrase === keyConfirm);
  const ready = !busy && keyOk && (kind === 'globus' ? !!sources.globus : file.trim() !== '');
  const g = sources.globus;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await api.requestImport({
        source: kind === 'p12' ? { kind: 'p12', path: file.trim() } : { kind: 'globus', dir: g?.dir },
        password,
        keyPassphrase: typed ? keyPassphrase : undefined,
      });
      setPassword('');
      onImported(s);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card data-testid="import-panel">
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>Use the certificate you already have</Typography>
        <Typography sx={{ mb: 2 }}>
          If you already hold a grid user certificate — a <code>usercred.p12</code> backup from your browser, or
          <code> usercert.pem</code> and <code>userkey.pem</code> in <code>~/.globus</code> — OSG Onboard checks it (the key
          belongs to the certificate, it is still valid, and its certificate authority is one you trust) and keeps a copy,
          encrypted. Your file is only read, never changed.
        </Typography>
        <Box component="form" noValidate onSubmit={(e) => {
          e.preventDefault();
          if (ready) void submit();
        }}>
          <FormControl component="fieldset" sx={{ mb: 2 }}>
            <FormLabel component="legend">Where is it?</FormLabel>
            <RadioGroup value={kind} onChange={(e) => setKind(e.target.value as 'p12' | 'globus')}>
              {g && (
                <FormControlLabel value="globus" control={<Radio slotProps={{ input: { 'data-testid': 'import-kind-globus' } as object }} />} label={
                  <span>
                    The pair found in <code>{g.display}</code>
                    {g.subject && <> — <span style={mono}>{g.subject}</span>{g.notAfter && `, valid until ${formatDate(g.notAfter)}`}</>}
                  </span>
                } />
              )}
              <FormControlLabel value="p12" control={<Radio slotProps={{ input: { 'data-testid': 'import-kind-p12' } as object }} />} label="A .p12 or .pfx file" />
            </RadioGroup>
          </FormControl>
          {g?.problem && kind === 'globus' && <Alert severity="warning" sx={{ mb: 2 }}>{g.problem}</Alert>}

          {kind === 'p12' && (
            <Box sx={{ mb: 2 }}>
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
                <TextField label="File (.p12 or .pfx)" fullWidth value={file} onChange={(e) => setFile(e.target.value)} spellCheck={false}
                  helperText={sources.folderPicker ? 'The full path (~/… for your home folder), or choose the folder that holds it.' : 'The full path, or ~/… for a file in your home folder.'}
                  slotProps={{ htmlInput: { 'data-testid': 'import-path' } }} />
                {sources.folderPicker && (
                  <Button variant="outlined" startIcon={<FolderOpenIcon />} sx={{ mt: 1, flexShrink: 0 }} onClick={() => void api.backupPickFolder({ startIn: sources.homeDir }).then(
                    (r) => r.folder && setFile(r.folder),
                    (e) => setError(e),
                  )}>Choose folder…</Button>
                )}
              </Stack>
              {sources.p12Files.length > 0 && (
                <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 1, flexWrap: 'wrap', alignItems: 'center' }} aria-label="Files found in your home folder">
                  <Typography variant="body2" color="text.secondary">Found here:</Typography>
                  {sources.p12Files.map((f) => (
                    <Chip key={f} label={f} size="small" variant={f === file ? 'filled' : 'outlined'} color={f === file ? 'primary' : 'default'} onClick={() => setFile(f)} />
                  ))}
                </Stack>
              )}
            </Box>
          )}

          <TextField
            label={kind === 'p12' ? 'Password of the file' : 'Passphrase of userkey.pem'}
            type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" sx={{ minWidth: 320, mb: 2 }}
            helperText={kind === 'p12' ? 'The password chosen when the backup was saved (empty if none).' : 'The passphrase you type for grid-proxy-init.'}
            slotProps={{ htmlInput: { 'data-testid': 'import-password' } }} />

          {typed && (
            <Box sx={{ mb: 2 }}>
              <Typography variant="body2" sx={{ mb: 1 }}>
                The keychain is not used ({sources.keyProtection.reason ?? 'your choice in the Protect step'}): choose the passphrase
                that protects the copy OSG Onboard keeps.
              </Typography>
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
                <TextField label="New key passphrase" type="password" value={keyPassphrase} onChange={(e) => setKeyPassphrase(e.target.value)} autoComplete="new-password"
                  slotProps={{ htmlInput: { 'data-testid': 'import-key-passphrase', 'aria-describedby': 'import-key-meter' } }} />
                <TextField label="Type it again" type="password" value={keyConfirm} onChange={(e) => setKeyConfirm(e.target.value)} autoComplete="new-password"
                  error={keyConfirm !== '' && keyConfirm !== keyPassphrase} helperText={keyConfirm !== '' && keyConfirm !== keyPassphrase ? 'The two differ' : ' '}
                  slotProps={{ htmlInput: { 'data-testid': 'import-key-passphrase-confirm' } }} />
              </Stack>
              <PasswordMeter id="import-key-meter" strength={strength} matches={keyPassphrase === keyConfirm} touched={keyPassphrase !== ''} />
            </Box>
          )}

          {busy && <ProgressPanel progress={progress} fallbackLabel="Opening your certificate…" />}
          {error !== null && (
            <Box sx={{ mb: 2 }} data-testid="import-error">
              <ErrorAlert error={error} onClose={() => setError(null)} />
              {error instanceof OnboardApiError && TRUST_CODES.has(error.code) && (
                <Button variant="outlined" sx={{ mt: 1 }} onClick={() => goTo('trust')} data-testid="import-go-trust">Go to Trust CAs</Button>
              )}
            </Box>
          )}
          <Button type="submit" variant="contained" size="large" disabled={!ready} data-testid="import-submit">
            Check and use this certificate
          </Button>
        </Box>
      </CardContent>
    </Card>
  );
}
