import { LinkButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { ChangeRequestsTable } from './ChangeRequestsTable';
import { useChangesLinks } from './useChangesLinks';

/**
 * The entity's "Changes" tab: its change requests, newest first, and a
 * button to request a change with the entity filled in.
 */
export function EntityChangesContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const opsApi = useApi(opsApiRef);
  const links = useChangesLinks();
  const { value, loading, error } = useAsync(
    () =>
      opsApi.listChangeRequests({
        entityRef: [entityRef],
        sort: 'createdAt',
        order: 'desc',
        limit: 50,
      }),
    [opsApi, entityRef],
  );

  const requestButton = (
    <LinkButton
      to={links.create(entityRef)}
      variant="contained"
      color="primary"
      startIcon={<AddIcon />}
    >
      Request change
    </LinkButton>
  );
  const name = entity.metadata.title ?? entity.metadata.name;

  return (
    <OpsCard
      title="Change requests"
      subheader={`Changes that affect ${name}`}
      loading={loading}
      error={error}
      action={<Box p={1}>{requestButton}</Box>}
      deepLink={{ title: 'All change requests', link: links.list }}
      empty={
        value && value.items.length === 0 ? (
          <Typography variant="body1" role="status">
            No change requests affect {name} yet. Use “Request change” to file
            one: standard changes are pre-approved, normal changes go to the
            approvers, emergency changes can start at once.
          </Typography>
        ) : undefined
      }
    >
      {value && (
        <ChangeRequestsTable
          items={value.items}
          caption={`Change requests for ${name}`}
          hideEntities
        />
      )}
    </OpsCard>
  );
}
