import TextField from '@material-ui/core/TextField';
import { sentence } from './state';

/**
 * A text field of the change form (id `change-<field>`): its error, as a
 * sentence with the label, takes the place of the helper text.
 */
export function FormTextField(props: {
  field: string;
  label: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  required?: boolean;
  multiline?: boolean;
  helper?: string;
}) {
  return (
    <TextField
      id={`change-${props.field}`}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      onBlur={props.onBlur}
      required={props.required}
      multiline={props.multiline}
      minRows={props.multiline ? 3 : undefined}
      fullWidth
      variant="outlined"
      margin="normal"
      error={Boolean(props.error)}
      helperText={
        props.error ? sentence(props.label, props.error) : props.helper
      }
    />
  );
}
