import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Divider from '@mui/material/Divider';
import type { VoEntry } from '../../../../shared/vo';
import { registrationLabel } from './labels';

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={{ xs: 0, sm: 2 }} component="div">
      <Typography component="dt" variant="body2" color="text.secondary" sx={{ minWidth: 150, fontWeight: 600 }}>
        {term}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, wordBreak: 'break-word' }}>
        {children}
      </Typography>
    </Stack>
  );
}

/** What the seed tells the user to find out from their VO, laid out in one place. */
export function VoDetails({ vo }: { vo: VoEntry }) {
  return (
    <Card data-testid="vo-details">
      <CardContent>
        <Typography variant="h6" component="h3">{vo.displayName}</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>{vo.description}</Typography>
        <Stack component="dl" spacing={1} sx={{ m: 0 }}>
          <Row term="VO name">{vo.name}</Row>
          {vo.sponsor && <Row term="Sponsor">{vo.sponsor}</Row>}
          {vo.contact && <Row term="Contact">{vo.contact}</Row>}
          <Row term="Registration">
            {registrationLabel(vo.registration.kind)}
            {!vo.sandbox && (
              <>
                {' at '}
                <Link href={vo.registration.url} target="_blank" rel="noopener noreferrer">{vo.registration.url}</Link>
              </>
            )}
          </Row>
          <Row term="VOMS servers">
            {vo.vomsServers.length === 0
              ? vo.sandbox ? 'the sandbox’s own' : 'none listed'
              : vo.vomsServers.map((s) => `${s.host}:${s.port}`).join(', ')}
          </Row>
          <Row term="Submit hosts">
            {vo.submitHosts.length === 0
              ? vo.sandbox ? 'the sandbox submit host on this computer' : 'ask your VO (none listed)'
              : vo.submitHosts.map((h) => (h.port === 22 ? h.host : `${h.host}:${h.port}`)).join(', ')}
          </Row>
          {vo.groups.length > 0 && <Row term="Groups">{vo.groups.join(', ')}</Row>}
        </Stack>
        {vo.sources.length > 0 && (
          <>
            <Divider sx={{ my: 2 }} />
            <Typography variant="caption" color="text.secondary" component="p">
              Facts from:{' '}
              {vo.sources.map((s, i) => (
                <span key={s.url}>
                  {i > 0 && ', '}
                  <Link href={s.url} target="_blank" rel="noopener noreferrer">{new URL(s.url).hostname}</Link> ({s.retrieved})
                </span>
              ))}
            </Typography>
          </>
        )}
      </CardContent>
    </Card>
  );
}
