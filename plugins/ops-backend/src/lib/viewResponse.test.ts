import express from 'express';
import request from 'supertest';
import { memoView, memoViewAt, sendView } from './viewResponse';

describe('memoView', () => {
  it('computes a view once per kept (frozen) snapshot and variant', () => {
    const snapshot = Object.freeze({ data: { points: [1, 2, 3] } });
    let computed = 0;
    const view = (range: string) =>
      memoView(snapshot, range, () => {
        computed += 1;
        return { range, sum: snapshot.data.points.length };
      });
    const first = view('7d');
    expect(view('7d')).toBe(first);
    expect(view('30d')).not.toBe(first);
    expect(computed).toBe(2);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('serves the refreshed snapshot, not the old view, after a refresh', () => {
    const before = Object.freeze({ value: 1 });
    const after = Object.freeze({ value: 2 });
    expect(memoView(before, '7d', () => ({ v: before.value }))).toEqual({
      v: 1,
    });
    expect(memoView(after, '7d', () => ({ v: after.value }))).toEqual({ v: 2 });
  });

  it('keeps nothing for a snapshot that may change', () => {
    const snapshot = { value: 1 };
    let computed = 0;
    memoView(snapshot, 'x', () => ++computed);
    memoView(snapshot, 'x', () => ++computed);
    expect(computed).toBe(2);
  });
});

describe('memoViewAt', () => {
  it('computes a clock-dependent view once per snapshot, variant and tick', () => {
    const snapshot = Object.freeze({ deadline: 12 });
    const computed: number[] = [];
    const view = (tick: number, variant = 'entity') =>
      memoViewAt(snapshot, variant, tick, () => {
        computed.push(tick);
        return { overdue: tick > snapshot.deadline };
      });
    const first = view(10);
    expect(view(10)).toBe(first);
    expect(first).toEqual({ overdue: false });
    // The clock moved on: computed again, with the new tick.
    expect(view(13)).toEqual({ overdue: true });
    expect(view(13)).toBe(view(13));
    // Only the latest tick is kept: going back computes again.
    expect(view(10)).not.toBe(first);
    expect(view(13, 'other')).toEqual({ overdue: true });
    expect(computed).toEqual([10, 13, 10, 13]);
  });

  it('keeps nothing for a snapshot that may change', () => {
    const snapshot = { value: 1 };
    let computed = 0;
    memoViewAt(snapshot, 'x', 1, () => ++computed);
    memoViewAt(snapshot, 'x', 1, () => ++computed);
    expect(computed).toBe(2);
  });
});

describe('sendView', () => {
  const big = Object.freeze({
    data: Object.freeze({ series: 'x'.repeat(5_000) }),
  });
  const small = Object.freeze({ ok: true });
  const app = express();
  app.get('/big', (req, res) => sendView(req, res, big));
  app.get('/small', (req, res) => sendView(req, res, small));
  app.get('/plain', (req, res) => sendView(req, res, { changing: true }));

  it('sends the JSON, compressed when the client takes gzip', async () => {
    const res = await request(app).get('/big').set('Accept-Encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(res.body).toEqual(big);
  });

  it('sends it uncompressed to a client that does not take gzip', async () => {
    const res = await request(app)
      .get('/big')
      .set('Accept-Encoding', 'identity');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toEqual(big);
  });

  it('sends it uncompressed to a client that names no encoding', async () => {
    const res = await request(app).get('/big').unset('Accept-Encoding');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toEqual(big);
  });

  it('answers 304 to a client that has the body', async () => {
    const first = await request(app).get('/small');
    expect(first.body).toEqual({ ok: true });
    const again = await request(app)
      .get('/small')
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
  });

  it('sends answers that may change as res.json does', async () => {
    const res = await request(app).get('/plain');
    expect(res.body).toEqual({ changing: true });
  });

  it('sends each caller their own answer when answers are rebuilt per view', async () => {
    const perUser = express();
    perUser.get('/view', (req, res) =>
      sendView(req, res, {
        user: req.query.user,
        rows: 'r'.repeat(4_000),
      }),
    );
    for (const user of ['ada', 'bob', 'ada', 'bob']) {
      const res = await request(perUser)
        .get('/view')
        .query({ user })
        .set('Accept-Encoding', 'gzip');
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.body.user).toBe(user);
    }
  });
});
