import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  PostIncidentReview,
  ReviewsReport,
} from '@opsportal/plugin-ops-common';
import { DueDate, PersonLink } from './ActionItemsTable';
import { ActionItemStatusChip, ReviewStatusChips } from './ReviewChips';
import { overdueFirst, subjectTitle } from './helpers';
import { useSubjectLink } from './links';

const useStyles = makeStyles({
  scroll: { overflowX: 'auto', '& thead th': { whiteSpace: 'nowrap' } },
});

/** A review's name and subject, linked to the incident (or change) page. */
function ReviewLink(props: { review: PostIncidentReview }) {
  const link = useSubjectLink()(props.review);
  const text = `${props.review.id} · ${subjectTitle(props.review)}`;
  return link ? <Link to={link}>{text}</Link> : <>{text}</>;
}

function itemsSummary(review: PostIncidentReview): string {
  const open = review.actionItems.filter(i => i.status !== 'done');
  const overdue = open.filter(i => i.overdue).length;
  if (review.actionItems.length === 0) return 'None yet';
  return `${open.length} open of ${review.actionItems.length}${
    overdue ? `, ${overdue} overdue` : ''
  }`;
}

/** "… and 4 more", when a list is cut at its limit. */
function More(props: { shown: number; total: number; what: string }) {
  if (props.total <= props.shown) return null;
  return (
    <Typography variant="body2" color="textSecondary" style={{ marginTop: 8 }}>
      {props.shown} of {props.total} {props.what} shown, the most urgent first;
      each team's Reviews tab lists all of its own.
    </Typography>
  );
}

/** Open reviews, overdue first, each linked to its incident page. */
export function OpenReviewsTable(props: {
  reviews: PostIncidentReview[];
  label: string;
  /** At most this many rows (the most urgent). */
  limit?: number;
}) {
  const classes = useStyles();
  if (props.reviews.length === 0) {
    return (
      <Typography variant="body2">
        No open reviews: every review is done.
      </Typography>
    );
  }
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label={props.label}>
        <TableHead>
          <TableRow>
            <TableCell>Review</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Due</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Action items</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {overdueFirst(props.reviews)
            .slice(0, props.limit)
            .map(review => (
              <TableRow key={review.id} data-overdue={review.overdue}>
                <TableCell component="th" scope="row" role="rowheader">
                  <ReviewLink review={review} />
                </TableCell>
                <TableCell>
                  <PersonLink userRef={review.owner} name={review.ownerName} />
                </TableCell>
                <TableCell>
                  <DueDate date={review.dueDate} overdue={review.overdue} />
                </TableCell>
                <TableCell>
                  <ReviewStatusChips review={review} />
                </TableCell>
                <TableCell>{itemsSummary(review)}</TableCell>
              </TableRow>
            ))}
        </TableBody>
      </Table>
      {props.limit !== undefined && (
        <More
          shown={props.limit}
          total={props.reviews.length}
          what="open reviews"
        />
      )}
    </div>
  );
}

/** Action items past their due date, oldest due first, with their review. */
export function OverdueActionItemsTable(props: {
  report: ReviewsReport;
  label: string;
  /** At most this many rows (the longest overdue). */
  limit?: number;
}) {
  const classes = useStyles();
  const reviews = new Map(
    [...props.report.open, ...props.report.recentlyCompleted].map(r => [
      r.id,
      r,
    ]),
  );
  const items = [...props.report.overdueActionItems].sort((a, b) =>
    a.dueDate.localeCompare(b.dueDate),
  );
  if (items.length === 0) {
    return <Typography variant="body2">No action item is overdue.</Typography>;
  }
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label={props.label}>
        <TableHead>
          <TableRow>
            <TableCell>Action item</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Due</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Review</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.slice(0, props.limit).map(item => {
            const review = reviews.get(item.reviewId);
            return (
              <TableRow key={`${item.reviewId}/${item.id}`}>
                <TableCell component="th" scope="row" role="rowheader">
                  {item.url ? (
                    <Link
                      to={item.url}
                      target="_blank"
                      rel="noopener noreferrer"
                    >
                      {item.title}
                    </Link>
                  ) : (
                    item.title
                  )}
                </TableCell>
                <TableCell>
                  <PersonLink userRef={item.owner} name={item.ownerName} />
                </TableCell>
                <TableCell>
                  <DueDate date={item.dueDate} overdue />
                </TableCell>
                <TableCell>
                  <ActionItemStatusChip status={item.status} />
                </TableCell>
                <TableCell>
                  {review ? <ReviewLink review={review} /> : item.reviewId}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {props.limit !== undefined && (
        <More
          shown={props.limit}
          total={items.length}
          what="overdue action items"
        />
      )}
    </div>
  );
}

/**
 * Reviews to follow up: open reviews (overdue first) and overdue action
 * items, each linked to its incident page. Read-only: reviews are edited on
 * the incident page.
 */
export function ReviewsList(props: {
  report: ReviewsReport;
  /** Whose reviews, for the tables' accessible names ("of SRE Team"). */
  of?: string;
  /** At most this many rows per table (the overview's card). */
  limit?: number;
}) {
  const suffix = props.of ? ` of ${props.of}` : '';
  return (
    <>
      <Typography variant="h6" component="h3" gutterBottom>
        Open reviews
      </Typography>
      <OpenReviewsTable
        reviews={props.report.open}
        label={`Open reviews${suffix}`}
        limit={props.limit}
      />
      <Box mt={3}>
        <Typography variant="h6" component="h3" gutterBottom>
          Overdue action items
        </Typography>
        <OverdueActionItemsTable
          report={props.report}
          label={`Overdue action items${suffix}`}
          limit={props.limit}
        />
      </Box>
    </>
  );
}

/** "3 open, 1 overdue · 2 action items overdue": a report in one line. */
export function reportSummary(report: ReviewsReport): string {
  const items = report.overdueActionItems.length;
  return `${report.open.length} open, ${
    report.overdueCount
  } overdue · ${items} action item${items === 1 ? '' : 's'} overdue`;
}
