import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { registerFormSchema, type RegisterFormInput, type RegisterView } from '../../../../shared/contract/register';
import { OnboardApiError } from '../../../../shared/contract/client';
import { FactList, mono } from './register-bits';

const LABELS = {
  name: 'Given name',
  surname: 'Family name',
  emailAddress: 'E-mail address',
  institution: 'Institution',
  phoneNumber: 'Phone number',
  address: 'Address',
  userMessage: 'Message for the VO administrator',
  username: 'User name',
  aupAccepted: 'AUP acceptance',
  requestedGroups: 'Groups',
} as const;
type Field = keyof typeof LABELS;
type TextFieldName = Exclude<Field, 'aupAccepted' | 'requestedGroups'>;
export type FieldErrors = Partial<Record<Field | 'form', string>>;

/** A refused submission as per-field messages (the contract's and the VO server's), each naming its field. */
export function fieldErrorsFrom(e: unknown): FieldErrors | null {
  if (!(e instanceof OnboardApiError)) return null;
  const field = String(e.details?.field ?? '');
  if ((e.code === 'INVALID_INPUT' || e.code === 'REGISTRATION_FIELD_INVALID') && field in LABELS) {
    const f = field as Field;
    return { [f]: `${LABELS[f]}: ${String(e.details?.detail ?? e.message)}` };
  }
  if (e.code === 'REGISTRATION_AUP_NOT_ACCEPTED') return { aupAccepted: e.message };
  return null;
}

/** Checks the form with the contract's schema (the VOMS-Admin rule) and names every bad field. */
function check(values: RegisterFormInput): FieldErrors {
  const r = registerFormSchema.safeParse(values);
  if (r.success) return {};
  const out: FieldErrors = {};
  for (const issue of r.error.issues) {
    const f = String(issue.path[0] ?? 'form') as Field;
    if (!(f in LABELS) || out[f]) continue;
    out[f] = f === 'aupAccepted' ? 'Tick “I accept the AUP” to register.' : `${LABELS[f]} ${issue.message}`;
  }
  return out;
}

