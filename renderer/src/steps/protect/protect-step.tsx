import { useCallback, useEffect, useState } from 'react';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Box from '@mui/material/Box';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import FormControl from '@mui/material/FormControl';
import FormLabel from '@mui/material/FormLabel';
import RadioGroup from '@mui/material/RadioGroup';
import Radio from '@mui/material/Radio';
import FormControlLabel from '@mui/material/FormControlLabel';
import ComputerIcon from '@mui/icons-material/Computer';
import LockIcon from '@mui/icons-material/Lock';
import KeyIcon from '@mui/icons-material/Key';
import RefreshIcon from '@mui/icons-material/Refresh';
import type { ProtectMode, ProtectStatus } from '../../../../shared/contract';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';

function Option({ title, detail }: { title: string; detail: string }) {
  return (
    <Box sx={{ py: 0.5 }}>
      <Typography component="span" sx={{ display: 'block', fontWeight: 600 }}>{title}</Typography>
      <Typography component="span" variant="body2" color="text.secondary" sx={{ display: 'block' }}>{detail}</Typography>
    </Box>
  );
}

/**
 * Step 2 of seed 000, "Setting the Master Password": there the browser kept the key behind a
 * Master Password. Here the app keeps it encrypted and the passphrase goes to the OS keychain
 * when one works — probed for real — or is asked each time.
 */
export function ProtectStep({ goTo }: StepProps) {
  const api = useApi();
  const [status, setStatus] = useState<ProtectStatus | null>(null);
  const [checking, setChecking] = useState(true);
  const [mode, setMode] = useState<ProtectMode | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const check = useCallback(async () => {
    setChecking(true);
    setError(null);
    try {
      const s = await api.protectStatus({});
      setStatus(s);
      setMode((prev) => {
        const wanted = prev ?? s.choice?.mode ?? (s.keychain.available ? 'keychain' : 'ask');
        return wanted === 'keychain' && !s.keychain.available ? 'ask' : wanted;
      });
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  }, [api]);

  useEffect(() => {
    void check();
  }, [check]);

  const save = async () => {
    if (!mode) return;
    setBusy(true);
    setError(null);
    try {
      await api.protectChoose({ mode });
      goTo('trust');
    } catch (e) {
      setError(e);
      void check();
    } finally {
      setBusy(false);
    }
  };

  const keychain = status?.keychain;
  const backend = keychain?.available ? keychain.backend : undefined;

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Protect your private key
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 1, maxWidth: 780 }}>
        In your VO’s instructions this is “Setting the Master Password”: the browser kept your key, and its Master
        Password protected it. OSG Onboard keeps the key itself, like this:
      </Typography>
      <List dense aria-label="How your private key is kept" sx={{ maxWidth: 780, mb: 1 }}>
        <ListItem>
          <ListItemIcon><ComputerIcon color="primary" /></ListItemIcon>
          <ListItemText
            primary="Made on this computer"
            secondary="Your private key is made here in the Request step and never leaves this computer; only the certificate request goes to the CA."
          />
        </ListItem>
        <ListItem>
          <ListItemIcon><LockIcon color="primary" /></ListItemIcon>
          <ListItemText
            primary="Kept encrypted, readable only by you"
            secondary={
              <>
                As PKCS#8 encrypted with AES-256, in the app’s data folder{' '}
                <Box component="code" data-testid="key-folder" sx={{ wordBreak: 'break-all' }}>{status?.keyFolder ?? '…'}</Box>.
              </>
            }
          />
        </ListItem>
        <ListItem>
          <ListItemIcon><KeyIcon color="primary" /></ListItemIcon>
          <ListItemText
            primary="Its passphrase in your keychain"
            secondary="A long random passphrase unlocks the key; your system keychain remembers it so you are not asked. Without a keychain you choose a passphrase and type it when the key is used."
          />
        </ListItem>
      </List>

      <Box data-testid="keychain-status" sx={{ mb: 2, maxWidth: 780 }}>
        {checking && !status ? (
          <Stack direction="row" spacing={2} role="status" sx={{ alignItems: 'center', py: 1 }}>
            <CircularProgress size={20} aria-label="Checking your keychain" />
            <Typography>Checking your keychain (a test entry is written, read back and deleted)…</Typography>
          </Stack>
        ) : keychain?.available ? (
          <Alert severity="success" data-testid="keychain-available">
            <AlertTitle>Your keychain works: {keychain.backend}</AlertTitle>
            A test entry was written, read back and deleted. OSG Onboard only ever touches its own entries.
          </Alert>
        ) : keychain ? (
          <Alert severity="warning" data-testid="keychain-unavailable">
            <AlertTitle>{keychain.error.message}</AlertTitle>
            {keychain.error.hint}
          </Alert>
        ) : null}
        {status && (
          <Button size="small" startIcon={<RefreshIcon />} onClick={check} disabled={checking} sx={{ mt: 1 }} data-testid="keychain-recheck">
            {checking ? 'Checking…' : 'Check the keychain again'}
          </Button>
        )}
      </Box>

      {status?.choice && (
        <Alert severity="info" sx={{ mb: 2, maxWidth: 780 }} data-testid="protect-current">
          Chosen {new Date(status.choice.chosenAt).toLocaleString()}:{' '}
          {status.choice.mode === 'keychain' ? `passphrases in ${status.choice.backend ?? 'the keychain'}` : 'ask for the passphrase each time'}.
          {status.choice.mode === 'keychain' && !keychain?.available && ' The keychain does not answer now: choose again.'}
        </Alert>
      )}

      {error !== null && (
        <Box sx={{ mb: 2, maxWidth: 780 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}

      <FormControl disabled={!status || busy}>
        <FormLabel id="protect-mode-label" sx={{ fontWeight: 600, mb: 1 }}>Where should the passphrase be kept?</FormLabel>
        <RadioGroup aria-labelledby="protect-mode-label" value={mode ?? ''} onChange={(e) => setMode(e.target.value as ProtectMode)}>
          <FormControlLabel
            value="keychain"
            disabled={!keychain?.available}
            control={<Radio slotProps={{ input: { 'data-testid': 'protect-mode-keychain' } as object }} />}
            label={
              <Option
                title="Remember passphrases in my keychain"
                detail={backend ? `In ${backend}. You will not be asked for it.` : 'Not possible here: the keychain does not answer (see above).'}
              />
            }
          />
          <FormControlLabel
            value="ask"
            control={<Radio slotProps={{ input: { 'data-testid': 'protect-mode-ask' } as object }} />}
            label={<Option title="Ask me for the passphrase each time" detail="You choose a passphrase when the key is made and type it whenever the key is used. Nothing is stored." />}
          />
        </RadioGroup>
      </FormControl>

      <Stack direction="row" sx={{ mt: 3, justifyContent: 'flex-end' }}>
        <Button variant="contained" size="large" disabled={!mode || !status || busy || checking} onClick={save} data-testid="protect-continue">
          {busy ? 'Saving…' : 'Save and continue'}
        </Button>
      </Stack>
    </section>
  );
}
