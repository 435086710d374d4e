/**
 * TF.js layers models (`format: "layers-model"`, or a Keras `model_config` topology: what Keras
 * exports and Teachable Machine produce): Sequential and Functional models (nested ones
 * inlined) mapped layer by layer onto ONNX ops, NHWC kept as in graph models. BatchNormalization
 * stays a separate node, so fold-bn and lint's G4 see it.
 */
import { ModelFormatError, UnsupportedOpError } from '../../errors.js';
import { Tensor, type Graph } from '../../ir/index.js';
import { declareOutputs, Emitter, float, int, ints, str, TO_NCHW, TO_NHWC } from './emit.js';
import { activation, filterOIHW } from './graph-ops.js';
import { optimizeLayout } from './layout.js';

interface LayerDef {
  class_name: string;
  config: Record<string, unknown> & { name?: string; layers?: LayerDef[] };
  name?: string;
  inbound_nodes?: unknown[];
}

type Cfg = Record<string, unknown>;

export function readLayersModel(json: Record<string, unknown>, weights: Map<string, Tensor>, source: string, options: { layout?: boolean } = {}): Graph {
  const topo = json['modelTopology'] as Cfg;
  const root = ((topo['model_config'] as LayerDef | undefined) ?? (topo as unknown as LayerDef));
  if (!root || typeof root.class_name !== 'string') throw new ModelFormatError(`${source}: modelTopology has no Keras model_config`);
  const e = new Emitter(source);
  e.graph.name = root.config?.name ?? 'model';
  e.graph.meta.producerName = 'leannet (from TF.js layers model)';
  const outputs = model(e, root, [], weights, source);
  e.graph.setGraphOutputs(outputs);
  declareOutputs(e.graph);
  if (options.layout !== false) optimizeLayout(e.graph);
  e.graph.prune();
  return e.graph;
}

/** Emit a Sequential or Functional model; `inputs` feed it when nested, else it makes graph inputs. Returns its outputs. */
function model(e: Emitter, def: LayerDef, inputs: string[], w: Map<string, Tensor>, source: string): string[] {
  const cfg = def.config;
  const layers = (Array.isArray(cfg) ? cfg : cfg.layers) as LayerDef[] | undefined;
  if (!Array.isArray(layers)) throw new ModelFormatError(`${source}: ${def.class_name} '${cfg.name}' has no layers`);
  if (def.class_name === 'Sequential') {
    let x = inputs[0];
    for (const l of layers) {
      if (x === undefined) {
        x = graphInput(e, l, source);
        if (l.class_name === 'InputLayer') continue;
      }
      x = layer(e, l, [x], w, source)[0]!;
    }
    return [x!];
  }
  if (def.class_name !== 'Functional' && def.class_name !== 'Model') throw new UnsupportedOpError(`${source}: Keras model class '${def.class_name}' is not supported`);
  const out = new Map<string, string[]>();
  const ref = (r: unknown): string => {
    const [name, , k] = r as [string, number, number];
    const v = out.get(name)?.[k ?? 0];
    if (!v) throw new ModelFormatError(`${source}: layer input '${name}' is not defined before use`);
    return v;
  };
  const inputLayers = (cfg['input_layers'] as [string, number, number][] | undefined) ?? [];
  for (const l of layers) {
    const name = l.config.name ?? l.name!;
    if (l.class_name === 'InputLayer') {
      const k = inputLayers.findIndex((r) => r[0] === name);
      out.set(name, [inputs.length ? inputs[k]! : graphInput(e, l, source)]);
      continue;
    }
    const nodes = (l.inbound_nodes ?? []) as unknown[][];
    const ins = nodes.length ? (nodes[0] as unknown[]).map(ref) : [];
    out.set(name, layer(e, l, ins, w, source));
  }
  return ((cfg['output_layers'] as unknown[]) ?? []).map(ref);
}

function graphInput(e: Emitter, l: LayerDef, source: string): string {
  const shape = (l.config['batch_input_shape'] ?? l.config['batch_shape']) as (number | null)[] | undefined;
  if (!shape) throw new ModelFormatError(`${source}: the first layer '${l.config.name}' has no batch_input_shape`);
  const name = l.class_name === 'InputLayer' ? (l.config.name as string) : 'input';
  const g = e.graph;
  g.addGraphInput(name);
  const v = g.value(name);
  v.dtype = 'float32';
  v.declared = { dtype: 'float32', shape: shape.map((d, i) => (d === null ? (i === 0 ? 'N' : `${name}_${i}`) : d)) };
  v.shape = shape.map((d) => d ?? 1);
  return name;
}

