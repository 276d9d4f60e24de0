import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as a fake server saw it, for tests to inspect. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** A running fake server. */
export interface FakeServer {
  /** Base URL, e.g. http://127.0.0.1:7101 */
  url: string;
  port: number;
  /** Every request received since start (or the last `reset` or `forgetRequests`). */
  requests: RecordedRequest[];
  /** Back to the state at start: recorded requests and everything received dropped. */
  reset(): void;
  /**
   * Drops what was recorded for tests to inspect (requests, counters) but
   * keeps what clients wrote: a long-running local fake calls this to keep
   * its memory flat without undoing a user's writes.
   */
  forgetRequests(): void;
  close(): Promise<void>;
}

export type Handler = (
  req: RecordedRequest,
  res: http.ServerResponse,
) => void | Promise<void>;

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Milliseconds to wait before answering each request (simulated upstream latency). */
  latencyMs?: number;
}

/** Starts an HTTP server that records requests and hands them to `handler`. */
export async function serve(
  handler: Handler,
  options: ServeOptions = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      try {
        if (options.latencyMs) {
          await new Promise(r => setTimeout(r, options.latencyMs));
        }
        await handler(recorded, res);
      } catch (error) {
        if (!res.headersSent) {
          sendJson(res, 500, { error: { message: String(error) } });
        } else {
          res.end();
        }
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reset: () => {
      requests.length = 0;
    },
    forgetRequests: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
