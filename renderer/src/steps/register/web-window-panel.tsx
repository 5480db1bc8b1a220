import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import OpenInBrowserIcon from '@mui/icons-material/OpenInBrowser';
import type { RegisterView } from '../../../../shared/contract';
import { OnboardApiError } from '../../../../shared/contract/client';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';
import { FactList, formatDate, mono } from './register-bits';

/**
 * Desktop app, VOMRS and other web registrations: the VO's page in an app window that presents
 * the user's certificate. Says first what it will do (the browser certificate store, the one
 * certificate by its fingerprint), then what it did; the import can be undone.
 */
export function WebWindowPanel({ view, onView }: { view: RegisterView; onView: (v: RegisterView) => void }) {
  const api = useApi();
  const h = view.handoff!;
  const [opening, setOpening] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [askPassphrase, setAskPassphrase] = useState(false);
  const [passphrase, setPassphrase] = useState('');

  const open = async () => {
    setOpening(true);
    setError(null);
    try {
      onView(await api.registerOpenWebWindow(askPassphrase && passphrase ? { keyPassphrase: passphrase } : {}));
      setAskPassphrase(false);
      setPassphrase('');
    } catch (e) {
      if (e instanceof OnboardApiError && e.code === 'KEY_PASSPHRASE_REQUIRED') setAskPassphrase(true);
      else setError(e);
    } finally {
      setOpening(false);
    }
  };

  const remove = async () => {
    setRemoving(true);
    setError(null);
    try {
      onView(await api.registerWebStoreRemove({}));
    } catch (e) {
      setError(e);
    } finally {
      setRemoving(false);
    }
  };

  const store = h.browserStore;
  const last = h.lastWindow;
  const fingerprint = h.certificateSha256;
  return (
    <Box data-testid="register-web-window" sx={{ mb: 2 }}>
      {!view.certificate ? (
        <Alert severity="info" data-testid="web-window-no-certificate">
          The VO’s page knows you by your certificate. Finish the Request step first; then OSG Onboard can open the page with it.
        </Alert>
      ) : (
        <>
          <Typography sx={{ mb: 1 }}>When you open the registration page, OSG Onboard:</Typography>
          <Box component="ol" sx={{ pl: 3, mt: 0 }}>
            <li>
              <Typography>
                puts your certificate and key into the browser certificate store of your account (<Box component="span" sx={mono}>~/.pki/nssdb</Box>),
                where the app’s window finds them (protected by that store’s password, if you set one; you can remove them afterwards);
              </Typography>
            </li>
            <li><Typography>opens <Box component="span" sx={mono}>{h.url}</Box> in its own window, which shows only that site;</Typography></li>
            <li>
              <Typography>
                presents the certificate with this SHA-256 fingerprint when the site asks — no other certificate:
              </Typography>
              <Typography sx={{ ...mono, fontSize: '0.85rem' }} data-testid="web-window-fingerprint">{fingerprint}</Typography>
            </li>
          </Box>
          {askPassphrase && (
            <Box component="form" sx={{ my: 2, maxWidth: 480 }} onSubmit={(e) => { e.preventDefault(); void open(); }}>
              <Typography sx={{ mb: 1 }}>Your key is protected by the passphrase you type each time (Protect step). Type it to put the key into the store.</Typography>
              <TextField type="password" label="Key passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
                autoComplete="current-password" fullWidth required slotProps={{ htmlInput: { 'data-testid': 'web-window-passphrase' } }} />
            </Box>
          )}
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }} useFlexGap>
            <Button variant="contained" startIcon={<OpenInBrowserIcon />} onClick={() => void open()} disabled={opening || (askPassphrase && !passphrase)} data-testid="web-window-open">
              Open the registration page
            </Button>
            {opening && <Typography role="status" data-testid="web-window-opened">The registration window is open. Fill in the VO’s form there, then close the window.</Typography>}
          </Stack>
        </>
      )}
      {error !== null && <Box sx={{ mt: 2 }}><ErrorAlert error={error} onClose={() => setError(null)} /></Box>}
      {last && !opening && (
        <Box sx={{ mt: 2 }} data-testid="web-window-last">
          {last.certificatePresented ? (
            <Alert severity="success">
              Last visit ({formatDate(last.openedAt)} – {formatDate(last.closedAt)}): the VO’s site asked for your certificate and OSG Onboard presented it.
            </Alert>
          ) : last.problem ? (
            <ErrorAlert error={new OnboardApiError(last.problem)} />
          ) : (
            <Alert severity="info">Last visit ({formatDate(last.closedAt)}): the VO’s site did not ask for a certificate.</Alert>
          )}
          {(last.openedInBrowser.length > 0 || last.refused.length > 0) && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {last.openedInBrowser.length > 0 && <>Opened in your browser instead: {last.openedInBrowser.join(', ')}. </>}
              {last.refused.length > 0 && <>Refused: {last.refused.join(', ')}.</>}
            </Typography>
          )}
        </Box>
      )}
      {store && (
        <Alert severity={store.removedAt ? 'info' : 'success'} sx={{ mt: 2 }} data-testid="web-window-store"
          action={!store.removedAt && !store.alreadyPresent
            ? <Button color="inherit" size="small" onClick={() => void remove()} disabled={removing || opening} aria-label="Remove your certificate and key from the browser certificate store" data-testid="web-window-remove">Remove</Button>
            : undefined}>
          <AlertTitle>
            {store.removedAt
              ? `Removed from the browser certificate store on ${formatDate(store.removedAt)}`
              : store.alreadyPresent
                ? 'Your certificate was already in the browser certificate store'
                : 'Your certificate is in the browser certificate store'}
          </AlertTitle>
          <FactList label="Browser certificate store" facts={[
            { term: 'Store', value: store.db, code: true },
            { term: 'Name there', value: store.nickname, code: true, testId: 'web-window-nickname' },
            { term: 'SHA-256', value: store.sha256, code: true },
          ]} />
        </Alert>
      )}
    </Box>
  );
}
