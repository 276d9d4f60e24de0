import { useMemo, useState } from 'react';
import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import InputAdornment from '@material-ui/core/InputAdornment';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import Warning from '@material-ui/icons/Warning';
import { PlatformOnCallRow } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { People } from './Person';

const LEVELS = ['Primary', 'Secondary', 'Escalation'];

function matches(row: PlatformOnCallRow, words: string[]): boolean {
  const text = [
    row.title,
    row.entityRef,
    row.kind,
    ...row.services.flatMap(s => [s.name, s.id]),
    ...row.levels.flatMap(l => l.people.map(p => p.name)),
  ]
    .join(' ')
    .toLocaleLowerCase();
  return words.every(w => text.includes(w));
}

function levelPeople(row: PlatformOnCallRow, index: number) {
  // Levels beyond the third are all "escalation".
  const levels =
    index < 2
      ? row.levels.filter(l => l.level === index + 1)
      : row.levels.filter(l => l.level >= 3);
  const people = levels.flatMap(l => l.people);
  return people.filter((p, i) => people.findIndex(q => q.id === p.id) === i);
}

/** "Who is on call for X?": every service and team, searchable. */
export function OnCallContent() {
  const api = useApi(opsApiRef);
  const [query, setQuery] = useState('');
  const { value, loading, error } = useAsync(
    () => api.getPlatformOnCall(),
    [api],
  );
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const rows = useMemo(
    () => (value?.rows ?? []).filter(r => matches(r, words)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [value, query],
  );

  if (loading) return <Progress aria-label="Loading" />;
  if (error) return <ResponseErrorPanel error={error} />;

  return (
    <Paper style={{ padding: 16 }}>
      <TextField
        label="Who is on call for…"
        placeholder="a service, team, PagerDuty service or person"
        value={query}
        onChange={e => setQuery(e.target.value)}
        fullWidth
        variant="outlined"
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon />
            </InputAdornment>
          ),
        }}
        inputProps={{ 'aria-label': 'Search on-call' }}
      />
      <Typography
        variant="caption"
        component="p"
        role="status"
        style={{ margin: '8px 0' }}
      >
        {rows.length} of {value?.rows.length ?? 0} services and teams
      </Typography>
      <Table size="small" aria-label="On-call by service and team">
        <TableHead>
          <TableRow>
            <TableCell>Service or team</TableCell>
            <TableCell>PagerDuty</TableCell>
            {LEVELS.map(l => (
              <TableCell key={l}>{l}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={row.entityRef}>
              <TableCell>
                <EntityRefLink entityRef={row.entityRef} title={row.title} />
                <Typography variant="caption" component="div">
                  {row.kind}
                  {row.stale && (
                    <span title={row.error} style={{ marginLeft: 4 }}>
                      <Warning fontSize="inherit" aria-hidden="true" /> data
                      from{' '}
                      {row.fetchedAt
                        ? DateTime.fromISO(row.fetchedAt).toRelative()
                        : 'never'}
                      : {row.error}
                    </span>
                  )}
                </Typography>
              </TableCell>
              <TableCell>
                {row.services.map((s, i) => (
                  <span key={s.id}>
                    {i > 0 && ', '}
                    {s.htmlUrl ? <Link to={s.htmlUrl}>{s.name}</Link> : s.name}
                  </span>
                ))}
              </TableCell>
              {LEVELS.map((label, i) => (
                <TableCell key={label}>
                  <People
                    people={levelPeople(row, i)}
                    contacts={i === 0}
                    empty="–"
                  />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {value && value.rows.length === 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          No service or team names a PagerDuty service, escalation policy or
          schedule yet, or the first refresh has not run.
        </Typography>
      )}
    </Paper>
  );
}

/** The platform on-call page, `/on-call`. */
export function OnCallPage() {
  return (
    <Page themeId="tool">
      <Header
        title="On-call"
        subtitle="Who is on call for every service and team, now"
      />
      <Content>
        <OnCallContent />
      </Content>
    </Page>
  );
}
