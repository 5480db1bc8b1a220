import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { UploadAuthMethod, UploadDefaults } from '../../../../shared/contract';
import { Facts, formatDate } from '../../components/certificate-facts';

export const mono = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.85rem' } as const;

/** What the user typed; passwords stay in this component's memory only (for “Try again”). */
export interface UploadFormState {
  hostChoice: string;
  host: string;
  port: string;
  username: string;
  auth: UploadAuthMethod;
  password: string;
  keyFile: string;
  keyPassphrase: string;
  p12Path: string;
  otherP12: boolean;
  p12Password: string;
  ownKeyPassphrase: boolean;
  userkeyPassphrase: string;
  userkeyConfirm: string;
}

const OTHER = 'other';
const hostKey = (h: { host: string; port: number }) => `${h.host}:${h.port}`;

export function initialForm(d: UploadDefaults): UploadFormState {
  const choice = d.target ? d.hosts.find((h) => h.host === d.target!.host && h.port === d.target!.port) : undefined;
  const onSandbox = choice?.source === 'sandbox';
  return {
    hostChoice: choice ? hostKey(choice) : OTHER,
    host: d.target?.host ?? '',
    port: String(d.target?.port ?? 22),
    username: d.target?.username ?? '',
    auth: onSandbox ? 'sandbox-account' : 'password',
    password: '',
    keyFile: d.sshKeys[0]?.path ?? '~/.ssh/id_ed25519',
    keyPassphrase: '',
    p12Path: d.p12?.path ?? '~/usercred.p12',
    otherP12: !d.p12,
    p12Password: '',
    ownKeyPassphrase: false,
    userkeyPassphrase: '',
    userkeyConfirm: '',
  };
}

/**
 * Field → problem, for what can be told before asking the services. `p12Remembered`: the
 * keychain holds the .p12 password (the field may stay empty); an empty one is otherwise let
 * through only with a userkey.pem passphrase of its own (a .p12 may have an empty password).
 */
export function formProblems(f: UploadFormState, onSandbox: boolean, p12Remembered = false): Partial<Record<keyof UploadFormState, string>> {
  const p: Partial<Record<keyof UploadFormState, string>> = {};
  if (!f.host.trim()) p.host = 'Type the submit host’s name';
  else if (/[\s/@]/.test(f.host.trim())) p.host = 'Only the host name, e.g. login.example.org (no user@, no spaces)';
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) p.port = 'A number from 1 to 65535';
  if (!f.username.trim()) p.username = 'Your account name on the submit host';
  else if (/[\s@]/.test(f.username.trim())) p.username = 'Only the account name (no spaces, no @)';
  if (f.auth === 'sandbox-account' && !onSandbox) p.auth = 'The sandbox account works only on the sandbox submit host';
  if (f.auth === 'password' && !f.password) p.password = 'Type your password on the submit host';
  if (f.auth === 'key' && !f.keyFile.trim()) p.keyFile = 'Type the path of your SSH private key';
  if (!f.p12Path.trim()) p.p12Path = 'Type the path of your usercred.p12';
  if (!f.p12Password && !p12Remembered && !f.ownKeyPassphrase) p.p12Password = 'Type the password of the usercred.p12 (the one you chose in the Back up step)';
  if (f.ownKeyPassphrase) {
    if (f.userkeyPassphrase.length < 8) p.userkeyPassphrase = 'At least 8 characters';
    else if (f.userkeyConfirm !== f.userkeyPassphrase) p.userkeyConfirm = 'The two entries differ';
  }
  return p;
}

/** The Back up step's file is offered and its password is remembered in the keychain: the field may stay empty. */
export function usesRememberedP12(d: UploadDefaults, f: UploadFormState): boolean {
  return d.p12PasswordRemembered && !!d.p12 && !f.otherP12;
}

/** The form points at the sandbox submit host (where the sandbox account exists). */
export function isOnSandbox(d: UploadDefaults, f: UploadFormState): boolean {
  const sb = d.sandbox;
  return !!sb && ['127.0.0.1', 'localhost'].includes(f.host.trim().toLowerCase()) && Number(f.port) === sb.port;
}

