import { useState } from 'react';
import Button from '@mui/material/Button';
import Box from '@mui/material/Box';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import CheckIcon from '@mui/icons-material/Check';

const visuallyHidden = { border: 0, clip: 'rect(0 0 0 0)', height: 1, margin: -1, overflow: 'hidden', padding: 0, position: 'absolute', whiteSpace: 'nowrap', width: 1 } as const;

/** Copies `text`; the button says whether it worked (the clipboard may be refused: select the text then). */
export function CopyButton({ text, what, testId }: { text: string; what: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <Button size="small" variant="outlined" onClick={copy} data-testid={testId} data-state={state} sx={{ flexShrink: 0 }}
      startIcon={state === 'copied' ? <CheckIcon fontSize="small" /> : <ContentCopyIcon fontSize="small" />}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select the text to copy' : 'Copy'}</span>
      <Box component="span" sx={visuallyHidden}> {what}</Box>
    </Button>
  );
}
