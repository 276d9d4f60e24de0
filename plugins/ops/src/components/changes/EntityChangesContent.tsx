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
import { useOptionalChangesLinks } from './useChangesLinks';

/**
 * The entity's "Changes" tab: its change requests, newest first, and a
 * button to request a change with the entity filled in.
 */
export function EntityChangesContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const opsApi = useApi(opsApiRef);
  const links = useOptionalChangesLinks();
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

  const requestButton = links ? (
    <LinkButton
      to={links.create(entityRef)}
      variant="contained"
      color="primary"
      startIcon={<AddIcon />}
    >
      Request change
    </LinkButton>
  ) : undefined;
  const name = entity.metadata.title ?? entity.metadata.name;
  const pageNote = (
    <Typography variant="body2" paragraph role="note">
      Filing and opening change requests needs the Changes page, which this
      portal has not mounted (ChangesPage from @opsportal/plugin-ops, at
      /changes).
    </Typography>
  );

  return (
    <OpsCard
      title="Change requests"
      subheader={`Changes that affect ${name}`}
      loading={loading}
      error={error}
      action={requestButton && <Box p={1}>{requestButton}</Box>}
      deepLink={
        links ? { title: 'All change requests', link: links.list } : undefined
      }
      empty={
        value && value.items.length === 0 ? (
          <>
            <Typography variant="body1" role="status">
              No change requests affect {name} yet.
              {links &&
                ' Use “Request change” to file one: standard changes are pre-approved, normal changes go to the approvers, emergency changes can start at once.'}
            </Typography>
            {!links && pageNote}
          </>
        ) : undefined
      }
    >
      {!links && pageNote}
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
