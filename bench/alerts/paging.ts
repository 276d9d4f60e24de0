/*
 * A month of paging for the alert-hygiene benchmark, generated on the fake
 * PagerDuty's own account model (the fake has generated services, but no
 * incidents on them): the example platform's account with `services`
 * generated services (PSVX0001...), each with its own escalation policy and
 * schedules, and on each service `perService` incidents on average over the
 * 31 days before the anchor. Deterministic (hashed from the ids): some
 * services are much noisier than others, a third of the incidents repeat
 * a title, a share is auto-resolved within minutes, alerts per incident
 * vary, and pages follow the escalation policy (notificationsOf).
 */
import { unit } from '@internal/fake-upstreams';
import {
  createPlatformAccount,
  notificationsOf,
  onCallAt,
  PagerDutyAccount,
  PdIncident,
} from '../../test/fake-upstreams/src/pagerduty/data';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const TITLES = [
  'Error rate above 5%',
  'p95 latency above 3 s',
  'Memory above 90%',
  'Queue backlog growing',
  'Disk above 80%',
  'Health check failing',
  'Certificate expires within 30 days',
];

export function pagingAccount(
  anchor: number,
  services: number,
  perService: number,
): PagerDutyAccount {
  const account = createPlatformAccount(anchor, {
    extraServices: services,
    extraServicePolicies: true,
  });
  const schedules = new Map(account.schedules.map(s => [s.id, s]));
  let number = 10_000;
  for (let i = 1; i <= services; i++) {
    const n = String(i).padStart(4, '0');
    const serviceId = `PSVX${n}`;
    const primary = schedules.get(`PSPX${n}`)!;
    const secondary = schedules.get(`PSSX${n}`)!;
    // From a tenth to three times the average: a few noisy services.
    const weight = 0.1 + 2.9 * unit(`${serviceId}:weight`) ** 3;
    const count = Math.round(perService * weight * 1.6);
    for (let k = 0; k < count; k++) {
      const key = `${serviceId}#${k}`;
      const createdAt =
        Math.floor((anchor - (0.02 + unit(`${key}:age`) * 31) * DAY) / MINUTE) *
        MINUTE;
      if (createdAt >= anchor) continue;
      const auto = unit(`${key}:auto`) < 0.2;
      const low = unit(`${key}:urgency`) < 0.25;
      const ackAfter = (1 + unit(`${key}:ack`) * 20) * MINUTE;
      const acknowledgedAt = auto ? undefined : createdAt + ackAfter;
      const resolvedAt = auto
        ? createdAt + (1 + unit(`${key}:auto-fix`) * 6) * MINUTE
        : createdAt + ackAfter + (10 + unit(`${key}:fix`) * 240) * MINUTE;
      const repeat = unit(`${key}:repeat`) < 0.35;
      const title = repeat
        ? `${TITLES[0]} on generated service ${i}`
        : `${
            TITLES[Math.floor(unit(`${key}:title`) * TITLES.length)]
          } on generated service ${i} (${k})`;
      const incident: PdIncident = {
        id: `QBA${n}${String(k).padStart(4, '0')}`,
        number: number++,
        title,
        status: resolvedAt <= anchor ? 'resolved' : 'acknowledged',
        urgency: low ? 'low' : 'high',
        priority: low ? 'P4' : unit(`${key}:p`) < 0.2 ? 'P2' : 'P3',
        serviceId,
        createdAt,
        ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
        ...(resolvedAt <= anchor ? { resolvedAt } : {}),
        responderId: onCallAt(primary, createdAt),
        alerts: 1 + Math.floor(unit(`${key}:alerts`) ** 2 * 12),
        autoResolved: auto,
      };
      incident.notifications = notificationsOf(incident, secondary);
      account.incidents.push(incident);
    }
  }
  return account;
}
