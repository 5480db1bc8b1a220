import { useId } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Chip from '@mui/material/Chip';
import Box from '@mui/material/Box';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import type { VerificationView } from '../../../../shared/contract';
import { mono } from '../../components/certificate-facts';

const ROLE_WORDS: Record<VerificationView['path'][number]['role'], string> = {
  proxy: 'proxy',
  eec: 'your certificate',
  ca: 'CA',
  anchor: 'trusted CA',
};

/** The last CN of a slash-form DN, for a compact chain picture. */
function shortName(dn: string): string {
  const m = /\/CN=([^/]*)$/.exec(dn);
  return m ? m[1] : dn;
}

/**
 * The verifier's answer: the chain as a picture (proxy → your certificate → trusted CA), valid or
 * not with the reasons, and the identity a grid service would grant (EGI rules for PUSPs).
 */
export function VerificationCard({ v, testId, title = 'Verification' }: { v: VerificationView; testId: string; title?: string }) {
  const headingId = useId();
  return (
    <Card data-testid={testId} data-valid={v.valid} component="section" aria-labelledby={headingId}>
      <CardContent>
        <Typography id={headingId} variant="h6" component="h3" sx={{ mb: 1.5 }}>{title}</Typography>
        {v.valid ? (
          <Alert severity="success" icon={<VerifiedUserIcon />} data-testid="verify-valid">
            <AlertTitle>Valid: every signature checks out up to a trusted CA</AlertTitle>
            Checked against the CA certificates in <Box component="span" sx={mono}>{v.trustDir}</Box>, with the RFC 3820 proxy rules.
          </Alert>
        ) : (
          <Alert severity="error" data-testid="verify-invalid">
            <AlertTitle>Not valid</AlertTitle>
            <Box component="ul" sx={{ m: 0, pl: 2.5 }} data-testid="verify-errors">
              {v.errors.map((e, i) => (
                <li key={i} data-code={e.code}>{e.message}</li>
              ))}
            </Box>
            <Typography variant="body2" sx={{ mt: 1 }}>Trusted CA folder: <Box component="span" sx={mono}>{v.trustDir}</Box></Typography>
          </Alert>
        )}
        {v.path.length > 0 && (
          <Stack component="ol" direction="row" aria-label="Certificate chain, from the file’s first certificate to the trusted CA"
            sx={{ listStyle: 'none', p: 0, my: 2, flexWrap: 'wrap', alignItems: 'center', rowGap: 1 }} data-testid="verify-path">
            {v.path.map((p, i) => (
              <Stack component="li" key={i} direction="row" spacing={0.5} sx={{ alignItems: 'center', mr: 0.5 }}>
                {i > 0 && <ArrowForwardIcon fontSize="small" aria-hidden sx={{ color: 'text.secondary' }} />}
                <Chip size="small" variant={p.role === 'anchor' ? 'filled' : 'outlined'} color={p.role === 'proxy' ? 'primary' : p.role === 'eec' ? 'secondary' : 'default'}
                  label={`${ROLE_WORDS[p.role]}${p.proxyPolicy ? ` (${p.proxyPolicy})` : ''}: ${shortName(p.subject)}`} title={p.subject} />
              </Stack>
            ))}
          </Stack>
        )}
        {v.identity && (
          <Box sx={{ mt: 1 }}>
            <Typography variant="body2" color="text.secondary" sx={{ fontWeight: 600 }}>Identity a grid service grants</Typography>
            <Typography variant="body2" sx={{ ...mono, wordBreak: 'break-all' }} data-testid="verify-identity">{v.identity}</Typography>
          </Box>
        )}
        {v.identityReasons.length > 0 && (
          <Box component="ul" sx={{ mt: 1, mb: 0, pl: 2.5 }} data-testid="verify-identity-reasons">
            {v.identityReasons.map((r, i) => (
              <Typography component="li" variant="body2" key={i}>{r.message}</Typography>
            ))}
          </Box>
        )}
        {v.warnings.length > 0 && (
          <Alert severity="warning" sx={{ mt: 1.5 }} data-testid="verify-warnings">
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {v.warnings.map((w, i) => <li key={i}>{w.message}</li>)}
            </Box>
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
