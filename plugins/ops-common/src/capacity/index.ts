/**
 * Capacity trends: breach episodes and scaling triggers, growth rates and
 * time-to-limit forecasts, and the types of the capacity API.
 */
export type {
  TimeSeries as CapacitySeries,
  DenseTimeSeries as CapacityDenseSeries,
  Bucket as CapacityBucket,
} from './series';
export {
  datapointsForDuration,
  findBreachEpisodes,
  findBreachEpisodesIn,
  scalingTriggers,
} from './episodes';
export type { BreachRule, BreachEpisode, BreachSeries } from './episodes';
export { currentValue, isSummedStatistic } from './current';
export type { CapacityCurrentPeriod } from './current';
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
