// Checks shared by the splitter tests (not part of the public API).
import { Fold, foldIds } from './fold';

/** Assert that the folds' validation rows partition 0..n-1 and each train set is the complement. */
export function expectPartition(folds: Fold[], n: number, nSplits: number): Int32Array {
  expect(folds).toHaveLength(nSplits);
  const ids = foldIds(folds, n); // throws on a row in two folds
  expect(Array.from(ids).filter((x) => x === -1)).toEqual([]);
  folds.forEach((f, k) => {
    expect(f.train).toBeInstanceOf(Int32Array);
    expect(f.valid).toBeInstanceOf(Int32Array);
    expect(f.train.length + f.valid.length).toBe(n);
    const expectedTrain = Array.from({ length: n }, (_, i) => i).filter((i) => ids[i] !== k);
    expect(Array.from(f.train)).toEqual(expectedTrain);
    for (let i = 1; i < f.valid.length; i++) expect(f.valid[i]).toBeGreaterThan(f.valid[i - 1]);
  });
  return ids;
}

export function sameFolds(a: Fold[], b: Fold[]): boolean {
  return a.length === b.length && a.every((f, k) => f.valid.length === b[k].valid.length && f.valid.every((r, i) => r === b[k].valid[i]));
}
