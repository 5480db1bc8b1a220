import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import HelpOutlinedIcon from '@mui/icons-material/HelpOutlined';
import type { OnboardApi } from '../../../shared/contract';
import { SupportDialog } from './support-dialog';
import { ReplayBanner } from './replay-banner';

/** The app bar's "Get help" button (support bundle dialog), and the replay banner when this is a help-desk replay. */
export function GetHelp({ api }: { api: OnboardApi }) {
  const [open, setOpen] = useState(false);
  const [anchor, setAnchor] = useState<HTMLButtonElement | null>(null);
  return (
    <>
      {/* In the app bar; in narrow windows (a full app bar) a round button floating at the bottom right. */}
      <Button ref={setAnchor} color="inherit" variant="outlined" startIcon={<HelpOutlinedIcon />} onClick={() => setOpen(true)} data-testid="get-help"
        aria-label="Get help"
        sx={{
          flexShrink: 0,
          minWidth: 0,
          '& .MuiButton-startIcon': { mr: { xs: 0, md: 1 }, ml: { xs: 0, md: -0.5 } },
          position: { xs: 'fixed', md: 'static' },
          right: { xs: 16 },
          bottom: { xs: 16 },
          zIndex: { xs: 'speedDial', md: 'auto' },
          width: { xs: 48, md: 'auto' },
          height: { xs: 48, md: 'auto' },
          borderRadius: { xs: '50%', md: 1 },
          bgcolor: { xs: 'primary.main', md: 'transparent' },
          color: { xs: 'primary.contrastText', md: 'inherit' },
          boxShadow: { xs: 6, md: 'none' },
          '&:hover': { bgcolor: { xs: 'primary.dark', md: 'rgba(255, 255, 255, 0.08)' } },
        }}>
        <Box component="span" sx={{ display: { xs: 'none', md: 'inline' } }}>Get help</Box>
      </Button>
      <SupportDialog api={api} open={open} onClose={() => setOpen(false)} />
      <ReplayBanner api={api} anchor={anchor} />
    </>
  );
}
