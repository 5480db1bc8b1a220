import { useId } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Box from '@mui/material/Box';
import type { CommandBlock } from '../../../../shared/contract';
import { CopyButton } from '../../components/copy-button';
import { mono } from '../../components/certificate-facts';

/** "The next steps are to run a test job, and then real jobs": the commands, each block copyable. */
export function WhatNext({ blocks }: { blocks: readonly CommandBlock[] }) {
  const headingId = useId();
  return (
    <Card component="section" aria-labelledby={headingId} data-testid="what-next">
      <CardContent>
        <Typography id={headingId} variant="h6" component="h3" sx={{ mb: 0.5 }}>What next: a test job</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Commands to type in a terminal. Copy a block, paste it, press Enter.
        </Typography>
        <Stack spacing={2.5}>
          {blocks.map((b) => (
            <Box key={b.id} data-testid={`commands-${b.id}`}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 0.5 }}>
                <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600, flexGrow: 1 }}>{b.title}</Typography>
                <CopyButton variant="labelled" text={b.commands} what={`the commands: ${b.title}`} testId={`copy-${b.id}`} />
              </Stack>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{b.description}</Typography>
              <Box component="pre" data-testid={`commands-text-${b.id}`} tabIndex={0} aria-label={`Commands: ${b.title}`}
                sx={{ ...mono, m: 0, p: 1.5, borderRadius: 1, bgcolor: 'action.hover', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {b.commands}
              </Box>
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}
