import { createTheme, type PaletteMode } from '@mui/material/styles';

export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'osg-onboard-theme';

export function loadThemeChoice(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' || v === 'system' ? v : 'system';
}

export function saveThemeChoice(v: ThemeChoice): void {
  localStorage.setItem(KEY, v);
}

/** OSG-ish blue/orange, contrast checked (axe) in both modes. */
/** People who ask their system for less motion get none (and tests get stable colours to scan). */
function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
}

export function makeTheme(mode: PaletteMode) {
  return createTheme({
    ...(prefersReducedMotion() ? { transitions: { create: () => 'none' } } : {}),
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#1d5fa8' : '#8ab8f0' },
      secondary: { main: mode === 'light' ? '#a8480f' : '#f3a56b' },
      // MUI's default orange fails WCAG AA with white text; these pass (axe-checked).
      // Dark mode: MUI's default error red is 4.46:1 on our dark paper, just under WCAG AA.
      ...(mode === 'dark' ? { error: { main: '#ff6b60' } } : {}),
      warning: mode === 'light' ? { main: '#a3520b', contrastText: '#ffffff' } : { main: '#f3b562', contrastText: '#000000' },
      background: mode === 'light' ? { default: '#f5f7fa', paper: '#ffffff' } : { default: '#0f1419', paper: '#18202a' },
    },
    shape: { borderRadius: 10 },
    typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif' },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiCard: { defaultProps: { variant: 'outlined' } },
    },
  });
}
