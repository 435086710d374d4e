/**
 * A rewrite proven on the runtime (Node: files, engines), above rewrite/, measure/ and calibrate/:
 * `rewriteModel` (rewrite → keep → verify → compare → write) and `--keep`'s choice of changes.
 */
export { rewriteModel, checkOutputPath, writeRewritten, EXACT_TOLERANCE, type RewriteResult, type RewriteRunOptions } from './run.js';
export { candidatesOf, chooseChanges, type Candidate, type KeepOptions, type KeepResult, type Score, type BuildWith } from './keep.js';
