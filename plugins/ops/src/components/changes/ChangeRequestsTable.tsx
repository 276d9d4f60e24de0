import { Link } from '@backstage/core-components';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  changeLabels,
  ChangeRequestSummary,
} from '@opsportal/plugin-ops-common';
import { formatPeriod } from './format';
import { CategoryChip, StatusChip } from './StatusChip';
import { useOptionalChangesLinks } from './useChangesLinks';

/** Change requests as a table: id, title, category, risk, status, entities, planned time, requester. */
export function ChangeRequestsTable(props: {
  items: ChangeRequestSummary[];
  caption: string;
  hideEntities?: boolean;
}) {
  const links = useOptionalChangesLinks();
  return (
    <Table size="small" aria-label={props.caption}>
      <TableHead>
        <TableRow>
          <TableCell>Change</TableCell>
          <TableCell>Title</TableCell>
          <TableCell>Category</TableCell>
          <TableCell>Risk</TableCell>
          <TableCell>Status</TableCell>
          {!props.hideEntities && <TableCell>Affects</TableCell>}
          <TableCell>Planned</TableCell>
          <TableCell>Requester</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.items.map(change => (
          <TableRow key={change.id} hover>
            <TableCell>
              {links ? (
                <Link to={links.detail(change.id)}>{change.id}</Link>
              ) : (
                change.id
              )}
            </TableCell>
            <TableCell>
              <Typography variant="body2">{change.title}</Typography>
            </TableCell>
            <TableCell>
              <CategoryChip category={change.category} />
            </TableCell>
            <TableCell>{changeLabels.risk[change.risk]}</TableCell>
            <TableCell>
              <StatusChip status={change.status} />
            </TableCell>
            {!props.hideEntities && (
              <TableCell>
                <EntityRefLinks entityRefs={change.entityRefs} />
              </TableCell>
            )}
            <TableCell>
              {formatPeriod(change.plannedStart, change.plannedEnd)}
            </TableCell>
            <TableCell>
              <EntityRefLinks entityRefs={[change.requester]} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
