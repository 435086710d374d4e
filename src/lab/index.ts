/** The guideline lab: the group/dwsep and G1–G4 experiments as data, measured on this machine. */
export { EXPERIMENTS } from './experiments/index.js';
export { runLab, runSetting, findExperiments, exportConfigs, type LabResult, type LabSetting, type SettingResult, type ExperimentResult, type ColumnResult, type LabOptions } from './run.js';
export { measureColumn } from './measure.js';
export { atLeast, compared, majority } from './claims.js';
export { g1Widths, RATIOS } from './experiments/g1.js';
export { g2Widths, G2_GROUPS } from './experiments/g2.js';
export { STRUCTURES } from './experiments/g3.js';
export { TABLE1_G1, TABLE2_G2, TABLE3_G3, TABLE4_G4, relative } from './published.js';
export type { Experiment, LabConfig, RowResult, Claim } from './types.js';
