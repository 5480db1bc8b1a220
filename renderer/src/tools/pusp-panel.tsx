import { useEffect, useState } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import TextField from '@mui/material/TextField';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Box from '@mui/material/Box';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormControl from '@mui/material/FormControl';
import Switch from '@mui/material/Switch';
import Checkbox from '@mui/material/Checkbox';
import LinearProgress from '@mui/material/LinearProgress';
import SmartToyIcon from '@mui/icons-material/SmartToy';
import type { PuspDefaults, PuspMadeView } from '../../../shared/contract';
import { useApi } from '../api/context';
import { ErrorAlert } from '../components/error-alert';
import { Facts, mono } from '../components/certificate-facts';
import { formatWhen } from '../components/use-now';
import { ProxyInfoCard } from '../steps/next-steps/proxy-info-card';
import { VerificationCard } from '../steps/next-steps/verification-card';

const onOff = (label: string, testId: string, checked: boolean, set: (v: boolean) => void, help: string) => (
  <FormControl>
    <FormControlLabel control={<Switch checked={checked} onChange={(e) => set(e.target.checked)} slotProps={{ input: { 'data-testid': testId } as Record<string, string> }} />} label={label} />
    <FormHelperText sx={{ mt: 0, ml: 0 }}>{help}</FormHelperText>
  </FormControl>
);

/**
 * For portal operators (seeds 003/004): a per-user sub-proxy from the portal's robot certificate.
 * The robot key is named by its path on this computer and read by the services only; its
 * passphrase goes in and is never sent back.
 */
