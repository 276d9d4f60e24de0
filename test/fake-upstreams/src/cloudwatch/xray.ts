import http from 'node:http';
import { RecordedRequest, sendJson } from '../http';
import { TrafficModel, TrafficProfile, trafficProfiles } from './sloSeries';

/*
 * A fake AWS X-Ray on the fake CloudWatch's port. X-Ray speaks REST-JSON
 * (not CloudWatch's AWS JSON 1.0): `POST /ServiceGraph` with a JSON body
 * whose StartTime and EndTime are epoch seconds, answered with `Services`
 * (the nodes of the service graph, with their edges, summary statistics and
 * response-time histograms), the range, and `NextToken` when more nodes
 * follow. Errors carry their code in `x-amzn-ErrorType`, as X-Ray's do.
 *
 * Validation as X-Ray does it: both times required, StartTime before
 * EndTime, at most six hours a call (`InvalidRequestException`), a known
 * group (only `Default` exists), a token from an earlier answer. Traces are
 * kept 30 days and none lie in the future: the range is clipped to that.
 *
 * The example platform's graph follows the fake CloudWatch's ALB traffic
 * (sloSeries.ts): the same requests, 4xx and 5xx shares and log-normal
 * response times per service, sampled as X-Ray's default rule samples
 * (the first request each second, then 5 %), so p95 agrees with each
 * service's TargetResponseTime and order-service's current failures show
 * as faults.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** X-Ray answers at most six hours of service graph a call. */
export const XRAY_MAX_RANGE_MS = 6 * HOUR;
/** X-Ray keeps traces 30 days. */
export const XRAY_RETENTION_MS = 30 * DAY;

/** Summary statistics of a node or an edge, as X-Ray answers them. */
export interface XRayStatistics {
  OkCount: number;
  ErrorStatistics: {
    ThrottleCount: number;
    OtherCount: number;
    TotalCount: number;
  };
  FaultStatistics: { OtherCount: number; TotalCount: number };
  TotalCount: number;
  TotalResponseTime: number;
}

/** One node of the service graph (X-Ray's `Service`), before times are added. */
export interface XRayNode {
  ReferenceId: number;
  Name: string;
  Names: string[];
  Root?: boolean;
  AccountId?: string;
  Type: string;
  State: 'active' | 'unknown';
  Edges: {
    ReferenceId: number;
    SummaryStatistics?: XRayStatistics;
    ResponseTimeHistogram?: { Value: number; Count: number }[];
    Aliases: { Name: string; Names: string[]; Type: string }[];
  }[];
  SummaryStatistics?: XRayStatistics;
  DurationHistogram?: { Value: number; Count: number }[];
  ResponseTimeHistogram?: { Value: number; Count: number }[];
}

/** The service graph over [from, to) (epoch ms), nodes in a stable order. */
export type ServiceGraphModel = (from: number, to: number) => XRayNode[];

/** A fault the next X-Ray request meets. */
export type XRayFault =
  | { kind: 'throttle' }
  | { kind: 'access-denied' }
  | { kind: 'internal-error' }
  | { kind: 'delay'; ms: number };

/** What the fake X-Ray was asked. */
export interface XRayStats {
  getServiceGraphCalls: number;
}

/** The X-Ray side of the fake CloudWatch. */
export interface FakeXRay {
  /** Faults met by the next X-Ray requests, first in first out. */
  faults: XRayFault[];
  stats: XRayStats;
  /** Nodes per GetServiceGraph page. */
  servicesPerPage: number;
}

export interface FakeXRayOptions {
  now: () => number;
  /** The graph served; the example platform's, placed at the first request's minute, by default. */
  graph?: ServiceGraphModel;
  /** Nodes per page (X-Ray pages large graphs). Default 8. */
  servicesPerPage?: number;
}

class XRayError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The X-Ray routes: `handle` answers a request and returns true when it is
 * one of X-Ray's (POST /ServiceGraph), false for anything else.
 */
