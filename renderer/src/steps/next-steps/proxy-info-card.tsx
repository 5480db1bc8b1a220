import { useId, useState } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import Chip from '@mui/material/Chip';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import TimerIcon from '@mui/icons-material/Timer';
import type { ProxyInfoView } from '../../../../shared/contract';
import { Facts, mono } from '../../components/certificate-facts';
import { formatTimeleft, formatWhen, useNow } from '../../components/use-now';

/** Time left, ticking: green with hours left, orange under an hour, red when expired. */
function Timeleft({ notAfter, testId }: { notAfter: string; testId?: string }) {
  const now = useNow(1000);
  const left = Math.max(0, Math.floor((new Date(notAfter).getTime() - now) / 1000));
  const color = left === 0 ? 'error' : left < 3600 ? 'warning' : 'success';
  return (
    <Chip
      size="small"
      icon={<TimerIcon />}
      color={color}
      variant="outlined"
      data-testid={testId}
      data-seconds={left}
      label={left === 0 ? 'expired' : `${formatTimeleft(left)} left`}
      sx={{ fontFamily: mono.fontFamily, fontWeight: 600 }}
    />
  );
}

/**
 * What `voms-proxy-info --all` prints, as a card people can read: who it says you are, what kind
 * of proxy it is, how long it lasts (counting down), and the VO block when there is one. The
 * switch shows the same as the text the tool prints.
 */
export function ProxyInfoCard({ info, title, testId }: { info: ProxyInfoView; title: string; testId: string }) {
  const [asText, setAsText] = useState(false);
  const headingId = useId();
  return (
    <Card data-testid={testId} component="section" aria-labelledby={headingId}>
      <CardContent>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'center' }, mb: 1.5 }}>
          <Typography id={headingId} variant="h6" component="h3" sx={{ flexGrow: 1 }}>{title}</Typography>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Chip size="small" label={info.isProxy ? (info.limited ? 'limited proxy' : 'proxy') : info.type} color={info.isProxy ? 'primary' : 'default'} />
            {info.puspLabel && <Chip size="small" label={`PUSP ${info.puspLabel}`} color="secondary" data-testid="info-pusp" />}
            <Timeleft notAfter={info.notAfter} testId="info-timeleft" />
          </Stack>
        </Stack>
        <FormControlLabel
          control={<Switch checked={asText} onChange={(e) => setAsText(e.target.checked)} slotProps={{ input: { 'data-testid': 'show-as-text' } as Record<string, string> }} />}
          label="Show as text (what voms-proxy-info --all prints)"
          sx={{ mb: 1 }}
        />
        {asText ? (
          <Box component="pre" data-testid="info-text" tabIndex={0} aria-label="voms-proxy-info --all output"
            sx={{ ...mono, m: 0, p: 1.5, borderRadius: 1, bgcolor: 'action.hover', whiteSpace: 'pre-wrap', wordBreak: 'break-all', overflowX: 'auto' }}>
            {info.text}
          </Box>
        ) : (
          <>
            <Facts
              dense
              label="Proxy details"
              facts={[
                { term: 'identity', value: info.identity, code: true, testId: 'info-identity' },
                { term: 'subject', value: info.subject, code: true, testId: 'info-subject' },
                { term: 'issuer', value: info.issuer, code: true, testId: 'info-issuer' },
                { term: 'type', value: info.type, testId: 'info-type' },
                { term: 'strength', value: `${info.strength} bits`, testId: 'info-strength' },
                ...(info.path ? [{ term: 'path', value: info.path, code: true, testId: 'info-path' }] : []),
                { term: 'valid', value: `${formatWhen(info.notBefore)} – ${formatWhen(info.notAfter)}`, testId: 'info-validity' },
                { term: 'key usage', value: info.keyUsage.length ? info.keyUsage.join(', ') : '(none listed)', testId: 'info-keyusage' },
                { term: 'chain', value: `${info.chainLength} certificate${info.chainLength === 1 ? '' : 's'} in the file${info.hasPrivateKey ? ', and the proxy’s private key' : ''}`, testId: 'info-chain' },
              ]}
            />
            {info.vo.map((v, i) => (
              <Box key={i} data-testid="info-vo" sx={{ mt: 2 }}>
                <Divider sx={{ mb: 1.5 }} />
                <Typography variant="subtitle2" component="h4" sx={{ mb: 1 }}>VO {v.vo || '(unnamed)'}: membership attributes</Typography>
                <Facts
                  dense
                  label={`VO ${v.vo} extension`}
                  facts={[
                    { term: 'VO', value: v.vo },
                    { term: 'subject', value: v.subject, code: true },
                    { term: 'issuer', value: v.issuer, code: true },
                    { term: 'attributes', value: v.attributes.length ? v.attributes.map((a) => <Box component="span" key={a} sx={{ display: 'block' }}>{a}</Box>) : '(none)', code: true },
                    { term: 'timeleft', value: <Timeleft notAfter={v.notAfter} /> },
                    { term: 'uri', value: v.uri, code: true },
                  ]}
                />
              </Box>
            ))}
          </>
        )}
      </CardContent>
    </Card>
  );
}
