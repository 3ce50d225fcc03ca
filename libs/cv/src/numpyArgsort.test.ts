import fixtures from './__fixtures__/folds.json';
import { numpyArgsort } from './numpyArgsort';

describe('numpyArgsort', () => {
  it.each(fixtures.argsort.map((c) => [c.values.length, c] as const))(
    'reproduces np.argsort tie order for %i values',
    (_n, c) => {
      expect(Array.from(numpyArgsort(c.values))).toEqual(c.order);
    },
  );

  it('sorts (heapsort fallback included) on adversarial input', () => {
    // Many equal keys and organ-pipe shapes push introsort towards its depth limit.
    const v = Array.from({ length: 5000 }, (_, i) => (i < 2500 ? i % 7 : 5000 - i));
    const order = numpyArgsort(v);
    for (let i = 1; i < order.length; i++) expect(v[order[i]]).toBeGreaterThanOrEqual(v[order[i - 1]]);
    expect(new Set(order).size).toBe(v.length);
  });
});
