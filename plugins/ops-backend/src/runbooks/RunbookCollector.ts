import { createHash } from 'node:crypto';
import {
  DEFAULT_NAMESPACE,
  Entity,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_RUNBOOKS,
  ANNOTATION_TECHDOCS_RUNBOOKS,
  RunbookBlock,
  RunbookProblem,
  RunbookSummary,
  RunbookTocEntry,
  safeHref,
  slugify,
  splitAnnotation,
} from '@opsportal/plugin-ops-common';
import {
  EntityLocationReader,
  LocationFile,
} from '../lib/EntityLocationReader';
import { parseRunbookFile, renderRunbook } from './markdown';

/** The TechDocs annotation (from @backstage/plugin-techdocs-common). */
export const ANNOTATION_TECHDOCS_REF = 'backstage.io/techdocs-ref';

/** A rendered markdown runbook, kept apart from the entity's list. */
export interface RunbookBody {
  blocks: RunbookBlock[];
  toc: RunbookTocEntry[];
  /** Plain text for search, capped. */
  text: string;
}

/** Everything read for one entity in one refresh. */
export interface CollectedRunbooks {
  runbooks: RunbookSummary[];
  /** Bodies of the markdown runbooks that changed (by id). */
  bodies: Map<string, RunbookBody>;
  problems: RunbookProblem[];
}

/** What the previous refresh stored, reused when a location cannot be read now. */
export interface PreviousRunbooks {
  runbooks: RunbookSummary[];
  fetchedAt?: string;
}

const MAX_SEARCH_TEXT = 20_000;

