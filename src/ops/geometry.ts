/**
 * The one sliding-window geometry helper (STYLE.md #4), shared by Conv, ConvTranspose and pooling.
 * ONNX rules: effective kernel (k−1)·d+1; explicit `pads` win over `auto_pad`; SAME_UPPER puts
 * the smaller half of the padding first, SAME_LOWER the larger; output ⌊(in+pb+pe−effK)/s⌋+1
 * (⌈…⌉ in ceil mode, without a last window that would start in the end padding).
 */
import { attrInts, attrString, listString, nodeFail, type Node } from '../ir/index.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

export interface WindowAttrs {
  readonly kernelShape: readonly number[] | undefined;
  readonly strides: readonly number[] | undefined;
  readonly dilations: readonly number[] | undefined;
  readonly pads: readonly number[] | undefined;
  readonly autoPad: AutoPad;
  readonly ceilMode?: boolean;
}

export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** (k−1)·d+1 per spatial axis. */
  readonly effKernel: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
  readonly out: readonly number[];
}

export function parseAutoPad(value: string, fail: (m: string) => never): AutoPad {
  if (value === 'NOTSET' || value === 'SAME_UPPER' || value === 'SAME_LOWER' || value === 'VALID') return value;
  return fail(`auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '${value}'`);
}

/** `[fill, fill, …]` of length n, shared (Window fields are read-only). */
function constant(n: number, fill: 0 | 1): readonly number[] {
  const cache = fill === 0 ? ZEROS : ONES;
  return (cache[n] ??= Object.freeze(new Array<number>(n).fill(fill)));
}
const ZEROS: (readonly number[])[] = [];
const ONES: (readonly number[])[] = [];

function perAxis(name: string, v: readonly number[] | undefined, n: number, fail: (m: string) => never): readonly number[] {
  if (v === undefined) return constant(n, 1);
  if (v.length !== n) fail(`${name} must have ${n} values, got ${listString(v)}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isSafeInteger(v[i]) || v[i]! < 1) fail(`${name} must be positive integers, got ${listString(v)}`);
  }
  return v;
}

/** Geometry of a window of `kernel` sliding over `spatialIn` (the window keeps both arrays). */
export function windowGeometry(attrs: WindowAttrs, spatialIn: readonly number[], kernel: readonly number[], fail: (m: string) => never): Window {
  const n = spatialIn.length;
  if (kernel.length !== n) fail(`kernel ${listString(kernel)} has ${kernel.length} spatial dims but the input has ${n}`);
  const strides = perAxis('strides', attrs.strides, n, fail);
  const dilations = perAxis('dilations', attrs.dilations, n, fail);
  const effKernel = new Array<number>(n);
  for (let i = 0; i < n; i++) effKernel[i] = (kernel[i]! - 1) * dilations[i]! + 1;
  let padsBegin: readonly number[];
  let padsEnd: readonly number[];
  const pads = attrs.pads;
  if (pads !== undefined) {
    if (pads.length !== 2 * n) fail(`pads must have ${2 * n} values, got ${listString(pads)}`);
    for (let i = 0; i < pads.length; i++) {
      if (!Number.isSafeInteger(pads[i]) || pads[i]! < 0) fail(`pads must be non-negative, got ${listString(pads)}`);
    }
    padsBegin = pads.slice(0, n);
    padsEnd = pads.slice(n);
  } else if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') {
    const begin = new Array<number>(n);
    const end = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const len = spatialIn[i]!;
      const target = Math.ceil(len / strides[i]!);
      const total = Math.max(0, (target - 1) * strides[i]! + effKernel[i]! - len);
      const small = Math.floor(total / 2);
      begin[i] = attrs.autoPad === 'SAME_UPPER' ? small : total - small;
      end[i] = attrs.autoPad === 'SAME_UPPER' ? total - small : small;
    }
    padsBegin = begin;
    padsEnd = end;
  } else {
    padsBegin = padsEnd = constant(n, 0);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const len = spatialIn[i]!;
    const span = len + padsBegin[i]! + padsEnd[i]! - effKernel[i]!;
    const s = strides[i]!;
    if (span < 0) fail(`window ${effKernel[i]} is larger than the padded input ${len + padsBegin[i]! + padsEnd[i]!} on spatial axis ${i}`);
    let o = Math.floor(span / s) + 1;
    if (attrs.ceilMode) {
      o = Math.ceil(span / s) + 1;
      // The last window must start inside the input or its begin padding.
      if ((o - 1) * s >= len + padsBegin[i]!) o--;
    }
    out[i] = o;
  }
  return { kernel, strides, dilations, effKernel, padsBegin, padsEnd, out };
}

function readAutoPad(node: Node): AutoPad {
  const value = attrString(node, 'auto_pad', 'NOTSET');
  // The failing callback is made only when the value is bad (a closure per conv adds up).
  return value === 'NOTSET' ? value : parseAutoPad(value, nodeFail(node));
}

/** Read the window attributes every conv/pool op shares. */
export function readWindowAttrs(node: Node): WindowAttrs {
  return {
    kernelShape: attrInts(node, 'kernel_shape'),
    strides: attrInts(node, 'strides'),
    dilations: attrInts(node, 'dilations'),
    pads: attrInts(node, 'pads'),
    autoPad: readAutoPad(node),
  };
}