export function RegisterForm({ view, busy, serverErrors, onSubmit }: {
  view: RegisterView;
  busy: boolean;
  serverErrors: FieldErrors;
  onSubmit: (values: RegisterFormInput) => void;
}) {
  const form = view.form!;
  const iam = form.needsUsername;
  const [v, setV] = useState<Record<TextFieldName, string>>({
    name: form.prefill.name,
    surname: form.prefill.surname,
    emailAddress: form.prefill.emailAddress,
    institution: '',
    phoneNumber: '',
    address: '',
    userMessage: '',
    username: '',
  });
  const [groups, setGroups] = useState<string[]>([]);
  const [aup, setAup] = useState(false);
  const [local, setLocal] = useState<FieldErrors>({});
  const errors = { ...serverErrors, ...local };

  const submit = () => {
    const values: RegisterFormInput = {
      name: v.name,
      surname: v.surname,
      emailAddress: v.emailAddress,
      institution: v.institution || undefined,
      phoneNumber: v.phoneNumber || undefined,
      address: v.address || undefined,
      userMessage: v.userMessage || undefined,
      ...(iam ? { username: v.username } : {}),
      aupAccepted: aup as true,
      requestedGroups: groups,
    };
    const found = check(values);
    if (iam && !v.username.trim()) found.username = `${LABELS.username} is required`;
    if (iam && !v.userMessage.trim()) found.userMessage = 'IAM asks why you want to join: write it in the message.';
    setLocal(found);
    if (Object.keys(found).length === 0) onSubmit(values);
  };

  const text = (f: TextFieldName, extra: { required?: boolean; multiline?: boolean; type?: string; autoComplete?: string; help?: string } = {}) => (
    <TextField
      label={LABELS[f]}
      value={v[f]}
      required={extra.required}
      multiline={extra.multiline}
      minRows={extra.multiline ? 2 : undefined}
      type={extra.type}
      autoComplete={extra.autoComplete}
      onChange={(e) => {
        setV((old) => ({ ...old, [f]: e.target.value }));
        setLocal(({ [f]: _gone, ...rest }) => rest);
      }}
      error={Boolean(errors[f])}
      helperText={errors[f] ?? extra.help}
      fullWidth
      slotProps={{ htmlInput: { 'data-testid': `reg-${f}` } }}
    />
  );

  return (
    <Box component="form" noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} data-testid="register-form"
      // The dark theme's error red is a shade too dark for small text on cards (4.46:1): use its light tone.
      sx={(t) => ({ '& .Mui-error.MuiFormHelperText-root, & .Mui-error.MuiFormLabel-root': { color: t.palette.mode === 'dark' ? t.palette.error.light : t.palette.error.main } })}>
      {form.dn && (
        <Card sx={{ mb: 2 }} data-testid="register-dn">
          <CardContent>
            <Typography variant="h6" component="h3" gutterBottom>The DN being registered</Typography>
            <Alert severity="info" sx={{ mb: 2 }}>
              Make sure that the DN listed is the one for the certificate that you just got.
            </Alert>
            <FactList label="Certificate presented to the VO" facts={[
              { term: 'DN (subject)', value: form.dn, code: true, testId: 'register-subject' },
              { term: 'CA (issuer)', value: form.caDn, code: true, testId: 'register-issuer' },
            ]} />
          </CardContent>
        </Card>
      )}
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>About you</Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Filled in from your certificate where it could be. {iam ? 'IAM' : 'VOMS-Admin'} refuses the characters &lt; &gt; &amp; = ; in every field.
          </Typography>
          <Stack spacing={2}>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('name', { required: true, autoComplete: 'given-name' })}
              {text('surname', { required: true, autoComplete: 'family-name' })}
            </Stack>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('emailAddress', { required: true, type: 'email', autoComplete: 'email', help: 'The VO sends the confirmation link here.' })}
              {iam ? text('username', { required: true, autoComplete: 'username', help: 'Lower-case letters, digits, “_” and “-”.' }) : text('phoneNumber', { autoComplete: 'tel' })}
            </Stack>
            {text('institution', { autoComplete: 'organization' })}
            {!iam && text('address', { multiline: true, autoComplete: 'street-address' })}
            {text('userMessage', { multiline: true, required: iam })}
          </Stack>
        </CardContent>
      </Card>
      {form.groups.length > 0 && (
        <Card sx={{ mb: 2 }}>
          <CardContent>
            <FormControl component="fieldset" error={Boolean(errors.requestedGroups)}>
              <FormLabel component="legend">Groups to ask for</FormLabel>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                Every member is in the VO’s root group <Box component="span" sx={mono}>/{view.vo?.name}</Box>. Tick the groups your work needs; the VO administrator decides.
              </Typography>
              <FormGroup>
                {form.groups.map((g) => (
                  <FormControlLabel key={g} label={<Box component="span" sx={mono}>{g}</Box>}
                    control={<Checkbox checked={groups.includes(g)} onChange={(e) => setGroups((old) => (e.target.checked ? [...old, g] : old.filter((x) => x !== g)))}
                      slotProps={{ input: { 'data-testid': `reg-group-${g}` } as never }} />} />
                ))}
              </FormGroup>
              {errors.requestedGroups && <FormHelperText>{errors.requestedGroups}</FormHelperText>}
            </FormControl>
          </CardContent>
        </Card>
      )}
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" id="aup-title" gutterBottom>Acceptable Usage Policy (AUP)</Typography>
          {form.aupText ? (
            <Box tabIndex={0} role="region" aria-labelledby="aup-title" data-testid="register-aup"
              sx={{ maxHeight: 180, overflow: 'auto', whiteSpace: 'pre-wrap', p: 2, mb: 1, border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: 'action.hover' }}>
              {form.aupText}
            </Box>
          ) : (
            <Typography sx={{ mb: 1 }}>Read the VO’s usage rules on its registration page: <Box component="span" sx={mono}>{view.vo?.url}</Box></Typography>
          )}
          <FormControl error={Boolean(errors.aupAccepted)}>
            <FormControlLabel label="I accept the AUP"
              control={<Checkbox checked={aup} onChange={(e) => { setAup(e.target.checked); setLocal(({ aupAccepted: _gone, ...rest }) => rest); }}
                slotProps={{ input: { 'data-testid': 'reg-aup' } as never }} />} />
            {errors.aupAccepted && <FormHelperText>{errors.aupAccepted}</FormHelperText>}
          </FormControl>
        </CardContent>
      </Card>
      {Object.keys(errors).length > 0 && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="register-form-errors">
          <AlertTitle>Some fields need a change</AlertTitle>
          {Object.values(errors).map((m) => <div key={m}>{m}</div>)}
        </Alert>
      )}
      <Stack direction="row" sx={{ justifyContent: 'flex-end' }}>
        <Button type="submit" variant="contained" size="large" disabled={busy} data-testid="register-submit">
          Submit registration
        </Button>
      </Stack>
    </Box>
  );
}