function weight(e: Emitter, w: Map<string, Tensor>, layer: string, key: string, required = true): string | undefined {
  let name = `${layer}/${key}`;
  let t = w.get(name);
  if (!t) {
    for (const [k, v] of w) if (k.endsWith(`/${name}`) || k.endsWith(`/${layer}/${key}:0`) || k === `${name}:0`) (name = k), (t = v);
  }
  if (!t) {
    if (required) e.fail(`weight '${layer}/${key}' is not in the manifest`);
    return undefined;
  }
  if (!e.graph.initializers.has(name)) e.graph.setInitializer(name, t);
  return name;
}

const pair = (v: unknown, d: number): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [Number(v ?? d), Number(v ?? d)]);

function act(e: Emitter, a: unknown, x: string, out: string, alpha?: number): string {
  const name = String(a ?? 'linear');
  if (name === 'softmax') return e.node('Softmax', [x], [out], { axis: int(-1) })[0]!;
  if (name === 'linear' && x === out) return x;
  return activation(e, name, x, out, { alpha });
}

function layer(e: Emitter, l: LayerDef, ins: string[], w: Map<string, Tensor>, source: string): string[] {
  const c = l.config;
  const name = (c.name ?? l.name) as string;
  e.current = name;
  e.currentOp = l.class_name;
  if (c['data_format'] === 'channels_first') throw new UnsupportedOpError(`${source}: layer ${l.class_name} '${name}': channels_first is not supported`);
  const x = ins[0]!;
  const window = (): Cfg => ({ strides: ints(pair(c['strides'], 1)), ...(c['padding'] === 'same' ? { auto_pad: str('SAME_UPPER') } : {}) });
  switch (l.class_name) {
    case 'Sequential':
    case 'Functional':
    case 'Model':
      return model(e, l, ins, w, source);
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      let y = e.transpose(x, TO_NCHW);
      const dil = { dilations: ints(pair(c['dilation_rate'], 1)) };
      const bias = c['use_bias'] === false ? undefined : weight(e, w, name, 'bias');
      if (l.class_name === 'Conv2D') {
        const k = filterOIHW(e, weight(e, w, name, 'kernel')!, false);
        y = e.node('Conv', bias ? [y, k, bias] : [y, k], undefined, { ...window(), ...dil, group: int(1) } as never, name)[0]!;
      } else {
        const dwName = weight(e, w, name, 'depthwise_kernel')!;
        const dw = filterOIHW(e, dwName, true);
        const cin = e.graph.initializers.get(dwName)!.dims[2]!;
        const sep = l.class_name === 'SeparableConv2D';
        y = e.node('Conv', !sep && bias ? [y, dw, bias] : [y, dw], undefined, { ...window(), ...dil, group: int(cin) } as never, sep ? `${name}/depthwise` : name)[0]!;
        if (sep) {
          const pw = filterOIHW(e, weight(e, w, name, 'pointwise_kernel')!, false);
          y = e.node('Conv', bias ? [y, pw, bias] : [y, pw], undefined, { strides: ints([1, 1]), group: int(1) }, name)[0]!;
        }
      }
      if (String(c['activation'] ?? 'linear') !== 'linear') y = act(e, c['activation'], y, `${name}/act`);
      return [e.transpose(y, TO_NHWC, name)];
    }
    case 'BatchNormalization': {
      const axis = Array.isArray(c['axis']) ? (c['axis'] as number[])[0] : (c['axis'] as number | undefined) ?? -1;
      const r = e.rank(x);
      if (axis !== -1 && axis !== r - 1) e.fail(`axis ${axis} is not the channel axis`);
      const mean = weight(e, w, name, 'moving_mean')!;
      const n = e.graph.initializers.get(mean)!.numel;
      const gamma = weight(e, w, name, 'gamma', c['scale'] !== false) ?? e.f32('gamma', new Array(n).fill(1));
      const beta = weight(e, w, name, 'beta', c['center'] !== false) ?? e.f32('beta', new Array(n).fill(0));
      const variance = weight(e, w, name, 'moving_variance')!;
      const eps = { epsilon: float(Number(c['epsilon'] ?? 1e-3)) };
      if (r === 2) return e.node('BatchNormalization', [x, gamma, beta, mean, variance], [name], eps, name);
      const y = e.node('BatchNormalization', [e.transpose(x, TO_NCHW), gamma, beta, mean, variance], undefined, eps, name)[0]!;
      return [e.transpose(y, TO_NHWC, name)];
    }
    case 'Activation':
      return [act(e, c['activation'], x, name)];
    case 'ReLU': {
      const max = c['max_value'] as number | null | undefined;
      if (max === 6) return [activation(e, 'relu6', x, name)];
      if (max != null) return e.node('Clip', [x, e.shared('relu/min', 0), e.f32('max', [max], [])], [name], {}, name);
      return [activation(e, 'relu', x, name)];
    }
    case 'LeakyReLU':
      return [activation(e, 'leakyrelu', x, name, { alpha: Number(c['alpha'] ?? 0.3) })];
    case 'PReLU':
      return e.node('PRelu', [x, weight(e, w, name, 'alpha')!], [name], {}, name);
    case 'Add':
      return e.node('Sum', ins, [name], {}, name);
    case 'Multiply':
      return ins.length === 2 ? e.node('Mul', ins, [name], {}, name) : e.fail('Multiply of more than two inputs');
    case 'Concatenate': {
      const a = Number(c['axis'] ?? -1);
      const r = e.rank(x);
      return e.node('Concat', ins, [name], { axis: int(a < 0 ? a + r : a) }, name);
    }
    case 'ZeroPadding2D': {
      const p = c['padding'];
      const [[t, b], [lft, rgt]] = Array.isArray(p) && Array.isArray(p[0]) ? (p as [number, number][]) : [pair(p, 1), pair(p, 1)].map((v) => [v[0], v[0]]) as [number, number][];
      return e.node('Pad', [x, e.i64('pads', [0, t!, lft!, 0, 0, b!, rgt!, 0])], [name], { mode: str('constant') }, name);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const k = pair(c['pool_size'], 2);
      const strides = c['strides'] == null ? k : pair(c['strides'], 1);
      const y = e.node(l.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [e.transpose(x, TO_NCHW)], undefined, { kernel_shape: ints(k), ...window(), strides: ints(strides) } as never, name)[0]!;
      return [e.transpose(y, TO_NHWC, name)];
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return e.node(l.class_name === 'GlobalMaxPooling2D' ? 'ReduceMax' : 'ReduceMean', [x, e.i64('axes', [1, 2])], [name], { keepdims: int(c['keepdims'] ? 1 : 0) }, name);
    case 'Dense': {
      const k = weight(e, w, name, 'kernel')!;
      const bias = c['use_bias'] === false ? undefined : weight(e, w, name, 'bias');
      const linear = String(c['activation'] ?? 'linear') === 'linear';
      let y: string;
      if (e.rank(x) === 2) y = e.node('Gemm', bias ? [x, k, bias] : [x, k], linear ? [name] : undefined, {}, name)[0]!;
      else {
        y = e.node('MatMul', [x, k], linear && !bias ? [name] : undefined, {}, name)[0]!;
        if (bias) y = e.node('Add', [y, bias], linear ? [name] : undefined)[0]!;
      }
      return linear ? [y] : [act(e, c['activation'], y, name)];
    }
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
      return e.node('Identity', [x], [name], {}, name);
    case 'Flatten':
      return e.node('Flatten', [x], [name], { axis: int(1) }, name);
    case 'Reshape': {
      const target = (c['target_shape'] as number[]).map((d) => d ?? -1);
      return e.node('Reshape', [x, e.i64('shape', [0, ...target])], [name], {}, name);
    }
    case 'UpSampling2D': {
      const [sh, sw] = pair(c['size'], 2);
      const bilinear = c['interpolation'] === 'bilinear';
      const attrs = bilinear ? { mode: str('linear'), coordinate_transformation_mode: str('half_pixel') } : { mode: str('nearest'), coordinate_transformation_mode: str('asymmetric'), nearest_mode: str('floor') };
      const y = e.node('Resize', [e.transpose(x, TO_NCHW), '', e.f32('scales', [sh, sw])], undefined, { ...attrs, axes: ints([2, 3]) } as never, name)[0]!;
      return [e.transpose(y, TO_NHWC, name)];
    }
    default:
      throw new UnsupportedOpError(`${source}: Keras layer class '${l.class_name}' (layer '${name}') is not supported`);
  }
}
