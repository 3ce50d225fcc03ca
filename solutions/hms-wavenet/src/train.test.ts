import { groupKFold } from '@repro/cv';
import type { EegTable } from './load';
import { scoreRows, trainMeanOof } from './train';

function table(targets: number[][], patients: number[]): EegTable {
  const n = targets.length;
  return {
    n,
    eegId: Float64Array.from({ length: n }, (_, i) => i + 1),
    patientId: Int32Array.from(patients),
    votes: Float64Array.from(targets.flat()),
    targets: Float64Array.from(targets.flat()),
    target: new Int32Array(n),
    rowCount: new Int32Array(n).fill(1),
    minRowVotes: new Float64Array(n).fill(3),
  };
}

describe('the seed train-mean baseline', () => {
  const T = table(
    [
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
      [0.5, 0.5, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1],
    ],
    [1, 1, 2, 3],
  );
  const folds = groupKFold(T.patientId, { nSplits: 2 });

  it('predicts each validation row as the mean of its fold training targets, renormalised', () => {
    const oof = trainMeanOof(T, folds);
    for (const f of folds) {
      const mean = [0, 1, 2, 3, 4, 5].map((k) => Array.from(f.train).reduce((a, r) => a + T.targets[r * 6 + k], 0) / f.train.length);
      for (const r of f.valid) for (let k = 0; k < 6; k++) expect(oof[r * 6 + k]).toBeCloseTo(mean[k], 12);
    }
  });

  it('scores with Kaggle KL: 0 for perfect predictions, > 0 for the baseline', () => {
    const rows = [0, 1, 2, 3];
    expect(scoreRows(T, rows, T.targets, true)).toBeCloseTo(0, 12);
    expect(scoreRows(T, rows, trainMeanOof(T, folds), true)).toBeGreaterThan(0.5);
  });
});
