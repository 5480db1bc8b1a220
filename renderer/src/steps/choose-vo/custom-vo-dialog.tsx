import { useState } from 'react';
import Dialog from '@mui/material/Dialog';
import DialogTitle from '@mui/material/DialogTitle';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogActions from '@mui/material/DialogActions';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import { customVoSchema, issuePath, type VoEntry } from '../../../../shared/vo';
import { OnboardApiError } from '../../../../shared/contract/client';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';

type Field = 'name' | 'displayName' | 'registrationKind' | 'registrationUrl' | 'vomsHost' | 'vomsPort' | 'vomsDn' | 'submitHost' | 'sponsor';
const EMPTY: Record<Field, string> = {
  name: '', displayName: '', registrationKind: 'voms-admin', registrationUrl: '', vomsHost: '', vomsPort: '', vomsDn: '', submitHost: '', sponsor: '',
};
const LABELS: Record<Field, string> = {
  name: 'VO name',
  displayName: 'Display name',
  registrationKind: 'Registration server kind',
  registrationUrl: 'Registration address',
  vomsHost: 'VOMS server host',
  vomsPort: 'VOMS server port',
  vomsDn: 'VOMS server DN',
  submitHost: 'Submit host',
  sponsor: 'Sponsor',
};
const HELP: Partial<Record<Field, string>> = {
  name: 'As your VO writes it, e.g. myvo or vo.example.org',
  registrationUrl: 'The VOMS-Admin, IAM or VOMRS page, starting with https://',
  vomsDn: 'e.g. /DC=org/DC=example/CN=voms.example.org',
  submitHost: 'The machine you log in to for submitting jobs',
};

/** Typed in from what the VO administrator sent; validated with the same schema as the service. */
export function CustomVoDialog({ open, onClose, onAdded }: { open: boolean; onClose: () => void; onAdded: (vo: VoEntry) => void }) {
  const api = useApi();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const input = () => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v.trim() !== '') out[k] = v.trim();
    return out;
  };

  const submit = async () => {
    setFailure(null);
    const parsed = customVoSchema.safeParse(input());
    if (!parsed.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const f = issuePath(issue.path) as Field;
        if (!next[f]) next[f] = `${LABELS[f] ?? f} ${issue.message}`;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const vo = await api.voAddCustom(input() as never);
      setValues(EMPTY);
      onAdded(vo);
    } catch (e) {
      const field = e instanceof OnboardApiError ? (e.details?.field as Field | undefined) : undefined;
      if (field && field in LABELS) setErrors({ [field]: (e as Error).message });
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const field = (f: Field, extra: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField
      key={f}
      label={LABELS[f]}
      value={values[f]}
      onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
      error={Boolean(errors[f])}
      helperText={errors[f] ?? HELP[f] ?? ' '}
      size="small"
      fullWidth
      slotProps={{ htmlInput: { 'data-testid': `custom-${f}` } }}
      {...extra}
    />
  );

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="custom-vo-title">
      <DialogTitle id="custom-vo-title">Add a VO that is not listed</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          Use the details your VO administrator sent you. The VOMS fields are optional, but give all three or none.
        </DialogContentText>
        <Stack spacing={1}>
          {failure !== null && <ErrorAlert error={failure} onClose={() => setFailure(null)} />}
          {field('name', { required: true })}
          {field('displayName')}
          {field('registrationKind', {
            select: true,
            children: [
              <MenuItem key="voms-admin" value="voms-admin">VOMS-Admin</MenuItem>,
              <MenuItem key="iam" value="iam">INDIGO IAM</MenuItem>,
              <MenuItem key="vomrs" value="vomrs">VOMRS</MenuItem>,
              <MenuItem key="web" value="web">Another web page</MenuItem>,
            ],
          })}
          {field('registrationUrl', { required: true })}
          <Stack direction="row" spacing={1}>
            {field('vomsHost')}
            {field('vomsPort', { sx: { maxWidth: 170 } })}
          </Stack>
          {field('vomsDn')}
          {field('submitHost')}
          {field('sponsor')}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={submit} disabled={busy} data-testid="custom-submit">Add VO</Button>
      </DialogActions>
    </Dialog>
  );
}
