import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { SloAlertState } from '@opsportal/plugin-ops-common';
import { ALERT_LABELS } from './helpers';

const useStyles = makeStyles(theme => ({
  error: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  info: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.common.white,
  },
  success: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
}));

/** The burn-rate alert state as a coloured chip that also reads as text. */
export function AlertChip({ state }: { state: SloAlertState }) {
  const classes = useStyles();
  const { label, severity } = ALERT_LABELS[state];
  return (
    <Chip
      size="small"
      label={label}
      className={classes[severity]}
      aria-label={`Burn-rate alert: ${label}`}
    />
  );
}
