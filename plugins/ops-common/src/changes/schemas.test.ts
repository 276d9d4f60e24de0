import {
  createChangeRequestSchema,
  describeSchemaError,
  fieldErrorsOf,
  listChangeRequestsQuerySchema,
  maintenanceWindowsQuerySchema,
} from './schemas';

const valid = {
  title: 'Add index to orders table',
  category: 'normal',
  risk: 'medium',
  entityRefs: ['payment-service', 'Component:default/order-service'],
  plannedStart: '2026-12-06T02:00:00-05:00',
  plannedEnd: '2026-12-06T03:00:00-05:00',
};

describe('change request schemas', () => {
  it('normalises entity refs and times', () => {
    const parsed = createChangeRequestSchema.parse(valid);
    expect(parsed.entityRefs).toEqual([
      'component:default/payment-service',
      'component:default/order-service',
    ]);
    expect(parsed.plannedStart).toBe('2026-12-06T07:00:00.000Z');
    expect(parsed.description).toBe('');
  });

  it('names the fields that are wrong', () => {
    const result = createChangeRequestSchema.safeParse({
      ...valid,
      title: 'x',
      risk: 'extreme',
      entityRefs: ['component:'],
      plannedEnd: '2026-12-06T01:00:00-05:00',
      colour: 'red',
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    const message = describeSchemaError(result.error);
    expect(message).toContain('title: must be at least 3 characters');
    expect(message).toContain('risk: must be one of low, medium, high');
    expect(message).toContain('entityRefs.0: must be an entity ref');
    expect(message).toContain('unknown field(s) colour');
    expect(fieldErrorsOf(result.error)).toMatchObject({
      title: 'must be at least 3 characters',
    });
  });

  it('wants the planned end after the start, and times with a zone', () => {
    const backwards = createChangeRequestSchema.safeParse({
      ...valid,
      plannedEnd: '2026-12-06T01:00:00-05:00',
    });
    expect(!backwards.success && describeSchemaError(backwards.error)).toBe(
      'plannedEnd: must be after the planned start',
    );
    const local = createChangeRequestSchema.safeParse({
      ...valid,
      plannedStart: '2026-12-06T02:00',
    });
    expect(!local.success && describeSchemaError(local.error)).toContain(
      'plannedStart: must be an ISO 8601 date-time with a time zone',
    );
    const nul = createChangeRequestSchema.safeParse({
      ...valid,
      description: 'a\u0000b',
    });
    expect(!nul.success && describeSchemaError(nul.error)).toBe(
      'description: must not contain NUL characters',
    );
  });

  it('reads list queries given once, repeated or comma separated', () => {
    const query = listChangeRequestsQuerySchema.parse({
      status: ['submitted,approved', 'in-progress'],
      entityRef: 'payment-service',
      limit: '20',
    });
    expect(query).toMatchObject({
      status: ['submitted', 'approved', 'in-progress'],
      entityRef: ['component:default/payment-service'],
      limit: 20,
      sort: 'createdAt',
      order: 'desc',
    });
    const bad = listChangeRequestsQuerySchema.safeParse({
      status: 'done',
      limit: '1000',
    });
    expect(!bad.success && describeSchemaError(bad.error)).toMatch(
      /status\.0: must be one of .*; limit: must be at most 200/,
    );
  });

  it('limits the calendar range', () => {
    expect(
      maintenanceWindowsQuerySchema.safeParse({
        from: '2026-01-01T00:00:00Z',
        to: '2028-01-01T00:00:00Z',
      }).success,
    ).toBe(false);
  });
});
