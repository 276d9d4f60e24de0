import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  changeCategories,
  ChangeCategory,
  changeCategoryGuidance,
  changeLabels,
  ChangePolicy,
} from '@opsportal/plugin-ops-common';
import { SectionProps, sentence } from './state';

const useStyles = makeStyles(theme => ({
  guidance: {
    margin: theme.spacing(0, 0, 1, 4),
    color: theme.palette.text.secondary,
  },
}));

/**
 * The category, each with the seed's guidance, and for a standard change
 * its pre-approved type.
 */
export function CategorySection(
  props: SectionProps<'category' | 'standardType'> & { policy: ChangePolicy },
) {
  const { values, errors, onChange, onBlur, policy } = props;
  const classes = useStyles();
  return (
    <>
      <FormControl component="fieldset" margin="normal">
        <FormLabel component="legend">Category</FormLabel>
        <RadioGroup
          aria-label="Category"
          name="category"
          value={values.category}
          onChange={e => onChange('category', e.target.value as ChangeCategory)}
        >
          {changeCategories.map(category => {
            const guidance = changeCategoryGuidance[category];
            return (
              <div key={category}>
                <FormControlLabel
                  value={category}
                  control={<Radio />}
                  label={`${changeLabels.category[category]}: ${guidance.summary}`}
                />
                <Typography variant="body2" className={classes.guidance}>
                  For example{' '}
                  {guidance.examples.join(', ').toLocaleLowerCase('en-US')}.{' '}
                  {guidance.process}
                </Typography>
              </div>
            );
          })}
        </RadioGroup>
      </FormControl>

      {values.category === 'standard' && (
        <TextField
          id="change-standardType"
          select
          label="Standard change type"
          value={values.standardType}
          onChange={e => onChange('standardType', e.target.value)}
          onBlur={() => onBlur('standardType')}
          required
          fullWidth
          variant="outlined"
          margin="normal"
          error={Boolean(errors.standardType)}
          helperText={
            errors.standardType
              ? sentence('Standard change type', errors.standardType)
              : policy.standardTypes.find(t => t.id === values.standardType)
                  ?.description ?? 'One of the pre-approved kinds of change.'
          }
        >
          {policy.standardTypes.map(t => (
            <MenuItem key={t.id} value={t.id}>
              {t.title}
            </MenuItem>
          ))}
        </TextField>
      )}
    </>
  );
}