export function createFakeXRay(options: FakeXRayOptions): FakeXRay & {
  handle(req: RecordedRequest, res: http.ServerResponse): Promise<boolean>;
} {
  const faults: XRayFault[] = [];
  const stats: XRayStats = { getServiceGraphCalls: 0 };
  let graph = options.graph;
  const state = {
    faults,
    stats,
    servicesPerPage: options.servicesPerPage ?? 8,
  };

  function serviceGraph(input: any) {
    if (input.StartTime === undefined || input.EndTime === undefined) {
      throw new XRayError(
        400,
        'InvalidRequestException',
        'StartTime and EndTime are required',
      );
    }
    const start = epochMs(input.StartTime, 'StartTime');
    const end = epochMs(input.EndTime, 'EndTime');
    if (!(start < end)) {
      throw new XRayError(
        400,
        'InvalidRequestException',
        'StartTime must be before EndTime',
      );
    }
    if (end - start > XRAY_MAX_RANGE_MS) {
      throw new XRayError(
        400,
        'InvalidRequestException',
        'The time range between StartTime and EndTime must not exceed 6 hours',
      );
    }
    if (
      (input.GroupName !== undefined && input.GroupName !== 'Default') ||
      (input.GroupARN !== undefined &&
        !String(input.GroupARN).endsWith(':group/Default'))
    ) {
      throw new XRayError(
        400,
        'InvalidRequestException',
        `Group not found: ${input.GroupName ?? input.GroupARN}`,
      );
    }
    let offset = 0;
    if (input.NextToken !== undefined && input.NextToken !== null) {
      const decoded = /^sg:(\d+):(\d+):(\d+)$/.exec(
        Buffer.from(String(input.NextToken), 'base64').toString('utf8'),
      );
      if (
        !decoded ||
        Number(decoded[1]) !== start ||
        Number(decoded[2]) !== end
      ) {
        throw new XRayError(
          400,
          'InvalidRequestException',
          'The NextToken is not valid for this request',
        );
      }
      offset = Number(decoded[3]);
    }
    const now = options.now();
    const from = Math.max(start, now - XRAY_RETENTION_MS);
    const to = Math.min(end, now);
    if (!graph) {
      graph = platformServiceGraph(Math.floor(now / MINUTE) * MINUTE);
    }
    const nodes = from < to ? graph(from, to) : [];
    const page = nodes.slice(offset, offset + state.servicesPerPage);
    const next = offset + state.servicesPerPage;
    return {
      StartTime: start / 1000,
      EndTime: end / 1000,
      ContainsOldGroupVersions: false,
      Services: page.map(node => ({
        ...node,
        StartTime: from / 1000,
        EndTime: to / 1000,
        Edges: node.Edges.map(edge => ({
          ...edge,
          StartTime: from / 1000,
          EndTime: to / 1000,
        })),
      })),
      ...(next < nodes.length
        ? {
            NextToken: Buffer.from(`sg:${start}:${end}:${next}`).toString(
              'base64',
            ),
          }
        : {}),
    };
  }

  async function applyFault(fault: XRayFault) {
    switch (fault.kind) {
      case 'throttle':
        throw new XRayError(429, 'ThrottledException', 'Rate exceeded');
      case 'access-denied':
        throw new XRayError(
          403,
          'AccessDeniedException',
          'User is not authorized to perform: xray:GetServiceGraph',
        );
      case 'internal-error':
        throw new XRayError(500, 'InternalFailure', 'Internal failure');
      case 'delay':
        await new Promise(r => setTimeout(r, fault.ms));
        return;
      default:
        return;
    }
  }

  async function handle(
    req: RecordedRequest,
    res: http.ServerResponse,
  ): Promise<boolean> {
    const path = req.url.split('?')[0];
    if (path !== '/ServiceGraph') return false;
    try {
      const fault = faults.shift();
      if (fault) await applyFault(fault);
      if (req.method !== 'POST') {
        throw new XRayError(
          404,
          'UnknownOperationException',
          'GetServiceGraph is POST /ServiceGraph',
        );
      }
      if (
        !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
      ) {
        throw new XRayError(
          403,
          'MissingAuthenticationTokenException',
          'Request is missing a SigV4 signature',
        );
      }
      let input: any;
      try {
        input = req.body ? JSON.parse(req.body) : {};
      } catch {
        throw new XRayError(400, 'SerializationException', 'Body is not JSON');
      }
      stats.getServiceGraphCalls += 1;
      sendJson(res, 200, serviceGraph(input));
    } catch (error) {
      const e =
        error instanceof XRayError
          ? error
          : new XRayError(500, 'InternalFailure', String(error));
      sendJson(
        res,
        e.status,
        { message: e.message },
        { 'x-amzn-ErrorType': e.code },
      );
    }
    return true;
  }

  return Object.assign(state, { handle });
}

function epochMs(value: unknown, name: string): number {
  const n =
    typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(n)) {
    throw new XRayError(
      400,
      'InvalidRequestException',
      `${name} is not a timestamp`,
    );
  }
  return n;
}

/* ---------- The example platform's service graph ---------- */

/** Edges of histograms: 5 ms to 30 s, 10 % apart; a bucket is named by its upper edge. */
const BUCKET_EDGES: number[] = (() => {
  const edges: number[] = [];
  for (let x = 0.005; x < 30; x *= 1.1) edges.push(Number(x.toFixed(3)));
  return [...new Set(edges)];
})();

/**
 * Share of requests X-Ray's default sampling rule keeps at `rpm` requests
 * a minute: the first request each second (reservoir 1/s), then 5 %.
 */
