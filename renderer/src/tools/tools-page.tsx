import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import { InspectPanel } from './inspect-panel';
import { PuspPanel } from './pusp-panel';

/** The Tools area, beside the journey: inspect a file; make per-user sub-proxies (portal operators). */
export function ToolsPage() {
  return (
    <section aria-labelledby="tools-title" data-testid="tools-page">
      <Typography id="tools-title" variant="h5" component="h2" gutterBottom>Tools</Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 780 }}>
        For checking credentials you already have, and for portal operators who hold a robot certificate.
      </Typography>
      <Stack spacing={3}>
        <InspectPanel />
        <PuspPanel />
      </Stack>
    </section>
  );
}
