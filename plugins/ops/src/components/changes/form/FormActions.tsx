import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormHelperText from '@material-ui/core/FormHelperText';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import { ChangeCategory } from '@opsportal/plugin-ops-common';

const useStyles = makeStyles(theme => ({
  buttons: {
    display: 'flex',
    gap: theme.spacing(2),
    marginTop: theme.spacing(3),
    flexWrap: 'wrap',
  },
}));

/** The primary button's action and label per category, when creating. */
export const primaryActions = {
  standard: { action: 'submit', label: 'Submit (pre-approved)' },
  normal: { action: 'submit', label: 'Submit for approval' },
  emergency: { action: 'start', label: 'Start emergency change now' },
} as const;

/**
 * What went wrong with the last send, what the primary button does, and the
 * buttons: submit or start (the form's submit) and save as draft when
 * creating, save changes when editing; cancel.
 */
export function FormActions(props: {
  mode: 'create' | 'edit';
  category: ChangeCategory;
  sending: boolean;
  sendError?: string;
  onSaveDraft: () => void;
  onCancel: () => void;
}) {
  const { mode, category, sending } = props;
  const classes = useStyles();
  return (
    <>
      {props.sendError && (
        <Box mt={2}>
          <Alert severity="error" role="alert">
            {props.sendError}
          </Alert>
        </Box>
      )}
      <FormHelperText>
        {category === 'normal' &&
          'Submitting sends the change to the approvers (SRE and DevOps).'}
        {category === 'emergency' &&
          'Starting records the change as in progress now; a post-implementation review follows.'}
      </FormHelperText>
      <div className={classes.buttons}>
        {mode === 'create' ? (
          <>
            <Button
              type="submit"
              variant="contained"
              color={category === 'emergency' ? 'secondary' : 'primary'}
              disabled={sending}
            >
              {primaryActions[category].label}
            </Button>
            <Button
              variant="outlined"
              disabled={sending}
              onClick={props.onSaveDraft}
            >
              Save as draft
            </Button>
          </>
        ) : (
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={sending}
          >
            Save changes
          </Button>
        )}
        <Button disabled={sending} onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </>
  );
}
