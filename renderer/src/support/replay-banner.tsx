import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import Alert from '@mui/material/Alert';
import ReplayIcon from '@mui/icons-material/Replay';
import type { OnboardApi, SupportReplayView } from '../../../shared/contract';

/**
 * When this app is a help-desk replay of a user's support bundle, a banner under the app bar says
 * so on every screen, so nobody takes it for a real journey. Rendered into the app bar (`header`)
 * that holds `anchor`, so it sits in the page's banner landmark.
 */
export function ReplayBanner({ api, anchor }: { api: OnboardApi; anchor: HTMLElement | null }) {
  const [replay, setReplay] = useState<SupportReplayView | null>(null);
  const [host, setHost] = useState<HTMLElement | null>(null);

  useEffect(() => {
    api.supportReplayInfo({}).then(setReplay, () => setReplay(null));
  }, [api]);

  useEffect(() => {
    const header = anchor?.closest('header');
    if (!replay || !header) return;
    const div = document.createElement('div');
    header.appendChild(div);
    setHost(div);
    return () => {
      div.remove();
      setHost(null);
    };
  }, [replay, anchor]);

  if (!replay || !host) return null;
  return createPortal(
    <Alert severity="warning" icon={<ReplayIcon fontSize="inherit" />} data-testid="replay-banner" sx={{ borderRadius: 0 }}>
      <strong>Replay of {replay.bundleFile} — sandbox.</strong> A help-desk replay of a user’s steps (their OSG Onboard{' '}
      {replay.userAppVersion}, {replay.userEnvironment}); nothing here is their real credential.
      {replay.userVo && replay.userVo !== 'sandbox' &&
        ` Their VO is ${replay.userVo}: its real services are contacted only if you type their address — choose the sandbox VO to walk the steps against the sandbox.`}
      {replay.ignored.length > 0 && ` Not replayed: ${replay.ignored.join('; ')}.`}
    </Alert>,
    host,
  );
}
