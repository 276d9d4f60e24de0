import { useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  changeCategories,
  changeLabels,
  ChangeRequestSummary,
  changeStatuses,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { ChangeRequestsTable } from './ChangeRequestsTable';
import { EntityPicker } from './EntityPicker';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 200 },
  entity: { minWidth: 320 },
}));

const PAGE_SIZE = 50;

/** All change requests with filters (status, category, entity, mine) and paging. */
export function ChangeRequestsList() {
  const classes = useStyles();
  const opsApi = useApi(opsApiRef);
  const identityApi = useApi(identityApiRef);
  const [status, setStatus] = useState<string[]>([]);
  const [category, setCategory] = useState<string>('');
  const [entityRefs, setEntityRefs] = useState<string[]>([]);
  const [mine, setMine] = useState(false);
  const [more, setMore] = useState<{
    items: ChangeRequestSummary[];
    cursor?: string;
  }>({ items: [] });
  const [loadingMore, setLoadingMore] = useState(false);

  const query = async () => ({
    status: status.length ? status : undefined,
    category: category ? [category] : undefined,
    entityRef: entityRefs.length ? entityRefs : undefined,
    requester: mine
      ? [(await identityApi.getBackstageIdentity()).userEntityRef]
      : undefined,
    sort: 'createdAt' as const,
    order: 'desc' as const,
    limit: PAGE_SIZE,
  });

  const { value, loading, error } = useAsync(async () => {
    const page = await opsApi.listChangeRequests(await query());
    setMore({ items: [], cursor: page.nextCursor });
    return page;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opsApi, status.join(), category, entityRefs.join(), mine]);

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      const page = await opsApi.listChangeRequests({
        ...(await query()),
        cursor: more.cursor,
      });
      setMore(prev => ({
        items: [...prev.items, ...page.items],
        cursor: page.nextCursor,
      }));
    } finally {
      setLoadingMore(false);
    }
  };

  const items = [...(value?.items ?? []), ...more.items];

  return (
    <div>
      <div
        className={classes.filters}
        role="search"
        aria-label="Filter change requests"
      >
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="changes-status-label">Status</InputLabel>
          <Select
            labelId="changes-status-label"
            label="Status"
            multiple
            value={status}
            onChange={e => setStatus(e.target.value as string[])}
            renderValue={v =>
              (v as string[])
                .map(
                  s =>
                    changeLabels.status[s as keyof typeof changeLabels.status],
                )
                .join(', ')
            }
          >
            {changeStatuses.map(s => (
              <MenuItem key={s} value={s}>
                <Checkbox checked={status.includes(s)} size="small" />
                {changeLabels.status[s]}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="changes-category-label">Category</InputLabel>
          <Select
            labelId="changes-category-label"
            label="Category"
            value={category}
            onChange={e => setCategory(e.target.value as string)}
          >
            <MenuItem value="">All categories</MenuItem>
            {changeCategories.map(c => (
              <MenuItem key={c} value={c}>
                {changeLabels.category[c]}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <div className={classes.entity}>
          <EntityPicker
            id="changes-entity-filter"
            label="Affected entity"
            value={entityRefs}
            onChange={setEntityRefs}
          />
        </div>
        <FormControlLabel
          control={
            <Checkbox
              checked={mine}
              onChange={(_e, checked) => setMine(checked)}
            />
          }
          label="Filed by me"
        />
      </div>
      {loading && <Progress aria-label="Loading change requests" />}
      {error && <ResponseErrorPanel error={error} />}
      {!loading && !error && items.length === 0 && (
        <Typography variant="body1" role="status">
          No change requests match these filters.
        </Typography>
      )}
      {!loading && !error && items.length > 0 && (
        <>
          <ChangeRequestsTable items={items} caption="Change requests" />
          {more.cursor && (
            <Box mt={2}>
              <Button
                variant="outlined"
                onClick={loadMore}
                disabled={loadingMore}
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </Button>
            </Box>
          )}
        </>
      )}
    </div>
  );
}
