/** Op definitions, the registry, and whole-graph shape inference. */
export { registerOp, resolveOp, opOf, graphOps, knownOps, type GraphOps } from './registry.js';
export { inferShapes, inferNode, inferenceCount, type InferReport } from './infer.js';
export { bindInputs, type BindOptions } from './bind.js';
export { convGeometry, convKind, parseConv, type ConvAttrs, type ConvGeometry } from './conv.js';
export { windowGeometry, type Window, type WindowAttrs, type AutoPad } from './geometry.js';
export { constantTensor } from './constant.js';
export { product } from './util.js';
export type { OpDef, OpCategory, OutputInfo, InferContext, WorkContext, Work, ConvKind } from './types.js';
export { registerSubgraphReader } from './subgraph.js';
