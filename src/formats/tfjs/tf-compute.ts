/**
 * TF convolutions (plain, depthwise, fused with bias/activation/Prelu), matmuls, pools, batch
 * norm and resizes as ONNX ops. ONNX defines these on NCHW: they are written as Transpose → op →
 * Transpose, which `layout.ts` cancels; weights are re-laid out once here (HWIO → OIHW).
 */
import { UnsupportedOpError } from '../../errors.js';
import { Tensor } from '../../ir/index.js';
import { Emitter, float, int, ints, str, TO_NCHW, TO_NHWC } from './emit.js';
import { type Mapper, type TfNode } from './tf-node.js';

// ---------- convolution and its fused epilogue ----------

/** Window geometry of a TF conv/pool on NHWC data as ONNX attributes. */
export function windowAttrs(e: Emitter, n: TfNode, nhwc: boolean): Record<string, ReturnType<typeof ints> | ReturnType<typeof str>> {
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

export function isNHWC(e: Emitter, n: TfNode): boolean {
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

export function conv(depthwise: boolean, fused: boolean): Mapper {
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

export function matmul(fused: boolean): Mapper {
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

export function pool(op: 'MaxPool' | 'AveragePool'): Mapper {
  return (e, n) => {
    const nhwc = isNHWC(e, n);
    const k = n.ints('ksize');
    const attrs = { ...windowAttrs(e, n, nhwc), kernel_shape: ints(nhwc ? [k[1]!, k[2]!] : [k[2]!, k[3]!]) };
    const x = nhwc ? e.transpose(n.inputs[0]!, TO_NCHW) : n.inputs[0]!;
    const y = e.node(op, [x], nhwc ? undefined : [n.out()], attrs, n.name)[0]!;
    if (nhwc) e.transpose(y, TO_NHWC, n.out());
  };
}

export function batchNorm(e: Emitter, n: TfNode): void {
  const nhwc = isNHWC(e, n);
  const [x, scale, offset, mean, variance] = n.inputs;
  const xIn = nhwc ? e.transpose(x!, TO_NCHW) : x!;
  const y = e.node('BatchNormalization', [xIn, scale!, offset!, mean!, variance!], nhwc ? undefined : [n.out()], { epsilon: float(n.float('epsilon', 1e-3)) }, n.name)[0]!;
  if (nhwc) e.transpose(y, TO_NHWC, n.out());
}

export function resize(mode: 'linear' | 'nearest'): Mapper {
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

