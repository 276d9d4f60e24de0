import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  changeLabels,
  ChangePolicy,
  changeRisks,
  ChangeRisk,
} from '@opsportal/plugin-ops-common';
import { EntityPicker } from '../EntityPicker';
import { FormTextField } from './FormTextField';
import { SectionProps, sentence } from './state';

/**
 * What changes: the title, the affected catalog entities and the risk (with
 * the approvals a normal change of that risk needs).
 */
export function WhatSection(
  props: SectionProps<'title' | 'entityRefs' | 'risk'> & {
    policy: ChangePolicy;
  },
) {
  const { values, errors, onChange, onBlur, policy } = props;
  const approvals = policy.requiredApprovals[values.risk];
  return (
    <>
      <FormTextField
        field="title"
        label="Title"
        value={values.title}
        error={errors.title}
        onChange={value => onChange('title', value)}
        onBlur={() => onBlur('title')}
        required
      />

      <Box mt={2} mb={1}>
        <EntityPicker
          id="change-entityRefs"
          label="Affected entities"
          value={values.entityRefs}
          onChange={refs => {
            onChange('entityRefs', refs);
            onBlur('entityRefs');
          }}
          onBlur={() => onBlur('entityRefs')}
          required
          error={
            errors.entityRefs &&
            sentence('Affected entities', errors.entityRefs)
          }
          helperText="The services and resources the change touches."
        />
      </Box>

      <TextField
        id="change-risk"
        select
        label="Risk"
        value={values.risk}
        onChange={e => onChange('risk', e.target.value as ChangeRisk)}
        fullWidth
        variant="outlined"
        margin="normal"
        helperText={
          values.category === 'normal'
            ? `Needs ${approvals} approval${
                approvals === 1 ? '' : 's'
              } from someone other than you.`
            : undefined
        }
      >
        {changeRisks.map(r => (
          <MenuItem key={r} value={r}>
            {changeLabels.risk[r]}
          </MenuItem>
        ))}
      </TextField>
    </>
  );
}
