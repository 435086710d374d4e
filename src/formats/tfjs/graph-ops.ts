/**
 * TF ops (as TF.js graph models hold them) mapped onto ONNX ops with TensorFlow's semantics.
 * Data stays NHWC as the model has it; convolutions, pools and resizes, which ONNX defines on
 * NCHW, are written as Transpose → op → Transpose, and `layout.ts` then cancels those pairs so
 * only the transposes at the edges remain. Weights are re-laid out once here (HWIO → OIHW).
 */
import { UnsupportedOpError } from '../../errors.js';
import { Tensor } from '../../ir/index.js';
import { dtypeOfTf } from './weights.js';
import { Emitter, float, int, ints, str, TO_NCHW, TO_NHWC } from './emit.js';

/** One GraphDef node's attribute as JSON. */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; type?: string[] };
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  tensor?: unknown;
}

export interface TfNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

/** The node being mapped: its inputs as IR value names, its outputs' names and its attributes. */
export class TfNode {
  constructor(
    readonly def: TfNodeDef,
    readonly inputs: string[],
  ) {}

  get name(): string {
    return this.def.name;
  }

  /** The IR name of output `k` (`name`, `name:1`, …). */
  out(k = 0): string {
    return k === 0 ? this.def.name : `${this.def.name}:${k}`;
  }

  str(key: string, fallback = ''): string {
    const s = this.def.attr?.[key]?.s;
    return s === undefined ? fallback : atob(s);
  }

  strs(key: string): string[] {
    return (this.def.attr?.[key]?.list?.s ?? []).map((s) => atob(s));
  }

  int(key: string, fallback = 0): number {
    const i = this.def.attr?.[key]?.i;
    return i === undefined ? fallback : Number(i);
  }

  ints(key: string): number[] {
    return (this.def.attr?.[key]?.list?.i ?? []).map(Number);
  }

  float(key: string, fallback = 0): number {
    return this.def.attr?.[key]?.f ?? fallback;
  }

  bool(key: string, fallback = false): boolean {
    return this.def.attr?.[key]?.b ?? fallback;
  }

  type(key: string): string | undefined {
    return this.def.attr?.[key]?.type;
  }
}

type Mapper = (e: Emitter, n: TfNode) => void;

/** Control flow and stateful ops: a one-line refusal naming the op. */
export const CONTROL_FLOW = new Set([
  'Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'If', 'StatelessIf', 'While', 'StatelessWhile',
  'TensorListReserve', 'TensorListSetItem', 'TensorListGetItem', 'TensorListStack', 'TensorListFromTensor',
  'TensorListLength', 'TensorListPushBack', 'TensorListPopBack', 'TensorListConcat', 'TensorListConcatV2', 'TensorListGather',
  'TensorListScatter', 'TensorListScatterV2', 'TensorListSplit', 'TensorListResize', 'TensorListElementShape',
  'TensorArrayV3', 'TensorArrayReadV3', 'TensorArrayWriteV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3', 'TensorArraySizeV3',
  'VarHandleOp', 'ReadVariableOp', 'HashTableV2', 'LookupTableFindV2',
]);

// ---------- convolution and its fused epilogue ----------

/** Window geometry of a TF conv/pool on NHWC data as ONNX attributes. */
function windowAttrs(e: Emitter, n: TfNode, nhwc: boolean): Record<string, ReturnType<typeof ints> | ReturnType<typeof str>> {
  const sp = (v: number[]) => (v.length === 4 ? (nhwc ? [v[1]!, v[2]!] : [v[2]!, v[3]!]) : v.length === 2 ? v : [1, 1]);
  const attrs: Record<string, ReturnType<typeof ints> | ReturnType<typeof str>> = { strides: ints(sp(n.ints('strides'))) };
  const padding = n.str('padding', 'VALID');
  if (padding === 'SAME') attrs['auto_pad'] = str('SAME_UPPER');
  else if (padding === 'EXPLICIT') {
    const p = n.ints('explicit_paddings');
    if (p.length !== 8) e.fail(`explicit_paddings must have 8 values, got ${p.length}`);
    const [t, b, l, r] = nhwc ? [p[2]!, p[3]!, p[4]!, p[5]!] : [p[4]!, p[5]!, p[6]!, p[7]!];
    attrs['pads'] = ints([t, l, b, r]);
  } else if (padding !== 'VALID') e.fail(`padding '${padding}' is not SAME, VALID or EXPLICIT`);
  return attrs;
}

