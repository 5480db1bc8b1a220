import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import CancelIcon from '@mui/icons-material/Cancel';
import type { PasswordStrength } from '../../../shared/password-strength';

const COLORS = ['error', 'error', 'warning', 'success', 'success'] as const;

/**
 * The strength of a password as a bar, a word, and the rules with a tick or a cross — so the
 * user sees why a password is weak, not only that it is. `id` names the meter for aria-describedby.
 */
export function PasswordMeter({ id, strength, matches, touched }: { id: string; strength: PasswordStrength; matches?: boolean; touched: boolean }) {
  const value = strength.score === 0 && touched ? 8 : (strength.score / 4) * 100;
  return (
    <Box id={id} data-testid={`${id}`} data-score={strength.score} data-acceptable={strength.acceptable && matches !== false} sx={{ mt: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <LinearProgress
          variant="determinate"
          value={value}
          color={COLORS[strength.score]}
          aria-label={`Password strength: ${strength.label}`}
          sx={{ flex: 1, height: 8, borderRadius: 4 }}
        />
        <Typography variant="body2" sx={{ minWidth: 90, fontWeight: 600 }} aria-live="polite">
          {touched ? strength.label[0].toUpperCase() + strength.label.slice(1) : ' '}
        </Typography>
      </Box>
      <List dense disablePadding aria-label="Password rules">
        {strength.rules.map((r) => (
          <ListItem key={r.id} disableGutters sx={{ py: 0 }}>
            <ListItemIcon sx={{ minWidth: 28 }}>
              {r.ok ? <CheckCircleIcon fontSize="small" color="success" titleAccess="met" /> : <CancelIcon fontSize="small" color={touched ? 'error' : 'disabled'} titleAccess="not met" />}
            </ListItemIcon>
            <ListItemText primary={r.text} slotProps={{ primary: { variant: 'body2' } }} />
          </ListItem>
        ))}
        {matches !== undefined && (
          <ListItem disableGutters sx={{ py: 0 }}>
            <ListItemIcon sx={{ minWidth: 28 }}>
              {matches ? <CheckCircleIcon fontSize="small" color="success" titleAccess="met" /> : <CancelIcon fontSize="small" color={touched ? 'error' : 'disabled'} titleAccess="not met" />}
            </ListItemIcon>
            <ListItemText primary="Both entries are the same" slotProps={{ primary: { variant: 'body2' } }} />
          </ListItem>
        )}
      </List>
      {touched && strength.reasons.length > 0 && (
        <Typography variant="body2" color={strength.acceptable ? 'text.secondary' : 'error'} data-testid={`${id}-why`}>
          {strength.acceptable ? 'Could be stronger: ' : 'Why it is weak: '}
          {strength.reasons.join('; ')}.
        </Typography>
      )}
    </Box>
  );
}
