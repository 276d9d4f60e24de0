import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import { CONFLICT_MESSAGE, RequestFailure } from './helpers';

/**
 * What went wrong with a save, next to the form: a 409 asks to reload
 * (the form keeps what the user typed), anything else shows the server's
 * message (a 400 names the field at fault).
 */
export function SaveFailure(props: {
  failure?: RequestFailure;
  onReload: () => void;
}) {
  const { failure } = props;
  if (!failure) return null;
  if (failure.status === 409) {
    return (
      <Box my={2}>
        <Alert
          severity="warning"
          role="alert"
          action={
            <Button color="inherit" size="small" onClick={props.onReload}>
              Reload
            </Button>
          }
        >
          {CONFLICT_MESSAGE}
        </Alert>
      </Box>
    );
  }
  return (
    <Box my={2}>
      <Alert severity="error" role="alert">
        {failure.status === 400 || failure.status === 403
          ? `Not saved: ${failure.message}`
          : `Not saved, try again: ${failure.message}`}
      </Alert>
    </Box>
  );
}