function isNHWC(e: Emitter, n: TfNode): boolean {
  const f = n.str('data_format', 'NHWC');
  if (f !== 'NHWC' && f !== 'NCHW') e.fail(`data_format '${f}' is not NHWC or NCHW`);
  return f === 'NHWC';
}

/** HWIO (or depthwise HW·C·M) filter → OIHW, cached per weight. */
export function filterOIHW(e: Emitter, w: string, depthwise: boolean): string {
  const key = `${w}/${depthwise ? 'dw' : 'oihw'}`;
  if (e.graph.initializers.has(key)) return key;
  const t = e.graph.initializers.get(w);
  if (!t) e.fail(`the filter '${w}' is not a constant`);
  const [kh, kw, ci, co] = t.dims as number[];
  if (t.dims.length !== 4) e.fail(`the filter '${w}' has rank ${t.dims.length}, not 4`);
  const src = t.toFloat32();
  const out = new Float32Array(src.length);
  // depthwise: [kh,kw,C,M] → [C·M,1,kh,kw], output channel c·M + m (TF's order).
  const O = depthwise ? ci! * co! : co!;
  const I = depthwise ? 1 : ci!;
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) {
          const v = src[((y * kw! + x) * ci! + i) * co! + o]!;
          const oc = depthwise ? i * co! + o : o;
          const ic = depthwise ? 0 : i;
          out[((oc * I + ic) * kh! + y) * kw! + x] = v;
        }
  e.graph.setInitializer(key, Tensor.fromArray('float32', [O, I, kh!, kw!], out));
  return key;
}

/** The activation of a fused op (or a standalone one), applied to `x`, producing `out` when given. */
export function activation(e: Emitter, act: string, x: string, out: string | undefined, opts: { alpha?: number; prelu?: string; channelAxis?: number } = {}): string {
  const o = out ? [out] : undefined;
  switch (act.toLowerCase()) {
    case '':
    case 'linear':
      return out ? e.node('Identity', [x], o)[0]! : x;
    case 'relu':
      return e.node('Relu', [x], o)[0]!;
    case 'relu6':
      return e.node('Clip', [x, e.shared('relu6/min', 0), e.shared('relu6/max', 6)], o)[0]!;
    case 'elu':
      return e.node('Elu', [x], o)[0]!;
    case 'selu':
      return e.node('Selu', [x], o)[0]!;
    case 'sigmoid':
      return e.node('Sigmoid', [x], o)[0]!;
    case 'tanh':
      return e.node('Tanh', [x], o)[0]!;
    case 'softplus':
      return e.node('Softplus', [x], o)[0]!;
    case 'leakyrelu':
      return e.node('LeakyRelu', [x], o, { alpha: float(opts.alpha ?? 0.2) })[0]!;
    case 'prelu': {
      if (!opts.prelu) e.fail('Prelu without its alpha');
      let slope = opts.prelu;
      // A per-channel slope broadcasts over NHWC's last axis; on NCHW it needs [C,1,1].
      const t = e.graph.initializers.get(slope);
      if (opts.channelAxis === 1 && t && t.dims.length === 1) slope = e.constant(`${slope}/c11`, Tensor.fromArray('float32', [t.dims[0]!, 1, 1], t.toFloat32()));
      return e.node('PRelu', [x, slope], o)[0]!;
    }
    default:
      throw new UnsupportedOpError(`${e.source}: TF node ${e.currentOp} '${e.current}': fused activation '${act}' is not supported`);
  }
}

