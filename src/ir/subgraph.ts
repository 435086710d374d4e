/**
 * Subgraphs (If, Loop, Scan bodies) are carried opaquely, as decoded, but the names they read
 * from the scopes around them are uses like any input: a pass must not fold away or rename a
 * value a branch reads, pruning must keep an initializer only a loop body uses, and the node
 * holding the subgraph must come after those values' producers.
 */
import type { Attribute } from './node.js';

interface SubgraphLike {
  node?: { name?: string; input?: string[]; output?: string[]; attribute?: { g?: unknown; graphs?: unknown[] }[] }[];
  input?: { name?: string }[];
  initializer?: { name?: string }[];
  sparse_initializer?: { values?: { name?: string } | null }[];
}

/** The names a node's subgraph attributes read from outside themselves, each once, in first-read order. */
export function outerReads(attrs: ReadonlyMap<string, Attribute>): string[] {
  const found = new Set<string>();
  attrs.forEach((a) => {
    if (a.type === 'graph') readsOf(a.value, found);
    else if (a.type === 'graphs') for (const g of a.value) readsOf(g, found);
  });
  return [...found];
}

/** Add to `into` what `graph` (and the subgraphs inside it) reads but does not define. */
function readsOf(graph: unknown, into: Set<string>): void {
  const g = (graph ?? {}) as SubgraphLike;
  const defined = new Set<string>();
  for (const v of g.input ?? []) if (v.name) defined.add(v.name);
  for (const t of g.initializer ?? []) if (t.name) defined.add(t.name);
  for (const s of g.sparse_initializer ?? []) if (s.values?.name) defined.add(s.values.name);
  for (const n of g.node ?? []) for (const o of n.output ?? []) if (o) defined.add(o);
  const reads = new Set<string>();
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) if (i) reads.add(i);
    for (const a of n.attribute ?? []) {
      if (a.g) readsOf(a.g, reads);
      for (const sub of a.graphs ?? []) readsOf(sub, reads);
    }
  }
  reads.forEach((name) => {
    if (!defined.has(name)) into.add(name);
  });
}

/** The names of the nodes inside a node's subgraph attributes, nested ones included. */
export function subgraphNodeNames(attrs: ReadonlyMap<string, Attribute>): string[] {
  const names: string[] = [];
  const walk = (graph: unknown) => {
    for (const n of (graph as SubgraphLike | null)?.node ?? []) {
      if (n.name) names.push(n.name);
      for (const a of n.attribute ?? []) {
        if (a.g) walk(a.g);
        for (const sub of a.graphs ?? []) walk(sub);
      }
    }
  };
  attrs.forEach((a) => {
    if (a.type === 'graph') walk(a.value);
    else if (a.type === 'graphs') a.value.forEach(walk);
  });
  return names;
}
