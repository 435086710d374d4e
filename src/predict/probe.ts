/**
 * The machine's speed now: a short fixed workload (a probe) timed on the engine, so that kernel
 * times sampled while the machine ran at one speed can be scaled to the speed it runs at when a
 * prediction is checked. A shared VM changes speed over seconds to minutes (host contention,
 * frequency): a model's medians in three interleaved rounds differed by up to 1.8×, with our own
 * load ~1. The probe kinds are fixed small ONNX models run on the same engine and threads as the
 * model: `conv` (one 3×3 convolution, 64 → 64 channels on 28×28: compute-bound, as a conv net's
 * heavy kernels are), `dw` (a depthwise 3×3 conv on 256 channels), `mixed` and `stream` (a
 * ReduceSum over 2× the last-level cache: memory-bound); `npm run bench:probe` measures how well
 * each tracks a model's time. The latency model (model.ts) times `conv` and `dw` (`SpeedProbes`).
 */
import { writeOnnx } from '../formats/onnx/index.js';
import { summarize, timeRuns, type Engine, type Feeds, type Session } from '../engine/index.js';
import { Graph, Node, Tensor, type Attribute } from '../ir/index.js';
import { lastLevelCache } from './caches.js';
import { mulberry32, uniform } from '../random.js';

export type ProbeKind = 'conv' | 'dw' | 'mixed' | 'stream';

/** One measurement of the probe: the median time of its runs (ms), their p10 / p90, how many, and when. */
export interface ProbeTime {
  kind: ProbeKind;
  ms: number;
  p10: number;
  p90: number;
  runs: number;
  at: string;
}

/** `n` seeded values in [−0.1, 0.1). */
function fill(n: number, seed: number): Float32Array {
  return uniform(n, -0.1, 0.1, mulberry32(seed));
}

/** The probe's model and feeds. */
export function probeModel(kind: ProbeKind): { bytes: Uint8Array; feeds: Feeds } {
  const g = new Graph();
  g.name = `leannet-speed-probe-${kind}`;
  g.opsets.set('', 13);
  g.addGraphInput('x');
  if (kind !== 'stream') {
    // conv: a dense 3×3 conv 64 → 64 on 28×28; dw: a depthwise 3×3 conv on 256 × 28×28 (memory-
    // and dispatch-heavier per madd, as MobileNets' are); mixed: the conv, then the depthwise
    // conv on its output widened (a 1×1 conv 64 → 256).
    const c = kind === 'dw' ? 256 : 64;
    const hw = 28;
    const dims = [1, c, hw, hw];
    g.value('x').declared = { dtype: 'float32', shape: dims };
    const conv = (name: string, x: string, y: string, cin: number, cout: number, k: number, group = 1) => {
      g.setInitializer(`${name}_w`, Tensor.fromArray('float32', [cout, cin / group, k, k], fill((cout * cin * k * k) / group, cout + k)));
      const p = (k - 1) / 2;
      const attrs = new Map<string, Attribute>([['pads', { type: 'ints', value: [p, p, p, p] }], ['kernel_shape', { type: 'ints', value: [k, k] }], ['group', { type: 'int', value: group }]]);
      g.addNode(new Node('Conv', name, [x, `${name}_w`], [y], attrs));
    };
    if (kind === 'conv') conv('probe', 'x', 'y', c, c, 3);
    else if (kind === 'dw') conv('probe', 'x', 'y', c, c, 3, c);
    else {
      conv('probe', 'x', 'a', c, c, 3);
      conv('widen', 'a', 'b', c, 4 * c, 1);
      conv('dw', 'b', 'y', 4 * c, 4 * c, 3, 4 * c);
    }
    // A one-element output, so that copying the result out is no part of the time.
    g.addNode(new Node('ReduceMax', 'sink', ['y'], ['z'], new Map<string, Attribute>([['keepdims', { type: 'int', value: 0 }]])));
    g.addGraphOutput('z');
    g.value('z').declared = { dtype: 'float32', shape: [] };
    return { bytes: writeOnnx(g).model, feeds: { x: { dtype: 'float32', dims, data: fill(c * hw * hw, 2) } } };
  }
  const n = Math.max(2 ** 22, Math.ceil((2 * lastLevelCache()) / 4));
  g.value('x').declared = { dtype: 'float32', shape: [1, n] };
  g.addNode(new Node('ReduceSum', 'probe', ['x'], ['z'], new Map<string, Attribute>([['keepdims', { type: 'int', value: 0 }]])));
  g.addGraphOutput('z');
  g.value('z').declared = { dtype: 'float32', shape: [] };
  return { bytes: writeOnnx(g).model, feeds: { x: { dtype: 'float32', dims: [1, n], data: fill(n, 3) } } };
}

