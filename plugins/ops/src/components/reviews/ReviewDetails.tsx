import { Link } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { PostIncidentReview } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { DueDate, PersonLink } from './ActionItemsTable';
import { ReviewStatusChips } from './ReviewChips';

const useStyles = makeStyles(theme => ({
  dl: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { fontWeight: 600 },
    '& dd': { margin: 0 },
  },
  factors: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
}));

/** What a review holds, as a description list (read-only). */
export function ReviewDetails(props: { review: PostIncidentReview }) {
  const { review } = props;
  const classes = useStyles();
  return (
    <dl className={classes.dl} aria-label={`Review ${review.id}`}>
      <dt>Status</dt>
      <dd>
        <ReviewStatusChips review={review} />
        {review.completedAt && (
          <Typography variant="body2" component="span">
            {' '}
            on{' '}
            {DateTime.fromISO(review.completedAt).toLocaleString(
              DateTime.DATE_MED,
            )}
          </Typography>
        )}
      </dd>
      <dt>Owner</dt>
      <dd>
        <PersonLink userRef={review.owner} name={review.ownerName} />
      </dd>
      <dt>Due</dt>
      <dd>
        <DueDate date={review.dueDate} overdue={review.overdue} />
      </dd>
      <dt>Document</dt>
      <dd>
        {review.documentUrl ? (
          <Link
            to={review.documentUrl}
            target="_blank"
            rel="noopener noreferrer"
          >
            Review document
          </Link>
        ) : (
          'None linked yet'
        )}
      </dd>
      <dt>Contributing factors</dt>
      <dd className={classes.factors}>
        {review.contributingFactors.trim() || 'None written yet'}
      </dd>
    </dl>
  );
}
