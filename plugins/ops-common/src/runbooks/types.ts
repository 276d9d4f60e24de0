import { Freshness } from '../freshness';
import { Severity } from '../incidents/severity';

/**
 * Where a runbook comes from: a markdown file in the service's repository
 * (`opsportal.dev/runbooks`), a `metadata.links` entry of `type: runbook`,
 * or a TechDocs page (`backstage.io/techdocs-ref`).
 * @public
 */
export type RunbookSource = 'markdown' | 'link' | 'techdocs';

/** An alarm's severity: the seed's P1 (critical) to P4 (low), as for incidents. @public */
export type AlarmSeverity = Severity;

/** What is known about one runbook of an entity, without its body. @public */
export interface RunbookSummary {
  /** Unique within the entity; stable across refreshes (derived from the file name or link title). */
  id: string;
  source: RunbookSource;
  title: string;
  /** Owner from the front matter, or the entity's owner. */
  owner?: string;
  /** Last update (ISO date or date-time), from the front matter or the file. */
  lastUpdated?: string;
  /** Where `lastUpdated` came from. */
  lastUpdatedFrom?: 'front-matter' | 'file';
  /** Alarm names (or `prefix*` patterns) the runbook says it covers. */
  alarms: string[];
  /** Severity the runbook is written for, from its front matter. */
  severity?: AlarmSeverity;
  /** Link runbooks and TechDocs pages: where they are (http(s) URL or portal path). */
  url?: string;
  /** Markdown runbooks: file name relative to the folder read (`db-failover.md`). */
  name?: string;
  /** Markdown runbooks: the annotation entry it was read from (`../runbooks/payment-service/`). */
  location?: string;
  /** Section headings, for searching within an entity. */
  headings: string[];
  tags: string[];
  /** Markdown runbooks: a hash of the file, to skip rewriting unchanged ones. */
  contentHash?: string;
}

/** A runbook as the API answers it: its summary and whether it is overdue for review. @public */
export interface RunbookListItem extends RunbookSummary {
  /** Last updated longer ago than the configured stale age. */
  stale: boolean;
}

/** Something that kept a runbook from being read, said so that someone can fix it. @public */
export interface RunbookProblem {
  /** The file or annotation entry concerned. */
  location: string;
  message: string;
}

/** How an alarm is linked to a runbook. @public */
export interface AlarmRunbookLink {
  /** Set when the runbook is one of the entity's runbooks. */
  runbookId?: string;
  title: string;
  /** External location (from the alarm description), when not one of the entity's runbooks. */
  url?: string;
  /** How the link was found. */
  via: 'description' | 'front-matter' | 'naming';
}

/** An alarm as the refresh stores it (before it is linked to runbooks). @public */
export interface StoredAlarm {
  name: string;
  region?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason?: string;
  /** When the alarm entered its current state (ISO 8601). */
  since?: string;
  description?: string;
  severity: AlarmSeverity;
  /** Where the severity came from: the alarm's tag, a configured rule, or the default. */
  severitySource: 'tag' | 'rule' | 'default';
  /** `Namespace MetricName`, for the reader. */
  metric?: string;
  /** Runbook URLs found in the alarm description. */
  runbookUrls: string[];
}

/** An alarm with the runbooks that cover it. @public */
export interface RunbookAlarm extends StoredAlarm {
  runbooks: AlarmRunbookLink[];
}

/** Answer of `GET /api/ops/runbooks/entity`. @public */
export interface EntityRunbooks {
  entityRef: string;
  runbooks: RunbookListItem[];
  problems: RunbookProblem[];
  alarms: RunbookAlarm[];
  counts: {
    runbooks: number;
    staleRunbooks: number;
    alarms: number;
    alarmsFiring: number;
    alarmsWithoutRunbook: number;
  };
  /** Which sources the entity has set up (for the empty states). */
  setup: {
    markdown: boolean;
    links: boolean;
    techdocs: boolean;
    alarms: boolean;
  };
  staleAfterDays: number;
  freshness: { runbooks: Freshness; alarms: Freshness };
}