/** A probe loaded on an engine, ready to be timed again and again. */
export class SpeedProbe {
  private constructor(
    readonly kind: ProbeKind,
    private readonly session: Session,
    private readonly feeds: Feeds,
  ) {}

  /** Load the probe on `engine` (the engine the model runs on: same threads). */
  static async create(engine: Engine, kind: ProbeKind = 'conv'): Promise<SpeedProbe> {
    const m = probeModel(kind);
    const session = await engine.load({ bytes: m.bytes });
    const p = new SpeedProbe(kind, session, m.feeds);
    await timeRuns(session, m.feeds, { warmup: 3, minRuns: 1, maxRuns: 1, budgetMs: 0 });
    return p;
  }

  /** Time the probe: at least `minRuns` runs and `budgetMs` (defaults 7 and 15 ms), after one untimed run. */
  async measure(budgetMs = 15, minRuns = 7): Promise<ProbeTime> {
    const s = summarize(await timeRuns(this.session, this.feeds, { warmup: 1, minRuns, budgetMs }));
    return { kind: this.kind, ms: s.median, p10: s.p10, p90: s.p90, runs: s.runs, at: new Date().toISOString() };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * The latency model's two probes, timed together (ms): a dense 3×3 conv (`conv`) and a depthwise
 * 3×3 conv (`dw`). This VM's slow phases slow them unequally (over 90 s: p90/p10 1.28 for the
 * conv, 1.88 for the depthwise conv, 2.41 for a chain of tiny Relus), and models follow the kind
 * of kernel they are made of: ResNet-18's blocks steadied over the conv (60% → 75% within ±10%),
 * ShuffleNet V2 w0.5's over the depthwise conv (26% → 62%; 23% over the conv).
 */
export interface ProbeReading {
  conv: number;
  dw: number;
}

/** The geometric mean of two readings, probe by probe: the speed around what was timed between them. */
export function between(a: ProbeReading, b: ProbeReading): ProbeReading {
  return { conv: Math.sqrt(a.conv * b.conv), dw: Math.sqrt(a.dw * b.dw) };
}

/** The median of readings, probe by probe. */
export function medianReading(rs: readonly ProbeReading[]): ProbeReading {
  return { conv: summarize(rs.map((r) => r.conv)).median, dw: summarize(rs.map((r) => r.dw)).median };
}

/** Both probes loaded on one engine. */
export class SpeedProbes {
  private constructor(
    private readonly conv: SpeedProbe,
    private readonly dw: SpeedProbe,
  ) {}

  static async create(engine: Engine): Promise<SpeedProbes> {
    const conv = await SpeedProbe.create(engine, 'conv');
    return new SpeedProbes(conv, await SpeedProbe.create(engine, 'dw'));
  }

  /** Time both probes (each as `SpeedProbe.measure`). */
  async measure(budgetMs?: number): Promise<ProbeReading> {
    const conv = (await this.conv.measure(budgetMs)).ms;
    return { conv, dw: (await this.dw.measure(budgetMs)).ms };
  }

  async release(): Promise<void> {
    await this.conv.release();
    await this.dw.release();
  }
}
