import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';

/** The SLOs of the entity in context, from the ops backend. */
export function useEntitySlos() {
  const { entity } = useEntity();
  const api = useApi(opsApiRef);
  const ref = stringifyEntityRef(entity);
  const state = useAsyncRetry(() => api.getEntitySlos(ref), [api, ref]);
  return { entity, ...state };
}
