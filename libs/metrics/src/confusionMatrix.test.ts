import { confusionMatrix } from './confusionMatrix';
import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';

const { classification } = loadMetricsFixtures();

describe('confusionMatrix', () => {
  it.each(classification.map((c) => [c.name, c]))('equals sklearn confusion_matrix: %s', (_, c) => {
    const r = confusionMatrix(c.yTrue, c.yPred, c.labels ?? undefined);
    expect(r.labels).toEqual(c.perClassLabels);
    expect(Array.from(r.counts)).toEqual(c.confusionMatrix);
  });

  it('puts true labels in rows and predictions in columns', () => {
    // Two samples true 0 predicted 1, one true 1 predicted 1.
    const r = confusionMatrix([0, 0, 1], [1, 1, 1]);
    expect(r.labels).toEqual([0, 1]);
    expect(Array.from(r.counts)).toEqual([0, 2, 0, 1]);
  });

  it('leaves out samples whose true or predicted label is not listed', () => {
    const r = confusionMatrix([0, 1, 2, 2], [0, 2, 1, 2], [2, 0]);
    expect(Array.from(r.counts)).toEqual([1, 0, 0, 1]);
  });

  it('rejects labels that never occur in yTrue, like sklearn', () => {
    expect(() => confusionMatrix([0, 1], [0, 5], [5])).toThrow(/^confusionMatrix: none of labels \[5\] occurs in yTrue/);
  });

  it('rejects mismatched lengths', () => {
    expect(() => confusionMatrix([0], [0, 1])).toThrow(/^confusionMatrix: yTrue has 1 values but yPred has 2/);
  });
});
