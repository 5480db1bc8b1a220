import Accordion from '@mui/material/Accordion';
import AccordionSummary from '@mui/material/AccordionSummary';
import AccordionDetails from '@mui/material/AccordionDetails';
import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import TerminalIcon from '@mui/icons-material/Terminal';
import type { TrustTargetId, TrustTargetPlanView } from '../../../../shared/contract';
import { CopyButton } from '../../components/copy-button';
import { mono } from './target-picker';

/** For experts: the shell commands equivalent to "Install" for the chosen targets (from trustPlan). */
export function CommandsPanel({ plans, order, labels, loading }: {
  plans: ReadonlyMap<TrustTargetId, TrustTargetPlanView>;
  order: readonly TrustTargetId[];
  labels: ReadonlyMap<TrustTargetId, string>;
  loading: boolean;
}) {
  const shown = order.map((id) => plans.get(id)).filter((p): p is TrustTargetPlanView => p !== undefined);
  const all = shown.flatMap((p) => p.commands).join('\n');
  return (
    <Accordion disableGutters data-testid="commands-panel" sx={{ mt: 2 }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="commands-content" id="commands-header">
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <TerminalIcon fontSize="small" aria-hidden />
          <Typography component="span" sx={{ fontWeight: 600 }}>Show the commands</Typography>
          <Typography component="span" variant="body2" color="text.secondary">— what “Install” does, as shell commands (for experts)</Typography>
        </Stack>
      </AccordionSummary>
      <AccordionDetails id="commands-content">
        {loading && shown.length === 0 ? (
          <Typography variant="body2">Working out the commands…</Typography>
        ) : shown.length === 0 ? (
          <Typography variant="body2">Choose at least one place above.</Typography>
        ) : (
          <Stack spacing={1.5}>
            {all && (
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <Typography variant="body2">All of them:</Typography>
                <CopyButton variant="icon" text={all} what="all the commands" testId="copy-all-commands" />
              </Stack>
            )}
            {shown.map((p) => (
              <Box key={p.target}>
                <Typography variant="subtitle2" component="h4">{labels.get(p.target) ?? p.target}</Typography>
                {p.commands.length === 0 ? (
                  <Typography variant="body2" color="text.secondary">
                    {p.available ? 'Nothing to do: the CAs are already there.' : `Not available here${p.reason ? `: ${p.reason}` : ''}.`}
                  </Typography>
                ) : (
                  <Box component="pre" data-testid={`commands-${p.target}`} sx={{ ...mono, m: 0, p: 1, borderRadius: 1, bgcolor: 'action.hover', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {p.commands.join('\n')}
                  </Box>
                )}
                {p.notes.map((n, i) => (
                  <Typography key={i} variant="body2" color="text.secondary">{n}</Typography>
                ))}
              </Box>
            ))}
          </Stack>
        )}
      </AccordionDetails>
    </Accordion>
  );
}
