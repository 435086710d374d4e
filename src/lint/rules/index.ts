/** Every lint rule, in report order. */
import type { Rule } from '../types.js';
import { dwsepOpportunity } from './dwsep.js';
import { g1ChannelRatio } from './g1.js';
import { g2Groups } from './g2.js';
import { g3Fragmentation } from './g3.js';
import { g4Elementwise } from './g4.js';
import { groupOpportunity } from './group.js';
import { memoryBound } from './memory-bound.js';

export const RULES: readonly Rule[] = [dwsepOpportunity, groupOpportunity, g1ChannelRatio, g2Groups, g3Fragmentation, g4Elementwise, memoryBound];

export { g1 } from './g1.js';
export { g2 } from './g2.js';
