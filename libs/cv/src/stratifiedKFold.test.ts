import fixtures from './__fixtures__/folds.json';
import { foldIds } from './fold';
import { stratifiedKFold } from './stratifiedKFold';
import { expectPartition, sameFolds } from './testing';

describe('stratifiedKFold', () => {
  it.each(fixtures.stratified.map((c) => [new Set(c.y as Array<number | string>).size, c.y.length, c] as const))(
    'matches scikit-learn StratifiedKFold (%i classes, %i rows)',
    (_classes, n, c) => {
      const folds = stratifiedKFold(c.y as number[] | string[], { nSplits: c.nSplits });
      expectPartition(folds, n, c.nSplits);
      expect(Array.from(foldIds(folds, n))).toEqual(c.foldIds);
    },
  );

  it('keeps each class spread evenly over folds when shuffled, deterministically per seed', () => {
    const y = Array.from({ length: 200 }, (_, i) => (i % 10 < 7 ? 'a' : i % 10 < 9 ? 'b' : 'c'));
    const a = stratifiedKFold(y, { nSplits: 5, shuffle: true, seed: 3 });
    const ids = expectPartition(a, 200, 5);
    for (const label of ['a', 'b', 'c']) {
      const total = y.filter((v) => v === label).length;
      for (let k = 0; k < 5; k++) {
        const inFold = y.filter((v, i) => v === label && ids[i] === k).length;
        expect(Math.abs(inFold - total / 5)).toBeLessThanOrEqual(1);
      }
    }
    expect(sameFolds(a, stratifiedKFold(y, { nSplits: 5, shuffle: true, seed: 3 }))).toBe(true);
    expect(sameFolds(a, stratifiedKFold(y, { nSplits: 5, shuffle: true, seed: 4 }))).toBe(false);
  });

  it('rejects nSplits above every class size and mixed label types', () => {
    expect(() => stratifiedKFold([0, 0, 1, 1, 2, 2], { nSplits: 3 })).toThrow(
      /nSplits must be <= the size of the largest class \(2\), received 3/,
    );
    expect(() => stratifiedKFold([0, 'a', 1, 1] as unknown as string[], { nSplits: 2 })).toThrow(
      /y must be all numbers or all strings, received string at index 1/,
    );
  });
});
