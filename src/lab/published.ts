/**
 * The ShuffleNet V2 paper's guideline tables (Ma et al., ECCV 2018, Tables 1–4; copied in
 * ../shared/REFERENCES.md): speeds at the ×1/×2/×4 channel scales, GPU in batches/s
 * (GTX 1080Ti) and ARM/CPU in images/s (Snapdragon 810, one thread).
 */

type Triple = readonly [number, number, number];

export const TABLE1_G1: Record<string, { gpu: Triple; cpu: Triple }> = {
  '1:1': { gpu: [1480, 723, 232], cpu: [76.2, 21.7, 5.3] },
  '1:2': { gpu: [1296, 586, 206], cpu: [72.9, 20.5, 5.1] },
  '1:6': { gpu: [876, 489, 189], cpu: [69.1, 17.9, 4.6] },
  '1:12': { gpu: [748, 392, 163], cpu: [57.6, 15.1, 4.4] },
};

export const TABLE2_G2: Record<string, { gpu: Triple; cpu: Triple }> = {
  'g=1': { gpu: [2451, 1289, 437], cpu: [40.0, 10.2, 2.3] },
  'g=2': { gpu: [1725, 873, 341], cpu: [35.0, 9.5, 2.2] },
  'g=4': { gpu: [1026, 644, 338], cpu: [32.9, 8.7, 2.1] },
  'g=8': { gpu: [634, 445, 230], cpu: [27.8, 7.5, 1.8] },
};

export const TABLE3_G3: Record<string, { gpu: Triple; cpu: Triple }> = {
  '1-fragment': { gpu: [2446, 1274, 434], cpu: [40.2, 10.1, 2.3] },
  '2-fragment-series': { gpu: [1790, 909, 336], cpu: [38.6, 10.1, 2.2] },
  '4-fragment-series': { gpu: [752, 745, 349], cpu: [38.4, 10.1, 2.3] },
  '2-fragment-parallel': { gpu: [1537, 803, 320], cpu: [33.4, 9.1, 2.2] },
  '4-fragment-parallel': { gpu: [691, 572, 292], cpu: [35.0, 8.4, 2.1] },
};

export const TABLE4_G4: Record<string, { gpu: Triple; cpu: Triple }> = {
  'ReLU yes, shortcut yes': { gpu: [2427, 2066, 1436], cpu: [56.7, 16.9, 5.0] },
  'ReLU yes, shortcut no': { gpu: [2647, 2256, 1735], cpu: [61.9, 18.8, 5.2] },
  'ReLU no, shortcut yes': { gpu: [2672, 2121, 1458], cpu: [57.3, 18.2, 5.1] },
  'ReLU no, shortcut no': { gpu: [2842, 2376, 1782], cpu: [66.3, 20.2, 5.4] },
};

/** A row's published speed relative to the table's first row, at scale index s (0, 1, 2). */
export function relative(table: Record<string, { gpu: Triple; cpu: Triple }>, row: string, s: number): { gpu: number; cpu: number } | undefined {
  const first = Object.values(table)[0]!;
  const r = table[row];
  if (!r) return undefined;
  return { gpu: r.gpu[s]! / first.gpu[s]!, cpu: r.cpu[s]! / first.cpu[s]! };
}
