/**
 * What a report page embeds, built from an analysis (and, when given, a profile and lint
 * findings): every node's analyze --json layer record, its attributes, measured time and
 * findings, the laid-out boxes of the nodes that are drawn, and the edges between them.
 * Nodes that compute only constants (weights built by ConstantOfShape, shape arithmetic on
 * initializers) are listed but not drawn.
 */
import type { Analysis } from '../../analysis/index.js';
import type { Attribute, Graph } from '../../ir/index.js';
import type { Finding, LintResult } from '../../lint/index.js';
import type { ProfileResult } from '../../engine/index.js';
import { layerJson } from '../analyze-json.js';
import { layoutGraph } from './layout.js';
import { grouped } from '../../text.js';

export type Layer = ReturnType<typeof layerJson>;

export interface NodeExtra {
  attrs: [string, string][];
  /** Median ms per run of the ORT kernel this node is the main node of (null when not profiled or fused into another). */
  time: number | null;
  /** The ORT node it ran as, and the other graph nodes fused into that kernel. */
  ranAs: string | null;
  fused: string[];
  /** Indices into the page's findings. */
  findings: number[];
  severity: 'high' | 'medium' | 'low' | null;
  /** In a diff: the node's status, its counterpart's index on the other side, and how they were matched. */
  status?: 'same' | 'changed' | 'removed' | 'added';
  match?: number | null;
  matchedBy?: 'name' | 'structure' | null;
}

export interface GraphView {
  title: string;
  layers: Layer[];
  extra: NodeExtra[];
  /** x, y, w, h per node; -1 for a node not drawn. */
  boxes: number[];
  /** Pairs of node indices (producer, consumer) among drawn nodes. */
  edges: number[];
  /** Bend points of the edges laid out around other nodes: edge number (its place in `edges` / 2) → [x, y, x, y, …]. */
  bends: Record<number, number[]>;
  width: number;
  height: number;
  visible: number;
}

export interface ReportData {
  kind: 'report';
  title: string;
  source: string;
  summary: [string, string][];
  totals: Analysis['cost']['totals'] & { nodes: number };
  graph: GraphView;
  findings: (Finding & { text: string })[];
  ridge: { ridge: number; peakGflops: number; bandwidthGBs: number } | null;
  profile: { engine: string; machine: string; median: number; p10: number; p90: number; runs: number; nodeTotal: number; unattributed: number } | null;
}

export interface ReportDataOptions {
  source: string;
  profile?: ProfileResult;
  lint?: LintResult;
  ridge?: { ridge: number; peakGflops: number; bandwidthGBs: number };
}

function attrText(a: Attribute): string {
  switch (a.type) {
    case 'ints':
    case 'floats':
      return a.value.length > 16 ? `[${a.value.slice(0, 16).join(', ')}, … ${a.value.length} values]` : `[${a.value.join(', ')}]`;
    case 'strings':
      return `[${a.value.map((s) => JSON.stringify(s)).join(', ')}]`;
    case 'tensor':
      return `tensor ${a.value.dtype} [${a.value.dims.join('x')}]`;
    case 'tensors':
      return `${a.value.length} tensors`;
    case 'graph':
      return 'subgraph';
    case 'graphs':
      return `${a.value.length} subgraphs`;
    case 'opaque':
      return '(opaque)';
    default:
      return String(a.value);
  }
}

/** Which nodes depend on the graph's real inputs (the rest compute constants). */
export function dynamicNodes(graph: Graph): boolean[] {
  const dynamic = new Set<string>(graph.inputs);
  return graph.nodes.map((n) => {
    const d = n.inputs.some((x) => x && dynamic.has(x)) || n.outerReads.some((x) => dynamic.has(x)) || (n.inputs.every((x) => !x) && n.opType !== 'Constant' && n.opType !== 'ConstantOfShape');
    if (d) for (const o of n.outputs) if (o) dynamic.add(o);
    return d;
  });
}

const LABEL_CHAR = 6.6;

/** Boxes and edges of the drawn nodes, laid out with dagre. */
export function graphView(title: string, a: Analysis, extra: NodeExtra[], layers: Layer[]): GraphView {
  const nodes = a.graph.nodes;
  const drawn = dynamicNodes(a.graph);
  const drawnIdx: number[] = [];
  nodes.forEach((_, i) => drawn[i] && drawnIdx.push(i));
  const pos = new Map(drawnIdx.map((i, k) => [i, k]));
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const edges: number[] = [];
  const local: [number, number][] = [];
  nodes.forEach((n, i) => {
    if (!drawn[i]) return;
    const seen = new Set<number>();
    for (const x of [...n.inputs, ...n.outerReads]) {
      const p = x ? producer.get(x) : undefined;
      if (p === undefined || !drawn[p] || seen.has(p) || p >= i) continue;
      seen.add(p);
      edges.push(p, i);
      local.push([pos.get(p)!, pos.get(i)!]);
    }
  });
  const sizes = drawnIdx.map((i) => ({ w: Math.max(60, Math.min(200, nodes[i]!.opType.length * LABEL_CHAR + 20)), h: 24 }));
  const lay = layoutGraph({ sizes, edges: local });
  const boxes = new Array<number>(nodes.length * 4).fill(-1);
  drawnIdx.forEach((i, k) => {
    const b = lay.boxes[k]!;
    boxes.splice(i * 4, 4, Math.round(b.x), Math.round(b.y), Math.round(b.w), Math.round(b.h));
  });
  return { title, layers, extra, boxes, edges, bends: Object.fromEntries(lay.bends), width: Math.round(lay.width), height: Math.round(lay.height), visible: drawnIdx.length };
}