/** A table cell alignment. @public */
export type RunbookAlign = 'left' | 'center' | 'right' | undefined;

/** Inline content of a rendered runbook. @public */
export type RunbookInline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'emphasis' | 'strike'; children: RunbookInline[] }
  | {
      type: 'link';
      /** An http(s) or mailto URL, or a portal path. */
      href?: string;
      /** Another runbook of the same entity. */
      runbookId?: string;
      /** A heading of the same runbook. */
      anchor?: string;
      children: RunbookInline[];
    }
  | { type: 'image'; src: string; alt: string }
  | { type: 'break' };

/**
 * Block content of a rendered runbook: a small, closed set of node types
 * that the frontend renders as React elements. There is no raw HTML node,
 * so nothing in a runbook can become a script or an event handler.
 * @public
 */
export type RunbookBlock =
  | { type: 'heading'; level: number; id: string; children: RunbookInline[] }
  | { type: 'paragraph'; children: RunbookInline[] }
  | {
      type: 'list';
      ordered: boolean;
      start?: number;
      items: RunbookBlock[][];
    }
  | { type: 'code'; language?: string; text: string }
  | { type: 'blockquote'; children: RunbookBlock[] }
  | {
      type: 'table';
      align: RunbookAlign[];
      header: RunbookInline[][];
      rows: RunbookInline[][][];
    }
  | { type: 'rule' };

/** One entry of a runbook's table of contents. @public */
export interface RunbookTocEntry {
  id: string;
  level: number;
  text: string;
}

/** Answer of `GET /api/ops/runbooks/document`. @public */
export interface RunbookDocument {
  entityRef: string;
  runbook: RunbookListItem;
  toc: RunbookTocEntry[];
  blocks: RunbookBlock[];
  /** Alarms of the entity this runbook covers. */
  alarms: RunbookAlarm[];
  freshness: Freshness;
}

/** Coverage of one entity, for the platform page. @public */
export interface RunbookCoverageService {
  entityRef: string;
  title: string;
  owner?: string;
  runbooks: number;
  staleRunbooks: { id: string; title: string; lastUpdated?: string }[];
  alarms: number;
  alarmsFiring: number;
  alarmsWithoutRunbook: {
    name: string;
    severity: AlarmSeverity;
    state: StoredAlarm['state'];
  }[];
  problems: number;
  /** The entity has no runbook source set up at all. */
  noRunbookSource: boolean;
  freshness: Freshness;
}

/** Coverage summed over one owner. @public */
export interface RunbookCoverageTeam {
  owner: string;
  services: number;
  runbooks: number;
  staleRunbooks: number;
  alarms: number;
  alarmsWithoutRunbook: number;
  servicesWithoutRunbooks: number;
}

/** Answer of `GET /api/ops/runbooks/coverage`. @public */
export interface RunbookCoverageReport {
  staleAfterDays: number;
  totals: {
    services: number;
    runbooks: number;
    staleRunbooks: number;
    alarms: number;
    alarmsWithoutRunbook: number;
    servicesWithoutRunbooks: number;
  };
  teams: RunbookCoverageTeam[];
  services: RunbookCoverageService[];
}

/** A runbook as the search collator indexes it. @public */
export interface RunbookSearchDocument {
  title: string;
  text: string;
  /** Portal path of the runbook (or the external URL of a link runbook). */
  location: string;
  entityRef: string;
  entityTitle?: string;
  owner?: string;
  alarms: string[];
  source: RunbookSource;
  lastUpdated?: string;
}

/** Answer of `GET /api/ops/runbooks/search-documents` (service callers only). @public */
export interface RunbookSearchPage {
  documents: RunbookSearchDocument[];
  /** Pass as `cursor` to get the next page; absent on the last one. */
  nextCursor?: string;
}
