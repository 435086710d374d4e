/** The latency model: kernels as ORT runs them, each timed alone on this machine and cached, summed with the engine's overhead. */
export { createLatencyModel, LatencyModel, atSpeed, type ProbeClass, type LatencyModelOptions, type LatencyPrediction, type PredictedKernel, type SpeedCorrected } from './model.js';
export { SpeedProbe, SpeedProbes, probeModel, between, medianReading, type ProbeKind, type ProbeTime, type ProbeReading } from './probe.js';
export { lastLevelCache } from './caches.js';
export { cacheSize } from './caches.js';
export { latencyCacheKey, latencyCacheDir, LATENCY_MODEL_VERSION, type LatencySettings } from './cache.js';
export { extractKernels, signature, type Kernel, type KernelInput, type KernelList } from './kernels.js';
export { sampleKernels, type KernelTime, type SampleOptions } from './sampler.js';
export { measureOverhead, measureResidency, type Overhead } from './engine-costs.js';
export { checkPrediction, measureProbed, relativeRuns, type PredictionCheck, type ProbedRuns } from './check.js';
