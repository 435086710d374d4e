/** The latency model: kernels as ORT runs them, each timed alone on this machine and cached, summed with the engine's overhead. */
export { createLatencyModel, LatencyModel, type LatencyModelOptions, type LatencyPrediction, type PredictedKernel } from './model.js';
export { lastLevelCache } from './caches.js';
export { cacheSize } from './caches.js';
export { latencyCacheKey, latencyCacheDir, LATENCY_MODEL_VERSION, type LatencySettings } from './cache.js';
export { extractKernels, signature, type Kernel, type KernelInput, type KernelList } from './kernels.js';
export { sampleKernels, type KernelTime, type SampleOptions } from './sampler.js';
export { measureOverhead, measureResidency, type Overhead } from './engine-costs.js';
