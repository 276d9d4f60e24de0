import TextField from '@material-ui/core/TextField';
import { FormTextField } from './FormTextField';
import { SectionProps, sentence } from './state';

type PlanField =
  | 'description'
  | 'implementationPlan'
  | 'rollbackPlan'
  | 'testPlan';

const plans: { field: PlanField; label: string; helper: string }[] = [
  {
    field: 'implementationPlan',
    label: 'Implementation plan',
    helper: 'The steps, in order.',
  },
  {
    field: 'rollbackPlan',
    label: 'Rollback plan',
    helper: 'How to undo the change if it goes wrong.',
  },
  {
    field: 'testPlan',
    label: 'Test plan',
    helper: 'How you will know the change worked.',
  },
];

/**
 * The justification (when the policy asks for one or one was given), the
 * description, and the implementation, rollback and test plans (required
 * for a normal change).
 */
export function PlansSection(
  props: SectionProps<PlanField | 'justification'> & {
    /** Whether the policy's findings need a justification. */
    needsJustification: boolean;
  },
) {
  const { values, errors, onChange, onBlur, needsJustification } = props;
  const planRequired = values.category === 'normal';
  let justificationHelp: string | undefined;
  if (errors.justification) {
    justificationHelp = sentence('Justification', errors.justification);
  } else if (needsJustification) {
    justificationHelp =
      'Why this change cannot wait for a maintenance window or due notice.';
  }
  const text = (field: PlanField, label: string) => ({
    field,
    label,
    value: values[field],
    error: errors[field],
    onChange: (value: string) => onChange(field, value),
    onBlur: () => onBlur(field),
    multiline: true,
  });

  return (
    <>
      {values.category !== 'emergency' &&
        (needsJustification || values.justification) && (
          <TextField
            id="change-justification"
            label="Justification"
            value={values.justification}
            onChange={e => onChange('justification', e.target.value)}
            onBlur={() => onBlur('justification')}
            required={needsJustification}
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
            margin="normal"
            error={Boolean(errors.justification)}
            helperText={justificationHelp}
          />
        )}

      <FormTextField {...text('description', 'Description')} />
      {plans.map(p => (
        <FormTextField
          key={p.field}
          {...text(p.field, p.label)}
          required={planRequired}
          helper={p.helper}
        />
      ))}
    </>
  );
}
