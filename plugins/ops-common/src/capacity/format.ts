import { CapacityUnit } from './types';

/** A capacity value with its unit, for people: `63.2 %`, `850 ms`, `12.4 MB/s`, `17.2 req/s`. @public */
export function formatCapacityValue(
  value: number | undefined,
  unit: CapacityUnit,
): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'percent':
      return `${value.toFixed(1)} %`;
    case 'seconds':
      return Math.abs(value) < 1
        ? `${Math.round(value * 1000)} ms`
        : `${value.toFixed(2)} s`;
    case 'bytesPerSecond':
      return `${scaled(value, ['B/s', 'kB/s', 'MB/s', 'GB/s'])}`;
    case 'requestsPerSecond':
      // Three significant digits up to 100 req/s: 2.57, 17.2, 240.
      return `${value.toFixed(
        Math.max(0, 2 - Math.floor(Math.log10(Math.max(Math.abs(value), 1)))),
      )} req/s`;
    case 'messages':
      return `${Math.round(value)} messages`;
    case 'count':
    default:
      return value.toFixed(1);
  }
}

/** The unit's short symbol, for axis labels and CSV headers. @public */
export function capacityUnitSymbol(unit: CapacityUnit): string {
  switch (unit) {
    case 'percent':
      return '%';
    case 'seconds':
      return 's';
    case 'bytesPerSecond':
      return 'B/s';
    case 'requestsPerSecond':
      return 'req/s';
    case 'messages':
      return 'messages';
    default:
      return '';
  }
}

function scaled(value: number, units: string[]): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
