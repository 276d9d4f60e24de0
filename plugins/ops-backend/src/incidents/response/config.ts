import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { SEVERITIES } from '@opsportal/plugin-ops-common';
import {
  DEFAULT_UPDATE_CADENCE_MINUTES,
  UpdateCadenceMinutes,
} from './cadence';

const PREFIX = 'ops.incidents.response';

/** Settings of the incident page and its writes (`ops.incidents.response`). */
export interface IncidentResponseConfig {
  /** Minutes between status updates per severity; absent: no cadence. */
  updateCadenceMinutes: UpdateCadenceMinutes;
  /** The incident's chat channel: a name template and an optional link template. */
  chatChannel: { name?: string; url?: string };
  /** Link template of the incident's status page post. */
  statusPage: { url?: string };
  /** `From` of PagerDuty writes when the acting user has no catalog email. */
  fromEmail?: string;
  /** Seconds an incident's PagerDuty reads are reused by page views. */
  cacheSeconds: number;
  /** Incidents whose last good read is kept (for stale answers) at most. */
  maxCachedIncidents: number;
  /** PagerDuty change events when change requests start and finish. */
  changeEvents: {
    enabled: boolean;
    /** Routing key per entity ref (lower case), besides the annotation. */
    routingKeys: Map<string, string>;
  };
  /** The portal's address, for links sent to PagerDuty (`app.baseUrl`). */
  portalBaseUrl?: string;
}

const DEFAULT_CADENCE = DEFAULT_UPDATE_CADENCE_MINUTES;

function cadence(response: Config | undefined): UpdateCadenceMinutes {
  const given = response?.getOptionalConfig('updateCadenceMinutes');
  if (!given) return DEFAULT_CADENCE;
  for (const key of given.keys()) {
    if (!(SEVERITIES as readonly string[]).includes(key)) {
      throw new InputError(
        `${PREFIX}.updateCadenceMinutes.${key} is not a severity (P1, P2, P3, P4)`,
      );
    }
  }
  const result: UpdateCadenceMinutes = {};
  for (const s of SEVERITIES) {
    const value = given.has(s) ? given.getNumber(s) : DEFAULT_CADENCE[s];
    if (value === undefined || value === 0) continue;
    if (!Number.isFinite(value) || value < 1 || value > 24 * 60) {
      throw new InputError(
        `${PREFIX}.updateCadenceMinutes.${s} must be minutes between 1 and 1440 (0 for none), got ${value}`,
      );
    }
    result[s] = value;
  }
  return result;
}

/**
 * Entity refs are not config keys (they hold `:` and `/`), so the map is
 * read as a plain object and checked here.
 */
function routingKeys(response: Config | undefined): Map<string, string> {
  const raw = response?.getOptional<unknown>('changeEvents.routingKeys');
  const result = new Map<string, string>();
  if (raw === undefined) return result;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(
      `${PREFIX}.changeEvents.routingKeys must map entity refs to routing keys`,
    );
  }
  for (const [ref, key] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof key !== 'string' || key.trim() === '') {
      throw new InputError(
        `${PREFIX}.changeEvents.routingKeys["${ref}"] must be a routing key`,
      );
    }
    result.set(ref.toLocaleLowerCase('en-US'), key.trim());
  }
  return result;
}

function template(
  response: Config | undefined,
  key: string,
): string | undefined {
  const value = response?.getOptionalString(key)?.trim();
  return value ? value : undefined;
}

/**
 * Reads `ops.incidents.response.updateCadenceMinutes`: the one reading of
 * the cadence, shared by the incident page and the incident cards.
 */
export function readUpdateCadenceMinutes(root: Config): UpdateCadenceMinutes {
  return cadence(root.getOptionalConfig(PREFIX));
}

/**
 * Reads `ops.incidents.response`; wrong values fail startup with the key
 * named. `updateCadenceMinutes`, when given, is the cadence already read
 * (by the incidents feature), used as it is.
 */
export function readIncidentResponseConfig(
  root: Config,
  updateCadenceMinutes?: UpdateCadenceMinutes,
): IncidentResponseConfig {
  const response = root.getOptionalConfig(PREFIX);
  const fromEmail = template(response, 'fromEmail');
  if (fromEmail && !/^[^\s@]+@[^\s@]+$/.test(fromEmail)) {
    throw new InputError(`${PREFIX}.fromEmail must be an email address`);
  }
  const cacheSeconds = response?.getOptionalNumber('cacheSeconds') ?? 30;
  if (!Number.isFinite(cacheSeconds) || cacheSeconds < 0) {
    throw new InputError(`${PREFIX}.cacheSeconds must be 0 or more`);
  }
  return {
    updateCadenceMinutes: updateCadenceMinutes ?? cadence(response),
    chatChannel: {
      name: template(response, 'chatChannel.name') ?? '#inc-{number}',
      url: template(response, 'chatChannel.url'),
    },
    statusPage: { url: template(response, 'statusPage.url') },
    fromEmail,
    cacheSeconds,
    maxCachedIncidents: 1000,
    changeEvents: {
      enabled: response?.getOptionalBoolean('changeEvents.enabled') ?? true,
      routingKeys: routingKeys(response),
    },
    portalBaseUrl: root.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
  };
}

/**
 * Fills a link or name template: `{number}` (the incident's number, or its
 * id when it has none) and `{id}`. Values are URL-encoded in URL templates.
 */
export function fillTemplate(
  text: string,
  incident: { id: string; number?: number },
  encode = false,
): string {
  const value = (v: string) => (encode ? encodeURIComponent(v) : v);
  return text
    .replace(/\{number\}/g, value(String(incident.number ?? incident.id)))
    .replace(/\{id\}/g, value(incident.id));
}
