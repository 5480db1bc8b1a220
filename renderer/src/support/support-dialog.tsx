import { useEffect, useState } from 'react';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import SaveAltIcon from '@mui/icons-material/SaveAlt';
import type { OnboardApi, SupportPreview, SupportSaved } from '../../../shared/contract';
import { ErrorAlert } from '../components/error-alert';
import { Facts, mono } from '../components/certificate-facts';

function kib(n: number): string {
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KiB`;
}

/** What the bundle holds, section by section (already redacted: what is read is what is sent). */
function Sections({ preview }: { preview: SupportPreview }) {
  return (
    <List dense disablePadding aria-label="What the bundle holds" data-testid="support-sections">
      {preview.sections.map((s) => (
        <ListItem key={s.id} disableGutters sx={{ display: 'block' }} data-testid={`support-section-${s.id}`}>
          <Typography variant="subtitle2" component="h4">{s.title}</Typography>
          <Typography variant="body2" color="text.secondary">{s.summary}</Typography>
          {s.lines.length > 0 && (
            <Box component="ul" sx={{ m: 0, pl: 3 }}>
              {s.lines.map((l, i) => (
                <Typography key={i} component="li" variant="body2" sx={{ ...mono, wordBreak: 'break-all' }}>{l}</Typography>
              ))}
            </Box>
          )}
        </ListItem>
      ))}
    </List>
  );
}

/** "Get help": read what a support bundle holds, then save it to send to the help desk. */
export function SupportDialog({ api, open, onClose }: { api: OnboardApi; open: boolean; onClose: () => void }) {
  const [preview, setPreview] = useState<SupportPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [folder, setFolder] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<SupportSaved | null>(null);

  useEffect(() => {
    if (!open) return;
    setPreview(null);
    setSaved(null);
    setError(null);
    api.supportBundlePreview({}).then((p) => {
      setPreview(p);
      setFolder(p.defaultFolder);
    }, setError);
  }, [api, open]);

  const pick = async () => {
    try {
      const r = await api.backupPickFolder({ startIn: folder });
      if (r.folder) setFolder(r.folder);
    } catch (e) {
      setError(e);
    }
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      setSaved(await api.supportBundleSave({ folder: folder.trim() || undefined }));
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="support-title" data-testid="support-dialog">
      <DialogTitle id="support-title" component="h2">Get help: a support bundle for the help desk</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" sx={{ mb: 2 }}>
          The help desk can replay your steps from this file and see what you saw, with the technical details of each
          error. OSG Onboard sends nothing itself: you save the file, read it if you like, and attach it to your
          message to the help desk.
        </Typography>
        {!preview && !error && (
          <Box sx={{ display: 'flex', justifyContent: 'center', p: 4 }} aria-busy="true">
            <CircularProgress aria-label="Collecting what the bundle holds" />
          </Box>
        )}
        {preview && (
          <Stack spacing={2}>
            <Box>
              <Typography variant="h6" component="h3" gutterBottom>What will be in it</Typography>
              <Sections preview={preview} />
            </Box>
            <Box>
              <Typography variant="h6" component="h3" gutterBottom>Errors the help desk will see</Typography>
              {preview.errorCodes.length ? (
                <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="support-error-codes">
                  {preview.errorCodes.map((c) => <Chip key={c} label={c} size="small" color="error" variant="outlined" sx={mono} />)}
                </Stack>
              ) : (
                <Typography variant="body2" data-testid="support-error-codes">No errors recorded.</Typography>
              )}
            </Box>
            <Box>
              <Typography variant="h6" component="h3" gutterBottom>Taken out before saving</Typography>
              {preview.redactions.length ? (
                <Box component="ul" sx={{ m: 0, pl: 3 }} data-testid="support-redactions">
                  {preview.redactions.map((r) => (
                    <Typography key={r.rule} component="li" variant="body2" data-rule={r.rule}>
                      {r.description} <strong>({r.count}×)</strong>
                    </Typography>
                  ))}
                </Box>
              ) : (
                <Typography variant="body2" data-testid="support-redactions">Nothing needed taking out.</Typography>
              )}
              <Typography variant="subtitle2" component="h4" sx={{ mt: 1 }}>Never in a bundle</Typography>
              <Box component="ul" sx={{ m: 0, pl: 3 }}>
                {preview.neverIncluded.map((n) => <Typography key={n} component="li" variant="body2">{n}</Typography>)}
              </Box>
            </Box>
            <Accordion disableGutters variant="outlined">
              <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="support-exact-text" id="support-exact-summary">
                <Typography variant="body2">Show the exact file ({kib(preview.size)}, JSON)</Typography>
              </AccordionSummary>
              <AccordionDetails id="support-exact-text">
                <Box component="pre" tabIndex={0} aria-label="The exact text of the support bundle" data-testid="support-text"
                  sx={{ ...mono, m: 0, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {preview.text}
                </Box>
              </AccordionDetails>
            </Accordion>
            {!saved && (
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'flex-start' } }}>
                <TextField label="Save in folder" value={folder} onChange={(e) => setFolder(e.target.value)} fullWidth size="small"
                  slotProps={{ htmlInput: { 'data-testid': 'support-folder', spellCheck: false } }}
                  helperText={`The file will be named ${preview.fileName}; a file already there is never replaced.${preview.folderPicker ? '' : ' (A folder picker is offered only in the desktop app.)'}`} />
                {preview.folderPicker && (
                  <Button variant="outlined" startIcon={<FolderOpenIcon />} onClick={() => void pick()} sx={{ flexShrink: 0 }}>Choose folder…</Button>
                )}
              </Stack>
            )}
          </Stack>
        )}
        {saved && (
          <Alert severity="success" sx={{ mt: 2 }} data-testid="support-saved">
            <AlertTitle>Support bundle saved</AlertTitle>
            <Facts label="Saved support bundle" dense facts={[
              { term: 'File', value: saved.path, code: true, testId: 'support-saved-path' },
              { term: 'Size', value: kib(saved.size) },
              { term: 'SHA-256', value: saved.sha256, code: true },
            ]} />
            <Typography variant="body2" sx={{ mt: 1 }}>Attach this file to your message to the help desk.</Typography>
          </Alert>
        )}
        {error !== null && <Box sx={{ mt: 2 }}><ErrorAlert error={error} /></Box>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} data-testid="support-close">{saved ? 'Close' : 'Cancel'}</Button>
        {!saved && (
          <Button variant="contained" startIcon={<SaveAltIcon />} onClick={() => void save()} disabled={!preview || saving} data-testid="support-save">
            {saving ? 'Saving…' : 'Save bundle'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
