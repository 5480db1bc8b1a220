import { useRef, useState, type DragEvent } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Button from '@mui/material/Button';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Alert from '@mui/material/Alert';
import LinearProgress from '@mui/material/LinearProgress';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import type { ToolsInspectResult } from '../../../shared/contract';
import { TOOLS_MAX_TEXT } from '../../../shared/contract/tools';
import { stripPrivateKeyBlocks, containsPrivateKey } from '../../../shared/private-key-blocks';
import { useApi } from '../api/context';
import { ErrorAlert } from '../components/error-alert';
import { ProxyInfoCard } from '../steps/next-steps/proxy-info-card';
import { VerificationCard } from '../steps/next-steps/verification-card';

function readAsText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result ?? ''));
    r.onerror = () => reject(r.error ?? new Error('the file could not be read'));
    r.readAsText(file);
  });
}

/**
 * "Inspect a proxy or certificate file": drop it (or choose it). The file is read here, in the
 * window; any private key block is removed before the text is sent, and the user is told.
 */
export function InspectPanel() {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ severity: 'info' | 'error'; text: string } | null>(null);
  const [result, setResult] = useState<ToolsInspectResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  const inspect = async (file: File) => {
    setError(null);
    setNote(null);
    setResult(null);
    if (file.size > TOOLS_MAX_TEXT) {
      setNote({ severity: 'error', text: `${file.name} is ${Math.round(file.size / 1024)} KB: a proxy or certificate file is a few KB. Choose the PEM file itself.` });
      return;
    }
    setBusy(true);
    try {
      const raw = await readAsText(file);
      const { text, removed } = stripPrivateKeyBlocks(raw);
      if (containsPrivateKey(text)) {
        setNote({ severity: 'error', text: 'This file holds a private key that could not be separated from the certificates, so nothing was sent.' });
        return;
      }
      if (removed > 0) {
        setNote({
          severity: 'info',
          text: `${file.name} holds ${removed === 1 ? 'a private key' : `${removed} private keys`}: removed here, in this window, before anything was sent. Only the certificates were inspected.`,
        });
      }
      setResult(await api.toolsInspect({ text, name: file.name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) void inspect(f);
  };

  return (
    <Card component="section" aria-labelledby="inspect-title" data-testid="tools-inspect">
      <CardContent>
        <Typography id="inspect-title" variant="h6" component="h3" gutterBottom>Inspect a proxy or certificate file</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          See what <code>voms-proxy-info --all</code> would print, and whether the chain really verifies against your trusted
          CAs. Private keys in the file stay in this window: they are removed before anything is sent.
        </Typography>
        <Box
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
          sx={{
            border: 2, borderStyle: 'dashed', borderColor: over ? 'primary.main' : 'divider', borderRadius: 2, p: 3, textAlign: 'center',
            bgcolor: over ? 'action.hover' : 'transparent', transition: 'background-color 120ms',
          }}
        >
          <UploadFileIcon sx={{ fontSize: 40, color: 'text.secondary' }} aria-hidden />
          <Typography sx={{ mb: 1.5 }}>Drop a proxy (x509up_u…), usercert.pem or any PEM certificate file here</Typography>
          <Button variant="outlined" startIcon={<UploadFileIcon />} onClick={() => input.current?.click()} data-testid="inspect-choose">
            Choose a file
          </Button>
          <input ref={input} type="file" hidden aria-label="Proxy or certificate file to inspect" data-testid="inspect-file-input"
            onChange={(e) => { const f = e.target.files?.[0]; if (f) void inspect(f); }} />
        </Box>
        {busy && <LinearProgress sx={{ mt: 2 }} aria-label="Inspecting the file" />}
        {note && <Alert severity={note.severity} sx={{ mt: 2 }} data-testid="inspect-note">{note.text}</Alert>}
        {error !== null && <Box sx={{ mt: 2 }}><ErrorAlert error={error} onClose={() => setError(null)} /></Box>}
        {result && (
          <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2} sx={{ mt: 2, alignItems: 'stretch' }} data-testid="inspect-result">
            <Box sx={{ flex: '1 1 58%', minWidth: 0 }}>
              <ProxyInfoCard info={result.info} title={result.name} testId="inspect-card" />
            </Box>
            <Box sx={{ flex: '1 1 42%', minWidth: 0 }}>
              <VerificationCard v={result.verification} testId="inspect-verification" title={`Verification of ${result.name}`} />
            </Box>
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}
