/**
 * Patterns: the one matcher behind a lint finding and the pass that fixes it, below both lint and
 * rewrite. Each is a pure function of the graph (no edits); a pass's `match` calls it, and a
 * lint rule that recommends the pass builds its finding from the same match.
 */
export { PASS_REFS, PASS_REF_IDS, type PassRef } from './refs.js';
export { FLOAT_TYPES, VALUE_PATH, isFloatConstant, staticDims } from './constants.js';
export { bnNotInference } from './bn.js';
export { matchFoldBn, foldBnDeadChains, type FoldBnMatch } from './fold-bn.js';
export { matchReparam, type ReparamMatch, type ReparamBranch } from './reparam.js';
export { matchMergeParallel, type MergeParallelMatch } from './merge-parallel.js';
export { matchDwsep, matchGroup, type ConvMatch, type GroupMatch } from './conv.js';
