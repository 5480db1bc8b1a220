import { useState, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import AddCardIcon from '@mui/icons-material/AddCard';
import FileOpenIcon from '@mui/icons-material/FileOpen';
import type { RequestStatusView } from '../../../../shared/contract/request';
import type { StepId } from '../../../../shared/steps';
import { ImportPanel } from './import-panel';

/**
 * The two ways into the Request step: request a new certificate (the form, given as children), or
 * "I already have a certificate" (import). The choice is a pair of toggle buttons above them.
 */
export function RequestOrImport({ children, onImported, goTo, hidden }: {
  children: ReactNode;
  onImported: (s: RequestStatusView) => void;
  goTo: (step: StepId) => void;
  /** While a new key is being made, only the request side is shown. */
  hidden?: boolean;
}) {
  const [mode, setMode] = useState<'request' | 'import'>('request');
  if (hidden) return <>{children}</>;
  return (
    <>
      <Box sx={{ mb: 2 }}>
        <ToggleButtonGroup exclusive color="primary" value={mode} onChange={(_e, v) => v && setMode(v)} aria-label="How to get your certificate">
          <ToggleButton value="request" data-testid="mode-request"><AddCardIcon sx={{ mr: 1 }} aria-hidden />Request a new certificate</ToggleButton>
          <ToggleButton value="import" data-testid="mode-import"><FileOpenIcon sx={{ mr: 1 }} aria-hidden />I already have a certificate</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      {mode === 'request' ? children : <ImportPanel onImported={onImported} goTo={goTo} />}
    </>
  );
}