export function UploadForm({ defaults, form, set, onSubmit, touched }: {
  defaults: UploadDefaults;
  form: UploadFormState;
  set: (patch: Partial<UploadFormState>) => void;
  onSubmit: () => void;
  touched: boolean;
}) {
  const chosen = defaults.hosts.find((h) => hostKey(h) === form.hostChoice);
  const sb = defaults.sandbox;
  const onSandbox = isOnSandbox(defaults, form);
  const p12Shown = defaults.p12;
  const remembered = usesRememberedP12(defaults, form);
  const problems = formProblems(form, onSandbox, remembered);
  const show = (k: keyof UploadFormState) => (touched ? problems[k] : undefined);
  const staleNote = p12Shown && !form.otherP12 && defaults.p12PasswordStale;

  const pickHost = (value: string) => {
    const h = defaults.hosts.find((x) => hostKey(x) === value);
    if (!h) return set({ hostChoice: OTHER });
    const sandbox = h.source === 'sandbox' && sb;
    set({
      hostChoice: value,
      host: h.host,
      port: String(h.port),
      username: sandbox ? sb.username : form.username === sb?.username ? '' : form.username,
      auth: sandbox ? 'sandbox-account' : form.auth === 'sandbox-account' ? 'password' : form.auth,
    });
  };

  return (
    <Box component="form" noValidate aria-label="Upload to the submit host" onSubmit={(e) => {
      e.preventDefault();
      onSubmit();
    }}>
      <Typography variant="h6" component="h3">Submit host</Typography>
      {defaults.hosts.length > 0 && (
        <FormControl sx={{ mt: 1, display: 'block' }}>
          <FormLabel id="host-choice-label">Where to upload</FormLabel>
          <RadioGroup aria-labelledby="host-choice-label" value={form.hostChoice} onChange={(e) => pickHost(e.target.value)}>
            {defaults.hosts.map((h) => (
              <FormControlLabel key={hostKey(h)} value={hostKey(h)}
                control={<Radio slotProps={{ input: { 'data-testid': `host-${h.source}-${h.host}` } as object }} />}
                label={h.source === 'sandbox' ? `Sandbox submit host (${h.host} port ${h.port}, on this computer)` : `${h.host}${h.port === 22 ? '' : ` port ${h.port}`} (listed by your VO)`} />
            ))}
            <FormControlLabel value={OTHER} control={<Radio slotProps={{ input: { 'data-testid': 'host-other' } as object }} />} label="Another host (type it below)" />
          </RadioGroup>
          {chosen?.note && chosen.source === 'vo' && <FormHelperText>{chosen.note}</FormHelperText>}
        </FormControl>
      )}
      {defaults.sandboxError && (
        <Alert severity="warning" sx={{ mt: 1 }}>{defaults.sandboxError.message} {defaults.sandboxError.hint}</Alert>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 2 }}>
        <TextField label="Host" value={form.host} onChange={(e) => set({ host: e.target.value, hostChoice: OTHER })} required spellCheck={false}
          error={!!show('host')} helperText={show('host') ?? 'The submit host your VO told you to use'} sx={{ flex: 3 }}
          slotProps={{ htmlInput: { 'data-testid': 'upload-host', autoCapitalize: 'off' } }} />
        <TextField label="Port" value={form.port} onChange={(e) => set({ port: e.target.value, hostChoice: OTHER })} required
          error={!!show('port')} helperText={show('port') ?? 'SSH: usually 22'} sx={{ flex: 1, minWidth: 110 }}
          slotProps={{ htmlInput: { 'data-testid': 'upload-port', inputMode: 'numeric' } }} />
        <TextField label="User" value={form.username} onChange={(e) => set({ username: e.target.value })} required spellCheck={false}
          error={!!show('username')} helperText={show('username') ?? 'Your account there (not your e-mail)'} sx={{ flex: 2 }}
          slotProps={{ htmlInput: { 'data-testid': 'upload-user', autoCapitalize: 'off' } }} />
      </Stack>
      {onSandbox && sb && (
        <Alert severity="info" sx={{ mt: 1 }} data-testid="sandbox-account">
          Sandbox account: <strong>{sb.username}</strong>. Its home folder is <Box component="code" sx={mono}>{sb.homeDir}</Box> on this computer;
          its password was generated when the sandbox started and is kept in <Box component="code" sx={mono}>{sb.accountFile}</Box>.
        </Alert>
      )}

      <FormControl sx={{ mt: 3, display: 'block' }} error={!!show('auth')}>
        <FormLabel id="auth-label" sx={{ typography: 'h6', color: 'text.primary' }}>How to log in</FormLabel>
        <RadioGroup aria-labelledby="auth-label" value={form.auth} onChange={(e) => set({ auth: e.target.value as UploadAuthMethod })}>
          {sb && (
            <FormControlLabel value="sandbox-account" disabled={!onSandbox} control={<Radio slotProps={{ input: { 'data-testid': 'auth-sandbox-account' } as object }} />}
              label="The sandbox account (the app types its password)" />
          )}
          <FormControlLabel value="password" control={<Radio slotProps={{ input: { 'data-testid': 'auth-password' } as object }} />} label="Password" />
          <FormControlLabel value="keyboard-interactive" control={<Radio slotProps={{ input: { 'data-testid': 'auth-keyboard-interactive' } as object }} />}
            label="Prompts from the host: password and one-time code (keyboard-interactive)" />
          <FormControlLabel value="key" control={<Radio slotProps={{ input: { 'data-testid': 'auth-key' } as object }} />} label="My SSH key" />
          <FormControlLabel value="agent" disabled={!defaults.agent.available} control={<Radio slotProps={{ input: { 'data-testid': 'auth-agent' } as object }} />}
            label={defaults.agent.available ? 'My SSH agent (keys added with ssh-add)' : 'My SSH agent — none is running for this app (SSH_AUTH_SOCK is not set)'} />
        </RadioGroup>
        {show('auth') && <FormHelperText>{show('auth')}</FormHelperText>}
      </FormControl>
      {form.auth === 'password' && (
        <TextField label={`Password of ${form.username || 'your account'} on the submit host`} type="password" value={form.password} onChange={(e) => set({ password: e.target.value })}
          autoComplete="current-password" error={!!show('password')} helperText={show('password') ?? ' '} sx={{ mt: 1, minWidth: 360 }}
          slotProps={{ htmlInput: { 'data-testid': 'upload-password' } }} />
      )}
      {form.auth === 'keyboard-interactive' && (
        <FormHelperText sx={{ ml: 4 }}>Each question the host asks (password, one-time code) is shown here while connecting.</FormHelperText>
      )}
      {form.auth === 'key' && (
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1 }}>
          <TextField label="SSH private key file" value={form.keyFile} onChange={(e) => set({ keyFile: e.target.value })} spellCheck={false} sx={{ flex: 2 }}
            error={!!show('keyFile')} helperText={show('keyFile') ?? (defaults.sshKeys.length ? `Found: ${defaults.sshKeys.map((k) => `${k.path}${k.encrypted ? ' (has a passphrase)' : ''}`).join(', ')}` : 'e.g. ~/.ssh/id_ed25519 (not the .pub file)')}
            slotProps={{ htmlInput: { 'data-testid': 'upload-key-file' } }} />
          <TextField label="Its passphrase (if it has one)" type="password" value={form.keyPassphrase} onChange={(e) => set({ keyPassphrase: e.target.value })} sx={{ flex: 1 }}
            autoComplete="off" helperText="The SSH key’s, not your certificate’s" slotProps={{ htmlInput: { 'data-testid': 'upload-key-passphrase' } }} />
        </Stack>
      )}

      <Typography variant="h6" component="h3" sx={{ mt: 3 }}>Your certificate</Typography>
      {p12Shown && !form.otherP12 ? (
        <Card variant="outlined" sx={{ mt: 1 }} data-testid="upload-p12-card">
          <CardContent>
            <Facts label="The usercred.p12 to upload" facts={[
              { term: 'File', value: p12Shown.path, code: true, testId: 'upload-p12-path' },
              ...(p12Shown.source === 'backup' && p12Shown.savedAt ? [{ term: 'Saved', value: `${formatDate(p12Shown.savedAt)} (Back up step)` }] : []),
              ...(p12Shown.subject ? [{ term: 'Subject', value: p12Shown.subject, code: true }] : []),
              ...(p12Shown.notAfter ? [{ term: 'Valid until', value: formatDate(p12Shown.notAfter) }] : []),
            ]} />
            {!p12Shown.exists && <Alert severity="warning" sx={{ mt: 1 }}>This file is not there any more. Use another usercred.p12.</Alert>}
            <Button sx={{ mt: 1 }} onClick={() => set({ otherP12: true })} data-testid="upload-other-p12">Use another usercred.p12</Button>
          </CardContent>
        </Card>
      ) : (
        <TextField label="usercred.p12 file" value={form.p12Path} onChange={(e) => set({ p12Path: e.target.value })} fullWidth spellCheck={false} sx={{ mt: 1 }}
          error={!!show('p12Path')} helperText={show('p12Path') ?? `The full path, or a path inside your home folder (${defaults.homeDir}). The Back up step saves it.`}
          slotProps={{ htmlInput: { 'data-testid': 'upload-p12-input' } }} />
      )}
      {remembered && (
        <Alert severity="info" sx={{ mt: 2 }} data-testid="upload-p12-remembered">
          The password remembered in your keychain{defaults.p12PasswordKeychain ? `, ${defaults.p12PasswordKeychain},` : ''} will be used: it still opens this file.
          Type a password below only if you want another one used.
        </Alert>
      )}
      {staleNote && (
        <Alert severity="warning" sx={{ mt: 2 }} data-testid="upload-p12-remembered-stale">
          The password remembered in your keychain cannot be used for this file: {staleNote}. Type the file’s password below.
        </Alert>
      )}
      <TextField label={remembered ? 'Password of the usercred.p12 (optional)' : 'Password of the usercred.p12'} type="password" value={form.p12Password}
        onChange={(e) => set({ p12Password: e.target.value })} autoComplete="current-password" sx={{ mt: 2, minWidth: 360 }}
        required={!remembered} error={!!show('p12Password')}
        helperText={show('p12Password') ?? (remembered
          ? 'Leave it empty to use the remembered password. It opens the file here; it is not sent.'
          : 'The password you chose in the Back up step. It opens the file here; it is not sent.')}
        slotProps={{ htmlInput: { 'data-testid': 'upload-p12-password' } }} />

      <FormControl sx={{ mt: 2, display: 'block' }}>
        <FormLabel id="keypass-label">Passphrase of userkey.pem on the submit host</FormLabel>
        <RadioGroup aria-labelledby="keypass-label" value={form.ownKeyPassphrase ? 'own' : 'same'} onChange={(e) => set({ ownKeyPassphrase: e.target.value === 'own' })}>
          <FormControlLabel value="same" control={<Radio slotProps={{ input: { 'data-testid': 'keypass-same' } as object }} />} label="The same as the usercred.p12 password (as most people choose)" />
          <FormControlLabel value="own" control={<Radio slotProps={{ input: { 'data-testid': 'keypass-own' } as object }} />} label="A different passphrase" />
        </RadioGroup>
      </FormControl>
      {form.ownKeyPassphrase && (
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1 }}>
          <TextField label="userkey.pem passphrase" type="password" value={form.userkeyPassphrase} onChange={(e) => set({ userkeyPassphrase: e.target.value })} autoComplete="new-password"
            error={!!show('userkeyPassphrase')} helperText={show('userkeyPassphrase') ?? 'grid-proxy-init asks for it'} sx={{ flex: 1 }}
            slotProps={{ htmlInput: { 'data-testid': 'upload-userkey-passphrase' } }} />
          <TextField label="The same again" type="password" value={form.userkeyConfirm} onChange={(e) => set({ userkeyConfirm: e.target.value })} autoComplete="new-password"
            error={!!show('userkeyConfirm')} helperText={show('userkeyConfirm') ?? ' '} sx={{ flex: 1 }}
            slotProps={{ htmlInput: { 'data-testid': 'upload-userkey-confirm' } }} />
        </Stack>
      )}

      <Typography variant="body2" color="text.secondary" sx={{ mt: 3, maxWidth: 760 }}>
        The app makes <code>usercert.pem</code> and <code>userkey.pem</code> (still encrypted) from the usercred.p12 here, sends all three over SSH,
        checks each copy (size and SHA-256) before putting it in place in <code>~/.globus</code>, and keeps any file already there as <code>&lt;name&gt;.bak-&lt;date&gt;</code>.
      </Typography>
      <Stack direction="row" sx={{ mt: 2, justifyContent: 'flex-end' }}>
        <Button type="submit" variant="contained" size="large" data-testid="upload-start">Upload to the submit host</Button>
      </Stack>
    </Box>
  );
}
