import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import MailIcon from '@mui/icons-material/Mail';
import RefreshIcon from '@mui/icons-material/Refresh';
import type { RegisterMailMessage, RegisterMailSummary } from '../../../../shared/contract';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate, mono } from './register-bits';

/**
 * The sandbox mailbox: the e-mails the sandbox services sent (newest first), and one message
 * with its confirmation link as a button. Refreshed every few seconds while it is shown.
 */
export function MailboxView({ emailAddress, busy, onConfirm }: { emailAddress?: string; busy: boolean; onConfirm: (link: string) => void }) {
  const api = useApi();
  const [mails, setMails] = useState<RegisterMailSummary[] | null>(null);
  const [open, setOpen] = useState<RegisterMailMessage | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setMails(await api.registerMailbox({}));
    } catch (e) {
      setError(e);
    }
  }, [api]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 3000);
    return () => clearInterval(t);
  }, [load]);

  const show = async (id: string) => {
    setError(null);
    try {
      setOpen(await api.registerMailRead({ id }));
    } catch (e) {
      setError(e);
    }
  };

  const forYou = (m: RegisterMailSummary) => emailAddress !== undefined && m.to.some((t) => t.toLowerCase() === emailAddress.toLowerCase());

  return (
    <Card data-testid="mailbox">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <MailIcon color="primary" aria-hidden />
          <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>Sandbox mailbox</Typography>
          <Button size="small" startIcon={<RefreshIcon />} onClick={() => void load()}>Refresh</Button>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          In the sandbox, e-mails never leave this computer: they arrive here. Open the one from VOMS Admin and follow its link.
        </Typography>
        {error !== null && <Box sx={{ mb: 2 }}><ErrorAlert error={error} onClose={() => setError(null)} /></Box>}
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: 'stretch' }}>
          <Box sx={{ flex: '1 1 40%', minWidth: 0 }}>
            {mails === null ? null : mails.length === 0 ? (
              <Alert severity="info">No e-mail yet. It usually comes within seconds.</Alert>
            ) : (
              <List component="div" role="group" aria-label="E-mails in the sandbox mailbox" data-testid="mail-list"
                sx={{ border: 1, borderColor: 'divider', borderRadius: 2, py: 0, maxHeight: 320, overflow: 'auto' }}>
                {mails.map((m) => (
                  <ListItemButton key={m.id} divider selected={open?.id === m.id} aria-pressed={open?.id === m.id} onClick={() => void show(m.id)} data-testid={`mail-${m.id}`}>
                    <ListItemText
                      primary={<>{forYou(m) && <Box component="span" sx={{ fontWeight: 700 }}>● </Box>}{m.subject}</>}
                      secondary={`${m.to.join(', ')} · ${formatDate(m.receivedAt)}`}
                    />
                  </ListItemButton>
                ))}
              </List>
            )}
          </Box>
          <Box sx={{ flex: '1 1 60%', minWidth: 0 }}>
            {open ? (
              <Box data-testid="mail-message" sx={{ border: 1, borderColor: 'divider', borderRadius: 2, p: 2 }}>
                <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600 }}>{open.subject}</Typography>
                <Typography variant="body2" color="text.secondary">From {open.from} to {open.to.join(', ')}, {formatDate(open.receivedAt)}</Typography>
                {open.confirmationLink && (
                  <Button variant="contained" sx={{ my: 2 }} disabled={busy} onClick={() => onConfirm(open.confirmationLink!)} data-testid="mail-confirm">
                    Confirm my registration (open the link)
                  </Button>
                )}
                <Box component="pre" sx={{ ...mono, whiteSpace: 'pre-wrap', fontSize: '0.85rem', m: 0, mt: open.confirmationLink ? 0 : 2 }} tabIndex={0} aria-label="Message text">
                  {open.text}
                </Box>
              </Box>
            ) : (
              <Alert severity="info">Select an e-mail to read it.</Alert>
            )}
          </Box>
        </Stack>
      </CardContent>
    </Card>
  );
}
