import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { CapacityRange } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { isCapacityAvailable } from './helpers';

/** The current entity's capacity for a range; nothing is asked when it has no capacity annotations. */
export function useEntityCapacity(range: CapacityRange) {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const available = isCapacityAvailable(entity);
  const state = useAsync(
    async () =>
      available ? opsApi.getEntityCapacity(entityRef, range) : undefined,
    [opsApi, entityRef, range, available],
  );
  return { ...state, entity, available };
}
