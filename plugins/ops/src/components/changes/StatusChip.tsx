import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import {
  ChangeCategory,
  changeLabels,
  ChangeStatus,
} from '@opsportal/plugin-ops-common';
import { statusTone } from './format';

const useStyles = makeStyles(theme => ({
  neutral: {},
  waiting: {
    backgroundColor: theme.palette.warning.light,
    color: theme.palette.getContrastText(theme.palette.warning.light),
  },
  good: {
    backgroundColor: theme.palette.success.light,
    color: theme.palette.getContrastText(theme.palette.success.light),
  },
  active: {
    backgroundColor: theme.palette.info.light,
    color: theme.palette.getContrastText(theme.palette.info.light),
  },
  bad: {
    backgroundColor: theme.palette.error.light,
    color: theme.palette.getContrastText(theme.palette.error.light),
  },
  done: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
  emergency: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.main,
  },
}));

/** A change request's status as a coloured chip with its label. */
export function StatusChip(props: { status: ChangeStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={changeLabels.status[props.status]}
      className={classes[statusTone(props.status)]}
    />
  );
}

/** A change request's category as an outlined chip. */
export function CategoryChip(props: { category: ChangeCategory }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      label={changeLabels.category[props.category]}
      className={props.category === 'emergency' ? classes.emergency : undefined}
    />
  );
}
