/**
 * leannet's public face. The CLI and the browser viewer import only from here.
 */

// Node's host for the core (files, machine description): src/host.ts's defaults are a browser's.
import './host-node.js';
export { host, setHost, type Host, type Machine } from './host.js';

// Errors: one class per kind of failure.
export * from './errors.js';

// The Graph IR.
export * from './ir/index.js';

// Op definitions, registry and shape inference.
export * from './ops/index.js';

// ONNX reading and writing.
export * from './formats/files.js';
export * from './formats/onnx/index.js';
export { loadOnnx, saveOnnx, checkExternalLocation, type SaveOptions } from './formats/onnx/file.js';
export * from './formats/tfjs/index.js';
export { loadTfjs, readTfjsJson, isTfjsPath, type TfjsReadOptions } from './formats/tfjs/file.js';

// Real data: IDX, npy/npz, image folders; preprocessing; batches streamed.
export * from './data/index.js';

// The cost model.
export * from './cost/index.js';

// Opening models by name, and analysis (shapes + costs) in one call.
export * from './analysis/index.js';

// Reports: terminal tables and JSON documents.
export * from './report/index.js';

// The network builder and the reference networks.
export * from './zoo/index.js';

// Engines and measurement: bench, compare, verify, profile.
export * from './engine/index.js';

// Measurements on real data: accuracy, agreement, eval.
export * from './measure/index.js';
// Calibration: activations, least squares, conv fits to real data.
export * from './calibrate/index.js';

// Structural rewrite passes.
export * from './rewrite/index.js';
export { rewriteModel, checkOutputPath, writeRewritten, EXACT_TOLERANCE, type RewriteResult, type RewriteRunOptions } from './rewrite/run.js';
export { candidatesOf, chooseChanges, type Candidate, type KeepOptions, type KeepResult, type Score, type BuildWith } from './rewrite/keep.js';

// Lint rules and SARIF.
export * from './lint/index.js';
export { applyConfigFile } from './lint/config-file.js';
export { machineRidge, measureRidge, type Ridge } from './lint/ridge.js';

// The guideline lab.
export * from './lab/index.js';

// The latency model (predicted time per run on this machine and engine).
export * from './predict/index.js';
