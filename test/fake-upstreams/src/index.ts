/**
 * Local fake upstreams that speak the real wire protocols, so that the
 * portal's real provider modules run end to end without credentials.
 */
export { serve, sendJson } from './http';
export type { FakeServer, RecordedRequest, ServeOptions } from './http';
export { startFakeCloudWatch } from './cloudwatch/server';
export type {
  FakeCloudWatch,
  FakeCloudWatchOptions,
  CloudWatchFault,
  CloudWatchStats,
} from './cloudwatch/server';
export { createFakeCloudWatchLogs, platformLogGroups } from './cloudwatch/logs';
export type {
  FakeCloudWatchLogs,
  FakeCloudWatchLogsOptions,
  FakeLogGroup,
  FakeLogEvent,
  CloudWatchLogsStats,
} from './cloudwatch/logs';
export { MetricStore, keyString } from './cloudwatch/store';
export type {
  MetricKey,
  SeriesDefinition,
  SeriesGenerator,
  AlarmDefinition,
  AlarmHistoryEntry,
  AlarmStateValue,
} from './cloudwatch/store';
export { createPlatformStore } from './cloudwatch/platform';
export { platformServiceGraph, sampledShare } from './cloudwatch/xray';
export type {
  FakeXRay,
  ServiceGraphModel,
  XRayFault,
  XRayNode,
  XRayStatistics,
} from './cloudwatch/xray';
export { addScaleAlarms } from './cloudwatch/scale';
export type {
  ScaleAlarms,
  ScaleAlarmsOptions,
  ScaleAlarmKind,
} from './cloudwatch/scale';
export { startFakeGrafana, FAKE_GRAFANA_TOKEN } from './grafana/server';
export type {
  FakeGrafana,
  FakeGrafanaOptions,
  GrafanaFault,
} from './grafana/server';
export { platformDashboards } from './grafana/dashboards';
export type { FakeDashboard, FakeFolder } from './grafana/dashboards';
export { startFakePagerDuty } from './pagerduty/server';
export type {
  FakePagerDuty,
  FakePagerDutyOptions,
  PagerDutyFault,
  PagerDutyStats,
} from './pagerduty/server';
export { PagerDutyContract, defaultSpecPath } from './pagerduty/contract';
export { startFakePrometheus } from './prometheus/server';
export type {
  FakePrometheus,
  FakePrometheusOptions,
  PrometheusFault,
  PrometheusStats,
} from './prometheus/server';
export {
  PrometheusStore,
  CounterFamily,
  gauge as prometheusGauge,
} from './prometheus/store';
export type {
  Labels as PrometheusLabels,
  PromSeries,
} from './prometheus/store';
export { createPrometheusPlatformStore } from './prometheus/platform';
export { createPlatformAccount } from './pagerduty/data';
export { startFakeSlack, FAKE_SLACK_TOKEN } from './slack/server';
export type {
  FakeSlack,
  FakeSlackMessage,
  FakeSlackOptions,
  SlackAttachment,
} from './slack/server';
export { exampleWorkspace as exampleSlackWorkspace } from './slack/workspace';
export type {
  FakeSlackChannel,
  FakeSlackUser,
  FakeSlackWorkspace,
} from './slack/workspace';
export type { PagerDutyAccount } from './pagerduty/data';
export * as platform from './platform';
export { hash, unit, normal } from './random';
