import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { changeLabels, HomeApproval } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { useOptionalChangesLinks } from '../changes/useChangesLinks';
import { formatInstant, HomeCardBody } from './HomeCardBody';

function ApprovalItem(props: {
  item: HomeApproval;
  detail?: (id: string) => string;
}) {
  const { item, detail } = props;
  const category =
    (changeLabels.category as Record<string, string>)[item.category] ??
    item.category;
  const title = `${item.id}: ${item.title}`;
  return (
    <ListItem
      disableGutters
      divider
      aria-label={title}
      style={{ display: 'block' }}
    >
      <Typography variant="subtitle2" component="p">
        {detail ? <Link to={detail(item.id)}>{title}</Link> : title}
      </Typography>
      <Typography variant="body2">
        {category}, {item.risk} risk · planned{' '}
        {formatInstant(item.plannedStart)} · {item.approvals} of{' '}
        {item.requiredApprovals} approvals
      </Typography>
      <Typography variant="body2" color="textSecondary" component="p">
        Requested by{' '}
        <EntityRefLink entityRef={item.requester} defaultKind="user" />
        {item.entityRefs.length > 0 && ' for '}
        <EntityRefLinks entityRefs={item.entityRefs} />
      </Typography>
    </ListItem>
  );
}

/**
 * Home card content: change requests awaiting approval that the signed-in
 * user may approve (`GET /home/approvals`).
 * @public
 */
export function MyApprovalsContent() {
  const api = useApi(opsApiRef);
  const links = useOptionalChangesLinks();
  const { value, loading, error } = useAsync(
    () => api.getHomeApprovals(),
    [api],
  );
  return (
    <HomeCardBody
      loading={loading}
      error={error}
      empty={
        value && value.items.length === 0
          ? 'No change requests are waiting for your approval.'
          : undefined
      }
    >
      {value && (
        <>
          <List dense aria-label="Changes waiting for my approval">
            {value.items.map(item => (
              <ApprovalItem key={item.id} item={item} detail={links?.detail} />
            ))}
          </List>
          {value.truncated && (
            <Typography variant="caption" color="textSecondary">
              More change requests await approval than this card checks
              {links && (
                <>
                  : <Link to={`${links.list}?status=submitted`}>see all</Link>
                </>
              )}
              .
            </Typography>
          )}
        </>
      )}
    </HomeCardBody>
  );
}
