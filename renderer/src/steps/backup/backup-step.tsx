import { useCallback, useEffect, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import type { BackupDefaults, BackupFormat, BackupResult } from '../../../../shared/contract';
import { passwordStrength } from '../../../../shared/password-strength';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { useProgress } from '../../api/use-progress';
import { ErrorAlert } from '../../components/error-alert';
import { ProgressPanel } from '../../components/progress-panel';
import { PasswordMeter } from '../../components/password-meter';
import { Facts, formatDate } from '../../components/certificate-facts';
import { BackupResultCard } from './backup-result';

/**
 * Step 5 of seed 000, "Exporting the Certificate to Disk": usercred.p12 with a password, written
 * where the user says (never over an existing file), re-opened to prove the password works, and
 * optionally remembered in the keychain and imported into the browser.
 */
export function BackupStep({ goTo }: StepProps) {
  const api = useApi();
  const [defaults, setDefaults] = useState<BackupDefaults | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [path, setPath] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [format, setFormat] = useState<BackupFormat>('modern');
  const [remember, setRemember] = useState(false);
  const [browser, setBrowser] = useState(false);
  const [keyPassphrase, setKeyPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BackupResult | null>(null);
  const [again, setAgain] = useState(false);
  const progress = useProgress(busy ? 'backup' : null);

  const load = useCallback(() => {
    api.backupDefaults({}).then((d) => {
      setDefaults(d);
      setPath((p) => p || d.defaultPath);
    }, setError);
  }, [api]);
  useEffect(load, [load]);

  const strength = useMemo(() => passwordStrength(password, defaults?.personal ?? []), [password, defaults]);
  const matches = confirm.length > 0 && confirm === password;
  const ready = !!defaults?.certificate && path.trim().length > 0 && strength.acceptable && matches && !busy && (!defaults.keyPassphraseNeeded || keyPassphrase.length > 0);

  const pick = async () => {
    try {
      const r = await api.backupPickFolder({ startIn: path });
      if (r.folder) setPath(`${r.folder.replace(/\/+$/, '')}/usercred.p12`);
    } catch (e) {
      setError(e);
    }
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.backupWrite({ path, password, confirm, format, remember, importToBrowser: browser, keyPassphrase: keyPassphrase || undefined });
      setResult(r);
      setAgain(false);
      setPassword('');
      setConfirm('');
      load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const shown = result ?? (again ? null : defaults?.last ?? null);
  let body: React.ReactNode;
  if (!defaults) {
    body = error ? <ErrorAlert error={error} /> : <Skeleton variant="rounded" height={260} aria-busy="true" />;
  } else if (!defaults.certificate) {
    body = (
      <Alert severity="info" data-testid="backup-no-cert" action={<Button color="inherit" onClick={() => goTo('request')}>Request</Button>}>
        There is no certificate to back up yet. Finish the Request step first: once your sponsor approves, come back here.
      </Alert>
    );
  } else if (shown) {
    body = <BackupResultCard result={shown} onAgain={() => { setResult(null); setAgain(true); }} onNext={() => goTo('register')} />;
  } else {
    const c = defaults.certificate;
    const exists = path.trim() === defaults.defaultPath && defaults.defaultPathExists;
    body = (
      <Box component="form" noValidate onSubmit={(e) => {
        e.preventDefault();
        if (ready) void save();
      }}>
        <Card sx={{ mb: 3 }}>
          <CardContent>
            <Typography variant="overline" component="h3">The certificate to back up</Typography>
            <Facts label="Certificate to back up" facts={[
              { term: 'Subject', value: c.subject, code: true },
              { term: 'Issued by', value: c.issuer, code: true },
              { term: 'Valid until', value: formatDate(c.notAfter) },
            ]} />
          </CardContent>
        </Card>

        <Typography variant="h6" component="h3">Where to save</Typography>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1, alignItems: 'flex-start' }}>
          <TextField label="File" fullWidth value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false}
            helperText={defaults.folderPicker ? 'The full path of the file, or choose a folder.' : 'Type the full path of the file. (A folder picker is offered only in the desktop app: browser mode cannot open your folders.)'}
            slotProps={{ htmlInput: { 'data-testid': 'backup-path' } }} />
          {defaults.folderPicker && (
            <Button variant="outlined" startIcon={<FolderOpenIcon />} onClick={() => void pick()} sx={{ mt: 1, flexShrink: 0 }}>Choose folder…</Button>
          )}
        </Stack>
        {exists && (
          <Alert severity="warning" sx={{ mt: 1 }} data-testid="backup-exists">
            A file is already there. It will not be overwritten: it is kept beside the new one as <code>usercred.p12.bak-&lt;date&gt;</code>.
          </Alert>
        )}

        <Typography variant="h6" component="h3" sx={{ mt: 3 }}>Password for the file</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Anyone with the file and this password can act as you on the grid. Browsers and grid tools ask for it when the file is imported.
        </Typography>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
          <TextField label="Password" type="password" fullWidth value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password"
            slotProps={{ htmlInput: { 'data-testid': 'backup-password', 'aria-describedby': 'backup-meter' } }} />
          <TextField label="Password again" type="password" fullWidth value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password"
            error={confirm.length > 0 && !matches} helperText={confirm.length > 0 && !matches ? 'The two entries differ' : ' '}
            slotProps={{ htmlInput: { 'data-testid': 'backup-confirm' } }} />
        </Stack>
        <PasswordMeter id="backup-meter" strength={strength} matches={matches} touched={password.length > 0} />

        <FormControlLabel sx={{ mt: 2, display: 'flex' }} disabled={!defaults.keychain.available}
          control={<Checkbox checked={remember && defaults.keychain.available} onChange={(e) => setRemember(e.target.checked)} slotProps={{ input: { 'data-testid': 'backup-remember' } as object }} />}
          label={`Remember this password in my keychain (${defaults.keychain.backend})`} />
        {!defaults.keychain.available && (
          <FormHelperText sx={{ ml: 4 }}>The keychain cannot be used here: {defaults.keychain.reason ?? 'it does not answer'}.</FormHelperText>
        )}

        <FormControl sx={{ mt: 2 }}>
          <FormLabel id="format-label">Format</FormLabel>
          <RadioGroup aria-labelledby="format-label" value={format} onChange={(e) => setFormat(e.target.value as BackupFormat)}>
            <FormControlLabel value="modern" control={<Radio slotProps={{ input: { 'data-testid': 'format-modern' } as object }} />} label="Modern: AES-256 with PBKDF2 (recommended; OpenSSL 3, current browsers)" />
            <FormControlLabel value="legacy" control={<Radio slotProps={{ input: { 'data-testid': 'format-legacy' } as object }} />} label="Legacy: 3DES, for old tools (Java 8, old macOS or Windows)" />
          </RadioGroup>
        </FormControl>

        <FormControlLabel sx={{ mt: 2, display: 'flex' }} disabled={!defaults.browser.available}
          control={<Checkbox checked={browser && defaults.browser.available} onChange={(e) => setBrowser(e.target.checked)} slotProps={{ input: { 'data-testid': 'backup-browser' } as object }} />}
          label="Also import it into my browser’s certificate database (to log in to the VO’s web pages)" />
        <FormHelperText sx={{ ml: 4 }} data-testid="backup-browser-dbs">
          {defaults.browser.available ? `Into: ${defaults.browser.dbs.map((d) => `${d.label} (${d.dir}${d.exists ? '' : ', created'})`).join('; ')}` : defaults.browser.reason}
        </FormHelperText>

        {defaults.keyPassphraseNeeded && (
          <TextField label="Key passphrase (chosen in the Request step)" type="password" sx={{ mt: 2, minWidth: 360 }} value={keyPassphrase} onChange={(e) => setKeyPassphrase(e.target.value)}
            autoComplete="current-password" slotProps={{ htmlInput: { 'data-testid': 'backup-key-passphrase' } }} />
        )}

        {error !== null && <Box sx={{ mt: 2 }}><ErrorAlert error={error} onClose={() => setError(null)} /></Box>}
        {busy && <ProgressPanel progress={progress} fallbackLabel="Saving the backup…" />}
        <Stack direction="row" sx={{ mt: 3, justifyContent: 'flex-end' }}>
          <Button type="submit" variant="contained" size="large" disabled={!ready} data-testid="backup-save">Save the backup</Button>
        </Stack>
      </Box>
    );
  }

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Back up your certificate
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 760 }}>
        Save your certificate and key as one file, <strong>usercred.p12</strong>, protected by a password. Keep it somewhere
        safe: it is what you import into browsers and copy to the submit host.
      </Typography>
      {result === null && !again && defaults?.last && (
        <Alert severity="success" sx={{ mb: 2 }}>
          <AlertTitle>Backed up earlier</AlertTitle>
          Saved {formatDate(defaults.last.savedAt)}.
        </Alert>
      )}
      {body}
    </section>
  );
}
