/**
 * The preprocessing rule: how a raw image (H×W×C pixels) becomes one model input. Given by
 * --preprocess (JSON, or the short form `key=value,key=value`), by the model's metadata_props key
 * 'preprocess' (the same JSON), or assumed from the input shape. Order of operations:
 *   channels (grey ↔ RGB) → resize → centre crop → pad → x = (p·scale − mean[c]) / std[c] → layout.
 * Padding pixels get pad_value before normalisation, so they are normalised too (as
 * torchvision's Pad-then-Normalize does).
 */
import { UsageError } from '../errors.js';

/** The rule as written (every field optional); `resolvePreprocess` fills the rest from the model input. */
export interface Preprocess {
  /** Where the channel dim is in the model input: [C,H,W] (NCHW) or [H,W,C] (NHWC). */
  layout?: 'NCHW' | 'NHWC';
  /** 1 (grey) or 3 (colour). */
  channels?: 1 | 3;
  /** Channel order for 3 channels. Default RGB. */
  order?: 'RGB' | 'BGR';
  /** The model input's spatial size [H, W]. */
  size?: [number, number];
  /** Resize first: a number sets the shorter side (aspect kept), [H, W] sets both. */
  resize?: number | [number, number];
  /** Then take the centre [H, W] (a number: square). */
  crop?: number | [number, number];
  /** The only image size the pad rule accepts, [H, W]: others are refused. */
  pad_from?: [number, number];
  /** Then pad [top, left, bottom, right] (ONNX order; one number: all sides; two: [vertical, horizontal]). */
  pad?: number | number[];
  /** Raw pixel value of padding, before scale/mean/std. Default 0. */
  pad_value?: number;
  /** x = (pixel · scale − mean) / std. Default scale 1/255, mean 0, std 1. */
  scale?: number;
  /** One value, or one per channel (in the output channel order). */
  mean?: number[];
  std?: number[];
  /** Output dtype: 'float32' (normalised) or 'uint8' (raw pixels after geometry). Default: the input's dtype. */
  dtype?: 'float32' | 'uint8';
  /** Not part of the rule: where it came from and what was assumed (set by resolvePreprocess). */
  source?: string;
}

/** A rule with every field settled, as the transform reads it. */
export interface FullPreprocess {
  layout: 'NCHW' | 'NHWC';
  channels: 1 | 3;
  order: 'RGB' | 'BGR';
  size: [number, number];
  resize?: number | [number, number];
  crop?: [number, number];
  pad_from?: [number, number];
  /** [top, left, bottom, right]. */
  pad?: [number, number, number, number];
  pad_value: number;
  scale: number;
  mean: number[];
  std: number[];
  dtype: 'float32' | 'uint8';
  source: string;
}

/** Keys a rule may carry for people (a string, not read): the fmnist model's metadata has 'formula'. */
const NOTE_KEYS = ['formula', 'comment', 'description', 'note'];

const KEYS = ['layout', 'channels', 'order', 'size', 'resize', 'crop', 'pad_from', 'pad', 'pad_value', 'scale', 'mean', 'std', 'dtype'] as const;

/**
 * Parse a rule: JSON (`{"layout":"NCHW",…}`) or the short form
 * `layout=NCHW,channels=1,size=32x32,pad_from=28x28,pad=2,scale=1/255,mean=0.286,std=0.353`
 * (lists separated by `x` or `:`, numbers may be fractions like 1/255). Unknown keys are refused.
 */
export function parsePreprocess(text: string, where: string): Preprocess {
  const t = text.trim();
  let raw: Record<string, unknown>;
  if (t.startsWith('{')) {
    try {
      raw = JSON.parse(t) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`${where}: not valid JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: expected a JSON object`);
  } else {
    raw = {};
    for (const part of t.split(',').map((s) => s.trim()).filter(Boolean)) {
      const i = part.indexOf('=');
      if (i <= 0) throw new UsageError(`${where}: '${part}' is not key=value (e.g. size=32x32,mean=0.5,std=0.5)`);
      raw[part.slice(0, i).trim()] = shortValue(part.slice(i + 1).trim());
    }
  }
  return checkSpec(raw, where);
}

