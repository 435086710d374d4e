/** The cost model: params, buffers, madds, flops, memAccess, elementwise, intensity (DESIGN.md). */
export { costModel, type ModelCost, type CostTotals, type KindBreakdown } from './model.js';
export { nodeCost, type NodeCost } from './node-cost.js';
export { weightRoles, isStoredConstant, isWeightType, type WeightRole } from './weights.js';
export { activationMemory, type ActivationMemory } from './memory.js';
