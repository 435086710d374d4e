/** The builder API and the reference networks built with it. */
export { Builder, type T, type BuilderOptions, type Init } from './builder.js';
export * as layers from './layers.js';
export * as blocks from './blocks.js';
export { NETWORKS, findNetwork, buildNetwork, buildFromSpec, type NetworkDef } from './registry.js';
export { parseOptions, DEFAULTS, type NetOptions, type OptionSpec } from './options.js';
export { makeDivisible } from './networks/mobile.js';
