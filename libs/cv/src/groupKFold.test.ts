import fixtures from './__fixtures__/folds.json';
import { foldIds } from './fold';
import { groupKFold } from './groupKFold';
import { expectPartition } from './testing';

describe('groupKFold', () => {
  it.each(fixtures.group.map((c) => [new Set(c.groups as Array<number | string>).size, typeof c.groups[0], c] as const))(
    'matches scikit-learn GroupKFold (%i %s groups)',
    (_n, _kind, c) => {
      const groups = c.groups as number[] | string[];
      const folds = groupKFold(groups, { nSplits: c.nSplits });
      const ids = expectPartition(folds, groups.length, c.nSplits);
      expect(Array.from(ids)).toEqual(c.foldIds);
      // No group in two folds.
      const foldOf = new Map<number | string, number>();
      groups.forEach((g, i) => {
        if (!foldOf.has(g)) foldOf.set(g, ids[i]);
        expect(ids[i]).toBe(foldOf.get(g));
      });
    },
  );

  it('gives the largest group to fold 0 and ties to the first lightest fold', () => {
    const folds = groupKFold(['x', 'y', 'y', 'z', 'z', 'z'], { nSplits: 2 });
    expect(Array.from(foldIds(folds, 6))).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('rejects more folds than groups', () => {
    expect(() => groupKFold([1, 1, 2, 2], { nSplits: 3 })).toThrow(
      /groupKFold: nSplits must be <= the number of distinct groups \(2\), received 3/,
    );
  });
});