export function sampledShare(rpm: number): number {
  if (rpm <= 0) return 0;
  const reservoir = Math.min(rpm, 60);
  return (reservoir + 0.05 * (rpm - reservoir)) / rpm;
}

interface TracedNode {
  name: string;
  type: string;
  /** The node's traffic; callers of downstream nodes scale theirs into it. */
  model: TrafficModel;
  /** Throttled share of the 4xx answers. */
  throttledShare: number;
  /** Names of the nodes it calls, with the share of the callee's traffic it sends. */
  calls: { to: string; share: number }[];
}

interface NodeWindow {
  stats: XRayStatistics;
  histogram: { Value: number; Count: number }[];
}

function windowOf(node: TracedNode, from: number, to: number): NodeWindow {
  const { model } = node;
  const start = from;
  if (!model.covers(start, to)) {
    return { stats: statistics(0, 0, 0, 0, 0), histogram: [] };
  }
  const requests = model.sum(start, to, s => s.requestsPerMinute);
  const minutes = (to - start) / MINUTE;
  const share = sampledShare(requests / minutes);
  const total = Math.round(requests * share);
  const faults = Math.round(
    model.sum(start, to, s => s.requestsPerMinute * s.p5xx) * share,
  );
  const errors = Math.round(
    model.sum(start, to, s => s.requestsPerMinute * s.p4xx) * share,
  );
  const throttles = Math.round(errors * node.throttledShare);
  const histogram: { Value: number; Count: number }[] = [];
  let previous = 0;
  let responseTime = 0;
  for (let i = 0; i < BUCKET_EDGES.length; i++) {
    const edge = BUCKET_EDGES[i];
    const below =
      i === BUCKET_EDGES.length - 1
        ? total
        : Math.min(
            total,
            Math.round(model.latencyCount(start, to, edge) * share),
          );
    const count = below - previous;
    if (count > 0) {
      histogram.push({ Value: edge, Count: count });
      responseTime += edge * count;
    }
    previous = Math.max(previous, below);
  }
  return {
    stats: statistics(total, errors, throttles, faults, responseTime),
    histogram,
  };
}

function statistics(
  total: number,
  errors: number,
  throttles: number,
  faults: number,
  responseTime: number,
): XRayStatistics {
  return {
    OkCount: Math.max(0, total - errors - faults),
    ErrorStatistics: {
      ThrottleCount: throttles,
      OtherCount: errors - throttles,
      TotalCount: errors,
    },
    FaultStatistics: { OtherCount: faults, TotalCount: faults },
    TotalCount: total,
    TotalResponseTime: Number(responseTime.toFixed(3)),
  };
}

function scaled(window: NodeWindow, share: number): NodeWindow {
  const s = window.stats;
  const k = (n: number) => Math.round(n * share);
  const histogram = window.histogram
    .map(b => ({ Value: b.Value, Count: k(b.Count) }))
    .filter(b => b.Count > 0);
  const total = histogram.reduce((n, b) => n + b.Count, 0);
  const errors = Math.min(k(s.ErrorStatistics.TotalCount), total);
  const faults = Math.min(k(s.FaultStatistics.TotalCount), total - errors);
  const throttles = Math.min(k(s.ErrorStatistics.ThrottleCount), errors);
  return {
    stats: statistics(
      total,
      errors,
      throttles,
      faults,
      histogram.reduce((n, b) => n + b.Value * b.Count, 0),
    ),
    histogram,
  };
}

const ACCOUNT_ID = '123456789012';

/** Downstream resources of the example services and how they answer. */
const DOWNSTREAM: {
  name: string;
  type: string;
  latencyMedian: number;
  latencySigma: number;
  p5xx: number;
  /** Calls per request of each caller. */
  callers: { from: string; perRequest: number }[];
}[] = [
  {
    name: 'orders-db',
    type: 'Database::SQL',
    latencyMedian: 0.012,
    latencySigma: 0.6,
    p5xx: 0.00002,
    callers: [{ from: 'order-service', perRequest: 3 }],
  },
  {
    name: 'order-events',
    type: 'AWS::SQS::Queue',
    latencyMedian: 0.018,
    latencySigma: 0.4,
    p5xx: 0.00001,
    callers: [
      { from: 'order-service', perRequest: 1 },
      { from: 'payment-service', perRequest: 0.35 },
    ],
  },
  {
    name: 'payments-gateway.example.com',
    type: 'remote',
    latencyMedian: 0.09,
    latencySigma: 0.45,
    p5xx: 0.00003,
    callers: [{ from: 'payment-service', perRequest: 0.35 }],
  },
  {
    name: 'product-catalog',
    type: 'AWS::DynamoDB::Table',
    latencyMedian: 0.006,
    latencySigma: 0.5,
    p5xx: 0.00001,
    callers: [{ from: 'product-service', perRequest: 1.2 }],
  },
  {
    name: 'search-domain',
    type: 'remote',
    latencyMedian: 0.11,
    latencySigma: 0.5,
    p5xx: 0.0005,
    callers: [{ from: 'search-service', perRequest: 1 }],
  },
];

