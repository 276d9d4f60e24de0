import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const PREFIX = 'ops.alerts.maintenanceWindows';

/** Settings of the maintenance windows opened for changes (`ops.alerts.maintenanceWindows`). */
export interface ChangeMaintenanceConfig {
  /** Whether starting a change in its maintenance window opens a PagerDuty maintenance window. Default false. */
  enabled: boolean;
  /**
   * Which starts count as "in its maintenance window": `maintenance-window`
   * (default) when the start falls inside an occurrence of
   * `ops.changes.maintenanceWindow`; `planned-window` when the change starts
   * before its planned end (its own scheduled window; the change workflow
   * decides how early a start may be).
   */
  startedIn: 'maintenance-window' | 'planned-window';
  /** Shortest window opened, in minutes, when the planned end is past or nearer. Default 30. */
  minimumMinutes: number;
  /** `From` of the PagerDuty writes (this key, else `ops.incidents.response.fromEmail`). */
  fromEmail?: string;
  /** Creation attempts per change before the reconciliation gives up. Default 6. */
  maxAttempts: number;
  /** Minutes between reconciliation runs. Default 5. */
  reconcileEveryMinutes: number;
  /** The portal's address, for the link in the window's description (`app.baseUrl`). */
  portalBaseUrl?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function email(root: Config, key: string): string | undefined {
  const value = root.getOptionalString(key)?.trim();
  if (!value) return undefined;
  if (!EMAIL.test(value)) {
    throw new InputError(`${key} must be an email address`);
  }
  return value;
}

function wholeNumber(
  root: Config,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = root.getOptionalNumber(`${PREFIX}.${key}`) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `${PREFIX}.${key} must be a whole number between ${min} and ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `ops.alerts.maintenanceWindows`; wrong values fail startup with the
 * key named. Enabled without any `From` address is wrong too: PagerDuty
 * refuses writes with a REST API token that name no user.
 */
export function readChangeMaintenanceConfig(
  root: Config,
): ChangeMaintenanceConfig {
  const enabled = root.getOptionalBoolean(`${PREFIX}.enabled`) ?? false;
  const fromEmail =
    email(root, `${PREFIX}.fromEmail`) ??
    email(root, 'ops.incidents.response.fromEmail');
  if (enabled && !fromEmail) {
    throw new InputError(
      `${PREFIX}.enabled is true but neither ${PREFIX}.fromEmail nor ops.incidents.response.fromEmail names the PagerDuty user the windows are created as`,
    );
  }
  const startedIn =
    root.getOptionalString(`${PREFIX}.startedIn`) ?? 'maintenance-window';
  if (startedIn !== 'maintenance-window' && startedIn !== 'planned-window') {
    throw new InputError(
      `${PREFIX}.startedIn must be maintenance-window or planned-window, got ${startedIn}`,
    );
  }
  return {
    enabled,
    startedIn,
    minimumMinutes: wholeNumber(root, 'minimumMinutes', 30, 5, 24 * 60),
    fromEmail,
    maxAttempts: wholeNumber(root, 'maxAttempts', 6, 1, 100),
    reconcileEveryMinutes: wholeNumber(root, 'reconcileEveryMinutes', 5, 1, 60),
    portalBaseUrl: root.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
  };
}
