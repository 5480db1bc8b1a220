import { useCallback, useEffect, useState, type ReactNode } from 'react';
import Stepper from '@mui/material/Stepper';
import Step from '@mui/material/Step';
import StepButton from '@mui/material/StepButton';
import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import useMediaQuery from '@mui/material/useMediaQuery';
import { STEPS, type StepId } from '../../shared/steps';
import type { AppInfo, VoChoice } from '../../shared/contract';
import { useApi } from './api/context';
import { ChooseVoStep } from './steps/choose-vo/choose-vo-step';
import { StepUnavailable } from './components/step-unavailable';

/** The journey as a stepper; each step's screen comes from steps/<step>/. */
export function Wizard({ info }: { info: AppInfo }) {
  const api = useApi();
  const narrow = useMediaQuery('(max-width: 900px)');
  const [active, setActive] = useState<StepId>('chooseVo');
  const [vo, setVo] = useState<VoChoice | null>(null);
  const availability = new Map(info.steps.map((s) => [s.id, s]));

  useEffect(() => {
    api.voCurrent({}).then(setVo, () => setVo(null));
  }, [api]);

  const done = useCallback((id: StepId) => (id === 'chooseVo' ? vo !== null : false), [vo]);
  const index = STEPS.findIndex((s) => s.id === active);

  let screen: ReactNode;
  const step = STEPS[index];
  if (!availability.get(step.id)?.available) {
    screen = <StepUnavailable label={step.label} reason={availability.get(step.id)?.reason} />;
  } else if (step.id === 'chooseVo') {
    screen = (
      <ChooseVoStep
        current={vo}
        onChosen={(c) => {
          setVo(c);
          setActive('protect');
        }}
      />
    );
  }

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
          const a = availability.get(s.id);
          const caption = !a?.available ? (
            <Typography variant="caption" color="text.secondary">Not available yet</Typography>
          ) : s.id === 'chooseVo' && vo ? (
            <Typography variant="caption" color="text.secondary" data-testid="chosen-vo-caption">{vo.vo.name}</Typography>
          ) : undefined;
          return (
            <Step key={s.id} completed={done(s.id)} disabled={false}>
              <StepButton onClick={() => setActive(s.id)} optional={caption} data-testid={`step-${s.id}`}
                aria-current={s.id === active ? 'step' : undefined}>
                {s.label}
              </StepButton>
            </Step>
          );
        })}
      </Stepper>
      <Box data-testid={`screen-${step.id}`}>{screen}</Box>
    </>
  );
}
