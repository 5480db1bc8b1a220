import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Chip from '@mui/material/Chip';
import Box from '@mui/material/Box';
import type { TrustCaView } from '../../../../shared/contract';
import { CopyButton } from '../../components/copy-button';

const day = (iso: string) => iso.slice(0, 10);

function validity(ca: TrustCaView, now: Date): { label: string; color: 'success' | 'error' | 'warning' } {
  if (new Date(ca.notAfter) < now) return { label: `expired ${day(ca.notAfter)}`, color: 'error' };
  if (new Date(ca.notBefore) > now) return { label: `valid from ${day(ca.notBefore)}`, color: 'warning' };
  return { label: `valid until ${day(ca.notAfter)}`, color: 'success' };
}

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <Box component="div" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '88px 1fr' }, columnGap: 1 }}>
      <Typography component="dt" variant="caption" color="text.secondary" sx={{ fontWeight: 600, pt: '2px' }}>{term}</Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, wordBreak: 'break-word', minWidth: 0 }}>{children}</Typography>
    </Box>
  );
}

/** One CA of the bundle, compact: what the seed asked the user to check before ticking “Trust”. */
export function CaCard({ ca, now = new Date() }: { ca: TrustCaView; now?: Date }) {
  const v = validity(ca, now);
  return (
    <Card data-testid="ca-card" sx={{ height: '100%' }}>
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', rowGap: 0.5 }}>
          <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600, mr: 'auto', lineHeight: 1.3 }}>{ca.name}</Typography>
          <Chip size="small" variant="outlined" label={ca.role === 'root' ? 'root' : 'intermediate'} />
          <Chip size="small" color={v.color} label={v.label} />
        </Stack>
        <Stack component="dl" spacing={0.5} sx={{ m: 0 }}>
          <Row term="Subject">{ca.subject}</Row>
          {!ca.selfSigned && <Row term="Issued by">{ca.issuer}</Row>}
          <Row term="Valid">{day(ca.notBefore)} → {day(ca.notAfter)}</Row>
          <Row term="SHA-256">
            <Box component="span" sx={{ display: 'flex', alignItems: 'flex-start', gap: 0.5 }}>
              <Box component="code" data-testid="ca-fingerprint" sx={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.78rem', wordBreak: 'break-all', flex: 1 }}>
                {ca.sha256}
              </Box>
              <CopyButton variant="icon" text={ca.sha256} what={`the SHA-256 fingerprint of ${ca.name}`} />
            </Box>
          </Row>
          <Row term="Grid file">
            <Box component="code" sx={{ fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: '0.78rem' }}>{ca.subjectHash}.0</Box>
            {ca.hasSigningPolicy && ' + .signing_policy'}
            {ca.hasNamespaces && ' + .namespaces'}
          </Row>
        </Stack>
      </CardContent>
    </Card>
  );
}
