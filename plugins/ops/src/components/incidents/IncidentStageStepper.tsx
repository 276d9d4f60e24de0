import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import {
  IncidentStage,
  IncidentStageStep,
  incidentStageLabels,
  incidentStages,
} from '@opsportal/plugin-ops-common';
import { formatWhen } from '../oncall/helpers';

/**
 * The six stages of the incident process, reached ones with their time and
 * the rule that reached them. The stepper reads as a list: each step says
 * whether it was reached, and the current one carries aria-current.
 */
export function IncidentStageStepper(props: {
  stage: IncidentStage;
  stages: IncidentStageStep[];
}) {
  const byStage = new Map(props.stages.map(s => [s.stage, s]));
  const current = incidentStages.indexOf(props.stage);
  return (
    <Stepper
      activeStep={current}
      alternativeLabel
      role="list"
      aria-label="Incident stages"
      style={{ padding: 0 }}
    >
      {incidentStages.map((stage, i) => {
        const step = byStage.get(stage);
        const reached = step?.reached ?? i <= current;
        const isCurrent = i === current;
        return (
          <Step
            key={stage}
            role="listitem"
            completed={reached && !isCurrent}
            active={isCurrent}
            aria-current={isCurrent ? 'step' : undefined}
          >
            <StepLabel
              optional={
                <Typography variant="caption" component="span" display="block">
                  {reached && step?.at ? (
                    <time dateTime={step.at}>{formatWhen(step.at)}</time>
                  ) : (
                    <span>{reached ? 'reached' : 'not reached'}</span>
                  )}
                  {reached && step?.reason && (
                    <span style={{ display: 'block' }}>{step.reason}</span>
                  )}
                </Typography>
              }
            >
              {incidentStageLabels[stage]}
            </StepLabel>
          </Step>
        );
      })}
    </Stepper>
  );
}
