/**
 * Node positions for the report's graph, computed once when the page is built (the page only
 * draws): dagre (@dagrejs/dagre) lays out the graph in segments cut where a single node's
 * outputs carry everything onward, so a 20,000-node model costs 20,000/K small layouts, not one
 * huge one (dagre's ordering is superlinear and recurses as deep as the graph is long). Segments
 * are stacked top to bottom and wrapped into columns when the stack would be far taller than wide.
 * Identical segments (a repeated block, cut at the same place) are laid out once.
 */
import dagre from '@dagrejs/dagre';

export interface LayoutBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LayoutInput {
  /** Box width and height of each node, in the order given (a topological order). */
  sizes: { w: number; h: number }[];
  /** Edges as [from, to] indices into `sizes`, from < to. */
  edges: [number, number][];
}

export interface LayoutOptions {
  /** Nodes per segment before a cut is taken (default 60). */
  segment?: number;
}

const NODESEP = 14;
const RANKSEP = 22;
const SEGMENT_GAP = 40;
const COLUMN_GAP = 80;

/** Segment boundaries: [start, end) ranges of node indices. */
export function segments(n: number, edges: readonly [number, number][], size: number): [number, number][] {
  const lastUse = new Int32Array(n).fill(-1);
  for (const [a, b] of edges) if (b > lastUse[a]!) lastUse[a] = b;
  // live[i]: how many nodes before or at i have a consumer after i.
  const ends = new Int32Array(n + 1);
  let live = 0;
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (lastUse[i]! > i) {
      live++;
      ends[lastUse[i]!]!++;
    }
    live -= ends[i]!;
    // After node i, `live` nodes still feed later ones (i itself counted when it does).
    const len = i - start + 1;
    if (i < n - 1 && ((len >= size && live <= 1) || len >= 4 * size)) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < n) out.push([start, n]);
  return out;
}

export function layoutGraph(input: LayoutInput, options: LayoutOptions = {}): { boxes: LayoutBox[]; bends: Map<number, number[]>; width: number; height: number } {
  const n = input.sizes.length;
  const boxes: LayoutBox[] = new Array(n);
  const segs = segments(n, input.edges, options.segment ?? 60);
  const segOf = new Int32Array(n);
  segs.forEach(([s, e], k) => segOf.fill(k, s, e));
  const inner: [number, number][][] = segs.map(() => []);
  const innerIndex: number[][] = segs.map(() => []);
  input.edges.forEach((e, k) => {
    if (segOf[e[0]] === segOf[e[1]]) {
      inner[segOf[e[0]]!]!.push(e);
      innerIndex[segOf[e[0]]!]!.push(k);
    }
  });
  /** Bend points of edges dagre routed around other nodes: edge index → [x, y, x, y, …]. */
  const bends = new Map<number, number[]>();
  // Lay out each segment at its own origin, each run of single-in single-out nodes as one tall box.
  // Repeated blocks cut the same way have the same layout: each distinct segment is laid out once.
  const cache = new Map<string, { rel: LayoutBox[]; w: number; h: number; routes: (number[] | undefined)[] }>();
  const dims = segs.map(([s, e], k) => {
    const key = `${input.sizes.slice(s, e).map((z) => `${z.w}x${z.h}`).join(',')}|${inner[k]!.map(([a, b]) => `${a - s}-${b - s}`).join(',')}`;
    let hit = cache.get(key);
    if (!hit) {
      const rel: LayoutBox[] = new Array(e - s);
      const d = layoutSegment(input, s, e, inner[k]!, rel, s);
      hit = { rel, ...d };
      cache.set(key, hit);
    }
    for (let i = s; i < e; i++) boxes[i] = { ...hit.rel[i - s]! };
    hit.routes.forEach((r, m) => r && bends.set(innerIndex[k]![m]!, r));
    return { w: hit.w, h: hit.h };
  });
  // Stack segments, centred, in columns of about the height that makes the whole roughly 1:5 (w:h).
  const area = dims.reduce((s, d) => s + (d.w + COLUMN_GAP) * (d.h + SEGMENT_GAP), 0);
  const tallest = Math.max(0, ...dims.map((d) => d.h));
  const colHeight = Math.max(tallest, Math.sqrt(area * 5));
  const columns: number[][] = [[]];
  let used = 0;
  dims.forEach((d, k) => {
    if (used > 0 && used + d.h > colHeight) {
      columns.push([]);
      used = 0;
    }
    columns[columns.length - 1]!.push(k);
    used += d.h + SEGMENT_GAP;
  });
  let x0 = 0;
  let height = 0;
  for (const col of columns) {
    const cw = Math.max(...col.map((k) => dims[k]!.w));
    let y0 = 0;
    for (const k of col) {
      const dx = x0 + (cw - dims[k]!.w) / 2;
      const [s, e] = segs[k]!;
      for (let i = s; i < e; i++) {
        boxes[i]!.x += dx;
        boxes[i]!.y += y0;
      }
      for (const m of innerIndex[k]!) {
        const r = bends.get(m);
        if (r) bends.set(m, r.map((v, j) => Math.round(v + (j % 2 ? y0 : dx))));
      }
      y0 += dims[k]!.h + SEGMENT_GAP;
    }
    height = Math.max(height, y0 - SEGMENT_GAP);
    x0 += cw + COLUMN_GAP;
  }
  return { boxes, bends, width: Math.max(0, x0 - COLUMN_GAP), height };
}