/** A short-form value: a word, a number (or fraction), or a list joined by x or ':'. */
function shortValue(v: string): unknown {
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(v)) return v;
  const items = v.split(/[x:]/);
  const nums = items.map((s) => (/^\s*-?[\d.]+(e-?\d+)?\s*\/\s*[\d.]+\s*$/.test(s) ? Number(s.split('/')[0]) / Number(s.split('/')[1]) : s.trim() === '' ? NaN : Number(s)));
  return items.length === 1 ? nums[0] : nums;
}

function checkSpec(raw: Record<string, unknown>, where: string): Preprocess {
  const unknown = Object.keys(raw).filter((k) => !(KEYS as readonly string[]).includes(k) && !(NOTE_KEYS.includes(k) && typeof raw[k] === 'string'));
  if (unknown.length) throw new UsageError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${KEYS.join(', ')} (and ${NOTE_KEYS.join(', ')} as text)`);
  const bad = (key: string, want: string): never => {
    throw new UsageError(`${where}: ${key} must be ${want}, got ${JSON.stringify(raw[key])}`);
  };
  const p: Preprocess = {};
  const num = (k: string, v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : bad(k, 'a number'));
  const posInt = (k: string, v: unknown): number => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : bad(k, 'a positive integer or [H, W]'));
  const pair = (k: string, v: unknown): [number, number] => {
    if (Array.isArray(v) && v.length === 2) return [posInt(k, v[0]), posInt(k, v[1])];
    return bad(k, '[H, W] (short form HxW)');
  };
  const list = (k: string, v: unknown): number[] => {
    const a = Array.isArray(v) ? v : [v];
    if (a.length === 0) bad(k, 'a number or a list of numbers');
    return a.map((x) => num(k, x));
  };
  for (const [k, v] of Object.entries(raw)) {
    switch (k) {
      case 'formula':
      case 'comment':
      case 'description':
      case 'note':
        break;
      case 'layout':
        p.layout = v === 'NCHW' || v === 'NHWC' ? v : bad(k, "'NCHW' or 'NHWC'");
        break;
      case 'channels':
        p.channels = v === 1 || v === 3 ? v : bad(k, '1 or 3');
        break;
      case 'order':
        p.order = v === 'RGB' || v === 'BGR' ? v : bad(k, "'RGB' or 'BGR'");
        break;
      case 'size':
      case 'pad_from':
        p[k] = typeof v === 'number' ? [posInt(k, v), v] : pair(k, v);
        break;
      case 'resize':
        p.resize = typeof v === 'number' ? posInt(k, v) : pair(k, v);
        break;
      case 'crop':
        p.crop = typeof v === 'number' ? [posInt(k, v), v] : pair(k, v);
        break;
      case 'pad': {
        const a = list(k, v);
        if (![1, 2, 4].includes(a.length) || a.some((x) => !Number.isInteger(x) || x < 0)) bad(k, 'non-negative integers: one, [vertical, horizontal] or [top, left, bottom, right]');
        p.pad = a;
        break;
      }
      case 'pad_value':
      case 'scale':
        p[k] = num(k, v);
        break;
      case 'mean':
      case 'std':
        p[k] = list(k, v);
        if (k === 'std' && p.std!.some((s) => s === 0)) bad(k, 'non-zero');
        break;
      case 'dtype':
        p.dtype = v === 'float32' || v === 'uint8' ? v : bad(k, "'float32' or 'uint8'");
        break;
    }
  }
  return p;
}

/** The rule in metadata_props key 'preprocess' (JSON), if the model has one. */
export function preprocessFromMetadata(meta: readonly { key: string; value: string }[]): Preprocess | undefined {
  const e = meta.find((m) => m.key === 'preprocess');
  return e ? parsePreprocess(e.value, "the model's metadata 'preprocess'") : undefined;
}

/** Class names in metadata_props key 'labels': a JSON array of strings, or names separated by commas or new lines. */
export function labelsFromMetadata(meta: readonly { key: string; value: string }[]): string[] | undefined {
  const e = meta.find((m) => m.key === 'labels');
  if (!e) return undefined;
  const v = e.value.trim();
  if (v.startsWith('[')) {
    try {
      const a = JSON.parse(v) as unknown;
      if (Array.isArray(a)) return a.map(String);
    } catch {
      // fall through to the plain list
    }
  }
  return v.split(/\s*[\n,]\s*/).filter(Boolean);
}

/**
 * The rule for a model input: --preprocess wins, else the model's metadata, else a default
 * inferred from the input shape (its `source` says what was assumed). Fields the chosen rule
 * leaves out are filled from the input shape. A rule that contradicts the input (channels,
 * size, layout) is a UsageError.
 */
export function resolvePreprocess(opts: { text?: string; meta: readonly { key: string; value: string }[]; inputDims: number[]; inputDtype?: string }): FullPreprocess {
  if (opts.text !== undefined) return completePreprocess({ ...parsePreprocess(opts.text, '--preprocess'), source: '--preprocess' }, opts.inputDims, opts.inputDtype);
  const meta = preprocessFromMetadata(opts.meta);
  if (meta) return completePreprocess({ ...meta, source: "the model's metadata 'preprocess'" }, opts.inputDims, opts.inputDtype);
  return completePreprocess({}, opts.inputDims, opts.inputDtype);
}

/** Fill a rule's missing fields from the model input dims ([C,H,W], [H,W,C] or [H,W]) and check it fits them. */
export function completePreprocess(p: Preprocess, inputDims: readonly number[], inputDtype?: string): FullPreprocess {
  const where = p.source ?? 'preprocess';
  const dims = `[${inputDims.join(',')}]`;
  const assumed: string[] = [];
  let layout = p.layout;
  if (inputDims.length === 2) layout ??= 'NCHW';
  else if (inputDims.length === 3) {
    if (!layout) {
      const chFirst = inputDims[0] === 1 || inputDims[0] === 3;
      const chLast = inputDims[2] === 1 || inputDims[2] === 3;
      layout = chFirst || !chLast ? 'NCHW' : 'NHWC';
      assumed.push(layout);
    }
  } else {
    throw new UsageError(`model input ${dims}: images need an input of [C,H,W], [H,W,C] or [H,W] after the batch dim`);
  }
  const [c, h, w] = inputDims.length === 2 ? [1, inputDims[0]!, inputDims[1]!] : layout === 'NCHW' ? [inputDims[0]!, inputDims[1]!, inputDims[2]!] : [inputDims[2]!, inputDims[0]!, inputDims[1]!];
  if (c !== 1 && c !== 3) throw new UsageError(`${where}: layout ${layout} puts ${c} channels in the model input ${dims}; images have 1 or 3`);
  const channels = p.channels ?? c;
  if (channels !== c) throw new UsageError(`${where}: channels ${channels} does not match the model input ${dims} (${layout}: ${c} channel${c > 1 ? 's' : ''})`);
  if (p.channels === undefined) assumed.push(`${c} channel${c > 1 ? 's' : ''}`);
  const size = p.size ?? [h, w];
  if (size[0] !== h || size[1] !== w) throw new UsageError(`${where}: size ${size[0]}x${size[1]} does not match the model input ${dims} (${h}x${w})`);
  if (!p.size) assumed.push(`${h}x${w}`);
  const nMean = p.mean?.length ?? 1;
  const nStd = p.std?.length ?? 1;
  for (const [k, n] of [['mean', nMean], ['std', nStd]] as const) {
    if (n !== 1 && n !== channels) throw new UsageError(`${where}: ${k} has ${n} values; give ${channels === 1 ? 'one value' : `1 or ${channels} (one per channel)`}`);
  }
  let pad: [number, number, number, number] | undefined;
  if (p.pad !== undefined) {
    const a = typeof p.pad === 'number' ? [p.pad] : p.pad;
    pad = a.length === 1 ? [a[0]!, a[0]!, a[0]!, a[0]!] : a.length === 2 ? [a[0]!, a[1]!, a[0]!, a[1]!] : [a[0]!, a[1]!, a[2]!, a[3]!];
  }
  if (p.pad_from) {
    const [fh, fw] = p.pad_from;
    if (!pad) {
      // pad_from alone: centre the image, any odd pixel going to the bottom / right.
      const dh = h - fh;
      const dw = w - fw;
      if (dh < 0 || dw < 0) throw new UsageError(`${where}: pad_from ${fh}x${fw} is larger than the input ${h}x${w}`);
      pad = [Math.floor(dh / 2), Math.floor(dw / 2), dh - Math.floor(dh / 2), dw - Math.floor(dw / 2)];
    }
    if (!p.resize && !p.crop && (fh + pad[0] + pad[2] !== h || fw + pad[1] + pad[3] !== w)) {
      throw new UsageError(`${where}: pad_from ${fh}x${fw} padded by [${pad.join(',')}] gives ${fh + pad[0] + pad[2]}x${fw + pad[1] + pad[3]}, not the input's ${h}x${w}`);
    }
  }
  const dtype = p.dtype ?? (inputDtype === 'uint8' ? 'uint8' : 'float32');
  if (inputDtype && inputDtype !== dtype) throw new UsageError(`${where}: dtype ${dtype} but the model input is ${inputDtype}`);
  const full: FullPreprocess = {
    layout: layout!,
    channels,
    order: p.order ?? 'RGB',
    size,
    pad_value: p.pad_value ?? 0,
    scale: p.scale ?? 1 / 255,
    mean: p.mean ?? [0],
    std: p.std ?? [1],
    dtype,
    source: p.source ?? `assumed from the model input ${dims}`,
  };
  if (p.resize !== undefined) full.resize = p.resize;
  if (p.crop !== undefined) full.crop = typeof p.crop === 'number' ? [p.crop, p.crop] : p.crop;
  if (p.pad_from) full.pad_from = p.pad_from;
  if (pad) full.pad = pad;
  if (!p.source) full.source += `: ${assumed.join(', ')}, pixels x/255, no resize`;
  return full;
}

