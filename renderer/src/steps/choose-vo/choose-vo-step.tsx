import { useEffect, useMemo, useState } from 'react';
import Typography from '@mui/material/Typography';
import TextField from '@mui/material/TextField';
import InputAdornment from '@mui/material/InputAdornment';
import SearchIcon from '@mui/icons-material/Search';
import AddIcon from '@mui/icons-material/Add';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import type { VoEntry } from '../../../../shared/vo';
import type { StepProps } from '../index';
import { useApi } from '../../api/context';
import { ErrorAlert } from '../../components/error-alert';
import { CustomVoDialog } from './custom-vo-dialog';
import { VoDetails } from './vo-details';
import { registrationLabel } from './labels';

/**
 * Step 1 of seed 000: "You first need to know the VO you should join." A searchable list
 * of the bundled directory (sandbox first), details of the selected VO, and a custom entry.
 */
export function ChooseVoStep({ vo: current, goTo }: StepProps) {
  const api = useApi();
  const [query, setQuery] = useState('');
  const [vos, setVos] = useState<VoEntry[] | null>(null);
  const [selected, setSelected] = useState<string | null>(current?.vo.name ?? null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [customOpen, setCustomOpen] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (current && !selected) setSelected(current.vo.name);
  }, [current, selected]);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api.voList({ query }).then((v) => live && setVos(v), (e) => live && setError(e));
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, query, reload]);

  const chosen = useMemo(() => vos?.find((v) => v.name === selected) ?? (current?.vo.name === selected ? current?.vo : undefined), [vos, selected, current]);

  const choose = async () => {
    if (!selected) return;
    setBusy(true);
    setError(null);
    try {
      await api.voChoose({ name: selected });
      goTo('protect');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="step-title">
      <Typography id="step-title" variant="h5" component="h2" gutterBottom>
        Choose your Virtual Organization
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2, maxWidth: 760 }}>
        A Virtual Organization (VO) is the science collaboration that vouches for you on the grid. Your VO tells you
        who your sponsor is, where to register, and which submit host to use. Not sure? Ask your group leader, or try
        the sandbox to practise the whole journey on this computer.
      </Typography>
      {current && (
        <Alert severity="success" sx={{ mb: 2 }} data-testid="current-vo">
          Your VO: <strong>{current.vo.displayName}</strong> ({current.vo.name}), chosen{' '}
          {new Date(current.chosenAt).toLocaleString()}.
        </Alert>
      )}
      {error !== null && (
        <Box sx={{ mb: 2 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={3} sx={{ alignItems: 'stretch' }}>
        <Box sx={{ flex: '1 1 45%', minWidth: 0 }}>
          <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
            <TextField
              fullWidth
              size="small"
              label="Search VOs"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              slotProps={{
                input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" /></InputAdornment> },
                htmlInput: { 'data-testid': 'vo-search' },
              }}
            />
            <Button variant="outlined" startIcon={<AddIcon />} onClick={() => setCustomOpen(true)} sx={{ whiteSpace: 'nowrap', flexShrink: 0, px: 2 }}>
              Custom VO
            </Button>
          </Stack>
          {vos === null ? (
            <Stack spacing={1} aria-busy="true">
              {[0, 1, 2].map((i) => <Skeleton key={i} variant="rounded" height={56} />)}
            </Stack>
          ) : vos.length === 0 ? (
            <Alert severity="info" data-testid="vo-empty">
              No VO matches “{query}”. Check the spelling, or add your VO with “Custom VO”.
            </Alert>
          ) : (
            <List component="div" role="group" aria-label="Virtual Organizations" data-testid="vo-list" sx={{ maxHeight: 460, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 2, py: 0 }}>
              {vos.map((v) => (
                <ListItemButton
                  key={v.name}
                  selected={v.name === selected}
                  onClick={() => setSelected(v.name)}
                  data-testid={`vo-${v.name}`}
                  aria-pressed={v.name === selected}
                  divider
                >
                  <ListItemText
                    primary={
                      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} component="span">
                        <span>{v.displayName}</span>
                        {v.sandbox && <Chip size="small" label="sandbox" color="warning" component="span" />}
                        {v.custom && <Chip size="small" label="custom" component="span" />}
                      </Stack>
                    }
                    secondary={`${v.name} · ${registrationLabel(v.registration.kind)}`}
                  />
                </ListItemButton>
              ))}
            </List>
          )}
        </Box>
        <Box sx={{ flex: '1 1 55%', minWidth: 0 }}>
          {chosen ? (
            <VoDetails vo={chosen} />
          ) : (
            <Alert severity="info">Select a VO in the list to see its sponsor, registration server and submit hosts.</Alert>
          )}
        </Box>
      </Stack>
      <Stack direction="row" sx={{ mt: 3, justifyContent: 'flex-end' }}>
        <Button variant="contained" size="large" disabled={!selected || busy} onClick={choose} data-testid="choose-vo">
          {current?.vo.name === selected ? 'Keep this VO and continue' : 'Choose this VO and continue'}
        </Button>
      </Stack>
      <CustomVoDialog
        open={customOpen}
        onClose={() => setCustomOpen(false)}
        onAdded={(vo) => {
          setCustomOpen(false);
          setQuery('');
          setSelected(vo.name);
          setReload((n) => n + 1);
        }}
      />
    </section>
  );
}