/** One segment with dagre; linear runs (a node whose only successor has it as its only predecessor) are contracted first. */
function layoutSegment(input: LayoutInput, s: number, e: number, edges: [number, number][], boxes: LayoutBox[], offset: number): { w: number; h: number; routes: (number[] | undefined)[] } {
  const outDeg = new Int32Array(e - s);
  const inDeg = new Int32Array(e - s);
  const next = new Int32Array(e - s).fill(-1);
  for (const [a, b] of edges) {
    outDeg[a - s]!++;
    inDeg[b - s]!++;
    next[a - s] = b;
  }
  // head[i]: the first node of i's run.
  const head = new Int32Array(e - s);
  for (let i = s; i < e; i++) head[i - s] = i;
  for (let i = s; i < e; i++) {
    const j = next[i - s]!;
    if (outDeg[i - s] === 1 && inDeg[j - s] === 1) head[j - s] = head[i - s]!;
  }
  const runs = new Map<number, number[]>();
  for (let i = s; i < e; i++) {
    const h = head[i - s]!;
    const r = runs.get(h);
    if (r) r.push(i);
    else runs.set(h, [i]);
  }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: NODESEP, ranksep: RANKSEP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const [h, run] of runs) {
    const w = Math.max(...run.map((i) => input.sizes[i]!.w));
    const height = run.reduce((t, i) => t + input.sizes[i]!.h, 0) + (run.length - 1) * RANKSEP;
    g.setNode(String(h), { width: w, height });
  }
  for (const [a, b] of edges) {
    const ha = head[a - s]!;
    const hb = head[b - s]!;
    if (ha !== hb) g.setEdge(String(ha), String(hb));
  }
  dagre.layout(g);
  let w = 0;
  let h = 0;
  for (const [hd, run] of runs) {
    const p = g.node(String(hd)) as { x: number; y: number; width: number; height: number };
    let y = p.y - p.height / 2;
    for (const i of run) {
      const sz = input.sizes[i]!;
      boxes[i - offset] = { x: p.x - sz.w / 2, y, w: sz.w, h: sz.h };
      y += sz.h + RANKSEP;
    }
    w = Math.max(w, p.x + p.width / 2);
    h = Math.max(h, p.y + p.height / 2);
  }
  // Edges dagre bent around other nodes (through dummy nodes): their inner points, in segment coordinates.
  const routes = edges.map(([a, b]) => {
    const ha = head[a - s]!;
    const hb = head[b - s]!;
    if (ha === hb) return undefined;
    const pts = (g.edge(String(ha), String(hb)) as { points?: { x: number; y: number }[] } | undefined)?.points ?? [];
    if (pts.length <= 3) return undefined;
    return pts.slice(1, -1).flatMap((p) => [p.x, p.y]);
  });
  return { w, h, routes };
}