/** Per-node attributes, with profile times and findings when given. */
export function nodeExtras(a: Analysis, o: Pick<ReportDataOptions, 'profile' | 'lint'> = {}): NodeExtra[] {
  const nodes = a.graph.nodes;
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  const extra: NodeExtra[] = nodes.map((n) => ({ attrs: [...n.attrs].map(([k, v]) => [k, attrText(v)]), time: null, ranAs: null, fused: [], findings: [], severity: null }));
  if (o.profile) {
    const madds = new Map(a.cost.nodes.map((c) => [c.node.name, c.madds]));
    for (const row of o.profile.rows) {
      if (row.inside || row.nodes.length === 0) continue;
      const members = row.nodes.map((n) => index.get(n.name)).filter((i): i is number => i !== undefined);
      if (!members.length) continue;
      // The kernel's time goes to its main node (most madds, else the first); the others point to it.
      const main = members.reduce((m, i) => ((madds.get(nodes[i]!.name) ?? 0) > (madds.get(nodes[m]!.name) ?? 0) ? i : m), members[0]!);
      for (const i of members) {
        extra[i]!.ranAs = row.name;
        extra[i]!.fused = members.filter((j) => j !== i).map((j) => nodes[j]!.name);
      }
      extra[main]!.time = (extra[main]!.time ?? 0) + row.ms;
    }
  }
  if (o.lint) {
    const rank = { high: 3, medium: 2, low: 1 } as const;
    o.lint.findings.forEach((f, k) => {
      for (const name of f.nodes) {
        const i = index.get(name);
        if (i === undefined) continue;
        extra[i]!.findings.push(k);
        const s = extra[i]!.severity;
        if (!s || rank[f.severity] > rank[s]) extra[i]!.severity = f.severity;
      }
    });
  }
  return extra;
}

export function reportData(a: Analysis, o: ReportDataOptions): ReportData {
  const { graph, cost } = a;
  const shapeOf = (name: string) => graph.values.get(name)?.shape ?? null;
  const layers = cost.nodes.map((c) => layerJson(c, cost.totals.madds, shapeOf));
  const extra = nodeExtras(a, o);
  const view = graphView(graph.name, a, extra, layers);
  const t = cost.totals;
  const summary: [string, string][] = [
    ['model', `${o.source} · ${graph.nodes.length} nodes (${view.visible} drawn)`],
    ['params', `${grouped(t.params)}`],
    ['buffers', `${grouped(t.buffers)}`],
    ['madds', `${grouped(t.madds)}`],
    ['memAccess', `${grouped(t.memAccess)} elements (${grouped(t.memAccessBytes)} bytes)`],
    ['intensity', `${t.intensity.toFixed(2)} flops per byte`],
  ];
  let profile: ReportData['profile'] = null;
  if (o.profile) {
    const p = o.profile;
    const e = p.engine;
    const attributed = p.rows.filter((r) => !r.inside && r.nodes.length).reduce((s, r) => s + r.ms, 0);
    profile = {
      engine: `${e.engine} (${e.runtime} ${e.version}), ${e.threads} thread(s), optimisation ${e.optLevel}`,
      machine: `${p.env.cpu}, ${p.env.cores} cores, ${p.env.platform}, Node ${p.env.node}, ${p.env.date}`,
      median: p.endToEnd.median,
      p10: p.endToEnd.p10,
      p90: p.endToEnd.p90,
      runs: p.runs,
      nodeTotal: p.nodeTotal,
      unattributed: Math.max(0, p.nodeTotal - attributed),
    };
    summary.push(['latency', `${p.endToEnd.median.toFixed(3)} ms median (p10 ${p.endToEnd.p10.toFixed(3)}, p90 ${p.endToEnd.p90.toFixed(3)}) over ${p.runs} runs`]);
    summary.push(['engine', profile.engine]);
    summary.push(['machine', profile.machine]);
  }
  if (o.ridge) summary.push(['ridge point', `${o.ridge.ridge.toFixed(2)} flops/byte (peak ${o.ridge.peakGflops.toFixed(1)} GFLOP/s, ${o.ridge.bandwidthGBs.toFixed(1)} GB/s)`]);
  if (o.lint) summary.push(['lint', o.lint.summary]);
  return {
    kind: 'report',
    title: `leannet report — ${o.source}`,
    source: o.source,
    summary,
    totals: { ...t, nodes: graph.nodes.length },
    graph: view,
    findings: (o.lint?.findings ?? []).map((f) => ({ ...f, text: f.message })),
    ridge: o.ridge ? { ridge: o.ridge.ridge, peakGflops: o.ridge.peakGflops, bandwidthGBs: o.ridge.bandwidthGBs } : null,
    profile,
  };
}
