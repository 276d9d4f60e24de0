import {
  changeTransitionSchema,
  createChangeRequestSchema,
  describeSchemaError,
  fieldErrorsOf,
  listChangeRequestsQuerySchema,
  maintenanceWindowsQuerySchema,
  updateChangeRequestSchema,
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
      'description: contains a control character (U+0000) at position 2',
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

  describe('the text policy', () => {
    const createError = (fields: Record<string, unknown>) => {
      const result = createChangeRequestSchema.safeParse({
        ...valid,
        ...fields,
      });
      return result.success ? undefined : describeSchemaError(result.error);
    };

    it('refuses control characters, naming the field, the character and where it is', () => {
      expect(createError({ title: 'Restart the queue\u0007' })).toBe(
        'title: contains a control character (U+0007) at position 18',
      );
      expect(createError({ description: 'Now \u001b[31mred' })).toBe(
        'description: contains a control character (U+001B) at position 5',
      );
      expect(createError({ implementationPlan: 'Step 1\u0085Step 2' })).toBe(
        'implementationPlan: contains a control character (U+0085) at position 7',
      );
      expect(createError({ standardType: 'scaling\u0000' })).toBe(
        'standardType: contains a control character (U+0000) at position 8',
      );
      const comment = changeTransitionSchema.safeParse({
        action: 'reject',
        comment: 'No\u0000',
        version: 2,
      });
      expect(!comment.success && describeSchemaError(comment.error)).toBe(
        'comment: contains a control character (U+0000) at position 3',
      );
      const patch = updateChangeRequestSchema.safeParse({
        rollbackPlan: '\u001b[2J',
        version: 1,
      });
      expect(!patch.success && describeSchemaError(patch.error)).toBe(
        'rollbackPlan: contains a control character (U+001B) at position 1',
      );
    });

    it('allows tabs and line breaks in multi-line fields but not in a title', () => {
      const parsed = createChangeRequestSchema.parse({
        ...valid,
        description: 'Why:\n\tRefunds time out.\r\nSee the incident.',
        testPlan: 'a\rb',
      });
      expect(parsed.description).toBe(
        'Why:\n\tRefunds time out.\r\nSee the incident.',
      );
      expect(createError({ title: 'Add\tindex' })).toBe(
        'title: contains a tab (U+0009) at position 4, which a single-line field does not allow',
      );
      expect(createError({ title: 'Add index\nto orders' })).toBe(
        'title: contains a line break (U+000A) at position 10, which a single-line field does not allow',
      );
      // Refused before trimming: the title as sent is what is judged.
      expect(createError({ title: 'Add index\n' })).toMatch(
        /^title: contains a line break \(U\+000A\) at position 10/,
      );
    });

    it('refuses bidi overrides and isolates, saying why', () => {
      expect(createError({ title: 'Rotate keys \u202Egnp.exe' })).toBe(
        'title: contains a bidirectional text control (U+202E) at position 13, which can make the text read differently from what is stored',
      );
      expect(
        createError({
          category: 'normal',
          justification: 'Approved by \u2067alice\u2069',
        }),
      ).toMatch(
        /^justification: contains a bidirectional text control \(U\+2067\) at position 13,/,
      );
      expect(createError({ title: 'Add index \u200Fnow' })).toBeUndefined();
    });

    it('refuses unpaired surrogates and keeps emoji', () => {
      expect(createError({ title: 'Deploy \ud83d' })).toBe(
        'title: contains an unpaired surrogate (U+D83D) at position 8, which is half of a character and cannot be stored',
      );
      expect(createError({ description: 'x\udc00y' })).toMatch(
        /^description: contains an unpaired surrogate \(U\+DC00\) at position 2,/,
      );
      const parsed = createChangeRequestSchema.parse({
        ...valid,
        title: 'Ship the 🚀 release',
        description: '🎉 done',
      });
      expect(parsed.title).toBe('Ship the 🚀 release');
      expect(parsed.description).toBe('🎉 done');
    });

    it('answers a control character in a list filter with a message, not a catalog lookup', () => {
      const nul = listChangeRequestsQuerySchema.safeParse({
        entityRef: 'payment-service\u0000',
      });
      expect(!nul.success && describeSchemaError(nul.error)).toBe(
        'entityRef.0: contains a control character (U+0000) at position 16',
      );
      const escape = listChangeRequestsQuerySchema.safeParse({
        requester: ['user:default/guest', 'user:default/\u001b[0m'],
      });
      expect(!escape.success && describeSchemaError(escape.error)).toBe(
        'requester.1: contains a control character (U+001B) at position 14',
      );
      const refs = createChangeRequestSchema.safeParse({
        ...valid,
        entityRefs: ['\tpayment-service'],
      });
      expect(!refs.success && describeSchemaError(refs.error)).toBe(
        'entityRefs.0: contains a tab (U+0009) at position 1, which a single-line field does not allow',
      );
      const cursor = listChangeRequestsQuerySchema.safeParse({
        cursor: 'abc\n',
      });
      expect(!cursor.success && describeSchemaError(cursor.error)).toMatch(
        /^cursor: contains a line break \(U\+000A\) at position 4/,
      );
    });
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
