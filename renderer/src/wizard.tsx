import { useCallback, useEffect, useRef, useState } from 'react';
import Stepper from '@mui/material/Stepper';
import Step from '@mui/material/Step';
import StepButton from '@mui/material/StepButton';
import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import useMediaQuery from '@mui/material/useMediaQuery';
import { STEPS, type StepId } from '../../shared/steps';
import type { AppInfo, VoChoice } from '../../shared/contract';
import { useApi } from './api/context';
import { useJournalRefresh } from './api/use-journal-refresh';
import { stepScreens } from './steps';
import { StepUnavailable } from './components/step-unavailable';

/**
 * The first step that is neither done nor unavailable: where a returning user lands. With
 * every step done, that is Next steps (make a proxy), not the start of the journey.
 */
export function firstOpenStep(info: AppInfo): StepId {
  const open = STEPS.find((s) => info.progress[s.id]?.status !== 'done' && info.steps.find((a) => a.id === s.id)?.available);
  return open?.id ?? STEPS[STEPS.length - 1].id;
}

/** The journey as a stepper; each step's screen comes from steps/<step>/. */
export function Wizard({ info: initial }: { info: AppInfo }) {
  const api = useApi();
  const narrow = useMediaQuery('(max-width: 900px)');
  const [info, setInfo] = useState<AppInfo>(initial);
  const [active, setActive] = useState<StepId>(() => firstOpenStep(initial));
  const [vo, setVo] = useState<VoChoice | null>(null);

  const refresh = useCallback(() => {
    api.appInfo({}).then(setInfo, () => {});
    api.voCurrent({}).then(setVo, () => setVo(null));
  }, [api]);

  useJournalRefresh(refresh);

  // Moving to another step puts keyboard focus on its title (not on <body>), so keyboard and
  // screen-reader users continue from the new step; not on first load (the app bar comes first).
  const screenRef = useRef<HTMLDivElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const title = screenRef.current?.querySelector<HTMLElement>('#step-title');
      if (!title) return;
      if (!title.hasAttribute('tabindex')) title.setAttribute('tabindex', '-1');
      title.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [active]);

  const goTo = useCallback((id: StepId) => {
    refresh();
    setActive(id);
  }, [refresh]);

  const index = STEPS.findIndex((s) => s.id === active);
  const step = STEPS[index];
  const availability = info.steps.find((s) => s.id === step.id);
  const Screen = availability?.available ? stepScreens[step.id] : undefined;

  return (
    <>
      <Stepper
        nonLinear
        activeStep={index}
        orientation={narrow ? 'vertical' : 'horizontal'}
        alternativeLabel={!narrow}
        aria-label="Steps to a grid credential"
        sx={{ mb: 3 }}
      >
        {STEPS.map((s) => {
          const a = info.steps.find((x) => x.id === s.id);
          const p = info.progress[s.id];
          const caption = !a?.available ? (
            <Typography variant="caption" color="text.secondary">Not available yet</Typography>
          ) : p?.summary ? (
            <Typography variant="caption" color="text.secondary" data-testid={s.id === 'chooseVo' ? 'chosen-vo-caption' : `caption-${s.id}`}
              sx={{ display: 'block', maxWidth: 150, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', mx: 'auto' }}>
              {p.summary}
            </Typography>
          ) : undefined;
          return (
            <Step key={s.id} completed={p?.status === 'done'}>
              <StepButton onClick={() => setActive(s.id)} optional={caption} data-testid={`step-${s.id}`}
                aria-current={s.id === active ? 'step' : undefined}>
                {s.label}
              </StepButton>
            </Step>
          );
        })}
      </Stepper>
      <Box data-testid={`screen-${step.id}`} ref={screenRef}>
        {Screen ? <Screen info={info} vo={vo} goTo={goTo} /> : <StepUnavailable label={step.label} reason={availability?.reason} />}
      </Box>
    </>
  );
}
