/** `leannet zoo list`: the rows (each built-in network, its options, its counts at the default options) as a table or a JSON document. */
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

/** The document `zoo list --json` prints (schemas/zoo-list.schema.json). */
export function zooListJson(rows: readonly ZooListRow[]): { schema: typeof ZOO_LIST_SCHEMA; networks: readonly ZooListRow[] } {
  return { schema: ZOO_LIST_SCHEMA, networks: rows };
}

export function zooListReport(rows: readonly ZooListRow[]): string {
  const t = table(['network', 'title', 'options', 'params', 'madds'], ['left', 'left', 'left', 'right', 'right']);
  for (const r of rows) t.push([r.name, r.title, r.options.join(', '), si(r.params), si(r.madds)]);
  return `${t.toString()}\n${c.dim('params and madds at 224x224, 1000 classes, width 1; madds = conv + fc multiply-adds')}`;
}
