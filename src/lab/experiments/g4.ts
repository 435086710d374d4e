/**
 * G4 (ShuffleNet V2, Table 4): 10 ResNet bottleneck units (1×1 4c→c, 3×3 c→c, 1×1 c→4c) at
 * 56×56, with and without ReLU and shortcut; c = 32, 64, 128.
 */
import { add, conv, relu, stack } from '../blocks.js';
import { compared } from '../claims.js';
import { relative, TABLE4_G4 } from '../published.js';
import type { Experiment, LabConfig } from '../types.js';

const VARIANTS = [
  { relu: true, shortcut: true },
  { relu: true, shortcut: false },
  { relu: false, shortcut: true },
  { relu: false, shortcut: false },
] as const;

export const g4Experiment: Experiment = {
  id: 'g4',
  title: 'G4: element-wise operations are not free',
  source: 'Ma et al. 2018, Table 4; ResNet bottleneck with widths c = 32, 64, 128 (in/out 4c)',
  claim: compared('removing ReLU and the shortcut makes the bottleneck faster', ['ReLU no, shortcut no'], 'faster'),
  configs({ quick }) {
    const widths = quick ? [32] : [32, 64, 128];
    const size = 56;
    return widths.flatMap((c, si) =>
      VARIANTS.map((v): LabConfig => {
        const row = `ReLU ${v.relu ? 'yes' : 'no'}, shortcut ${v.shortcut ? 'yes' : 'no'}`;
        return {
          row,
          column: `c=${c}`,
          detail: `10 × bottleneck ${4 * c}→${c}→${c}→${4 * c} at ${size}x${size}`,
          published: relative(TABLE4_G4, row, si),
          build: () =>
            stack(`g4-${v.relu ? 'relu' : 'norelu'}-${v.shortcut ? 'sc' : 'nosc'}-${c}`, [1, 4 * c, size, size], 10, (b, x) => {
              const act = (t: typeof x) => (v.relu ? relu(b, t) : t);
              let y = act(conv(b, x, { out: c, kernel: 1 }));
              y = act(conv(b, y, { out: c, kernel: 3 }));
              y = conv(b, y, { out: 4 * c, kernel: 1 });
              if (v.shortcut) y = add(b, y, x);
              return act(y);
            }),
        };
      }),
    );
  },
  explain: ({ holds, optLevel, engine }) => {
    if (holds) return undefined;
    if (optLevel !== 'disabled' && engine.startsWith('ort')) {
      return `onnxruntime fuses ReLU and the shortcut Add into the preceding Conv at optimisation level '${optLevel}' (see leannet profile), so they cost almost nothing here; rerun with --opt disabled to see their unfused cost.`;
    }
    return 'ReLU and Add are a small share of this block\'s time next to its convolutions on this engine.';
  },
};
