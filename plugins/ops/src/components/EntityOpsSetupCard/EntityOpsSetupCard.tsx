import { useEntity } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import CheckCircle from '@material-ui/icons/CheckCircle';
import RadioButtonUnchecked from '@material-ui/icons/RadioButtonUnchecked';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { describeOpsSetup } from '@opsportal/plugin-ops-common';

/**
 * What the ops portal knows about an entity: which of its features are set
 * up through annotations, and whether the ops backend answers.
 */
export function EntityOpsSetupCard() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const health = useAsync(() => opsApi.getHealth(), [opsApi]);
  const items = describeOpsSetup(entity);
  let status = 'Ops backend connected';
  if (health.loading) status = 'Checking the ops backend…';
  else if (health.error) {
    status = `Ops backend unreachable: ${health.error.message}`;
  }

  return (
    <OpsCard title="Operations" subheader={status}>
      <List dense aria-label="Operations setup">
        {items.map(item => (
          <ListItem key={item.feature}>
            <ListItemIcon>
              {item.configured ? (
                <CheckCircle titleAccess="configured" color="primary" />
              ) : (
                <RadioButtonUnchecked titleAccess="not configured" />
              )}
            </ListItemIcon>
            <ListItemText primary={item.feature} secondary={item.detail} />
          </ListItem>
        ))}
      </List>
    </OpsCard>
  );
}
