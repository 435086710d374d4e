/** `leannet demo`, the README's main job, end to end on the real runtime. */
import { describe, expect, it } from 'vitest';
import { leannet } from './helpers/cli.js';

describe('leannet demo', () => {
  it('tells analyze → lint → rewrite → verify → compare with measured figures', () => {
    const r = leannet(['demo', '--time', '1', '--warmup', '2']);
    expect(r.code, r.stderr).toBe(0);
    for (const step of ['1. analyze zoo:repvgg_a0', '2. lint', '3. rewrite with fold-bn,reparam', '4. verify', '5. compare']) expect(r.stdout).toContain(step);
    expect(r.stdout).toMatch(/169 → 47 nodes/);
    expect(r.stdout).toMatch(/largest output difference \d\.\d\de-\d+ of the output's scale .* the same function, to float rounding/);
    expect(r.stdout).toMatch(/zoo:repvgg_a0 \(after\) is \d\.\d\d× (faster|slower) than zoo:repvgg_a0 \(before\)|no significant difference/);
  });
});
