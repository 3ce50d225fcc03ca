import { foldIds } from './fold';
import { kFold } from './kFold';
import { multilabelStratifiedKFold } from './multilabelStratifiedKFold';
import { createRng } from './random';
import { expectPartition, sameFolds } from './testing';

/** Random sparse multilabel targets: label c is positive with probability rates[c]. */
function makeY(nRows: number, rates: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const Y = new Float32Array(nRows * rates.length);
  for (let i = 0; i < nRows; i++) rates.forEach((p, c) => (Y[i * rates.length + c] = rng.next() < p ? 1 : 0));
  return Y;
}

/** Largest |positives of label c in fold k - ideal| over labels with >= minPositives positives. */
function worstImbalance(Y: Float32Array, nCols: number, ids: Int32Array, nSplits: number, minPositives: number): number {
  let worst = 0;
  for (let c = 0; c < nCols; c++) {
    const perFold = new Array(nSplits).fill(0);
    for (let i = 0; i < ids.length; i++) if (Y[i * nCols + c]) perFold[ids[i]]++;
    const total = perFold.reduce((a, b) => a + b, 0);
    if (total < minPositives) continue;
    for (const n of perFold) worst = Math.max(worst, Math.abs(n - total / nSplits));
  }
  return worst;
}

describe('multilabelStratifiedKFold', () => {
  const rates = [0.003, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.01, 0.04];
  const nRows = 2000;
  const Y = makeY(nRows, rates, 11);

  it('partitions the rows and balances every well-populated label across folds', () => {
    const folds = multilabelStratifiedKFold(Y, rates.length, { nSplits: 5, seed: 1 });
    const ids = expectPartition(folds, nRows, 5);
    expect(worstImbalance(Y, rates.length, ids, 5, 20)).toBeLessThanOrEqual(1.5);
    // A plain shuffled k-fold is far worse, so the bound above is a real check.
    const plain = foldIds(kFold(nRows, { nSplits: 5, shuffle: true, seed: 1 }), nRows);
    expect(worstImbalance(Y, rates.length, plain, 5, 20)).toBeGreaterThan(3);
  });

  it('gives rare labels to distinct folds and balances rows without labels into fold sizes', () => {
    // 5 rows of a rare label, plenty of all-zero rows.
    const n = 103;
    const Y2 = new Float32Array(n * 2);
    for (let i = 0; i < 5; i++) Y2[i * 2] = 1;
    for (let i = 5; i < 25; i++) Y2[i * 2 + 1] = 1;
    const ids = expectPartition(multilabelStratifiedKFold(Y2, 2, { nSplits: 5, seed: 4 }), n, 5);
    expect(new Set(Array.from(ids.subarray(0, 5))).size).toBe(5);
    const sizes = [0, 1, 2, 3, 4].map((k) => ids.filter((x) => x === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('is deterministic per seed, with or without shuffle', () => {
    const a = multilabelStratifiedKFold(Y, rates.length, { seed: 5 });
    expect(sameFolds(a, multilabelStratifiedKFold(Y, rates.length, { seed: 5 }))).toBe(true);
    expect(sameFolds(a, multilabelStratifiedKFold(Y, rates.length, { seed: 6 }))).toBe(false);
    const b = multilabelStratifiedKFold(Y, rates.length, { seed: 5, shuffle: false });
    expect(sameFolds(b, multilabelStratifiedKFold(Y, rates.length, { seed: 5, shuffle: false }))).toBe(true);
    expect(sameFolds(a, b)).toBe(false);
  });

  it('names bad parameters', () => {
    expect(() => multilabelStratifiedKFold(new Float32Array(10), 3)).toThrow(
      /Y\.length must be a multiple of nCols \(3\), received 10/,
    );
    expect(() => multilabelStratifiedKFold(new Float32Array(10), 0)).toThrow(/nCols must be an integer >= 1, received 0/);
    expect(() => multilabelStratifiedKFold(new Float32Array(6), 2, { nSplits: 4 })).toThrow(
      /nSplits must be <= the number of rows \(3\), received 4/,
    );
    expect(() => multilabelStratifiedKFold([0, NaN, 1, 0], 2, { nSplits: 2 })).toThrow(/NaN at row 0, column 1/);
  });
});
