import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import {
  ActionItemStatus,
  PostIncidentReview,
} from '@opsportal/plugin-ops-common';
import { actionItemStatusLabels, reviewStatusLabels } from './helpers';

const useStyles = makeStyles(theme => ({
  overdue: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  completed: {
    backgroundColor: theme.palette.success.light,
    color: theme.palette.getContrastText(theme.palette.success.light),
  },
  late: {
    borderColor: theme.palette.warning.dark,
    color: theme.palette.warning.dark,
  },
}));

/** "Overdue" in red: the word carries the meaning, the colour repeats it. */
export function OverdueChip() {
  const classes = useStyles();
  return <Chip size="small" label="Overdue" className={classes.overdue} />;
}

/** A review's status, with "Overdue" or "Completed late" beside it. */
export function ReviewStatusChips(props: { review: PostIncidentReview }) {
  const { review } = props;
  const classes = useStyles();
  return (
    <>
      <Chip
        size="small"
        label={reviewStatusLabels[review.status]}
        className={review.status === 'completed' ? classes.completed : ''}
      />{' '}
      {review.overdue && <OverdueChip />}
      {review.status === 'completed' && review.completedOnTime === false && (
        <Chip
          size="small"
          variant="outlined"
          label="Completed late"
          className={classes.late}
        />
      )}
    </>
  );
}

/** An action item's status as a small chip. */
export function ActionItemStatusChip(props: { status: ActionItemStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant={props.status === 'done' ? 'default' : 'outlined'}
      label={actionItemStatusLabels[props.status]}
      className={props.status === 'done' ? classes.completed : undefined}
    />
  );
}
