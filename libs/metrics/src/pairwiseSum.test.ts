import { pairwiseMean, pairwiseSum } from './pairwiseSum';

// Harmonic tail under a large first value: the rounding depends on summation order, so these
// reference values (numpy 1.24 `a.sum()` / `a.mean()`) pin numpy's order, not just the total.
function harmonic(n: number): Float64Array {
  const a = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
  a[0] = 1e8;
  return a;
}

describe('pairwiseSum', () => {
  it('matches numpy bit for bit where sequential summation does not', () => {
    const a = harmonic(9);
    expect(pairwiseSum(a)).toBe(100000001.82896824);
    expect(a.reduce((s, x) => s + x, 0)).toBe(100000001.82896826); // the naive order differs
    expect(pairwiseMean(a)).toBe(11111111.314329805);
  });

  it('matches numpy above the 128-element block size (recursive split)', () => {
    const a = harmonic(300);
    expect(pairwiseSum(a)).toBe(100000005.28266388);
    expect(pairwiseMean(a)).toBe(333333.3509422129);
  });

  it('sums short arrays and sub-ranges in order', () => {
    expect(pairwiseSum([1, 2, 3])).toBe(6);
    expect(pairwiseSum([])).toBe(0);
    expect(pairwiseSum([5, 1, 2, 3, 5], 1, 3)).toBe(6);
  });
});
