import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { OnboardApiError } from '../../../shared/contract/client';

/** Shows a failed call the way the error table words it: what went wrong, then what to do. */
export function ErrorAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const e = error instanceof OnboardApiError ? error : null;
  return (
    <Alert severity="error" onClose={onClose} data-error-code={e?.code ?? 'UNKNOWN'} role="alert">
      <AlertTitle>{e ? e.message : 'Something went wrong.'}</AlertTitle>
      {e ? e.hint : String((error as Error)?.message ?? error)}
    </Alert>
  );
}
