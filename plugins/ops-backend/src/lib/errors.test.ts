import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { opsPlugin } from '../plugin';

/**
 * What another plugin's failure looks like to our clients: the catalog
 * answers 500 with its own route and stack; the client of the ops API sees
 * neither, only our message with a log id that the server log carries.
 */

const body = {
  title: 'Rotate the payments key',
  category: 'emergency',
  risk: 'low',
  entityRefs: ['component:default/payment-service'],
  plannedStart: '2031-01-05T07:00:00.000Z',
  plannedEnd: '2031-01-05T08:00:00.000Z',
};

async function catalogFailure(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'DatabaseError',
          message: 'invalid byte sequence for encoding "UTF8": 0x00',
          stack:
            'DatabaseError: invalid byte sequence\n    at /srv/backstage/node_modules/pg/lib/client.js:535:17',
        },
        request: { method: 'POST', url: '/api/catalog/entities/by-refs' },
        response: { statusCode: 500 },
      }),
      { status: 500, headers: { 'content-type': 'application/json' } },
    ) as any,
  );
}

describe('errors of other plugins', () => {
  it('reach the client as our own 503 with a log id, without their routes or stacks', async () => {
    const logger = mockServices.logger.mock();
    const catalog = catalogServiceMock.mock({
      getEntitiesByRefs: async () => {
        throw await catalogFailure();
      },
    });
    const { server } = await startTestBackend({
      features: [opsPlugin, catalog.factory, logger.factory],
    });
    const res = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', mockCredentials.user.header())
      .send(body);

    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^A Backstage service the ops plugin depends on did not answer as expected: try again later \(logId=([0-9a-f]+)\)$/,
    );
    const text = JSON.stringify(res.body);
    for (const secret of [
      '/api/catalog',
      'by-refs',
      'node_modules',
      'DatabaseError',
      '0x00',
      '    at ',
    ]) {
      expect([secret, text.includes(secret)]).toEqual([secret, false]);
    }
    expect(res.body.error.cause).toBeUndefined();
    expect(res.body.error.stack).toBeUndefined();

    // The log has the whole story under the same id.
    const logId = /logId=([0-9a-f]+)/.exec(res.body.error.message)![1];
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(`logId=${logId}`),
      expect.objectContaining({
        logId,
        error: expect.stringContaining('ResponseError'),
      }),
    );
  });

  it('keep the messages of our own errors and of malformed requests', async () => {
    const { server } = await startTestBackend({
      features: [opsPlugin, catalogServiceMock.factory({ entities: [] })],
    });
    const auth = mockCredentials.user.header();
    const notJson = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"title":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/^Invalid request body: /);

    const tooLarge = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', auth)
      .send({ ...body, description: 'x'.repeat(300_000) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.stack).toBeUndefined();

    const missing = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', auth)
      .send(body);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      name: 'InputError',
      message:
        'entityRefs.0: component:default/payment-service: not found in the catalog',
    });
  });
});