export function PuspPanel() {
  const api = useApi();
  const [defaults, setDefaults] = useState<PuspDefaults | null>(null);
  const [certFile, setCertFile] = useState('');
  const [keyFile, setKeyFile] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [userId, setUserId] = useState('');
  const [pseudonym, setPseudonym] = useState(false);
  const [session, setSession] = useState(false);
  const [hours, setHours] = useState('12');
  const [out, setOut] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<PuspMadeView | null>(null);

  useEffect(() => {
    api.puspDefaults({}).then(setDefaults, setError);
  }, [api]);

  const hoursOk = /^\d+$/.test(hours) && Number(hours) >= 1 && Number(hours) <= 168;
  const ready = certFile.trim() && keyFile.trim() && userId.trim() && out.trim() && hoursOk;

  const make = async () => {
    setBusy(true);
    setError(null);
    setMade(null);
    try {
      setMade(await api.puspMake({
        robotCertFile: certFile, robotKeyFile: keyFile, userId, pseudonym, session, hours: Number(hours), out, force,
        ...(passphrase ? { passphrase } : {}),
      }));
      setPassphrase('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card component="section" aria-labelledby="pusp-title" data-testid="tools-pusp">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <SmartToyIcon color="secondary" aria-hidden />
          <Typography id="pusp-title" variant="h6" component="h3">Make a per-user sub-proxy (PUSP)</Typography>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          For portal operators. A PUSP is a proxy of your portal’s robot certificate that names one portal user:
          its subject is the robot’s plus <Box component="span" sx={mono}>CN=user:&lt;id&gt;</Box>, so grid services can tell
          your users apart. The same user always gets the same name. The robot key stays in its file on this computer.
        </Typography>
        <Stack spacing={2}>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
            <TextField fullWidth label="Robot certificate file" value={certFile} onChange={(e) => setCertFile(e.target.value)}
              placeholder={defaults ? `${defaults.homeDir}/robot/robotcert.pem` : ''} helperText="Full path, or ~/… for your home folder"
              slotProps={{ htmlInput: { 'data-testid': 'pusp-cert', spellCheck: false } }} />
            <TextField fullWidth label="Robot key file" value={keyFile} onChange={(e) => setKeyFile(e.target.value)}
              placeholder={defaults ? `${defaults.homeDir}/robot/robotkey.pem` : ''} helperText="Read on this computer only; never sent anywhere"
              slotProps={{ htmlInput: { 'data-testid': 'pusp-key', spellCheck: false } }} />
          </Stack>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
            <TextField fullWidth type="password" label="Robot key passphrase (if it has one)" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
              autoComplete="off" slotProps={{ htmlInput: { 'data-testid': 'pusp-passphrase' } }} />
            <TextField fullWidth label="Portal user id" value={userId} onChange={(e) => setUserId(e.target.value)}
              helperText={pseudonym ? 'Any id (an e-mail address is fine): only a keyed hash of it goes into the proxy' : 'Letters, digits and . _ @ - : (or turn on pseudonyms)'}
              slotProps={{ htmlInput: { 'data-testid': 'pusp-user', spellCheck: false } }} />
          </Stack>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
            <TextField label="Lifetime (hours)" value={hours} onChange={(e) => setHours(e.target.value)} error={!hoursOk}
              helperText={hoursOk ? '12 by default; at most 168' : 'A whole number of hours from 1 to 168.'} sx={{ maxWidth: 220 }}
              slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'pusp-hours' } }} />
            <TextField fullWidth label="Output file" value={out} onChange={(e) => setOut(e.target.value)}
              placeholder={defaults?.outExample ?? ''} helperText="Written readable by you only (0600); a file already there that is not a proxy is kept aside"
              slotProps={{ htmlInput: { 'data-testid': 'pusp-out', spellCheck: false } }} />
          </Stack>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={3}>
            {onOff('Pseudonym', 'pusp-pseudonym', pseudonym, setPseudonym, 'The id is replaced by a keyed hash; the secret key stays in your system keychain.')}
            {onOff('Session proxy', 'pusp-session', session, setSession, 'Also make a per-session proxy under the PUSP (its own CN=<number>).')}
          </Stack>
          <FormControl>
            <FormControlLabel control={<Checkbox checked={force} onChange={(e) => setForce(e.target.checked)} slotProps={{ input: { 'data-testid': 'pusp-force' } as Record<string, string> }} />}
              label="Force: use a certificate that does not look like a robot certificate" />
          </FormControl>
          {force && (
            <Alert severity="warning" data-testid="pusp-force-warning">
              EGI accepts PUSPs only from robot certificates. A PUSP made from a person’s certificate is treated as that
              person by grid services — every portal user would act as them. Force only if your CA marks robots in another way.
            </Alert>
          )}
          <Box>
            <Button variant="contained" onClick={make} disabled={busy || !ready} data-testid="pusp-make">Make PUSP</Button>
          </Box>
          {busy && <LinearProgress aria-label="Making the per-user sub-proxy" />}
          {error !== null && <ErrorAlert error={error} onClose={() => setError(null)} />}
        </Stack>
        {made && (
          <Stack spacing={2} sx={{ mt: 3 }} data-testid="pusp-result">
            <Alert severity={made.forced ? 'warning' : 'success'}>
              <AlertTitle>Per-user sub-proxy written{made.forced ? ' (forced: not a robot certificate)' : ''}</AlertTitle>
              <Facts
                dense
                label="The new per-user sub-proxy"
                facts={[
                  { term: 'identity', value: made.identity, code: true, testId: 'pusp-identity' },
                  { term: 'robot', value: made.robotSubject, code: true, testId: 'pusp-robot' },
                  { term: 'user', value: `${made.userLabel}${made.pseudonymous ? ' (pseudonym)' : ''}`, code: true, testId: 'pusp-label' },
                  { term: 'file', value: `${made.file}${made.mode ? ` (mode ${made.mode})` : ''}`, code: true, testId: 'pusp-file' },
                  { term: 'valid until', value: formatWhen(made.notAfter) },
                  ...(made.session ? [{ term: 'session', value: 'a per-session proxy under the PUSP is the file’s first certificate' }] : []),
                ]}
              />
            </Alert>
            <Alert severity={made.robot.robot ? 'info' : 'warning'} data-testid="pusp-robot-check">
              <AlertTitle>Robot certificate check</AlertTitle>
              <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
                {[...made.robot.evidence, ...made.robot.problems].map((t, i) => <li key={i}>{t}</li>)}
              </Box>
            </Alert>
            <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2} sx={{ alignItems: 'stretch' }}>
              <Box sx={{ flex: '1 1 58%', minWidth: 0 }}>
                <ProxyInfoCard info={made.info} title="The file, as voms-proxy-info shows it" testId="pusp-card" />
              </Box>
              <Box sx={{ flex: '1 1 42%', minWidth: 0 }}>
                <VerificationCard v={made.verification} testId="pusp-verification" title="Verification of the PUSP" />
              </Box>
            </Stack>
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}
