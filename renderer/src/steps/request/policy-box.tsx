import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Typography from '@mui/material/Typography';
import type { RequestPreview } from '../../../../shared/contract';

/** The subscriber agreement, scrollable (and focusable, so keyboard users can scroll it), then "I AGREE". */
export function PolicyBox({ policy, agreed, onAgree }: { policy: RequestPreview['policy']; agreed: boolean; onAgree: (v: boolean) => void }) {
  return (
    <Box sx={{ mt: 3 }}>
      <Typography id="policy-title" variant="h6" component="h3" gutterBottom>
        {policy.title}
      </Typography>
      <Box
        tabIndex={0}
        role="region"
        aria-labelledby="policy-title"
        data-testid="policy-text"
        sx={{ maxHeight: 220, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 2, p: 2, bgcolor: 'action.hover' }}
      >
        {policy.paragraphs.map((p, i) => (
          <Typography key={i} variant="body2" sx={{ mb: 1 }}>
            {p}
          </Typography>
        ))}
        <Typography variant="caption" color="text.secondary">
          Version {policy.version}
        </Typography>
      </Box>
      <FormControlLabel
        sx={{ mt: 1 }}
        control={<Checkbox checked={agreed} onChange={(e) => onAgree(e.target.checked)} slotProps={{ input: { 'data-testid': 'policy-agree' } as object }} />}
        label={<strong>I AGREE</strong>}
      />
    </Box>
  );
}
