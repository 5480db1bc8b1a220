import { useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import HourglassTopIcon from '@mui/icons-material/HourglassTop';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import MarkEmailUnreadIcon from '@mui/icons-material/MarkEmailUnread';
import type { RegisterView } from '../../../../shared/contract';
import { useProgress } from '../../api/use-progress';
import { ProgressPanel } from '../../components/progress-panel';
import { FactList, formatDate, mono } from './register-bits';
import { WebWindowPanel } from './web-window-panel';

/** The key is protected by a passphrase typed each time (Protect step): ask for it. */
export function UnlockPanel({ view, busy, onUnlock }: { view: RegisterView; busy: boolean; onUnlock: (passphrase: string) => void }) {
  const [pw, setPw] = useState('');
  return (
    <Card data-testid="register-needs-passphrase">
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>Type your key passphrase</Typography>
        <Typography sx={{ mb: 2 }}>
          The VO server checks who you are with your certificate, which needs your private key. Your key is protected by the
          passphrase you type each time (your choice in Protect). It stays on this computer and is kept in memory until you quit.
          {view.requestId && ` Your registration (request ${view.requestId}) is kept; once the key is open, the app asks the VO server where it stands.`}
        </Typography>
        <Box component="form" noValidate onSubmit={(e) => { e.preventDefault(); if (pw) onUnlock(pw); }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
            <TextField label="Key passphrase" type="password" value={pw} onChange={(e) => setPw(e.target.value)} autoComplete="current-password" sx={{ minWidth: 320 }}
              slotProps={{ htmlInput: { 'data-testid': 'register-passphrase' } }} />
            <Button type="submit" variant="contained" disabled={!pw || busy} sx={{ mt: 1 }} data-testid="register-unlock">Open my key</Button>
          </Stack>
        </Box>
      </CardContent>
    </Card>
  );
}

/** A real VO: the user reads the e-mail in their own mail program and pastes the link. */
export function PasteLinkPanel({ busy, onConfirm }: { busy: boolean; onConfirm: (link: string) => void }) {
  const [link, setLink] = useState('');
  return (
    <Box component="form" noValidate onSubmit={(e) => { e.preventDefault(); if (link.trim()) onConfirm(link.trim()); }}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
        <TextField label="Confirmation link from the e-mail" value={link} onChange={(e) => setLink(e.target.value)} fullWidth
          helperText="Copy the whole link (it contains confirm-request.action?requestId=…&confirmationId=…)."
          slotProps={{ htmlInput: { 'data-testid': 'register-link' } }} />
        <Button type="submit" variant="contained" disabled={!link.trim() || busy} sx={{ mt: 1, whiteSpace: 'nowrap' }} data-testid="register-confirm-link">Confirm</Button>
      </Stack>
    </Box>
  );
}

export function CheckEmailPanel({ view }: { view: RegisterView }) {
  return (
    <Alert severity="info" icon={<MarkEmailUnreadIcon />} sx={{ mb: 2 }} data-testid="register-check-email">
      <AlertTitle>Check your e-mail</AlertTitle>
      {view.vo?.kind === 'iam' ? 'IAM' : 'VOMS-Admin'} sent a confirmation link to <strong>{view.emailAddress ?? 'your e-mail address'}</strong>
      {view.requestId && <> (request <strong data-testid="register-request-id">{view.requestId}</strong>)</>}. Follow it to confirm that the address is yours;
      the VO administrator sees your request only after that.
    </Alert>
  );
}

/** "Waiting for the VO administrator": progress of the checks, and in the sandbox the VO-admin page. */
export function WaitingPanel({ view, busy, onCheck }: { view: RegisterView; busy: boolean; onCheck: () => void }) {
  const progress = useProgress('registration');
  return (
    <Card data-testid="register-waiting">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <HourglassTopIcon color="primary" aria-hidden />
          <Typography variant="h6" component="h3">Waiting for the VO administrator</Typography>
        </Stack>
        <Typography sx={{ mb: 2 }}>
          Your e-mail address is confirmed{view.requestId ? <> and request <strong data-testid="register-request-id">{view.requestId}</strong> now waits</> : ''}.
          The VO administrator of {view.vo?.displayName} checks it and decides; on a real VO this can take a day or more.
        </Typography>
        {view.sandbox && (
          <Alert severity="info" sx={{ mb: 2 }}>
            <AlertTitle>In the sandbox you are the VO administrator</AlertTitle>
            Open the{' '}
            <Link href={view.sandbox.adminUrl} target="_blank" rel="noopener noreferrer" data-testid="vo-admin-link">
              sandbox VO-admin page <OpenInNewIcon sx={{ fontSize: '1em', verticalAlign: 'middle' }} aria-hidden />
            </Link>{' '}
            and approve request <strong>{view.requestId}</strong>, or run{' '}
            <Box component="code" sx={mono}>osg-onboard sandbox vo-approve {view.requestId}</Box>.
            Your browser warns about the page’s certificate unless it trusts the sandbox CA.
          </Alert>
        )}
        {view.decisionByEmail ? (
          <Alert severity="info" sx={{ mb: 2 }}>
            IAM tells you the decision by e-mail: the app cannot ask IAM without an access token. Once approved, your membership
            shows in the VOMS attributes of your proxies (Next steps).
          </Alert>
        ) : (
          <>
            <ProgressPanel progress={progress} fallbackLabel="Checking your member information on the VO server…" />
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              You may close OSG Onboard: your registration is kept, and the app asks the VO server again when you come back.
              {view.lastCheckedAt && ` Last checked ${new Date(view.lastCheckedAt).toLocaleTimeString()}.`}
            </Typography>
            <Button variant="outlined" onClick={onCheck} disabled={busy} data-testid="register-check-now">Check now</Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}

/** "Member": what the seed's verification asks to look at — the DN, the CA, groups and roles, e-mail, status. */
export function MemberPanel({ view, onNext }: { view: RegisterView; onNext: () => void }) {
  const m = view.member!;
  const cert = m.certificates[0];
  return (
    <Box data-testid="register-member">
      <Alert severity="success" sx={{ mb: 2 }}>
        <AlertTitle>You are a member of {view.vo?.displayName}</AlertTitle>
        The VO administrator approved your request. This is your member information as the VO server lists it.
      </Alert>
      <Card sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>Your member information</Typography>
          <FactList label="Member information" facts={[
            { term: 'Name', value: `${m.name} ${m.surname}`, testId: 'member-name' },
            { term: 'DN', value: cert?.subject ?? '—', code: true, testId: 'member-dn' },
            { term: 'CA', value: cert?.issuer ?? '—', code: true, testId: 'member-ca' },
            { term: 'Groups and roles', value: (
              <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }} component="span">
                {m.fqans.map((f) => <Chip key={f} size="small" label={f} component="span" sx={mono} />)}
              </Stack>
            ), testId: 'member-fqans' },
            { term: 'E-mail', value: m.emailAddress ?? '—', testId: 'member-email' },
            { term: 'Status', value: m.status === 'active' ? 'Active' : 'Suspended', testId: 'member-status' },
            ...(m.institution ? [{ term: 'Institution', value: m.institution }] : []),
            ...(m.creationTime ? [{ term: 'Member since', value: formatDate(m.creationTime) }] : []),
            ...(m.endTime ? [{ term: 'Membership ends', value: formatDate(m.endTime) }] : []),
          ]} />
          <Alert severity={m.dnMatches ? 'success' : 'warning'} sx={{ mt: 2 }} data-testid="member-dn-check">
            {m.dnMatches
              ? 'The DN listed is the one for the certificate that you just got.'
              : 'The DN listed is not the one for the certificate OSG Onboard holds (or it is suspended). Contact the VO administrators.'}
          </Alert>
        </CardContent>
      </Card>
      <Card sx={{ mb: 2 }} data-testid="register-vomses">
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>VOMS client configuration (~/.glite)</Typography>
          {view.vomses && view.vomses.files.length > 0 ? (
            <Box component="ul" sx={{ m: 0, pl: 3 }}>
              {view.vomses.files.map((f) => (
                <li key={f.path}>
                  <Box component="span" sx={mono}>{f.path}</Box> — {f.status === 'written' ? 'written' : 'already up to date'}
                  {f.backupPath && <> (the previous file is kept as <Box component="span" sx={mono}>{f.backupPath}</Box>)</>}
                </li>
              ))}
            </Box>
          ) : (
            <Typography data-testid="register-vomses-reason">{view.vomses?.reason ?? 'Nothing was written.'}</Typography>
          )}
        </CardContent>
      </Card>
      <Stack direction="row" sx={{ justifyContent: 'flex-end' }}>
        <Button variant="contained" size="large" onClick={onNext} data-testid="go-upload">Continue to Upload</Button>
      </Stack>
    </Box>
  );
}

/** VOMRS and other web pages: what to do in the browser, said plainly. */
export function HandoffPanel({ view, busy, shell, onDone, onView }: { view: RegisterView; busy: boolean; shell: 'electron' | 'browser'; onDone: () => void; onView: (v: RegisterView) => void }) {
  const h = view.handoff!;
  const desktop = shell === 'electron';
  return (
    <Card data-testid="register-handoff" data-shell={shell}>
      <CardContent>
        <Typography variant="h6" component="h3" gutterBottom>Register on the VO’s web page</Typography>
        {desktop && <WebWindowPanel view={view} onView={onView} />}
        <Alert severity={desktop ? 'info' : 'warning'} sx={{ mb: 2 }}>{h.limitation}</Alert>
        <Box component="ol" sx={{ pl: 3, mt: 0 }}>
          {h.instructions.map((line) => <li key={line}><Typography sx={{ mb: 1 }}>{line}</Typography></li>)}
        </Box>
        <FactList label="Registration details" facts={[
          { term: 'Registration page', value: <Link href={h.url} target="_blank" rel="noopener noreferrer" data-testid="handoff-url">{h.url}</Link> },
          ...(h.certificateDn ? [{ term: 'Your certificate', value: h.certificateDn, code: true }] : []),
          ...(desktop ? [] : [{ term: 'File to import', value: h.p12Path ?? 'your usercred.p12 (from the Back up step)', code: Boolean(h.p12Path) }]),
        ]} />
        {!desktop && h.browserStore && !h.browserStore.removedAt && (
          <Alert severity="info" sx={{ mt: 2 }}>
            The desktop app put your certificate into the browser certificate store {h.browserStore.db} as “{h.browserStore.nickname}”; remove it from the desktop app’s Register step.
          </Alert>
        )}
        {h.markedDoneAt ? (
          <Alert severity="success" sx={{ mt: 2 }} data-testid="handoff-done">
            You said you registered on {formatDate(h.markedDoneAt)}. OSG Onboard cannot check it; the VO e-mails you its decision.
          </Alert>
        ) : (
          <Button variant="contained" sx={{ mt: 2 }} onClick={onDone} disabled={busy} data-testid="handoff-mark-done">I have registered on the VO’s page</Button>
        )}
      </CardContent>
    </Card>
  );
}
