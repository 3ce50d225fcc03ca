import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';
import { perClassF1 } from './perClassF1';

const { classification } = loadMetricsFixtures();

describe('perClassF1', () => {
  it.each(classification.map((c) => [c.name, c]))('equals sklearn f1_score(average=None) exactly: %s', (_, c) => {
    const r = perClassF1(c.yTrue, c.yPred, c.labels ?? undefined);
    expect(r.labels).toEqual(c.perClassLabels);
    expect(Array.from(r.f1)).toEqual(c.perClassF1);
  });

  it('scores a label in neither array 0 and keeps the caller order', () => {
    const r = perClassF1([0, 1, 1], [0, 1, 0], [7, 1, 0]);
    expect(r.labels).toEqual([7, 1, 0]);
    expect(Array.from(r.f1)).toEqual([0, 2 / 3, 2 / 3]);
  });

  it('counts predictions of a listed label as false positives even when the true label is unlisted', () => {
    // Label 1: tp 1, predicted 2 (one from an unlisted true 2), true 1 -> P 1/2, R 1, F1 2/3.
    expect(Array.from(perClassF1([1, 2], [1, 1], [1]).f1)).toEqual([2 / 3]);
  });

  it('rejects empty and duplicate labels', () => {
    expect(() => perClassF1([0], [0], [])).toThrow(/^perClassF1: labels is empty/);
    expect(() => perClassF1([0], [0], [0, 1, 0])).toThrow(/^perClassF1: labels \[0, 1, 0\] has duplicates/);
    expect(() => perClassF1([0], [0], [0.5])).toThrow(/^perClassF1: labels\[0\] is 0\.5/);
  });
});