/** Who calls whom among the services, and the share of the callee's traffic. */
const SERVICE_CALLS: { from: string; to: string; share: number }[] = [
  { from: 'storefront', to: 'order-service', share: 0.85 },
  { from: 'storefront', to: 'customer-service', share: 0.7 },
  { from: 'storefront', to: 'product-service', share: 0.8 },
  { from: 'storefront', to: 'search-service', share: 1 },
  { from: 'order-service', to: 'payment-service', share: 0.9 },
  { from: 'order-service', to: 'customer-service', share: 0.3 },
  { from: 'order-service', to: 'product-service', share: 0.2 },
  { from: 'storefront', to: 'payment-service', share: 0.1 },
];

/**
 * The example platform's service graph: a client node, the storefront (its
 * server side), the five services with the fake CloudWatch's traffic, and
 * their databases, queue, payment gateway and search domain.
 */
export function platformServiceGraph(anchor: number): ServiceGraphModel {
  const profiles = trafficProfiles(anchor);
  const byName = new Map(profiles.map(p => [p.name, p]));
  const storefront: TrafficProfile = {
    name: 'storefront',
    targetGroup: 'targetgroup/storefront/5f60718293a4b5c6',
    requestsPerMinute: 2400,
    p5xx: 0.0004,
    p4xx: 0.012,
    latencyMedian: 0.32,
    latencySigma: 0.55,
    episodes: [],
  };
  const nodes: TracedNode[] = [
    {
      name: 'storefront',
      type: 'AWS::EKS::Container',
      model: new TrafficModel(storefront, anchor),
      throttledShare: 0.02,
      calls: SERVICE_CALLS.filter(c => c.from === 'storefront').map(c => ({
        to: c.to,
        share: c.share,
      })),
    },
  ];
  for (const profile of profiles) {
    nodes.push({
      name: profile.name,
      type: 'AWS::EKS::Container',
      model: new TrafficModel(profile, anchor),
      throttledShare: profile.name === 'payment-service' ? 0.2 : 0.05,
      calls: [
        ...SERVICE_CALLS.filter(c => c.from === profile.name).map(c => ({
          to: c.to,
          share: c.share,
        })),
      ],
    });
  }
  for (const d of DOWNSTREAM) {
    const rpm = d.callers.reduce(
      (n, c) => n + (byName.get(c.from)?.requestsPerMinute ?? 0) * c.perRequest,
      0,
    );
    nodes.push({
      name: d.name,
      type: d.type,
      model: new TrafficModel(
        {
          name: d.name,
          targetGroup: '',
          requestsPerMinute: rpm,
          p5xx: d.p5xx,
          p4xx: 0,
          latencyMedian: d.latencyMedian,
          latencySigma: d.latencySigma,
          episodes: [],
        },
        anchor,
      ),
      throttledShare: 0,
      calls: [],
    });
    for (const c of d.callers) {
      const caller = nodes.find(n => n.name === c.from);
      const callerRpm = byName.get(c.from)?.requestsPerMinute ?? 0;
      caller?.calls.push({
        to: d.name,
        share: (callerRpm * c.perRequest) / rpm,
      });
    }
  }
  const ids = new Map(nodes.map((n, i) => [n.name, i + 1]));

  return (from, to) => {
    const windows = new Map(nodes.map(n => [n.name, windowOf(n, from, to)]));
    const client: XRayNode = {
      ReferenceId: 0,
      Name: 'client',
      Names: ['client'],
      Root: true,
      Type: 'client',
      State: 'unknown',
      Edges: [
        {
          ReferenceId: ids.get('storefront')!,
          ...edgeOf(windows.get('storefront')!, 1),
          Aliases: [],
        },
      ],
    };
    return [
      client,
      ...nodes.map(
        (node): XRayNode => ({
          ReferenceId: ids.get(node.name)!,
          Name: node.name,
          Names: [node.name],
          AccountId: ACCOUNT_ID,
          Type: node.type,
          State: node.type === 'remote' ? 'unknown' : 'active',
          Edges: node.calls.map(call => ({
            ReferenceId: ids.get(call.to)!,
            ...edgeOf(windows.get(call.to)!, call.share),
            Aliases: [],
          })),
          SummaryStatistics: windows.get(node.name)!.stats,
          DurationHistogram: windows.get(node.name)!.histogram,
          ResponseTimeHistogram: windows.get(node.name)!.histogram,
        }),
      ),
    ];
  };
}

function edgeOf(callee: NodeWindow, share: number) {
  const w = scaled(callee, share);
  return { SummaryStatistics: w.stats, ResponseTimeHistogram: w.histogram };
}
