import { useEffect, useMemo, useState } from 'react';
import { ThemeProvider } from '@mui/material/styles';
import CssBaseline from '@mui/material/CssBaseline';
import useMediaQuery from '@mui/material/useMediaQuery';
import AppBar from '@mui/material/AppBar';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import Chip from '@mui/material/Chip';
import Container from '@mui/material/Container';
import Paper from '@mui/material/Paper';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import CircularProgress from '@mui/material/CircularProgress';
import Box from '@mui/material/Box';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import ToggleButton from '@mui/material/ToggleButton';
import LightModeIcon from '@mui/icons-material/LightMode';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import SettingsBrightnessIcon from '@mui/icons-material/SettingsBrightness';
import { connect } from './api/client';
import { ApiContext } from './api/context';
import { makeTheme, loadThemeChoice, saveThemeChoice, type ThemeChoice } from './theme/theme';
import { Wizard } from './wizard';
import Tabs from '@mui/material/Tabs';
import Tab from '@mui/material/Tab';
import { ToolsPage } from './tools/tools-page';
import type { AppInfo } from '../../shared/contract';
import { ErrorAlert } from './components/error-alert';
import { GetHelp } from './support/get-help';

export function App() {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [choice, setChoice] = useState<ThemeChoice>(loadThemeChoice);
  const mode = choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
  const theme = useMemo(() => makeTheme(mode), [mode]);
  const connection = useMemo(connect, []);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [area, setArea] = useState<'journey' | 'tools'>('journey');

  useEffect(() => {
    if (connection.api) connection.api.appInfo({}).then(setInfo, setError);
  }, [connection]);

  const onTheme = (_: unknown, v: ThemeChoice | null) => {
    if (!v) return;
    setChoice(v);
    saveThemeChoice(v);
  };

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="static" color="primary" enableColorOnDark>
        <Toolbar sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1 }}>
            OSG Onboard
          </Typography>
          {info && (
            <Chip
              data-testid="environment"
              label={info.environment === 'sandbox' ? 'Sandbox — nothing leaves this computer' : 'Production'}
              color={info.environment === 'sandbox' ? 'warning' : 'default'}
              sx={{ fontWeight: 600 }}
            />
          )}
          {connection.api && <GetHelp api={connection.api} />}
          <ToggleButtonGroup size="small" exclusive value={choice} onChange={onTheme} aria-label="Colour theme"
            sx={{ bgcolor: 'background.paper', borderRadius: 2 }}>
            <ToggleButton value="light" aria-label="Light theme"><LightModeIcon fontSize="small" /></ToggleButton>
            <ToggleButton value="system" aria-label="Theme of the system"><SettingsBrightnessIcon fontSize="small" /></ToggleButton>
            <ToggleButton value="dark" aria-label="Dark theme"><DarkModeIcon fontSize="small" /></ToggleButton>
          </ToggleButtonGroup>
        </Toolbar>
      </AppBar>
      <Container component="main" maxWidth="lg" sx={{ py: 3 }}>
        {!connection.api ? (
          <Alert severity="warning" role="alert">
            <AlertTitle>This page needs the address OSG Onboard printed</AlertTitle>
            Browser mode only answers pages opened with its one-time address (it ends in <code>#token=…</code>). Open
            the address printed by <code>npm start</code> or <code>npm run web</code>.
          </Alert>
        ) : error ? (
          <ErrorAlert error={error} />
        ) : !info ? (
          <Box sx={{ display: 'flex', justifyContent: 'center', p: 6 }} aria-busy="true">
            <CircularProgress aria-label="Loading" />
          </Box>
        ) : (
          <ApiContext.Provider value={connection.api}>
            <Tabs value={area} onChange={(_, v: 'journey' | 'tools') => setArea(v)} aria-label="Areas" sx={{ mb: 2 }}>
              <Tab value="journey" label="Journey" id="area-journey" aria-controls="panel-journey" data-testid="area-journey" />
              <Tab value="tools" label="Tools" id="area-tools" aria-controls="panel-tools" data-testid="area-tools" />
            </Tabs>
            <Paper sx={{ p: { xs: 2, md: 3 } }} role="tabpanel" id="panel-journey" aria-labelledby="area-journey" hidden={area !== 'journey'}>
              <Wizard info={info} />
            </Paper>
            <Paper sx={{ p: { xs: 2, md: 3 } }} role="tabpanel" id="panel-tools" aria-labelledby="area-tools" hidden={area !== 'tools'}>
              <ToolsPage />
            </Paper>
          </ApiContext.Provider>
        )}
      </Container>
    </ThemeProvider>
  );
}
