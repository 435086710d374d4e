/** `compress`: NetAdapt-style search to a latency, madds or params budget on real data. */
export { parseTarget, goalOf, describeTarget, type Target, type TargetMetric } from './targets.js';
export { measuredLatency, maddsLatency, type LatencyEstimator, type MeasuredLatencyOptions } from './estimator.js';
export { SCHEDULE_DEFAULTS, stepTarget, type ScheduleOptions } from './schedule.js';
export { paretoFront, type FrontPoint } from './front.js';
export { explainChange, type Explanation, type LayerChange } from './explain.js';
export { compress } from './search.js';
export type { CompressOptions, CompressResult, CompressProgress } from './options.js';
export type { CompressLog, StepLog, Proposal } from './log.js';
export { predictedLatency } from './predicted.js';
