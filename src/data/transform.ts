/**
 * Apply a preprocessing rule to one raw image and write the result into a batch tensor.
 * Geometry (resize, centre crop, pad) is done as index arithmetic on the source, so a padded
 * or cropped sample costs one pass over the output and no intermediate image.
 */
import { DataError } from '../errors.js';
import type { FullPreprocess } from './preprocess.js';

/** Pixels of one image, row-major H×W×C (channel last, as decoders give them). */
export interface RawImage {
  h: number;
  w: number;
  c: number;
  data: ArrayLike<number>;
}

/** Output size of a resize rule for an h×w image (shorter side: the longer scales by truncation, as torchvision does). */
export function resizeTarget(rule: number | [number, number], h: number, w: number): [number, number] {
  if (typeof rule !== 'number') return rule;
  return h <= w ? [rule, Math.floor((rule * w) / h)] : [Math.floor((rule * h) / w), rule];
}

/** Drop alpha, then grey → RGB (copies) or RGB → grey (ITU-R BT.601 luma, as PIL's convert('L')). */
export function toChannels(img: RawImage, channels: 1 | 3): RawImage {
  let { c, data } = img;
  const n = img.h * img.w;
  if (c === 2 || c === 4) {
    const keep = c - 1;
    const out = new Float32Array(n * keep);
    for (let i = 0; i < n; i++) for (let k = 0; k < keep; k++) out[i * keep + k] = data[i * c + k]!;
    data = out;
    c = keep;
  }
  if (c === channels) return { h: img.h, w: img.w, c, data };
  if (c === 1 && channels === 3) {
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i]!;
    return { h: img.h, w: img.w, c: 3, data: out };
  }
  if (c === 3 && channels === 1) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
    return { h: img.h, w: img.w, c: 1, data: out };
  }
  throw new DataError(`image with ${c} channels cannot become ${channels}`);
}

/** Bilinear resize with half-pixel centres (OpenCV INTER_LINEAR, no antialiasing). */
export function resizeBilinear(img: RawImage, oh: number, ow: number): RawImage {
  const { h, w, c, data } = img;
  if (oh === h && ow === w) return img;
  const out = new Float32Array(oh * ow * c);
  const sy = h / oh;
  const sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ay = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const ax = fx - x0;
      for (let k = 0; k < c; k++) {
        const top = data[(y0 * w + x0) * c + k]! * (1 - ax) + data[(y0 * w + x1) * c + k]! * ax;
        const bot = data[(y1 * w + x0) * c + k]! * (1 - ax) + data[(y1 * w + x1) * c + k]! * ax;
        out[(y * ow + x) * c + k] = top * (1 - ay) + bot * ay;
      }
    }
  }
  return { h: oh, w: ow, c, data: out };
}

/**
 * Write sample `index` of a batch: `img` after channels, resize (unless `resized`: the decoder
 * did it), centre crop and pad, normalised and laid out as the rule says. `id` names the sample
 * in errors.
 */
export function writeSample(img: RawImage, p: FullPreprocess, out: Float32Array | Uint8Array, index: number, id: string, resized = false): void {
  let im = toChannels(img, p.channels);
  if (p.resize !== undefined && !resized) {
    const [rh, rw] = resizeTarget(p.resize, im.h, im.w);
    im = resizeBilinear(im, rh, rw);
  }
  // Crop offsets into the (resized) image, then pad offsets into the output.
  let top = 0;
  let left = 0;
  let ch = im.h;
  let cw = im.w;
  if (p.crop) {
    [ch, cw] = p.crop;
    if (ch > im.h || cw > im.w) throw new DataError(`${id}: a ${im.h}x${im.w} image is smaller than the centre crop ${ch}x${cw}`);
    top = Math.round((im.h - ch) / 2);
    left = Math.round((im.w - cw) / 2);
  }
  const [H, W] = p.size;
  let pt = 0;
  let pl = 0;
  if (p.pad_from && (ch !== p.pad_from[0] || cw !== p.pad_from[1])) {
    throw new DataError(`${id}: a ${ch}x${cw} image does not fit the model input ${H}x${W}: the pad rule is for ${p.pad_from[0]}x${p.pad_from[1]} images`);
  }
  if (p.pad) {
    pt = p.pad[0];
    pl = p.pad[1];
    ch += p.pad[0] + p.pad[2];
    cw += p.pad[1] + p.pad[3];
  }
  if (ch !== H || cw !== W) {
    const how = p.resize === undefined && !p.crop && !p.pad ? ' (no resize, crop or pad rule)' : ` after ${[p.resize !== undefined ? 'resize' : '', p.crop ? 'crop' : '', p.pad ? 'pad' : ''].filter(Boolean).join(', ')} it is ${ch}x${cw}`;
    throw new DataError(`${id}: a ${img.h}x${img.w} image does not fit the model input ${H}x${W}${how}`);
  }
  const C = p.channels;
  const { data, w: sw } = im;
  const base = index * C * H * W;
  const sy0 = top - pt;
  const sx0 = left - pl;
  const y0 = pt;
  const y1 = pt + (ch - (p.pad ? p.pad[0] + p.pad[2] : 0));
  const x0 = pl;
  const x1 = pl + (cw - (p.pad ? p.pad[1] + p.pad[3] : 0));
  const float = p.dtype === 'float32';
  const nhwc = p.layout === 'NHWC';
  for (let k = 0; k < C; k++) {
    const src = C === 3 && p.order === 'BGR' ? 2 - k : k;
    const mean = p.mean.length === 1 ? p.mean[0]! : p.mean[k]!;
    const std = p.std.length === 1 ? p.std[0]! : p.std[k]!;
    const scale = p.scale;
    const padOut = float ? (p.pad_value * scale - mean) / std : clampByte(p.pad_value);
    // Output element (y, x) of channel k sits at base + y·rowStep + x·colStep + chOff.
    const rowStep = nhwc ? W * C : W;
    const colStep = nhwc ? C : 1;
    const chOff = base + (nhwc ? k : k * H * W);
    for (let y = 0; y < H; y++) {
      const row = chOff + y * rowStep;
      if (y < y0 || y >= y1) {
        for (let x = 0; x < W; x++) out[row + x * colStep] = padOut;
        continue;
      }
      for (let x = 0; x < x0; x++) out[row + x * colStep] = padOut;
      for (let x = x1; x < W; x++) out[row + x * colStep] = padOut;
      let s = ((y + sy0) * sw + (x0 + sx0)) * C + src;
      if (float) for (let x = x0; x < x1; x++, s += C) out[row + x * colStep] = (data[s]! * scale - mean) / std;
      else for (let x = x0; x < x1; x++, s += C) out[row + x * colStep] = clampByte(data[s]!);
    }
  }
}

const clampByte = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