function conv(depthwise: boolean, fused: boolean): Mapper {
  return (e, n) => {
    const nhwc = isNHWC(e, n);
    const [x, w] = n.inputs;
    let bias: string | undefined;
    let act = '';
    let prelu: string | undefined;
    if (fused) {
      const ops = n.strs('fused_ops');
      const args = n.inputs.slice(2);
      if (ops[0] === 'BiasAdd') bias = args[0];
      else if (ops[0] === 'FusedBatchNorm') e.fail('a fused FusedBatchNorm is not supported (TF.js refuses it too)');
      else if (ops.length > 0 && ops[0] !== 'BiasAdd') act = ops[0]!;
      act = ops[1] ?? act;
      if (act.toLowerCase() === 'prelu') prelu = args[1];
    }
    const xIn = nhwc ? e.transpose(x!, TO_NCHW) : x!;
    const filter = filterOIHW(e, w!, depthwise);
    const cin = e.graph.initializers.get(w!)!.dims[2]!;
    const dil = n.ints('dilations');
    const attrs = { ...windowAttrs(e, n, nhwc), dilations: ints(dil.length === 4 ? (nhwc ? [dil[1]!, dil[2]!] : [dil[2]!, dil[3]!]) : [1, 1]), group: int(depthwise ? cin : 1) };
    const inputs = bias ? [xIn, filter, bias] : [xIn, filter];
    const last = act === '' ? (nhwc ? undefined : n.out()) : undefined;
    let y = e.node('Conv', inputs, last ? [last] : undefined, attrs, n.name)[0]!;
    if (act !== '') y = activation(e, act, y, nhwc ? undefined : n.out(), { alpha: n.float('leakyrelu_alpha', 0.2), prelu, channelAxis: 1 });
    if (nhwc) e.transpose(y, TO_NHWC, n.out());
  };
}

function matmul(fused: boolean): Mapper {
  return (e, n) => {
    const [a, b] = n.inputs;
    const ta = n.bool('transpose_a');
    const tb = n.bool('transpose_b');
    let bias: string | undefined;
    let act = '';
    if (fused) {
      const ops = n.strs('fused_ops');
      if (ops[0] === 'BiasAdd') bias = n.inputs[2];
      act = ops[1] ?? '';
    }
    const out = act === '' ? n.out() : undefined;
    let y: string;
    if (e.rank(a!) === 2 && e.rank(b!) === 2) {
      y = e.node('Gemm', bias ? [a!, b!, bias] : [a!, b!], out ? [out] : undefined, { transA: int(ta ? 1 : 0), transB: int(tb ? 1 : 0) }, n.name)[0]!;
    } else {
      if (ta || tb) e.fail('transposed operands of a batched MatMul are not supported');
      y = e.node('MatMul', [a!, b!], bias || act ? undefined : [n.out()], {}, n.name)[0]!;
      if (bias) y = e.node('Add', [y, bias], act ? undefined : [n.out()])[0]!;
    }
    if (act !== '') activation(e, act, y, n.out(), { alpha: n.float('leakyrelu_alpha', 0.2), prelu: n.inputs[3] });
  };
}

function pool(op: 'MaxPool' | 'AveragePool'): Mapper {
  return (e, n) => {
    const nhwc = isNHWC(e, n);
    const k = n.ints('ksize');
    const attrs = { ...windowAttrs(e, n, nhwc), kernel_shape: ints(nhwc ? [k[1]!, k[2]!] : [k[2]!, k[3]!]) };
    const x = nhwc ? e.transpose(n.inputs[0]!, TO_NCHW) : n.inputs[0]!;
    const y = e.node(op, [x], nhwc ? undefined : [n.out()], attrs, n.name)[0]!;
    if (nhwc) e.transpose(y, TO_NHWC, n.out());
  };
}

function batchNorm(e: Emitter, n: TfNode): void {
  const nhwc = isNHWC(e, n);
  const [x, scale, offset, mean, variance] = n.inputs;
  const xIn = nhwc ? e.transpose(x!, TO_NCHW) : x!;
  const y = e.node('BatchNormalization', [xIn, scale!, offset!, mean!, variance!], nhwc ? undefined : [n.out()], { epsilon: float(n.float('epsilon', 1e-3)) }, n.name)[0]!;
  if (nhwc) e.transpose(y, TO_NHWC, n.out());
}

