/** Every guideline experiment, in report order. */
import type { Experiment } from '../types.js';
import { dwsepExperiment } from './dwsep.js';
import { g1Experiment } from './g1.js';
import { g2Experiment } from './g2.js';
import { g3Experiment } from './g3.js';
import { g4Experiment } from './g4.js';
import { groupExperiment } from './group.js';

export const EXPERIMENTS: readonly Experiment[] = [groupExperiment, dwsepExperiment, g1Experiment, g2Experiment, g3Experiment, g4Experiment];
