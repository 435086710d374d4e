/** Measurements on real data: accuracy and agreement metrics, evaluation, verification batch by batch. */
export {
  wilson, argmaxRow, cosine, snrDb, klDivergence, AccuracyAccumulator, AgreementAccumulator, SignalAccumulator, IoUAccumulator,
  type Proportion, type ClassRow, type AccuracyResult, type ClassAgreement, type SignalResult, type IoUResult, type NumericArray,
} from './metrics.js';
export { planBatches, checkBatchFits, feedsFor, firstBatchFeeds, type BatchPlan, type BatchLike, type DatasetLike, type DataTensorLike } from './batching.js';
export { type OutputAgreement } from './agreement.js';
export { evaluate, ReferenceRuns, type EvalOptions, type EvalResult, type EvalTiming } from './eval.js';
export { verifyOnData, type DataVerifyResult } from './verify-data.js';
