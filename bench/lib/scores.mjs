// How close predictions are, as bench:predict and bench:predict-rules print it.
import * as L from '../../dist/index.js';

/** RMSE of the % errors, the shares within ±5% and ±10%, and the mean (bias). */
export function figures(errors) {
  const n = errors.length;
  const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / n);
  const within = (b) => errors.filter((e) => Math.abs(e) <= b).length;
  return `${n} models · RMSE ${rmse.toFixed(1)}% · within ±5%: ${within(5)}/${n} (${((100 * within(5)) / n).toFixed(0)}%) · within ±10%: ${within(10)}/${n} (${((100 * within(10)) / n).toFixed(0)}%) · mean error ${(errors.reduce((a, b) => a + b, 0) / n).toFixed(1)}%`;
}

/** Each round's median against the median of the other rounds' values, as % errors (the noise floor: what a perfect predictor could score). */
export function roundsAgainstOthers(rounds) {
  return rounds.map((t, i) => (L.summarize(t).median / L.summarize(rounds.filter((_, j) => j !== i).flat()).median - 1) * 100);
}
