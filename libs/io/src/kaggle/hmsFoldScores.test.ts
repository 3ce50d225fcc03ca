// The HMS fold loop's scoring: Kaggle KL over eeg rows and the two seeds' train-mean baselines.
import { hmsScoreRows, hmsTrainMeanOof } from './hmsFoldScores';

/** Kaggle's KL (as @repro/metrics' klDivergenceScore: predictions clipped, rows renormalised). */
function kl(sol: Float64Array, sub: Float64Array): number {
  let total = 0;
  for (let i = 0; i < sol.length; i += 6) {
    const p = Array.from(sub.subarray(i, i + 6), (v) => Math.min(Math.max(v, 1e-15), 1));
    const s = p.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 6; k++) if (sol[i + k] > 0) total += sol[i + k] * Math.log(sol[i + k] / (p[k] / s));
  }
  return total / (sol.length / 6);
}

const targets = Float64Array.from(
  [
    [1, 0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0, 0],
    [0.5, 0.5, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1],
  ].flat(),
);
const T = { n: 4, targets };
const folds = [
  { train: Int32Array.from([2, 3]), valid: Int32Array.from([0, 1]) },
  { train: Int32Array.from([0, 1]), valid: Int32Array.from([2, 3]) },
];

describe('hmsTrainMeanOof (the seeds\' train-mean baselines)', () => {
  it('predicts each validation row as the mean of its fold\'s training targets, both ways', () => {
    for (const renormalize of [true, false]) {
      const oof = hmsTrainMeanOof(T, folds, renormalize);
      for (const f of folds) {
        const mean = [0, 1, 2, 3, 4, 5].map((k) => Array.from(f.train).reduce((a, r) => a + targets[r * 6 + k], 0) / f.train.length);
        for (const r of f.valid) for (let k = 0; k < 6; k++) expect(oof[r * 6 + k]).toBeCloseTo(mean[k], 12);
      }
    }
    const one = hmsTrainMeanOof({ n: 3, targets: targets.slice(0, 18) }, [{ train: Int32Array.from([0, 1]), valid: Int32Array.from([2]) }], false);
    expect(Array.from(one.subarray(12, 18))).toEqual([0.5, 0.5, 0, 0, 0, 0]);
    expect(Number.isNaN(one[0])).toBe(true);
  });

  it('scores with the KL given: 0 for perfect predictions, > 0 for the baseline; by position or by row', () => {
    const rows = [0, 1, 2, 3];
    expect(hmsScoreRows(kl, T, rows, targets, true)).toBeCloseTo(0, 12);
    expect(hmsScoreRows(kl, T, rows, hmsTrainMeanOof(T, folds, true), true)).toBeGreaterThan(0.5);
    expect(hmsScoreRows(kl, T, [3], targets.slice(18, 24))).toBeCloseTo(0, 12);
  });
});
