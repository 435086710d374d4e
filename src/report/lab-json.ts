/**
 * The `leannet lab --json` document. Its schema is `schemas/lab.schema.json`; fields are only
 * added, never renamed, within one `schema` version. Each row's configuration carries its
 * labels, theory and published figures (its builder is not data).
 */
import type { LabResult } from '../lab/index.js';

export const LAB_SCHEMA = 'leannet.lab/1';

export function labJson(r: LabResult) {
  return { schema: LAB_SCHEMA, ...r };
}
