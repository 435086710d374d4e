/** Structural rewrites: passes as data, a pipeline that validates after each one. Proven on the runtime and written (Node: files, engines): ../rewrite-run/. */
export { PASSES, findPass, nameFilter, parsePassSpecs, runPasses, type PassSpec, type PassReport, type RewriteOptions } from './pipeline.js';
export type { Pass, PassContext, PassParams, Change, RefitTarget } from './types.js';
export { findDependencies, type ChannelGroup, type Dependencies } from './prune/groups.js';
export { keptWidth, topChannels, producerScores, type Criterion } from './prune/criteria.js';
export { bnAffine } from './bn.js';
export { foldBn, type FoldBnMatch } from './fold-bn.js';
export { prunableGroups, prunableGroupsByEnergy, cutGroups, finishCuts, pruneToWidths, type GroupInfo, type AliveChannels } from './prune/widths.js';
export { energyScores, convEnergies, type EnergyOptions } from './prune/energy.js';
export type { RefitRecord } from './prune/refit.js';
export { groupOneConv } from './group.js';
