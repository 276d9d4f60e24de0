import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** A catalog User as the incident page needs it. */
export interface CatalogPerson {
  ref: string;
  name: string;
  email?: string;
}

const USER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile.displayName',
  'spec.profile.email',
];

function personOf(entity: Entity): CatalogPerson {
  const profile = (
    entity.spec as
      | { profile?: { displayName?: unknown; email?: unknown } }
      | undefined
  )?.profile;
  const displayName =
    typeof profile?.displayName === 'string' ? profile.displayName : undefined;
  const email = typeof profile?.email === 'string' ? profile.email : undefined;
  return {
    ref: stringifyEntityRef(entity),
    name: displayName ?? entity.metadata.title ?? entity.metadata.name,
    email: email?.trim() || undefined,
  };
}

/** A user ref in its canonical form (`user:default/jane`), or undefined when malformed. */
export function normalizeUserRef(ref: string): string | undefined {
  try {
    const parsed = parseEntityRef(ref.trim(), {
      defaultKind: 'user',
      defaultNamespace: DEFAULT_NAMESPACE,
    });
    return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * People of the catalog, looked up for the incident page: by entity ref
 * (role holders, responders asked for) and by email (PagerDuty users). Only
 * `User` entities count; the caller's credentials decide what is visible.
 */
export class CatalogPeople {
  constructor(private readonly catalog: CatalogService) {}

  /** The users among `refs`, keyed by the normalised ref; refs that are not users are left out. */
  async byRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, CatalogPerson>> {
    const wanted = [
      ...new Set(
        refs.map(normalizeUserRef).filter((r): r is string => Boolean(r)),
      ),
    ];
    const result = new Map<string, CatalogPerson>();
    if (wanted.length === 0) return result;
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: wanted, fields: USER_FIELDS },
      { credentials },
    );
    items.forEach((entity, index) => {
      if (entity && entity.kind.toLocaleLowerCase('en-US') === 'user') {
        result.set(wanted[index], personOf(entity));
      }
    });
    return result;
  }

  /** The users with these emails, keyed by the lower-case email. */
  async byEmails(
    emails: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, CatalogPerson>> {
    const wanted = [
      ...new Set(emails.map(e => e.trim().toLocaleLowerCase('en-US'))),
    ].filter(Boolean);
    const result = new Map<string, CatalogPerson>();
    if (wanted.length === 0) return result;
    const { items } = await this.catalog.getEntities(
      {
        filter: { kind: 'User', 'spec.profile.email': wanted },
        fields: USER_FIELDS,
      },
      { credentials },
    );
    for (const entity of items) {
      const person = personOf(entity);
      if (person.email) {
        result.set(person.email.toLocaleLowerCase('en-US'), person);
      }
    }
    return result;
  }
}
