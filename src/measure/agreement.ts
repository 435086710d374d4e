/**
 * Agreement of a model's outputs with a reference model's on the same inputs, output by output
 * and batch by batch: cosine and SNR for every output, top-1 agreement and KL for [N, classes]
 * outputs, IoU above a threshold for dense ones (masks, heat maps, anything else).
 */
import type { HostTensor } from '../engine/index.js';
import { EngineError } from '../errors.js';
import { sampleSize } from './batching.js';
import { AgreementAccumulator, IoUAccumulator, SignalAccumulator, type ClassAgreement, type IoUResult, type NumericArray } from './metrics.js';

/** Agreement of one output with the reference's. */
export interface OutputAgreement {
  name: string;
  nameRef: string;
  /** Dims of one sample's output. */
  sampleShape: number[];
  /** 'classes': [N, classes] scores; 'dense': anything else (masks, heat maps, boxes). */
  kind: 'classes' | 'dense';
  cosine: number;
  /** 10·log10(Σref² / Σ(ref−x)²); +Infinity when identical. */
  snrDb: number;
  maxAbs: number;
  /** classes outputs: argmax agreement and mean KL(softmax(ref) ‖ softmax(x)). */
  classes?: ClassAgreement;
  /** dense outputs: IoU of the elements above the threshold. */
  iou?: IoUResult;
}

/** The running sums of one output pair. */
export interface OutputState {
  name: string;
  nameRef: string;
  signal: SignalAccumulator;
  classes?: AgreementAccumulator;
  iou?: IoUAccumulator;
  sampleShape?: number[];
}

export function outputState(name: string, nameRef: string, x: HostTensor, ref: HostTensor, batch: number, iouThreshold: number): OutputState {
  if (x.dims.join('x') !== ref.dims.join('x')) throw new EngineError(`output '${name}' has shape ${x.dims.join('x')} but the reference's '${nameRef}' has ${ref.dims.join('x')}`);
  const s: OutputState = { name, nameRef, signal: new SignalAccumulator() };
  if (x.dims[0] === batch) s.sampleShape = x.dims.slice(1) as number[];
  if (x.dims.length === 2 && x.dims[0] === batch && x.dims[1]! >= 2) s.classes = new AgreementAccumulator(x.dims[1]!);
  else s.iou = new IoUAccumulator(iouThreshold);
  return s;
}

/** Add the first n samples of a batch's outputs (padding rows are left out). */
export function addOutput(s: OutputState, x: HostTensor, ref: HostTensor, n: number): void {
  // An output without a leading batch dim (a constant, a scalar) is compared whole.
  const count = s.sampleShape ? n * sampleSize(x.dims) : (x.data as unknown as ArrayLike<number>).length;
  const xd = x.data as unknown as NumericArray;
  const rd = ref.data as unknown as NumericArray;
  s.signal.add(rd, xd, count);
  s.classes?.add(rd, xd, n);
  s.iou?.add(rd, xd, count);
}

export function agreementOf(s: OutputState): OutputAgreement {
  const sig = s.signal.result();
  return {
    name: s.name,
    nameRef: s.nameRef,
    sampleShape: s.sampleShape ?? [],
    kind: s.classes ? 'classes' : 'dense',
    cosine: sig.cosine,
    snrDb: sig.snrDb,
    maxAbs: sig.maxAbs,
    ...(s.classes ? { classes: s.classes.result() } : {}),
    ...(s.iou ? { iou: s.iou.result() } : {}),
  };
}