/** Errors that say the location itself is wrong (no retry will help). */
function isPermanent(error: unknown): boolean {
  const name = (error as Error)?.name;
  return (
    name === 'NotFoundError' ||
    name === 'NotAllowedError' ||
    name === 'InputError'
  );
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Gathers an entity's runbooks from its three sources: `metadata.links`
 * entries of `type: runbook`, markdown files under `opsportal.dev/runbooks`
 * (read with {@link EntityLocationReader}, so only under the entity's own
 * location), and TechDocs pages where the entity has TechDocs. Nothing an
 * entity points at can make this throw: what cannot be read becomes a
 * problem the card shows, and a location that is unreachable right now
 * keeps the runbooks read from it last time.
 */
export class RunbookCollector {
  constructor(
    private readonly reader: EntityLocationReader,
    private readonly options: { techdocsBasePath: string },
  ) {}

  async collect(
    entity: Entity,
    previous?: PreviousRunbooks,
  ): Promise<CollectedRunbooks> {
    const owner = entityOwner(entity);
    const runbooks: RunbookSummary[] = [];
    const bodies = new Map<string, RunbookBody>();
    const problems: RunbookProblem[] = [];
    const ids = new Set<string>();
    const uniqueId = (base: string) => {
      let id = base;
      for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
      ids.add(id);
      return id;
    };

    const annotations = entity.metadata.annotations ?? {};
    for (const location of splitAnnotation(annotations[ANNOTATION_RUNBOOKS])) {
      let files: LocationFile[];
      try {
        const folder = await this.reader.readFolder(entity, location, [
          '.md',
          '.markdown',
        ]);
        files = folder.files;
        for (const problem of folder.problems) {
          problems.push({ location: problem.name, message: problem.message });
        }
        if (files.length === 0 && folder.problems.length === 0) {
          problems.push({
            location,
            message: 'no markdown files (.md) found there',
          });
        }
      } catch (error) {
        const message = (error as Error).message;
        const kept = isPermanent(error)
          ? []
          : (previous?.runbooks ?? []).filter(r => r.location === location);
        for (const runbook of kept) {
          ids.add(runbook.id);
          runbooks.push(runbook);
        }
        problems.push({
          location,
          message:
            kept.length > 0
              ? `could not be read (${message}); showing the ${
                  kept.length
                } runbook(s) read ${
                  previous?.fetchedAt ? `at ${previous.fetchedAt}` : 'before'
                }`
              : `could not be read: ${message}`,
        });
        continue;
      }

      // Ids first, so that runbooks can link to each other by file name.
      const named = files.map(file => ({
        file,
        id: uniqueId(slugify(file.name.replace(/\.(md|markdown)$/i, ''))),
      }));
      const idByName = new Map(named.map(n => [n.file.name, n.id]));
      for (const { file, id } of named) {
        const parsed = parseRunbookFile(file.content);
        for (const message of parsed.problems) {
          problems.push({ location: file.name, message });
        }
        const rendered = renderRunbook(parsed.body, {
          baseUrl: file.url,
          name: file.name,
          runbookIdByName: idByName,
        });
        const fm = parsed.frontMatter;
        const contentHash = hash(file.content);
        runbooks.push({
          id,
          source: 'markdown',
          title: fm.title ?? rendered.firstHeading ?? titleFromName(file.name),
          owner: fm.owner ?? owner,
          lastUpdated: fm.lastUpdated ?? file.lastModified?.toISOString(),
          lastUpdatedFrom: updatedFrom(fm.lastUpdated, file.lastModified),
          alarms: fm.alarms,
          ...(fm.severity ? { severity: fm.severity } : {}),
          name: file.name,
          location,
          headings: rendered.headings,
          tags: fm.tags,
          contentHash,
        });
        bodies.set(id, {
          blocks: rendered.blocks,
          toc: rendered.toc,
          text: rendered.text.slice(0, MAX_SEARCH_TEXT),
        });
      }
    }

    for (const link of entity.metadata.links ?? []) {
      if (link.type?.toLowerCase() !== 'runbook') continue;
      const url = safeHref(link.url);
      if (!url) {
        problems.push({
          location: 'metadata.links',
          message: `runbook link "${
            link.title ?? link.url
          }" is not an http(s) URL`,
        });
        continue;
      }
      const title = link.title ?? url;
      runbooks.push({
        id: uniqueId(`link-${slugify(title.replace(/^runbook:\s*/i, ''))}`),
        source: 'link',
        title,
        owner,
        alarms: [],
        url,
        headings: [],
        tags: [],
      });
    }

    if (annotations[ANNOTATION_TECHDOCS_REF]) {
      const ref = getCompoundEntityRef(entity);
      const base = `${this.options.techdocsBasePath}/${(
        ref.namespace || DEFAULT_NAMESPACE
      ).toLowerCase()}/${ref.kind.toLowerCase()}/${ref.name}`;
      const pages = splitAnnotation(annotations[ANNOTATION_TECHDOCS_RUNBOOKS]);
      const entityTitle = entity.metadata.title ?? entity.metadata.name;
      if (pages.length === 0) {
        runbooks.push({
          id: uniqueId('techdocs'),
          source: 'techdocs',
          title: `${entityTitle} documentation (TechDocs)`,
          owner,
          alarms: [],
          url: `${base}/`,
          headings: [],
          tags: [],
        });
      }
      for (const page of pages) {
        const path = page.replace(/^\/+/, '').replace(/\.md$/i, '');
        if (path.split('/').includes('..')) {
          problems.push({
            location: ANNOTATION_TECHDOCS_RUNBOOKS,
            message: `"${page}" leaves the TechDocs site`,
          });
          continue;
        }
        runbooks.push({
          id: uniqueId(`techdocs-${slugify(path)}`),
          source: 'techdocs',
          title: titleFromName(path),
          owner,
          alarms: [],
          url: `${base}/${path.split('/').map(encodeURIComponent).join('/')}/`,
          name: `${path.split('/').pop()}.md`,
          headings: [],
          tags: [],
        });
      }
    }

    return { runbooks, bodies, problems };
  }
}

function updatedFrom(
  frontMatterDate: string | undefined,
  fileDate: Date | undefined,
): RunbookSummary['lastUpdatedFrom'] {
  if (frontMatterDate) return 'front-matter';
  return fileDate ? 'file' : undefined;
}

function entityOwner(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  return typeof owner === 'string' ? owner : undefined;
}

/** `db-failover.md` → `Db failover`. */
function titleFromName(name: string): string {
  const stem = (name.split('/').pop() ?? name).replace(/\.(md|markdown)$/i, '');
  const words = stem.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
