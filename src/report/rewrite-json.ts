/**
 * The `leannet rewrite --json` document. Its schema is `schemas/rewrite.schema.json`; fields are
 * only added, never renamed, within one `schema` version. The rewritten Graph stays out.
 */
import type { RewriteResult } from '../rewrite-run/index.js';

export const REWRITE_SCHEMA = 'leannet.rewrite/1';

/** `output`: the file written, or null when the rewrite failed its check (nothing is written then). */
export function rewriteJson(r: RewriteResult, output: string) {
  const { graph, ...doc } = r;
  return { schema: REWRITE_SCHEMA, output: r.ok ? output : null, ...doc };
}
