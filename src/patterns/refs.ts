/**
 * Typed references to the rewrite passes a lint finding can recommend. A finding names its fix
 * by one of these (not a free string); the JSON and SARIF output carry the same id as text.
 */
export const PASS_REFS = {
  foldBn: 'fold-bn',
  reparam: 'reparam',
  mergeParallelConvs: 'merge-parallel-convs',
  dwsep: 'dwsep',
  group: 'group',
} as const;

/** The id of a pass whose match lives in `src/patterns/` (what a finding's `rewrite` may name). */
export type PassRef = (typeof PASS_REFS)[keyof typeof PASS_REFS];

/** Every pass a finding can name. */
export const PASS_REF_IDS: readonly PassRef[] = Object.values(PASS_REFS);
