import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReviewActionItem } from '@opsportal/plugin-ops-common';
import { ActionItemStatusChip } from './ReviewChips';
import { formatDueDate, personName } from './helpers';

const useStyles = makeStyles(theme => ({
  scroll: { overflowX: 'auto' },
  overdue: { color: theme.palette.error.main, fontWeight: 600 },
  srOnly: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
}));

/** A due date, in red with the word "overdue" when it has passed. */
export function DueDate(props: { date: string; overdue: boolean }) {
  const classes = useStyles();
  return (
    <span className={props.overdue ? classes.overdue : undefined}>
      {formatDueDate(props.date)}
      {props.overdue && ' (overdue)'}
    </span>
  );
}

/** A person from the catalog, linked to their page. */
export function PersonLink(props: { userRef?: string; name?: string }) {
  if (!props.userRef) return <>{props.name ?? 'Nobody yet'}</>;
  return (
    <EntityRefLink
      entityRef={props.userRef}
      defaultKind="user"
      title={personName(props.userRef, props.name)}
    />
  );
}

/**
 * The action items of a review: title, owner, due date (red when overdue),
 * status and the issue tracker link; an Edit button per row when the user
 * may edit.
 */
export function ActionItemsTable(props: {
  items: ReviewActionItem[];
  label: string;
  onEdit?: (item: ReviewActionItem) => void;
}) {
  const classes = useStyles();
  if (props.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No action items yet.
      </Typography>
    );
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
            <TableCell>Link</TableCell>
            {props.onEdit && (
              <TableCell>
                <span className={classes.srOnly}>Actions</span>
              </TableCell>
            )}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.items.map(item => (
            <TableRow key={item.id}>
              <TableCell component="th" scope="row" role="rowheader">
                {item.title}
              </TableCell>
              <TableCell>
                <PersonLink userRef={item.owner} name={item.ownerName} />
              </TableCell>
              <TableCell>
                <DueDate
                  date={item.dueDate}
                  overdue={item.overdue && item.status !== 'done'}
                />
              </TableCell>
              <TableCell>
                <ActionItemStatusChip status={item.status} />
              </TableCell>
              <TableCell>
                {item.url ? (
                  <Link to={item.url} target="_blank" rel="noopener noreferrer">
                    Issue
                  </Link>
                ) : (
                  '—'
                )}
              </TableCell>
              {props.onEdit && (
                <TableCell>
                  <Button
                    size="small"
                    onClick={() => props.onEdit!(item)}
                    aria-label={`Edit action item: ${item.title}`}
                  >
                    Edit
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
