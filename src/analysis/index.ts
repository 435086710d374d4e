/** Opening models by name and analysing them (shapes + costs). */
export { analyzeGraph, type Analysis } from './analyze.js';
export { openModel, registerModelSource, type ModelSource } from './open.js';
