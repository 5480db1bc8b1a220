import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Typography from '@mui/material/Typography';

/** A step this version cannot do yet: said plainly, never faked. */
export function StepUnavailable({ label, reason }: { label: string; reason?: string }) {
  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        {label}
      </Typography>
      <Alert severity="info" data-testid="step-unavailable">
        <AlertTitle>Not available yet</AlertTitle>
        {reason ?? 'This step is not available in this version of OSG Onboard.'} Until it is, follow your VO’s
        written instructions for this step.
      </Alert>
    </section>
  );
}
