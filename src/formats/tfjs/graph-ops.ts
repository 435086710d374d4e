/**
 * TF ops (as TF.js graph models hold them) mapped onto ONNX ops with TensorFlow's semantics.
 * Data stays NHWC as the model has it; convolutions, pools and resizes, which ONNX defines on
 * NCHW, are written as Transpose → op → Transpose, and `layout.ts` then cancels those pairs so
 * only the transposes at the edges remain. Weights are re-laid out once here (HWIO → OIHW).
 */
import { Tensor } from '../../ir/index.js';
import { dtypeOfTf } from './weights.js';
import { float, int, ints, str } from './emit.js';
import { activation, batchNorm, conv, isNHWC, matmul, pool, resize } from './tf-compute.js';
import { type Mapper } from './tf-node.js';
import { concat, gatherNd, nms, normAxis, pad, reduce, split, stridedSlice, toInt32 } from './tf-shape.js';

export { CONTROL_FLOW, TfNode, type Mapper, type TfAttr, type TfNodeDef } from './tf-node.js';
export { activation, filterOIHW } from './tf-compute.js';

// ---------- the table ----------

const unary = (op: string): Mapper => (e, n) => void e.node(op, [n.inputs[0]!], [n.out()], {}, n.name);
const binary = (op: string): Mapper => (e, n) => void e.node(op, [n.inputs[0]!, n.inputs[1]!], [n.out()], {}, n.name);

