/** The Graph IR: values, nodes, tensors, order and validation. */
export { DTYPES, dtypeFromOnnx, dtypeInfo, byteSize, bytesPerElement, isFloat, isInteger, type DType } from './dtype.js';
export { isStatic, numel, formatShape, listString, parseShapeText, type Dim, type Shape } from './shape.js';
export { Tensor, type TensorSource, type ValueField } from './tensor.js';
export { float16ToFloat32, float32ToFloat16, halfToFloat, floatToHalf } from './float16.js';
export { Node, Value, type Attribute, type TypeInfo } from './node.js';
export { Graph, type ShapesMark } from './graph.js';
export { defaultMeta, type ModelMeta } from './meta.js';
export type { Opsets } from './opsets.js';
export { outerReads, subgraphNodeNames } from './subgraph.js';
export { topoOrder, sortGraph } from './topo.js';
export { findProblems, validate } from './validate.js';
export { int, ints, float, attrInt, attrFloat, attrInts, attrFloats, attrString, attrTensor, normAxis, nodeFail } from './attrs.js';
