import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { AlarmReview } from '@opsportal/plugin-ops-common';
import { formatTime, outcomeLabels, refName } from './helpers';

const useStyles = makeStyles(theme => ({
  item: { paddingLeft: 0, paddingRight: 0, alignItems: 'flex-start' },
  chip: { marginRight: theme.spacing(1) },
  name: { fontFamily: 'monospace', fontSize: '0.9rem' },
  note: { whiteSpace: 'pre-wrap' },
}));

/** The alarm reviews of this month, newest first: outcome, alarm, note, who and when. */
export function ReviewsThisMonth(props: {
  reviews: AlarmReview[];
  label: string;
}) {
  const classes = useStyles();
  if (props.reviews.length === 0) {
    return (
      <Typography variant="body2">
        No alarm was reviewed this month yet. Use “Review” on an alarm to record
        what to do with it.
      </Typography>
    );
  }
  return (
    <List dense aria-label={props.label} disablePadding>
      {props.reviews.map(review => (
        <ListItem key={review.id} className={classes.item}>
          <ListItemText
            disableTypography
            primary={
              <Typography variant="body2" component="div">
                <Chip
                  size="small"
                  label={outcomeLabels[review.outcome]}
                  className={classes.chip}
                />
                <span className={classes.name}>{review.alarmName}</span> ·{' '}
                <EntityRefLink entityRef={review.entityRef} />
              </Typography>
            }
            secondary={
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {review.note && (
                  <div className={classes.note}>“{review.note}”</div>
                )}
                <div>
                  {refName(review.reviewedBy)},{' '}
                  <time dateTime={review.reviewedAt}>
                    {formatTime(review.reviewedAt)}
                  </time>
                </div>
              </Typography>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