export const TF_OPS: Record<string, Mapper> = {
  Conv2D: conv(false, false),
  _FusedConv2D: conv(false, true),
  DepthwiseConv2dNative: conv(true, false),
  FusedDepthwiseConv2dNative: conv(true, true),
  MatMul: matmul(false),
  _FusedMatMul: matmul(true),
  BatchMatMul: matmul(false),
  BatchMatMulV2: matmul(false),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  FusedBatchNorm: batchNorm,
  FusedBatchNormV2: batchNorm,
  FusedBatchNormV3: batchNorm,
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
  Pad: pad('constant'),
  PadV2: pad('constant'),
  MirrorPad: (e, n) => pad(n.str('mode') === 'REFLECT' ? 'reflect' : 'symmetric')(e, n),
  ConcatV2: concat,
  Concat: (e, n) => {
    const axis = e.requireValues(n.inputs[0]!, 'the axis')[0]!;
    const values = n.inputs.slice(1);
    e.node('Concat', values, [n.out()], { axis: int(normAxis(e, axis, e.rank(values[0]!))) }, n.name);
  },
  Split: (e, n) => split(e, n, n.inputs[1]!, n.inputs[0]!, undefined, n.int('num_split', 1)),
  SplitV: (e, n) => split(e, n, n.inputs[0]!, n.inputs[2]!, e.requireValues(n.inputs[1]!, 'size_splits'), n.int('num_split', 1)),
  StridedSlice: stridedSlice,
  Slice: (e, n) => {
    const [x, b, s] = n.inputs;
    const begin = e.requireValues(b!, 'begin');
    const size = e.requireValues(s!, 'size');
    const ends = begin.map((v, i) => (size[i]! < 0 ? 2 ** 31 - 1 : v + size[i]!));
    e.node('Slice', [x!, e.i64('starts', begin), e.i64('ends', ends), e.i64('axes', begin.map((_, i) => i))], [n.out()], {}, n.name);
  },
  Reshape: (e, n) => void e.node('Reshape', [n.inputs[0]!, e.asInt64(n.inputs[1]!)], [n.out()], {}, n.name),
  Transpose: (e, n) => void e.transpose(n.inputs[0]!, e.requireValues(n.inputs[1]!, 'perm'), n.out()),
  Squeeze: (e, n) => {
    const r = e.rank(n.inputs[0]!);
    const dims = n.ints('squeeze_dims').map((a) => normAxis(e, a, r));
    e.node('Squeeze', dims.length ? [n.inputs[0]!, e.i64('axes', dims)] : [n.inputs[0]!], [n.out()], {}, n.name);
  },
  ExpandDims: (e, n) => {
    const r = e.rank(n.inputs[0]!);
    let a = e.requireValues(n.inputs[1]!, 'dim')[0]!;
    if (a < 0) a += r + 1;
    e.node('Unsqueeze', [n.inputs[0]!, e.i64('axes', [a])], [n.out()], {}, n.name);
  },
  Pack: (e, n) => {
    const r = e.rank(n.inputs[0]!);
    let a = n.int('axis');
    if (a < 0) a += r + 1;
    const axes = e.i64('axes', [a]);
    const parts = n.inputs.map((x) => e.node('Unsqueeze', [x, axes])[0]!);
    e.node('Concat', parts, [n.out()], { axis: int(a) }, n.name);
  },
  Unpack: (e, n) => {
    const x = n.inputs[0]!;
    const a = normAxis(e, n.int('axis'), e.rank(x));
    const num = n.int('num', 1);
    const axes = e.i64('axes', [a]);
    const parts = num === 1 ? [x] : e.node('Split', [x], Array.from({ length: num }, (_, k) => `${n.out(k)}/split`), { axis: int(a), num_outputs: int(num) });
    parts.forEach((p, k) => e.node('Squeeze', [p, axes], [n.out(k)]));
  },
  Mean: reduce('ReduceMean'),
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Prod: reduce('ReduceProd'),
  Softmax: (e, n) => void e.node('Softmax', [n.inputs[0]!], [n.out()], { axis: int(-1) }, n.name),
  LogSoftmax: (e, n) => void e.node('LogSoftmax', [n.inputs[0]!], [n.out()], { axis: int(-1) }, n.name),
  Relu: unary('Relu'),
  Relu6: (e, n) => void activation(e, 'relu6', n.inputs[0]!, n.out()),
  Elu: unary('Elu'),
  Selu: unary('Selu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Softplus: unary('Softplus'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Rsqrt: (e, n) => void e.node('Reciprocal', [e.node('Sqrt', [n.inputs[0]!])[0]!], [n.out()], {}, n.name),
  Square: (e, n) => void e.node('Mul', [n.inputs[0]!, n.inputs[0]!], [n.out()], {}, n.name),
  Abs: unary('Abs'),
  Neg: unary('Neg'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Round: unary('Round'),
  Reciprocal: unary('Reciprocal'),
  Erf: unary('Erf'),
  Sin: unary('Sin'),
  Cos: unary('Cos'),
  LeakyRelu: (e, n) => void e.node('LeakyRelu', [n.inputs[0]!], [n.out()], { alpha: float(n.float('alpha', 0.2)) }, n.name),
  Prelu: (e, n) => void e.node('PRelu', [n.inputs[0]!, n.inputs[1]!], [n.out()], {}, n.name),
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: (e, n) => {
    if (!isNHWC(e, n)) e.fail('BiasAdd on NCHW data is not supported');
    binary('Add')(e, n);
  },
  AddN: (e, n) => void e.node('Sum', n.inputs, [n.out()], {}, n.name),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Div: binary('Div'),
  FloorDiv: (e, n) => {
    if (e.dtype(n.inputs[0]!) === 'float32') e.node('Floor', [e.node('Div', [n.inputs[0]!, n.inputs[1]!])[0]!], [n.out()], {}, n.name);
    // Integer: ONNX Div truncates; equal to floor for the non-negative operands of index arithmetic.
    else binary('Div')(e, n);
  },
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  SquaredDifference: (e, n) => {
    const d = e.node('Sub', [n.inputs[0]!, n.inputs[1]!])[0]!;
    e.node('Mul', [d, d], [n.out()], {}, n.name);
  },
  Greater: binary('Greater'),
  Less: binary('Less'),
  Equal: binary('Equal'),
  GreaterEqual: binary('GreaterOrEqual'),
  LessEqual: binary('LessOrEqual'),
  LogicalAnd: binary('And'),
  LogicalOr: binary('Or'),
  LogicalNot: unary('Not'),
  Select: (e, n) => void e.node('Where', n.inputs.slice(0, 3), [n.out()], {}, n.name),
  SelectV2: (e, n) => void e.node('Where', n.inputs.slice(0, 3), [n.out()], {}, n.name),
  Cast: (e, n) => {
    const to = dtypeOfTf(n.type('DstT'));
    if (!to) e.fail(`cast to ${n.type('DstT')} is not supported`);
    e.cast(n.inputs[0]!, to!, n.out());
  },
  Shape: (e, n) => {
    const s = e.node('Shape', [n.inputs[0]!])[0]!;
    if (n.type('out_type') === 'DT_INT64') e.node('Identity', [s], [n.out()]);
    else e.cast(s, 'int32', n.out());
  },
  GatherV2: (e, n) => {
    const [p, idx, axisName] = n.inputs;
    if (n.int('batch_dims') !== 0) e.fail('batch_dims other than 0 is not supported');
    const axis = normAxis(e, e.requireValues(axisName!, 'the axis')[0]!, e.rank(p!));
    e.node('Gather', [p!, idx!], [n.out()], { axis: int(axis) }, n.name);
  },
  GatherNd: gatherNd,
  ArgMax: (e, n) => {
    const x = n.inputs[0]!;
    const axis = normAxis(e, e.requireValues(n.inputs[1]!, 'the dimension')[0]!, e.rank(x));
    const y = e.node('ArgMax', [x], undefined, { axis: int(axis), keepdims: int(0) }, n.name)[0]!;
    toInt32(e, n, y, 0, n.type('output_type') ?? 'DT_INT64');
  },
  ArgMin: (e, n) => {
    const x = n.inputs[0]!;
    const axis = normAxis(e, e.requireValues(n.inputs[1]!, 'the dimension')[0]!, e.rank(x));
    const y = e.node('ArgMin', [x], undefined, { axis: int(axis), keepdims: int(0) }, n.name)[0]!;
    toInt32(e, n, y, 0, n.type('output_type') ?? 'DT_INT64');
  },
  TopKV2: (e, n) => {
    const k = e.node('Reshape', [e.asInt64(n.inputs[1]!), e.i64('one', [1])])[0]!;
    const [v, i] = e.node('TopK', [n.inputs[0]!, k], [n.out(0), `${n.name}/indices64`], { axis: int(-1), largest: int(1), sorted: int(n.bool('sorted', true) ? 1 : 0) }, n.name);
    void v;
    toInt32(e, n, i!, 1);
  },
  NonMaxSuppressionV3: nms,
  NonMaxSuppressionV4: nms,
  NonMaxSuppressionV5: nms,
  Identity: (e, n) => void e.node('Identity', [n.inputs[0]!], [n.out()], {}, n.name),
  StopGradient: (e, n) => void e.node('Identity', [n.inputs[0]!], [n.out()], {}, n.name),
  Snapshot: (e, n) => void e.node('Identity', [n.inputs[0]!], [n.out()], {}, n.name),
  NoOp: () => undefined,
  SparseToDense: (e, n) => {
    // Only with constant operands (as converters leave them for paddings): folded here.
    const [idxName, shapeName, valName, defName] = n.inputs;
    const idx = e.requireValues(idxName!, 'sparse_indices');
    const shape = e.requireValues(shapeName!, 'output_shape');
    const vals = e.requireValues(valName!, 'sparse_values');
    const def = e.requireValues(defName!, 'default_value')[0]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Array<number>(size).fill(def);
    const r = shape.length;
    const count = r === 0 ? 1 : idx.length / Math.max(1, r === 1 ? 1 : r);
    for (let k = 0; k < count; k++) {
      let flat = 0;
      if (r === 1) flat = idx[k]!;
      else for (let d = 0; d < r; d++) flat = flat * shape[d]! + idx[k * r + d]!;
      out[flat] = vals.length === 1 ? vals[0]! : vals[k]!;
    }
    const dt = e.dtype(valName!) ?? 'int32';
    const t = dt === 'float32' ? Tensor.fromArray('float32', shape, Float32Array.from(out)) : Tensor.fromArray('int32', shape, Int32Array.from(out));
    e.graph.setInitializer(n.out(), t);
  },
};

