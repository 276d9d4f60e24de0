import { Readable } from 'node:stream';
import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { RunbookSearchPage, RunbookSource } from '@opsportal/plugin-ops-common';

/** A runbook in the search index. @public */
export interface RunbookIndexableDocument extends IndexableDocument {
  entityRef: string;
  entityTitle?: string;
  owner?: string;
  /** Alarm names the runbook covers, space separated (searchable). */
  alarms: string;
  source: RunbookSource;
  lastUpdated?: string;
}

/** Search document type of runbooks. @public */
export const RUNBOOK_DOCUMENT_TYPE = 'runbook';

/**
 * Collects the ops portal's runbooks for Backstage search. It reads them from
 * the ops backend (`GET /api/ops/runbooks/search-documents`, a page of
 * entities at a time) with the module's own service token; each document
 * carries its entity as `authorization.resourceRef`, so search shows a
 * runbook only to users who may read its entity in the catalog.
 *
 * @public
 */
export class RunbookCollatorFactory implements DocumentCollatorFactory {
  readonly type = RUNBOOK_DOCUMENT_TYPE;
  readonly visibilityPermission = catalogEntityReadPermission;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<RunbookIndexableDocument> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('ops');
    let cursor: string | undefined;
    do {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'ops',
      });
      const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const response = await fetch(
        `${baseUrl}/runbooks/search-documents${query}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const page = (await response.json()) as RunbookSearchPage;
      for (const doc of page.documents) {
        yield {
          title: doc.title,
          text: doc.text,
          location: doc.location,
          entityRef: doc.entityRef,
          ...(doc.entityTitle ? { entityTitle: doc.entityTitle } : {}),
          ...(doc.owner ? { owner: doc.owner } : {}),
          alarms: doc.alarms.join(' '),
          source: doc.source,
          ...(doc.lastUpdated ? { lastUpdated: doc.lastUpdated } : {}),
          authorization: { resourceRef: doc.entityRef },
        };
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
}
