import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  CapacityReview,
  changeLabels,
  formatCapacityValue,
  OpsOverview,
  OverviewSection,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { OpsCard } from '../shared';
import { useOptionalIncidentLinks } from '../incidents/useIncidentLinks';

const useStyles = makeStyles({
  // Column headers on one line; cells wrap.
  table: { '& thead th': { whiteSpace: 'nowrap' } },
});

const RESPONSE_NOTE: Record<string, string> = {
  met: ' (met)',
  missed: ' (missed)',
  overdue: ' (missed)',
};

function when(iso: string, zone?: string): string {
  return DateTime.fromISO(iso, zone ? { zone } : {})
    .setLocale('en-US')
    .toFormat('ccc d LLL, HH:mm');
}

function ago(iso: string): string {
  return DateTime.fromISO(iso).setLocale('en-US').toRelative() ?? iso;
}

function percent(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  return `${(value * 100).toFixed(digits).replace(/\.?0+$/, '')} %`;
}

/** An overview part in its card: loading, error, not installed, or the content. */
function SectionCard<T>(props: {
  title: string;
  subheader?: string;
  section?: OverviewSection<T>;
  loading: boolean;
  error?: Error;
  deepLink?: { title: string; link: string };
  isEmpty: (data: T) => boolean;
  emptyText: string;
  children: (data: T) => ReactNode;
}) {
  const { section } = props;
  const classes = useStyles();
  const data = section?.data;
  let empty: ReactNode;
  if (section?.unavailable) {
    empty = <Typography variant="body2">{section.unavailable}.</Typography>;
  } else if (data !== undefined && props.isEmpty(data)) {
    empty = <Typography variant="body2">{props.emptyText}</Typography>;
  }
  return (
    <OpsCard
      title={props.title}
      subheader={props.subheader}
      loading={props.loading}
      error={
        props.error ?? (section?.error ? new Error(section.error) : undefined)
      }
      empty={empty}
      deepLink={props.deepLink}
      freshness={
        data && typeof data === 'object' && 'stale' in (data as object)
          ? (data as unknown as { stale: boolean; fetchedAt?: string })
          : undefined
      }
    >
      <div className={classes.table}>
        {data !== undefined && props.children(data)}
      </div>
    </OpsCard>
  );
}

type Loaded = { overview?: OpsOverview; loading: boolean; error?: Error };

