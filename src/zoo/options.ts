/** Network options (width, resolution, classes, groups, seed, deploy): defaults, parsing, checks. */
import { UsageError } from '../errors.js';

export interface NetOptions {
  /** Width multiplier (α for MobileNets, the s× of ShuffleNets). */
  width: number;
  /** Input height and width. */
  resolution: number;
  classes: number;
  /** Groups of ShuffleNet V1's 1×1 convolutions. */
  groups: number;
  /** Weight seed. */
  seed: number;
  /** RepVGG: build the inference (re-parameterised) form. */
  deploy: boolean;
}

export type OptionName = keyof NetOptions;

export interface OptionSpec {
  name: OptionName;
  describe: string;
  kind: 'number' | 'int' | 'bool';
  /** Allowed values, when the network only has some. */
  choices?: readonly number[];
}

export const COMMON: Record<'width' | 'resolution' | 'classes' | 'seed', OptionSpec> = {
  width: { name: 'width', kind: 'number', describe: 'width multiplier (> 0)' },
  resolution: { name: 'resolution', kind: 'int', describe: 'input height and width (≥ 32)' },
  classes: { name: 'classes', kind: 'int', describe: 'number of classes (≥ 1)' },
  seed: { name: 'seed', kind: 'int', describe: 'weight seed' },
};

export const DEFAULTS: NetOptions = { width: 1, resolution: 224, classes: 1000, groups: 3, seed: 0, deploy: false };

/** Parse and check option values given as text (`width=0.5`), against a network's option list. */
export function parseOptions(network: string, specs: readonly OptionSpec[], given: Readonly<Record<string, string>>): NetOptions {
  const out: NetOptions = { ...DEFAULTS };
  for (const [key, text] of Object.entries(given)) {
    const spec = specs.find((s) => s.name === key);
    if (!spec) {
      throw new UsageError(`${network}: unknown option '${key}'; valid options: ${specs.map((s) => s.name).join(', ')}`);
    }
    (out as unknown as Record<string, number | boolean>)[key] = parseValue(network, spec, text);
  }
  return out;
}

function parseValue(network: string, spec: OptionSpec, text: string): number | boolean {
  const what = `${network}: ${spec.name}`;
  if (spec.kind === 'bool') {
    if (['true', '1', 'yes', ''].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    throw new UsageError(`${what} must be true or false, got '${text}'`);
  }
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${what} must be a number, got '${text}'`);
  if (spec.choices && !spec.choices.includes(v)) throw new UsageError(`${what} must be one of ${spec.choices.join(', ')}, got ${text}`);
  if (spec.kind === 'int' && !Number.isInteger(v)) throw new UsageError(`${what} must be an integer, got ${text}`);
  if (spec.name === 'width' && !(v > 0)) throw new UsageError(`${what} must be > 0, got ${text}`);
  if (spec.name === 'width' && v > 16) throw new UsageError(`${what} must be at most 16, got ${text}`);
  if (spec.name === 'resolution' && (v < 32 || v > 4096)) throw new UsageError(`${what} must be between 32 and 4096, got ${text}`);
  if (spec.name === 'classes' && (v < 1 || v > 1_000_000)) throw new UsageError(`${what} must be between 1 and 1000000, got ${text}`);
  if (spec.name === 'seed' && (v < 0 || v > 2 ** 32 - 1)) throw new UsageError(`${what} must be between 0 and 4294967295, got ${text}`);
  return v;
}
