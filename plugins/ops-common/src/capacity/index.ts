/**
 * Capacity trends: breach episodes and scaling triggers, growth rates and
 * time-to-limit forecasts, and the types of the capacity API.
 */
export type {
  TimeSeries as CapacitySeries,
  Bucket as CapacityBucket,
} from './series';
export { findBreachEpisodes, scalingTriggers } from './episodes';
export type { BreachRule, BreachEpisode } from './episodes';
export {
  fitForecast,
  forecastAt,
  forecastCrossing,
  forecastEnvelope,
  growthPerWeek,
  trendAt,
} from './forecast';
export type {
  ForecastModel,
  FitOptions,
  ForecastPoint,
  ForecastStatus,
  ForecastConfidence,
  ForecastResult,
  CrossingOptions,
  GrowthRate,
} from './forecast';
export * from './types';
export * from './autoscaling';
export * from './format';
export * from './review';
export * from './analysis';
