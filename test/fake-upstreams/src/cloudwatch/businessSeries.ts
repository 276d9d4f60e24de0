import { normal } from '../random';
import { MetricStore, SeriesGenerator } from './store';

/**
 * The example shop's business metrics (docs/business-metrics.md), as its
 * services would publish them to the custom namespace `ECommerce/Business`
 * every minute (dimension `Environment=production`):
 *
 * - `OrdersPlaced` (Count): orders a minute;
 * - `Revenue` (None, US dollars): the orders' value;
 * - `ActiveUsers` (Count): users active in the last 5 minutes;
 * - `ConversionRate` (Percent): orders / sessions started;
 * - `CartAbandonmentRate` (Percent): carts not turned into orders.
 *
 * They come from one model of the shop's minutes, so that they agree with
 * each other: sessions follow a daily curve (US shoppers, quiet around
 * 04:00 New York time, busiest around 20:00) and a weekly one (Sundays
 * busiest, Fridays quietest), with 0.5 % growth a week; a share of
 * sessions fills a cart, most carts are abandoned, the rest are orders,
 * so conversion = carts / sessions × (1 − abandonment) and orders =
 * sessions × conversion (about 2.9 %, some 12 orders a minute in the
 * evening). Average order value is about $84.
 *
 * The story: for the hour around the anchor (30 minutes either side) a
 * discount code is applied to every cart, so revenue runs about 45 % below
 * the same time last week while orders, users and rates stay as usual; the
 * portal flags revenue, and only revenue, in that hour.
 */

export const BUSINESS_NAMESPACE = 'ECommerce/Business';
export const BUSINESS_DIMENSIONS = { Environment: 'production' };

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Days of history before the anchor (a week ago plus the chart's day, with room). */
const HISTORY_DAYS = 35;
/** New York is 5 hours behind UTC in winter (the story ignores summer time). */
const LOCAL_OFFSET_HOURS = -5;
/** Sessions a minute at the daily peak of an ordinary day. */
const PEAK_SESSIONS = 420;
/** Share by which revenue drops in the discount-code hour. */
const DISCOUNT_DROP = 0.45;

/** Weight of each weekday, Sunday first. */
const WEEKDAY = [1.15, 1.0, 0.97, 0.98, 1.0, 0.95, 1.05];

/** One minute of the shop. */
interface ShopMinute {
  sessions: number;
  carts: number;
  orders: number;
  revenue: number;
  activeUsers: number;
}

function bounded(z: number): number {
  return Math.max(-2.5, Math.min(2.5, z));
}

/** The shop's model; `minute(t)` is the same for the same minute, run after run. */
export function shopModel(anchor: number) {
  const discount = { from: anchor - 30 * MINUTE, to: anchor + 30 * MINUTE };
  return (t: number): ShopMinute => {
    const localHour = (((t / HOUR + LOCAL_OFFSET_HOURS) % 24) + 24) % 24;
    // 1 in the evening, about 0.2 at night, a bump at lunch.
    const evening = Math.cos((2 * Math.PI * (localHour - 20)) / 24);
    const lunch = Math.cos((4 * Math.PI * (localHour - 12.5)) / 24);
    const daily = 0.58 + 0.34 * evening + 0.08 * lunch;
    const localDay = Math.floor((t + LOCAL_OFFSET_HOURS * HOUR) / DAY);
    // 1970-01-01 was a Thursday (4).
    const weekday = WEEKDAY[(localDay + 4) % 7];
    const growth = 1 + (0.005 * (t - anchor)) / WEEK;
    const minute = Math.floor(t / MINUTE);
    const z = (name: string) => bounded(normal(`business|${name}|${minute}`));

    const sessions =
      PEAK_SESSIONS * daily * weekday * growth * (1 + 0.04 * z('sessions'));
    // Evening shoppers fill more carts and abandon fewer.
    const cartShare = 0.095 + 0.012 * evening;
    const abandonment = Math.min(
      0.95,
      Math.max(0.4, 0.7 - 0.03 * evening + 0.015 * z('abandon')),
    );
    const carts = sessions * cartShare;
    const orders = carts * (1 - abandonment);
    let orderValue = 84 + 6 * evening + 3 * z('aov');
    if (t >= discount.from && t < discount.to) {
      orderValue *= 1 - DISCOUNT_DROP;
    }
    return {
      sessions,
      carts,
      orders,
      revenue: orders * orderValue,
      // Sessions last about 7 minutes: users seen in the last 5 minutes.
      activeUsers: sessions * 7 * (1 + 0.02 * z('users')),
    };
  };
}

type Field = 'orders' | 'revenue' | 'activeUsers';

/**
 * A generator over the shop's minutes: per-minute sums for counts and
 * amounts; for rates (`ratio`) the bucket's `Average` is the ratio of its
 * sums (orders / sessions, weighted by traffic as the shop computes it).
 */
function generator(
  anchor: number,
  model: (t: number) => ShopMinute,
  value: { field: Field } | { ratio: (m: ShopMinute) => [number, number] },
): SeriesGenerator {
  const first = anchor - HISTORY_DAYS * DAY;
  return (bucketStart, periodSeconds, stat) => {
    if (bucketStart < first) return undefined;
    const minutes = Math.max(1, Math.round(periodSeconds / 60));
    const perMinute: number[] = [];
    let numerator = 0;
    let denominator = 0;
    for (let i = 0; i < minutes; i++) {
      const m = model(bucketStart + i * MINUTE);
      if ('field' in value) {
        perMinute.push(m[value.field]);
      } else {
        const [n, d] = value.ratio(m);
        numerator += n;
        denominator += d;
        perMinute.push((100 * n) / d);
      }
    }
    const sum = perMinute.reduce((a, b) => a + b, 0);
    switch (stat) {
      case 'Sum':
        return 'field' in value ? sum : undefined;
      case 'Average':
        return 'field' in value
          ? sum / minutes
          : (100 * numerator) / denominator;
      case 'Maximum':
        return Math.max(...perMinute);
      case 'Minimum':
        return Math.min(...perMinute);
      case 'SampleCount':
        return minutes;
      default:
        return undefined;
    }
  };
}

/** Adds the shop's business metrics to the fake CloudWatch's store. */
export function addBusinessSeries(store: MetricStore, anchor: number): void {
  const model = shopModel(anchor);
  const key = (metricName: string) => ({
    namespace: BUSINESS_NAMESPACE,
    metricName,
    dimensions: BUSINESS_DIMENSIONS,
  });
  store.add({
    key: key('OrdersPlaced'),
    generate: generator(anchor, model, { field: 'orders' }),
  });
  store.add({
    key: key('Revenue'),
    generate: generator(anchor, model, { field: 'revenue' }),
  });
  store.add({
    key: key('ActiveUsers'),
    generate: generator(anchor, model, { field: 'activeUsers' }),
  });
  store.add({
    key: key('ConversionRate'),
    generate: generator(anchor, model, {
      ratio: m => [m.orders, m.sessions],
    }),
  });
  store.add({
    key: key('CartAbandonmentRate'),
    generate: generator(anchor, model, {
      ratio: m => [m.carts - m.orders, m.carts],
    }),
  });
}
