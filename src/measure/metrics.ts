/**
 * Accuracy and agreement metrics, as streaming accumulators: each takes one batch of outputs at a
 * time and keeps only sums and counts, so a test set of any size is never held at once. Pure
 * functions on typed arrays (no Node built-ins): the same code serves the CLI and a browser page.
 */

/** Any numeric typed array an engine returns (BigInt64 outputs are read through Number()). */
export type NumericArray = ArrayLike<number> | ArrayLike<bigint>;

const num = (a: NumericArray, i: number): number => Number(a[i]!);

/** A proportion with its Wilson score 95% interval. */
export interface Proportion {
  count: number;
  total: number;
  /** count / total (NaN when total is 0). */
  value: number;
  lo: number;
  hi: number;
}

/**
 * Wilson score interval for `count` successes out of `total` (z = 1.96 for 95%):
 * (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Unlike p ± z·√(p(1−p)/n) it stays inside
 * [0, 1] and is not empty at p = 0 or 1 (Wilson 1927; Brown, Cai & DasGupta 2001).
 */
export function wilson(count: number, total: number, z = 1.959963984540054): Proportion {
  if (total <= 0) return { count, total, value: NaN, lo: NaN, hi: NaN };
  const p = count / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  return { count, total, value: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** Index of the largest value in row `r` of a [rows, cols] array; the first on ties (numpy's argmax). */
export function argmaxRow(data: NumericArray, r: number, cols: number): number {
  const base = r * cols;
  let best = 0;
  let bestV = num(data, base);
  for (let j = 1; j < cols; j++) {
    const v = num(data, base + j);
    if (v > bestV || (Number.isNaN(bestV) && !Number.isNaN(v))) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/** Per-class figures. Per-class accuracy is recall: the share of the class's samples predicted as it. */
export interface ClassRow {
  index: number;
  name: string;
  /** Samples whose label is this class. */
  support: number;
  /** Samples predicted as this class. */
  predicted: number;
  /** Samples of this class predicted as it (true positives). */
  correct: number;
  /** correct / support: per-class accuracy (= recall); NaN when the class has no samples. */
  recall: number;
  /** correct / predicted; NaN when nothing was predicted as this class. */
  precision: number;
}

export interface AccuracyResult {
  samples: number;
  classes: number;
  top1: Proportion;
  /** Top-k for k = 5 when there are at least 5 classes (and any other k asked for). */
  topk: { k: number; accuracy: Proportion }[];
  perClass: ClassRow[];
  /** Labels outside 0..classes−1 (counted as wrong). */
  outOfRange: number;
}

/**
 * Top-1 and top-k accuracy and per-class counts from [N, classes] scores (logits or
 * probabilities: only their order matters) and integer labels. Top-1 is the argmax (first index
 * on ties); a label is in the top k when fewer than k classes score strictly higher than it.
 */
export class AccuracyAccumulator {
  private top1 = 0;
  private samples = 0;
  private outOfRange = 0;
  private readonly topkCorrect: number[];
  private readonly support: Float64Array;
  private readonly predicted: Float64Array;
  private readonly correct: Float64Array;

  constructor(
    readonly classes: number,
    private readonly ks: readonly number[] = classes >= 5 ? [5] : [],
  ) {
    this.topkCorrect = ks.map(() => 0);
    this.support = new Float64Array(classes);
    this.predicted = new Float64Array(classes);
    this.correct = new Float64Array(classes);
  }

  /** Add `labels.length` rows of `scores` (row-major [n, classes]). */
  add(scores: NumericArray, labels: ArrayLike<number>): void {
    const C = this.classes;
    const n = labels.length;
    if (scores.length < n * C) throw new RangeError(`scores hold ${scores.length} values, fewer than ${n} rows of ${C} classes`);
    for (let r = 0; r < n; r++) {
      const label = labels[r]!;
      const pred = argmaxRow(scores, r, C);
      this.predicted[pred]!++;
      this.samples++;
      if (!(label >= 0 && label < C) || !Number.isInteger(label)) {
        this.outOfRange++;
        continue;
      }
      this.support[label]!++;
      if (pred === label) {
        this.top1++;
        this.correct[label]!++;
      }
      if (this.ks.length) {
        const v = num(scores, r * C + label);
        let higher = 0;
        for (let j = 0; j < C; j++) if (num(scores, r * C + j) > v) higher++;
        for (let i = 0; i < this.ks.length; i++) if (higher < this.ks[i]! && !Number.isNaN(v)) this.topkCorrect[i]!++;
      }
    }
  }

  result(names: readonly string[] = []): AccuracyResult {
    const perClass: ClassRow[] = [];
    for (let c = 0; c < this.classes; c++) {
      const support = this.support[c]!;
      const predicted = this.predicted[c]!;
      const correct = this.correct[c]!;
      perClass.push({ index: c, name: names[c] ?? String(c), support, predicted, correct, recall: support ? correct / support : NaN, precision: predicted ? correct / predicted : NaN });
    }
    return {
      samples: this.samples,
      classes: this.classes,
      top1: wilson(this.top1, this.samples),
      topk: this.ks.map((k, i) => ({ k, accuracy: wilson(this.topkCorrect[i]!, this.samples) })),
      perClass,
      outOfRange: this.outOfRange,
    };
  }
}

/** log-softmax of row `r` into `out` (max subtracted first, so large logits do not overflow). */
function logSoftmaxRow(data: NumericArray, r: number, cols: number, out: Float64Array): void {
  const base = r * cols;
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, num(data, base + j));
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(num(data, base + j) - max);
  const lse = max + Math.log(sum);
  for (let j = 0; j < cols; j++) out[j] = num(data, base + j) - lse;
}

/** Agreement of a classifier's [N, classes] output with a reference model's on the same inputs. */
export interface ClassAgreement {
  samples: number;
  /** Share of samples whose argmax matches the reference's, with its Wilson interval. */
  top1: Proportion;
  /** Mean over samples of KL(softmax(ref) ‖ softmax(x)) in nats. */
  meanKL: number;
  /** The largest per-sample KL. */
  maxKL: number;
}

/**
 * Top-1 agreement and mean KL divergence against a reference. The KL assumes both outputs are
 * logits (unnormalised log-probabilities, what a classifier's last Linear/Gemm gives): each row
 * goes through softmax first. An output that is already a softmax is treated as logits too,
 * which still gives 0 for identical outputs and a divergence that grows with the difference,
 * but not the KL of the probabilities themselves.
 */
export class AgreementAccumulator {
  private agree = 0;
  private samples = 0;
  private klSum = 0;
  private klMax = 0;
  private readonly lp: Float64Array;
  private readonly lq: Float64Array;

  constructor(readonly classes: number) {
    this.lp = new Float64Array(classes);
    this.lq = new Float64Array(classes);
  }

  /** Add n rows of the reference's and the candidate's scores (row-major [n, classes]). */
  add(reference: NumericArray, candidate: NumericArray, n: number): void {
    const C = this.classes;
    for (let r = 0; r < n; r++) {
      if (argmaxRow(reference, r, C) === argmaxRow(candidate, r, C)) this.agree++;
      logSoftmaxRow(reference, r, C, this.lp);
      logSoftmaxRow(candidate, r, C, this.lq);
      let kl = 0;
      for (let j = 0; j < C; j++) {
        const lp = this.lp[j]!;
        if (lp > -Infinity) kl += Math.exp(lp) * (lp - this.lq[j]!);
      }
      // Rounding can leave -1e-17 for identical rows: KL is never negative.
      kl = Math.max(0, kl);
      this.klSum += kl;
      this.klMax = Math.max(this.klMax, kl);
      this.samples++;
    }
  }

  result(): ClassAgreement {
    return { samples: this.samples, top1: wilson(this.agree, this.samples), meanKL: this.samples ? this.klSum / this.samples : NaN, maxKL: this.klMax };
  }
}

/** Signal figures of one output against the reference's, over every element seen. */
export interface SignalResult {
  elements: number;
  /** Σ ref·x / √(Σ ref² · Σ x²); 1 when both are all zero. */
  cosine: number;
  /** 10·log10(Σ ref² / Σ (ref − x)²) in dB; +Infinity when identical. */
  snrDb: number;
  maxAbs: number;
}

/** Cosine similarity and signal-to-noise ratio of an output against the reference, over all batches. */
export class SignalAccumulator {
  private elements = 0;
  private refSq = 0;
  private xSq = 0;
  private dot = 0;
  private noise = 0;
  private maxAbs = 0;

  add(reference: NumericArray, candidate: NumericArray, count = reference.length): void {
    for (let i = 0; i < count; i++) {
      const r = num(reference, i);
      const x = num(candidate, i);
      const d = r - x;
      this.refSq += r * r;
      this.xSq += x * x;
      this.dot += r * x;
      this.noise += d * d;
      const a = Math.abs(d);
      if (!(a <= this.maxAbs)) this.maxAbs = Number.isNaN(a) ? NaN : a;
    }
    this.elements += count;
  }

  result(): SignalResult {
    return { elements: this.elements, cosine: cosine(this.dot, this.refSq, this.xSq), snrDb: snrDb(this.refSq, this.noise), maxAbs: this.maxAbs };
  }
}

/** Cosine from its sums: 1 when both vectors are zero, 0 when only one is. */
export function cosine(dot: number, aa: number, bb: number): number {
  if (aa === 0 && bb === 0) return 1;
  if (aa === 0 || bb === 0) return 0;
  return dot / Math.sqrt(aa * bb);
}

/** 10·log10(signal / noise) from sums of squares; +Infinity for no noise. */
export function snrDb(signal: number, noise: number): number {
  if (noise === 0) return Number.isNaN(signal) ? NaN : Infinity;
  return 10 * Math.log10(signal / noise);
}

/** KL(softmax(p) ‖ softmax(q)) of two logit vectors, in nats. */
export function klDivergence(p: NumericArray, q: NumericArray): number {
  const acc = new AgreementAccumulator(p.length);
  acc.add(p, q, 1);
  return acc.result().meanKL;
}

export interface IoUResult {
  threshold: number;
  intersection: number;
  union: number;
  /** intersection / union; 1 when both masks are empty everywhere. */
  iou: number;
}

/**
 * Intersection over union of two dense outputs (masks, heat maps) binarised at a threshold:
 * an element is "on" where its value is > t. Pooled over every element of every batch (one
 * intersection and one union count, not a mean of per-image IoUs), so empty images do not
 * count as perfect matches.
 */
export class IoUAccumulator {
  private inter = 0;
  private union = 0;

  constructor(readonly threshold: number) {}

  add(reference: NumericArray, candidate: NumericArray, count = reference.length): void {
    const t = this.threshold;
    for (let i = 0; i < count; i++) {
      const a = num(reference, i) > t;
      const b = num(candidate, i) > t;
      if (a && b) this.inter++;
      if (a || b) this.union++;
    }
  }

  result(): IoUResult {
    return { threshold: this.threshold, intersection: this.inter, union: this.union, iou: this.union ? this.inter / this.union : 1 };
  }
}