/** The rule in one line, for descriptions: `NCHW 1×32×32, pad 28x28 by [2,2,2,2] with 0, (p·0.00392 − 0.286)/0.353`. */
export function describePreprocess(p: FullPreprocess): string {
  const parts = [`${p.layout} ${p.channels}x${p.size[0]}x${p.size[1]}${p.channels === 3 && p.order === 'BGR' ? ' BGR' : ''}`];
  if (p.resize !== undefined) parts.push(`resize ${typeof p.resize === 'number' ? `shorter side to ${p.resize}` : `to ${p.resize[0]}x${p.resize[1]}`}`);
  if (p.crop) parts.push(`centre crop ${p.crop[0]}x${p.crop[1]}`);
  if (p.pad) parts.push(`pad${p.pad_from ? ` ${p.pad_from[0]}x${p.pad_from[1]}` : ''} by [${p.pad.join(',')}] with ${p.pad_value}`);
  if (p.dtype === 'float32') parts.push(`(p*${+p.scale.toPrecision(4)} - ${fmtList(p.mean)}) / ${fmtList(p.std)}`);
  else parts.push('raw uint8');
  return parts.join(', ');
}

const fmtList = (a: readonly number[]): string => (a.length === 1 ? String(a[0]) : `[${a.join(',')}]`);
