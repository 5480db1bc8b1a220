import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { Progress } from '../api/use-progress';

/** A labelled progress bar: determinate when the end is known, moving otherwise. */
export function ProgressPanel({ progress, fallbackLabel }: { progress: Progress | null; fallbackLabel: string }) {
  const label = progress?.label ?? fallbackLabel;
  const fraction = progress?.fraction ?? null;
  return (
    <Box role="status" aria-live="polite" sx={{ my: 2 }} data-testid="progress">
      <Typography variant="body2" sx={{ mb: 1 }}>{label}</Typography>
      {fraction === null ? (
        <LinearProgress aria-label={label} />
      ) : (
        <LinearProgress variant="determinate" value={Math.round(fraction * 100)} aria-label={label} />
      )}
    </Box>
  );
}