function resize(mode: 'linear' | 'nearest'): Mapper {
  return (e, n) => {
    const [x, size] = n.inputs;
    const [h, w] = e.requireValues(size!, 'the size');
    const alignCorners = n.bool('align_corners');
    const halfPixel = n.bool('half_pixel_centers');
    const attrs: Record<string, ReturnType<typeof str> | ReturnType<typeof ints>> = { mode: str(mode), axes: ints([2, 3]) };
    if (mode === 'linear') attrs['coordinate_transformation_mode'] = str(alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric');
    else {
      // TF's half-pixel nearest, floor((o + ½)·s), is ONNX half_pixel rounded half up (tf_half_pixel_for_nn is deprecated).
      attrs['coordinate_transformation_mode'] = str(alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric');
      attrs['nearest_mode'] = str(alignCorners || halfPixel ? 'round_prefer_ceil' : 'floor');
    }
    const xIn = e.transpose(x!, TO_NCHW);
    // Sizes of H and W only (opset 18 axes): exact, and the batch stays free.
    const y = e.node('Resize', [xIn, '', '', e.i64('sizes', [h!, w!])], undefined, attrs, n.name)[0]!;
    e.transpose(y, TO_NHWC, n.out());
  };
}

// ---------- shapes and data movement ----------

function normAxis(e: Emitter, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) e.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function concat(e: Emitter, n: TfNode): void {
  const values = n.inputs.slice(0, -1);
  const axis = e.requireValues(n.inputs[n.inputs.length - 1]!, 'the axis')[0]!;
  e.node('Concat', values, [n.out()], { axis: int(normAxis(e, axis, e.rank(values[0]!))) }, n.name);
}

function pad(mode: 'constant' | 'reflect' | 'symmetric'): Mapper {
  return (e, n) => {
    const [x, paddings, value] = n.inputs;
    if (mode === 'symmetric') throw new UnsupportedOpError(`${e.source}: TF node ${n.def.op} '${n.name}': SYMMETRIC padding has no ONNX equivalent`);
    const p = e.requireValues(paddings!, 'paddings');
    const r = p.length / 2;
    const pads = [...Array.from({ length: r }, (_, i) => p[2 * i]!), ...Array.from({ length: r }, (_, i) => p[2 * i + 1]!)];
    const inputs = [x!, e.i64('pads', pads)];
    if (value) inputs.push(value);
    e.node('Pad', inputs, [n.out()], { mode: str(mode) }, n.name);
  };
}

function split(e: Emitter, n: TfNode, x: string, axisName: string, sizes: number[] | undefined, count: number): void {
  const axis = normAxis(e, e.requireValues(axisName, 'the axis')[0]!, e.rank(x));
  const outs = Array.from({ length: count }, (_, k) => n.out(k));
  if (sizes) {
    const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
    if (sizes.includes(-1)) {
      const dim = e.staticShape(x, 'SplitV with -1')[axis]!;
      sizes = sizes.map((s) => (s < 0 ? dim - known : s));
    }
    e.node('Split', [x, e.i64('split', sizes)], outs, { axis: int(axis) }, n.name);
  } else e.node('Split', [x], outs, { axis: int(axis), num_outputs: int(count) }, n.name);
}

function reduce(op: string): Mapper {
  return (e, n) => {
    const [x, axesName] = n.inputs;
    const r = e.rank(x!);
    const axes = e.requireValues(axesName!, 'the axes').map((a) => normAxis(e, a, r));
    const keep = int(n.bool('keep_dims') ? 1 : 0);
    e.node(op, [x!, e.i64('axes', axes)], [n.out()], { keepdims: keep }, n.name);
  };
}

/** StridedSlice with its five masks: one Slice, then Squeeze (shrink) and Unsqueeze (new axes). */
function stridedSlice(e: Emitter, n: TfNode): void {
  const [x, bName, eName, sName] = n.inputs;
  const begin = e.requireValues(bName!, 'begin');
  const end = e.requireValues(eName!, 'end');
  const strides = sName ? e.requireValues(sName, 'strides') : begin.map(() => 1);
  const [bm, em, elm, nm, sm] = ['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'].map((k) => n.int(k));
  const rank = e.rank(x!);
  const bit = (m: number, i: number) => ((m! >> i) & 1) === 1;
  const specs = begin.length;
  let newAxes = 0;
  for (let i = 0; i < specs; i++) if (bit(nm!, i) && !bit(elm!, i)) newAxes++;
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const shrink: number[] = [];
  const entries: ('new' | number)[] = [];
  let dim = 0;
  const BIG = 2 ** 31 - 1;
  for (let i = 0; i < specs; i++) {
    if (bit(elm!, i)) {
      const full = rank - (specs - 1 - newAxes);
      for (let k = 0; k < full; k++) entries.push(dim++);
      continue;
    }
    if (bit(nm!, i)) {
      entries.push('new');
      continue;
    }
    const stride = strides[i]!;
    let s = begin[i]!;
    let t = end[i]!;
    if (bit(sm!, i)) {
      t = s === -1 ? BIG : s + 1;
      shrink.push(dim);
    } else {
      if (bit(bm!, i)) s = stride > 0 ? 0 : BIG;
      if (bit(em!, i)) t = stride > 0 ? BIG : -BIG;
    }
    starts.push(s);
    ends.push(t);
    axes.push(dim);
    steps.push(stride);
    entries.push(dim);
    dim++;
  }
  let y = x!;
  const last = shrink.length === 0 && newAxes === 0;
  if (axes.length === 0 && last) e.node('Identity', [x!], [n.out()], {}, n.name);
  else if (axes.length > 0) y = e.node('Slice', [x!, e.i64('starts', starts), e.i64('ends', ends), e.i64('axes', axes), e.i64('steps', steps)], last ? [n.out()] : undefined, {}, n.name)[0]!;
  if (shrink.length > 0) y = e.node('Squeeze', [y, e.i64('shrink', shrink)], newAxes === 0 ? [n.out()] : undefined)[0]!;
  if (newAxes > 0) {
    const kept = entries.filter((d) => d === 'new' || !shrink.includes(d));
    // Dims past the spec stay at the end.
    const positions = kept.map((d, i) => (d === 'new' ? i : -1)).filter((i) => i >= 0);
    e.node('Unsqueeze', [y, e.i64('new_axes', positions)], [n.out()]);
  }
}

function gatherNd(e: Emitter, n: TfNode): void {
  const [p, idx] = n.inputs;
  e.node('GatherND', [p!, e.asInt64(idx!)], [n.out()], {}, n.name);
}

/** Apply `f` to a node whose ONNX output is int64 where TF's is int32 (ArgMax, TopK indices). */
function toInt32(e: Emitter, n: TfNode, y: string, k = 0, want = 'DT_INT32'): void {
  if (want === 'DT_INT64') e.node('Identity', [y], [n.out(k)]);
  else e.cast(y, 'int32', n.out(k));
}

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

/** NonMaxSuppressionV3/4/5 on TF's [n,4] boxes and [n] scores: ONNX's batched form, then the box column. */
function nms(e: Emitter, n: TfNode): void {
  const [boxes, scores, maxOut, iou, scoreThr] = n.inputs;
  if (n.def.op === 'NonMaxSuppressionV5' && e.values(n.inputs[5]!)?.[0]) e.fail('soft-NMS (soft_nms_sigma > 0) is not supported');
  const b = e.node('Unsqueeze', [boxes!, e.i64('axes0', [0])])[0]!;
  const s = e.node('Unsqueeze', [scores!, e.i64('axes01', [0, 1])])[0]!;
  const m = e.node('Reshape', [e.asInt64(maxOut!), e.i64('one', [1])])[0]!;
  const inputs = [b, s, m, iou!];
  if (scoreThr) inputs.push(scoreThr);
  const sel = e.node('NonMaxSuppression', inputs, undefined, { center_point_box: int(0) }, n.name)[0]!;
  const col = e.node('Gather', [sel, e.i64('col', [2], [])], undefined, { axis: int(1) })[0]!;
  e.cast(col, 'int32', n.out());
}
