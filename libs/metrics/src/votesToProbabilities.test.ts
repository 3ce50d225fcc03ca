import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';
import { votesToProbabilities } from './votesToProbabilities';

const withVotes = loadMetricsFixtures().klDivergence.filter((c) => c.votes);

describe('votesToProbabilities', () => {
  it.each(withVotes.map((c) => [c.name, c]))('equals numpy votes / votes.sum(axis=1) exactly: %s', (_, c) => {
    expect(Array.from(votesToProbabilities(Int32Array.from(c.votes!), c.nClasses))).toEqual(c.solution);
  });

  it('row-normalises counts, 6 classes by default', () => {
    expect(Array.from(votesToProbabilities([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]))).toEqual([0.75, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(votesToProbabilities([1, 4], 2))).toEqual([0.2, 0.8]);
  });

  it('rejects a row with no votes, naming the row', () => {
    expect(() => votesToProbabilities([1, 1, 0, 0], 2)).toThrow(/^votesToProbabilities: votes row 1 has no votes \(expected a total > 0\)/);
  });

  it('rejects negative or non-finite counts and partial rows', () => {
    expect(() => votesToProbabilities([1, -1, 2, 0], 2)).toThrow(/^votesToProbabilities: votes row 0 column 1 is -1 \(expected a finite count >= 0\)/);
    expect(() => votesToProbabilities([1, NaN], 2)).toThrow(/votes row 0 column 1 is NaN/);
    expect(() => votesToProbabilities([1, Infinity], 2)).toThrow(/votes row 0 column 1 is Infinity/);
    expect(() => votesToProbabilities([1, 2, 3], 2)).toThrow(/^votesToProbabilities: votes has 3 values, not a multiple of 2 columns/);
    expect(() => votesToProbabilities([], 2)).toThrow(/^votesToProbabilities: votes is empty/);
  });
});