/** Open incidents of the overview's severities, most severe and oldest first. */
export function OpenIncidentsSection(props: Loaded) {
  const links = useOptionalIncidentLinks();
  const section = props.overview?.incidents;
  const severities = section?.data?.severities.join('/') ?? 'P1/P2';
  return (
    <SectionCard
      title={`Open ${severities} incidents`}
      section={section}
      loading={props.loading}
      error={props.error}
      isEmpty={d => d.open.length === 0}
      emptyText={`No ${severities} incident is open.`}
      deepLink={{ title: 'Who is on call', link: '/on-call' }}
    >
      {data => (
        <Table size="small" aria-label={`Open ${severities} incidents`}>
          <TableHead>
            <TableRow>
              <TableCell>Severity</TableCell>
              <TableCell>Incident</TableCell>
              <TableCell>Service</TableCell>
              <TableCell>Opened</TableCell>
              <TableCell>Response</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.open.map(i => (
              <TableRow key={i.id}>
                <TableCell>
                  <strong>{i.severity}</strong> {i.severityLabel}
                </TableCell>
                <TableCell component="th" scope="row" role="rowheader">
                  {links && (
                    <Link href={links.incident(i.id)}>
                      {i.number ? `#${i.number} ` : ''}
                      {i.title}
                    </Link>
                  )}
                  {!links && i.htmlUrl && (
                    <Link href={i.htmlUrl} target="_blank" rel="noopener">
                      {i.number ? `#${i.number} ` : ''}
                      {i.title}
                    </Link>
                  )}
                  {!links && !i.htmlUrl && i.title}
                </TableCell>
                <TableCell>
                  <EntityRefLink
                    entityRef={i.entityRef}
                    title={i.entityTitle}
                  />
                </TableCell>
                <TableCell>{ago(i.createdAt)}</TableCell>
                <TableCell>
                  {i.status === 'acknowledged'
                    ? 'Acknowledged'
                    : 'Not acknowledged'}
                  {' · '}target {i.responseTarget}
                  {RESPONSE_NOTE[i.response]}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}

/** Who is on call now, per team and service, by escalation level. */
export function OnCallNowSection(props: Loaded) {
  return (
    <SectionCard
      title="On call now"
      section={props.overview?.onCall}
      loading={props.loading}
      error={props.error}
      isEmpty={d => d.rows.length === 0}
      emptyText="No team or service names a PagerDuty escalation policy or service."
      deepLink={{ title: 'All on-call', link: '/on-call' }}
    >
      {data => {
        const levels = Math.max(0, ...data.rows.map(r => r.levels.length));
        return (
          <Table size="small" aria-label="On call now">
            <TableHead>
              <TableRow>
                <TableCell>For</TableCell>
                {Array.from({ length: Math.min(levels, 3) }, (_, i) => (
                  <TableCell key={i}>
                    {data.rows.find(r => r.levels[i])?.levels[i].label ??
                      `Level ${i + 1}`}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {data.rows.map(row => (
                <TableRow key={row.entityRef}>
                  <TableCell component="th" scope="row" role="rowheader">
                    <EntityRefLink
                      entityRef={row.entityRef}
                      title={row.title}
                    />
                  </TableCell>
                  {Array.from({ length: Math.min(levels, 3) }, (_, i) => (
                    <TableCell key={i}>
                      {row.levels[i]?.people.map(p => p.name).join(', ') || '–'}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        );
      }}
    </SectionCard>
  );
}

/** Availability and error budget of the platform and each service. */
export function SloSummarySection(props: Loaded) {
  return (
    <SectionCard
      title="SLO summary"
      section={props.overview?.slos}
      loading={props.loading}
      error={props.error}
      isEmpty={d => d.platform.length + d.services.length === 0}
      emptyText="No entity has an SLO yet."
      deepLink={{ title: 'All SLOs', link: '/slos' }}
    >
      {data => (
        <Table size="small" aria-label="SLO summary">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>Availability</TableCell>
              <TableCell>Target</TableCell>
              <TableCell>Budget left (lowest)</TableCell>
              <TableCell>Alert</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {[...data.platform, ...data.services].map(row => {
              const availability = row.objectives.find(
                o => o.category === 'availability',
              );
              return (
                <TableRow key={row.entityRef}>
                  <TableCell component="th" scope="row" role="rowheader">
                    <EntityRefLink
                      entityRef={row.entityRef}
                      title={row.title}
                    />
                  </TableCell>
                  <TableCell>{percent(availability?.sli)}</TableCell>
                  <TableCell>{percent(availability?.target)}</TableCell>
                  <TableCell>{percent(row.lowestRemaining, 1)}</TableCell>
                  <TableCell>
                    {
                      {
                        page: 'Page: fast burn',
                        ticket: 'Ticket: slow burn',
                        ok: 'OK',
                        'no-data': 'No data',
                      }[row.alert]
                    }
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}

/** Change requests planned soon, maintenance windows and freezes. */
export function UpcomingChangesSection(props: Loaded) {
  const section = props.overview?.changes;
  return (
    <SectionCard
      title="Upcoming changes and maintenance"
      subheader={section?.data ? `Next ${section.data.days} days` : undefined}
      section={section}
      loading={props.loading}
      error={props.error}
      isEmpty={() => false}
      emptyText=""
      deepLink={{ title: 'All change requests', link: '/changes' }}
    >
      {data => (
        <>
          {data.upcoming.length === 0 ? (
            <Typography variant="body2" paragraph>
              No change request is planned in the next {data.days} days.
            </Typography>
          ) : (
            <Table size="small" aria-label="Upcoming changes">
              <TableHead>
                <TableRow>
                  <TableCell>Change</TableCell>
                  <TableCell>Category</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Planned</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.upcoming.map(c => (
                  <TableRow key={c.id}>
                    <TableCell component="th" scope="row" role="rowheader">
                      <Link href={`/changes/${c.id}`}>
                        {c.id} {c.title}
                      </Link>
                    </TableCell>
                    <TableCell>{changeLabels.category[c.category]}</TableCell>
                    <TableCell>{changeLabels.status[c.status]}</TableCell>
                    <TableCell>{when(c.plannedStart)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Typography variant="subtitle2" component="h3">
            Maintenance windows
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {data.calendar.description}
          </Typography>
          <ul aria-label="Maintenance windows">
            {data.calendar.windows.map(w => (
              <li key={w.start}>
                <Typography variant="body2">
                  {when(w.start, data.calendar.timeZone)}–
                  {DateTime.fromISO(w.end, {
                    zone: data.calendar.timeZone,
                  }).toFormat('HH:mm')}{' '}
                  ({data.calendar.timeZone})
                </Typography>
              </li>
            ))}
            {data.calendar.windows.length === 0 && (
              <li>
                <Typography variant="body2">
                  None in the next {data.days} days.
                </Typography>
              </li>
            )}
          </ul>
          {data.calendar.freezes.map(f => (
            <Typography key={f.name} variant="body2">
              Change freeze “{f.name}”: {when(f.start)} to {when(f.end)}
            </Typography>
          ))}
        </>
      )}
    </SectionCard>
  );
}

/** Services whose capacity reaches a limit soonest (the capacity review). */
export function CapacityRiskSection(props: {
  review?: CapacityReview;
  loading: boolean;
  error?: Error;
  /** Within this many days counts as at risk. */
  days?: number;
}) {
  const days = props.days ?? 90;
  const atRisk = (props.review?.rows ?? []).filter(r => {
    const f = r.binding?.forecast;
    return (
      f &&
      (f.status === 'already-over' ||
        (f.daysToLimit !== undefined && f.daysToLimit <= days))
    );
  });
  return (
    <SectionCard
      title="Services at capacity risk"
      subheader={`Limit reached within ${days} days`}
      section={props.review ? { data: atRisk } : undefined}
      loading={props.loading}
      error={props.error}
      isEmpty={d => d.length === 0}
      emptyText={`No service reaches a capacity limit within ${days} days.`}
      deepLink={{ title: 'Capacity review', link: '/capacity' }}
    >
      {rows => (
        <Table size="small" aria-label="Services at capacity risk">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>Metric</TableCell>
              <TableCell>Now</TableCell>
              <TableCell>Limit</TableCell>
              <TableCell>Reaches it</TableCell>
              <TableCell>Triggers (30 days)</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(r => {
              const m = r.binding!;
              const f = m.forecast;
              return (
                <TableRow key={r.entityRef}>
                  <TableCell component="th" scope="row" role="rowheader">
                    <EntityRefLink entityRef={r.entityRef} title={r.title} />
                  </TableCell>
                  <TableCell>{m.label}</TableCell>
                  <TableCell>
                    {formatCapacityValue(m.current, m.unit)}
                  </TableCell>
                  <TableCell>{formatCapacityValue(m.limit, m.unit)}</TableCell>
                  <TableCell>
                    {f.status === 'already-over'
                      ? 'Already over'
                      : `in ${Math.round(f.daysToLimit!)} days${
                          f.crossingAt
                            ? ` (${DateTime.fromISO(f.crossingAt)
                                .setLocale('en-US')
                                .toFormat('d LLL')})`
                            : ''
                        }, ${f.confidence} confidence`}
                  </TableCell>
                  <TableCell>{r.triggers30d}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}
