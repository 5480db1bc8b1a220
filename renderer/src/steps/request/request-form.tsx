import { useEffect, useMemo, useState } from 'react';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
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
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import GppMaybeIcon from '@mui/icons-material/GppMaybe';
import type { RequestPreview } from '../../../../shared/contract';
import type { StepId } from '../../../../shared/steps';
import { passwordStrength } from '../../../../shared/password-strength';
import { useApi } from '../../api/context';
import { PasswordMeter } from '../../components/password-meter';
import { PolicyBox } from './policy-box';

export interface RequestFormValues {
  name: string;
  email: string;
  keyBits: 2048 | 3072 | 4096;
  estUrl: string;
  enrolmentCode: string;
  keyPassphrase: string;
}

const MONO = { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.9rem', wordBreak: 'break-all' } as const;

/** The request form: VO and sponsor, the CA, the name the CA will issue, key size, key passphrase, agreement. */
export function RequestForm({
  initial,
  busy,
  onSubmit,
  goTo,
}: {
  initial: Partial<RequestFormValues>;
  busy: boolean;
  onSubmit: (v: RequestFormValues, policySha256: string) => void;
  goTo: (step: StepId) => void;
}) {
  const api = useApi();
  const [v, setV] = useState<RequestFormValues>({ name: '', email: '', keyBits: 2048, estUrl: '', enrolmentCode: '', keyPassphrase: '', ...initial });
  const [confirm, setConfirm] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [preview, setPreview] = useState<RequestPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const set = <K extends keyof RequestFormValues>(k: K, value: RequestFormValues[K]) => setV((old) => ({ ...old, [k]: value }));

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api.requestPreview({ name: v.name, email: v.email, estUrl: v.estUrl || undefined }).then(
        (p) => {
          if (!live) return;
          setPreview(p);
          setPreviewError(null);
        },
        (e: Error) => live && setPreviewError(e.message),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, v.name, v.email, v.estUrl]);

  const noConnector = preview?.connector.kind === 'none';
  useEffect(() => {
    if (noConnector) setAdvanced(true);
  }, [noConnector]);
  const typed = preview?.keyProtection.mode === 'typed';
  const strength = useMemo(() => passwordStrength(v.keyPassphrase, [v.name, v.email]), [v.keyPassphrase, v.name, v.email]);
  const connector = preview?.connector;
  const ready =
    !!preview && !!preview.subject && !preview.problem && agreed && !busy && connector?.kind !== 'none' &&
    (!typed || (strength.acceptable && confirm === v.keyPassphrase));

  return (
    <Box component="form" noValidate onSubmit={(e) => {
      e.preventDefault();
      if (ready) onSubmit(v, preview!.policy.sha256);
    }}>
      {previewError && <Alert severity="error" sx={{ mb: 2 }}>{previewError}</Alert>}
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <Card sx={{ flex: 1 }}>
          <CardContent>
            <Typography variant="overline" component="h3">Your VO and sponsor</Typography>
            <Typography variant="h6" component="p">{preview?.vo.displayName ?? '…'}</Typography>
            <Typography variant="body2" color="text.secondary" data-testid="request-sponsor">
              Sponsor: {preview?.vo.sponsor ?? 'ask your VO who sponsors your certificate'}
            </Typography>
          </CardContent>
        </Card>
        <Card sx={{ flex: 1 }} data-testid="request-connector">
          <CardContent>
            <Typography variant="overline" component="h3">Certificate authority</Typography>
            <Typography variant="body2" sx={{ mb: 1 }}>{connector?.description ?? '…'}</Typography>
            {connector?.estUrl && <Typography variant="body2" sx={MONO}>{connector.estUrl}</Typography>}
            {connector?.caTrusted === true && <Chip sx={{ mt: 1 }} color="success" icon={<VerifiedUserIcon />} label="CA certificate trusted" data-testid="ca-trusted" />}
            {connector?.caTrusted === false && (
              <Alert severity="warning" icon={<GppMaybeIcon />} sx={{ mt: 1 }} data-testid="ca-not-trusted"
                action={<Button color="inherit" size="small" sx={{ whiteSpace: 'nowrap' }} onClick={() => goTo('trust')}>Go to Trust CAs</Button>}>
                The CA certificate is not trusted yet: do the Trust CAs step first.
              </Alert>
            )}
          </CardContent>
        </Card>
      </Stack>

      {connector?.kind === 'none' && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="no-connector">
          No certificate authority connection is known for this VO here. Enter the EST address and enrolment code your
          VO gave you below — or get your certificate the way your VO describes, then import it later.
        </Alert>
      )}

      <Typography variant="h6" component="h3" sx={{ mt: 1 }}>The name in your certificate</Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1 }}>
        <TextField label="Your name" required fullWidth value={v.name} onChange={(e) => set('name', e.target.value)} autoComplete="name"
          error={preview?.problem?.field === 'name'} helperText={preview?.problem?.field === 'name' ? preview.problem.message : 'As in your passport'}
          slotProps={{ htmlInput: { 'data-testid': 'request-name', maxLength: 120 } }} />
        <TextField label="E-mail address" required fullWidth type="email" value={v.email} onChange={(e) => set('email', e.target.value)} autoComplete="email"
          error={preview?.problem?.field === 'email'} helperText={preview?.problem?.field === 'email' ? preview.problem.message : 'Your institution’s address'}
          slotProps={{ htmlInput: { 'data-testid': 'request-email', maxLength: 254 } }} />
      </Stack>
      <Box sx={{ mt: 2, p: 2, border: 1, borderColor: 'divider', borderRadius: 2 }} aria-live="polite">
        <Typography variant="body2" color="text.secondary">The certificate authority will issue this name (DN):</Typography>
        <Typography sx={MONO} data-testid="dn-preview">{preview?.subject ?? '— type your name and e-mail address —'}</Typography>
        {preview?.subjectRfc4514 && (
          <Typography variant="caption" color="text.secondary" sx={{ ...MONO, display: 'block', fontSize: '0.75rem' }}>
            As browsers show it: {preview.subjectRfc4514}
          </Typography>
        )}
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>{preview?.subjectNote}</Typography>
      </Box>

      <Accordion sx={{ mt: 2 }} expanded={advanced} onChange={(_e, open) => setAdvanced(open)} disableGutters>
        <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="ca-advanced" id="ca-advanced-header" data-testid="ca-advanced">
          <Typography>Certificate authority address and enrolment code</Typography>
        </AccordionSummary>
        <AccordionDetails id="ca-advanced">
          <Stack spacing={2}>
            <TextField label="EST address (leave empty for the VO’s CA)" fullWidth value={v.estUrl} onChange={(e) => set('estUrl', e.target.value)}
              placeholder="https://ca.example.org/.well-known/est" slotProps={{ htmlInput: { 'data-testid': 'request-est-url' } }} />
            <TextField label="Enrolment code" type="password" fullWidth value={v.enrolmentCode} onChange={(e) => set('enrolmentCode', e.target.value)} autoComplete="off"
              helperText={connector?.enrolmentCode === 'sandbox-default' ? 'Leave empty: the sandbox CA’s own code is used. Type one to see what a wrong code does.' : 'The code your sponsor or VO sent you, if your CA asks for one.'}
              slotProps={{ htmlInput: { 'data-testid': 'request-code' } }} />
          </Stack>
        </AccordionDetails>
      </Accordion>

      <FormControl sx={{ mt: 3 }}>
        <FormLabel id="key-size-label">Key size</FormLabel>
        <RadioGroup row aria-labelledby="key-size-label" value={String(v.keyBits)} onChange={(e) => set('keyBits', Number(e.target.value) as RequestFormValues['keyBits'])}>
          <FormControlLabel value="2048" control={<Radio slotProps={{ input: { 'data-testid': 'key-2048' } as object }} />} label="RSA 2048 (what grid CAs expect)" />
          <FormControlLabel value="3072" control={<Radio slotProps={{ input: { 'data-testid': 'key-3072' } as object }} />} label="RSA 3072" />
          <FormControlLabel value="4096" control={<Radio slotProps={{ input: { 'data-testid': 'key-4096' } as object }} />} label="RSA 4096 (slower)" />
        </RadioGroup>
      </FormControl>

      <Box sx={{ mt: 2 }} data-testid="key-protection">
        {preview && !typed && (
          <Alert severity="info">
            Your key is made on this computer and stored encrypted; its passphrase is kept in {preview.keyProtection.backend ?? 'your keychain'}.
          </Alert>
        )}
        {typed && (
          <>
            <Alert severity="info" sx={{ mb: 2 }}>
              {preview!.keyProtection.chosenInProtect
                ? 'You chose to type your key passphrase each time.'
                : `The keychain cannot be used here (${preview!.keyProtection.reason ?? 'it does not answer'}), so you choose a passphrase for your key.`}{' '}
              You will type it again when the certificate is stored or backed up. It is never saved.
            </Alert>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField label="Key passphrase" type="password" fullWidth value={v.keyPassphrase} onChange={(e) => set('keyPassphrase', e.target.value)} autoComplete="new-password"
                slotProps={{ htmlInput: { 'data-testid': 'request-passphrase', 'aria-describedby': 'key-pass-meter' } }} />
              <TextField label="Key passphrase again" type="password" fullWidth value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password"
                error={confirm.length > 0 && confirm !== v.keyPassphrase} slotProps={{ htmlInput: { 'data-testid': 'request-passphrase-confirm' } }} />
            </Stack>
            <PasswordMeter id="key-pass-meter" strength={strength} matches={confirm === v.keyPassphrase && confirm.length > 0} touched={v.keyPassphrase.length > 0} />
          </>
        )}
      </Box>

      {preview && <PolicyBox policy={preview.policy} agreed={agreed} onAgree={setAgreed} />}

      <Stack direction="row" sx={{ mt: 3, justifyContent: 'flex-end' }}>
        <Button type="submit" variant="contained" size="large" disabled={!ready} data-testid="request-submit">
          Make my key and send the request
        </Button>
      </Stack>
    </Box>
  );
}
