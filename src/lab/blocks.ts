/** The small networks the experiments time: stacks of convolutions built with the zoo builder. */
import type { Graph } from '../ir/index.js';
import { Builder, layers, type T } from '../zoo/index.js';

/** A network of `input` → fn applied `repeats` times → output. */
export function stack(name: string, input: readonly number[], repeats: number, fn: (b: Builder, x: T, i: number) => T): Graph {
  const b = new Builder({ name, seed: 7 });
  let x = b.input('input', input);
  for (let i = 0; i < repeats; i++) x = b.scope(`block${i}`, () => fn(b, x, i));
  b.output(x);
  return b.finish();
}

export const conv = layers.conv;
export const relu = layers.relu;
export const add = layers.add;
export const concat = layers.concat;

/**
 * (c1, c2), multiples of g, for a g-group 1×1 conv with `maddsPerPixel` madds per pixel: among
 * the pairs within 2% of it, the most nearly equal widths (G2 is about groups, not widths), then
 * the closest madds.
 */
export function channelsFor(target: number, g: number, maddsPerPixel: number): [number, number] {
  const lo = Math.max(g, Math.floor((target * 0.85) / g) * g);
  const hi = Math.ceil((target * 1.15) / g) * g;
  let best: { pair: [number, number]; err: number; imbalance: number } | undefined;
  for (let c1 = lo; c1 <= hi; c1 += g) {
    for (let c2 = c1; c2 <= hi; c2 += g) {
      const err = Math.abs((c1 * c2) / g / maddsPerPixel - 1);
      const imbalance = (c2 - c1) / (c1 + c2);
      const within = err <= 0.02;
      const better =
        !best ||
        (within && best.err > 0.02) ||
        (within === best.err <= 0.02 && (within ? imbalance < best.imbalance || (imbalance === best.imbalance && err < best.err) : err < best.err));
      if (better) best = { pair: [c1, c2], err, imbalance };
    }
  }
  return best!.pair;
}
