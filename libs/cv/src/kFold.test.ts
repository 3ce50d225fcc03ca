import fixtures from './__fixtures__/folds.json';
import { foldIds } from './fold';
import { kFold } from './kFold';
import { expectPartition, sameFolds } from './testing';

describe('kFold', () => {
  it.each(fixtures.kfold.map((c) => [c.n, c.nSplits, c.foldIds] as const))(
    'matches scikit-learn KFold for n=%i, k=%i',
    (n, k, expected) => {
      const folds = kFold(n, { nSplits: k });
      expectPartition(folds, n, k);
      expect(Array.from(foldIds(folds, n))).toEqual(expected);
    },
  );

  it('defaults to 5 contiguous folds', () => {
    expect(Array.from(foldIds(kFold(7), 7))).toEqual([0, 0, 1, 1, 2, 3, 4]);
  });

  it('shuffles deterministically per seed with sklearn fold sizes', () => {
    const a = kFold(50, { nSplits: 4, shuffle: true, seed: 1 });
    expectPartition(a, 50, 4);
    expect(a.map((f) => f.valid.length)).toEqual([13, 13, 12, 12]);
    expect(sameFolds(a, kFold(50, { nSplits: 4, shuffle: true, seed: 1 }))).toBe(true);
    expect(sameFolds(a, kFold(50, { nSplits: 4, shuffle: true, seed: 2 }))).toBe(false);
    expect(sameFolds(a, kFold(50, { nSplits: 4 }))).toBe(false);
  });

  it('names the bad parameter', () => {
    expect(() => kFold(10, { nSplits: 1 })).toThrow(/kFold: nSplits must be an integer >= 2, received 1/);
    expect(() => kFold(3, { nSplits: 4 })).toThrow(/nSplits must be <= the number of rows \(3\), received 4/);
    expect(() => kFold(10, { nSplits: 2.5 })).toThrow(/received 2.5/);
  });
});
