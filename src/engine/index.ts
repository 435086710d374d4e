/** Runtimes behind one interface, and the measurement harness: bench, compare, verify, profile. */
import { ortNode, ortWebGpu } from './ort-node.js';
import { ortWasm } from './ort-wasm.js';
import { tfjsEngine, tfjsWasmEngine } from './tfjs-reference.js';
import { registerEngine } from './registry.js';

registerEngine(ortNode);
registerEngine(ortWasm);
registerEngine(ortWebGpu);
registerEngine(tfjsEngine);
registerEngine(tfjsWasmEngine);

export { createEngine, registerEngine, engineNames, enginesFor, describeEngines } from './registry.js';
export type { Engine, EngineFactory, EngineInfo, EngineInput, EngineOptions, Feeds, HostTensor, LoadOptions, ModelBytes, OptLevel, Session } from './types.js';
export { OPT_LEVELS } from './types.js';
export { prepareModel, prepareGraph, checkSameInputs, type PreparedModel } from './prepare.js';
export { seededInputs, seededTensor } from './inputs.js';
export { bench, timeRuns, type BenchOptions, type BenchResult } from './bench.js';
export { compare, compareOutcome, verdictLine, type CompareOptions, type CompareResult, type Outcome } from './compare.js';
export { verifyModels, compareTensors, pairOutputs, nonFiniteNote, DEFAULT_TOLERANCE, type Tolerance, type OutputComparison, type VerifyResult } from './verify.js';
export { profile, nodeTimes, type ProfileResult, type ProfileRow, type ProfileOptions } from './profile.js';
export { mapOptimised, type NodeStatus, type Accounting } from './profile-map.js';
export { summarize, medianInterval, quantile, type Stats } from './stats.js';
export { environment, type Environment } from './environment.js';
export { ortNodeVersion } from './ort-node.js';
export { machineRidge, measureRidge, type Ridge } from './ridge.js';
export { loadTfjsReference, tfjsEngine, tfjsWasmEngine, type TfjsBackend, type TfjsModel } from './tfjs-reference.js';
