import { expectClose } from './__fixtures__/expectClose';
import { loadMetricsFixtures } from './__fixtures__/metricsFixtures';
import { klDivergenceScore } from './klDivergenceScore';

const { klDivergence } = loadMetricsFixtures();

describe('klDivergenceScore', () => {
  it.each(klDivergence.map((c) => [c.name, c]))("matches Kaggle's kl_divergence (rtol 1e-12): %s", (_, c) => {
    expectClose(klDivergenceScore(c.solution, Float64Array.from(c.submission), c.nClasses), c.klDivergence);
  });

  it("reproduces the examples in the docstring of Kaggle's metric (printed as 0.216161... and 0.160531...)", () => {
    const two = klDivergenceScore([0, 1, 1, 0, 1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2);
    expect(String(two)).toMatch(/^0\.216161/);
    const three = klDivergenceScore([0, 0.1, 0.9, 0.5, 0.5, 0, 0.5, 0.5, 0], [0.2, 0.1, 0.7, 0.3, 0.5, 0.2, 0.5, 0.5, 0], 3);
    expect(String(three)).toMatch(/^0\.160531/);
  });

  it('defaults to 6 classes and ignores the submission where the target is 0', () => {
    const solution = [0.5, 0.5, 0, 0, 0, 0];
    // Only the first two classes count; the zero-target mass is not scored as such.
    expect(klDivergenceScore(solution, [0.25, 0.25, 0.5, 0, 0, 0])).toBeCloseTo(Math.log(2), 15);
    expect(klDivergenceScore(solution, [0.25, 0.25, 0, 0, 0, 0.5])).toBeCloseTo(Math.log(2), 15);
  });

  it('clips a zero prediction for a voted class to 1e-15', () => {
    expect(klDivergenceScore([1, 0], [0, 1], 2)).toBeCloseTo(-Math.log(1e-15), 12);
    expect(klDivergenceScore([1, 0], [0, 1], 2, { epsilon: 1e-6 })).toBeCloseTo(-Math.log(1e-6), 12);
  });

  it('accepts row sums within 1.001e-5 of 1 (np.allclose, as Kaggle) and refuses beyond', () => {
    const sol = [0.5, 0.5];
    expect(() => klDivergenceScore(sol, [0.5, 0.5 - 1e-5], 2)).not.toThrow();
    expect(() => klDivergenceScore(sol, [0.5, 0.5 - 1.1e-5], 2)).toThrow(/^klDivergenceScore: submission row 0 sums to 0\.99998\d* \(expected 1 within 1\.001e-5\)/);
    expect(() => klDivergenceScore(sol, [0.5, 0.4], 2, { rowSumTolerance: 0.2 })).not.toThrow();
  });

  it('names the row that does not sum to 1', () => {
    const sol = new Array(4 * 6).fill(1 / 6);
    const sub = sol.slice();
    sub.splice(3 * 6, 6, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1); // row 3 sums to 0.8
    expect(() => klDivergenceScore(sol, sub)).toThrow(/^klDivergenceScore: submission row 3 sums to 0\.8 \(expected 1 within 1\.001e-5\)$/);
    expect(() => klDivergenceScore(sub, sol)).toThrow(/^klDivergenceScore: solution row 3 sums to 0\.8 /);
  });

  it('rejects negative, NaN and >1 values, naming row and column', () => {
    expect(() => klDivergenceScore([0.5, 0.5], [1.1, -0.1], 2)).toThrow(
      /^klDivergenceScore: submission row 0 column 0 is 1\.1 \(expected a probability in \[0, 1\]\)/,
    );
    expect(() => klDivergenceScore([0.5, 0.5], [0.5, -0], 2)).toThrow(/submission row 0 sums to 0\.5/); // -0 is a valid 0
    expect(() => klDivergenceScore([0.5, 0.5, 1, 0], [0.5, 0.5, 1.5, -0.5], 2)).toThrow(/^klDivergenceScore: submission row 1 column 0 is 1\.5/);
    expect(() => klDivergenceScore([0.5, 0.5, 1, 0], [0.5, 0.5, 1, -1e-9], 2)).toThrow(/^klDivergenceScore: submission row 1 column 1 is -1e-9/);
    expect(() => klDivergenceScore([0.5, 0.5], [NaN, 1], 2)).toThrow(/^klDivergenceScore: submission row 0 column 0 is NaN/);
    expect(() => klDivergenceScore([NaN, 1], [0.5, 0.5], 2)).toThrow(/^klDivergenceScore: solution row 0 column 0 is NaN/);
  });

  it('rejects mismatched lengths, partial rows, empty input and bad nClasses', () => {
    expect(() => klDivergenceScore([1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0])).toThrow(/^klDivergenceScore: solution has 6 values but submission has 5/);
    expect(() => klDivergenceScore([1, 0, 0], [1, 0, 0], 2)).toThrow(/^klDivergenceScore: solution has 3 values, not a multiple of 2 columns/);
    expect(() => klDivergenceScore([], [])).toThrow(/^klDivergenceScore: solution is empty/);
    expect(() => klDivergenceScore([1], [1], 1.5)).toThrow(/^klDivergenceScore: nClasses must be a positive integer \(received 1\.5\)/);
  });
});
