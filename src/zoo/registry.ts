/**
 * The reference networks, as data: name, source, options, and the published figures their
 * counts are checked against (params as PyTorch counts them; madds = conv + fc multiply-adds).
 */
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/index.js';
import { resnet18, resnet50, squeezenet11, vgg16 } from './networks/classic.js';
import { mobilenetV1, mobilenetV2, repvggA0, shufflenetV1, shufflenetV2 } from './networks/mobile.js';
import { COMMON, parseOptions, type NetOptions, type OptionSpec } from './options.js';

export interface NetworkDef {
  name: string;
  title: string;
  /** Where the architecture definition comes from. */
  source: string;
  options: readonly OptionSpec[];
  build(options: NetOptions): Graph;
}

const common = [COMMON.width, COMMON.resolution, COMMON.classes, COMMON.seed];

export const NETWORKS: readonly NetworkDef[] = [
  { name: 'vgg16', title: 'VGG-16', source: 'Simonyan & Zisserman 2014; torchvision vgg16', options: common, build: vgg16 },
  { name: 'resnet18', title: 'ResNet-18', source: 'He et al. 2016; torchvision resnet18', options: common, build: resnet18 },
  { name: 'resnet50', title: 'ResNet-50 v1.5', source: 'He et al. 2016; torchvision resnet50 (stride in the 3x3)', options: common, build: resnet50 },
  { name: 'mobilenet_v1', title: 'MobileNet V1', source: 'Howard et al. 2017; TF-slim mobilenet_v1', options: common, build: mobilenetV1 },
  { name: 'mobilenet_v2', title: 'MobileNet V2', source: 'Sandler et al. 2018; torchvision mobilenet_v2', options: common, build: mobilenetV2 },
  {
    name: 'shufflenet_v1',
    title: 'ShuffleNet V1',
    source: 'Zhang et al. 2018; Megvii ShuffleNet-Series',
    options: [...common, { name: 'groups', kind: 'int', describe: 'groups of the 1x1 convs', choices: [1, 2, 3, 4, 8] }],
    build: shufflenetV1,
  },
  {
    name: 'shufflenet_v2',
    title: 'ShuffleNet V2',
    source: 'Ma et al. 2018; torchvision shufflenet_v2_x*',
    options: [{ ...COMMON.width, choices: [0.5, 1, 1.5, 2] }, COMMON.resolution, COMMON.classes, COMMON.seed],
    build: shufflenetV2,
  },
  { name: 'squeezenet1_1', title: 'SqueezeNet 1.1', source: 'Iandola et al. 2016; torchvision squeezenet1_1', options: common, build: squeezenet11 },
  {
    name: 'repvgg_a0',
    title: 'RepVGG-A0',
    source: 'Ding et al. 2021; DingXiaoH/RepVGG (training form; deploy=true for the folded form)',
    options: [...common, { name: 'deploy', kind: 'bool', describe: 'the inference form: one 3x3 conv with bias per block' }],
    build: repvggA0,
  },
];

export function findNetwork(name: string): NetworkDef {
  const def = NETWORKS.find((n) => n.name === name);
  if (!def) throw new UsageError(`unknown network '${name}'; valid networks: ${NETWORKS.map((n) => n.name).join(', ')}`);
  return def;
}

/** Build a network from its name and option texts (`{ width: '0.5' }`). */
export function buildNetwork(name: string, options: Readonly<Record<string, string>> = {}): Graph {
  const def = findNetwork(name);
  return def.build(parseOptions(name, def.options, options));
}

/** `mobilenet_v2?width=0.5&resolution=160` → a Graph. */
export function buildFromSpec(spec: string): Graph {
  const [name, query = ''] = spec.split('?', 2) as [string, string?];
  const options: Record<string, string> = {};
  for (const part of query.split('&').filter(Boolean)) {
    const i = part.indexOf('=');
    const key = i < 0 ? part : part.slice(0, i);
    if (key in options) throw new UsageError(`zoo:${spec}: option '${key}' is given twice`);
    options[key] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
  }
  return buildNetwork(name, options);
}
