/** `leannet zoo list`: each built-in network with its options and its counts at the default options, as a table or a JSON document. */
import { analyzeGraph } from '../analysis/index.js';
import { buildNetwork, NETWORKS } from '../zoo/index.js';
import { si } from './format.js';
import { c, table } from './style.js';

export const ZOO_LIST_SCHEMA = 'leannet.zoo-list/1';

export interface ZooListRow {
  name: string;
  title: string;
  source: string;
  /** The options its URI takes (`zoo:<name>?width=0.5&…`). */
  options: string[];
  /** Params and multiply-adds at the default options (224×224, 1000 classes, width 1). */
  params: number;
  madds: number;
}

/** Every network, built at its defaults and analysed. */
export function zooList(): ZooListRow[] {
  return NETWORKS.map((n) => {
    const a = analyzeGraph(buildNetwork(n.name));
    return { name: n.name, title: n.title, source: n.source, options: n.options.map((o) => o.name), params: a.cost.totals.params, madds: a.cost.totals.madds };
  });
}

/** The document `zoo list --json` prints (schemas/zoo-list.schema.json). */
export function zooListJson(rows: readonly ZooListRow[]): { schema: typeof ZOO_LIST_SCHEMA; networks: ZooListRow[] } {
  return { schema: ZOO_LIST_SCHEMA, networks: rows.map((r) => ({ ...r, options: [...r.options] })) };
}

export function zooListReport(rows: readonly ZooListRow[]): string {
  const t = table(['network', 'title', 'options', 'params', 'madds'], ['left', 'left', 'left', 'right', 'right']);
  for (const r of rows) t.push([r.name, r.title, r.options.join(', '), si(r.params), si(r.madds)]);
  return `${t.toString()}\n${c.dim('params and madds at 224x224, 1000 classes, width 1; madds = conv + fc multiply-adds')}`;
}
