import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import CheckIcon from '@mui/icons-material/Check';

const visuallyHidden = { border: 0, clip: 'rect(0 0 0 0)', height: 1, margin: -1, overflow: 'hidden', padding: 0, position: 'absolute', whiteSpace: 'nowrap', width: 1 } as const;

type CopyState = 'idle' | 'copied' | 'failed';

export interface CopyButtonProps {
  readonly text: string;
  /** What is copied, e.g. `the commands for Browsers`: the button's name is `Copy <what>`. */
  readonly what: string;
  /** `icon`: a small icon with a tooltip (beside a fingerprint or a command); `labelled`: an outlined “Copy” button. */
  readonly variant: 'icon' | 'labelled';
  readonly testId?: string;
}

/**
 * Copies `text` and says whether it worked (the clipboard may be refused: select the text then).
 * `data-state` (idle, copied, failed) lets tests see the outcome.
 */
export function CopyButton({ text, what, variant, testId }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), variant === 'icon' ? 2000 : 2500);
  };
  const icon = state === 'copied' ? <CheckIcon fontSize="small" /> : <ContentCopyIcon fontSize="small" />;

  if (variant === 'icon') {
    const title = state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text instead' : `Copy ${what}`;
    return (
      <Tooltip title={title}>
        <IconButton size="small" onClick={copy} aria-label={`Copy ${what}`} data-testid={testId} data-state={state}>
          {icon}
        </IconButton>
      </Tooltip>
    );
  }
  return (
    <Button size="small" variant="outlined" onClick={copy} data-testid={testId} data-state={state} sx={{ flexShrink: 0 }} startIcon={icon}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select the text to copy' : 'Copy'}</span>
      <Box component="span" sx={visuallyHidden}> {what}</Box>
    </Button>
  );
}
