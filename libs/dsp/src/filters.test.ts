import fx from './__fixtures__/filters.json';
import { filtfilt } from './filtfilt';
import { lfilter } from './lfilter';
import { lfilterZi } from './lfilterZi';
import { sosfilt } from './sosfilt';
import { sosfiltfilt } from './sosfiltfilt';
import { sosfiltZi } from './sosfiltZi';
import { expectClose, reportErrors, track } from './testing';

reportErrors();
const x = fx.x;

describe('lfilter / filtfilt', () => {
  // Tolerance 1e-10 relative to max(1, max |y|).
  it.each(fx.lfilter.map((c, i) => [i, c] as const))('lfilter matches scipy case %i (tol 1e-10)', (_i, c) => {
    track('lfilter', expectClose(lfilter(c.b, c.a, x), c.y, 1e-10));
  });
  it.each(fx.filtfilt.map((c, i) => [i, c] as const))('filtfilt matches scipy case %i (tol 1e-9)', (_i, c) => {
    track('filtfilt', expectClose(filtfilt(c.b, c.a, x), c.y, 1e-9));
  });

  it('lfilter honours zi and lfilterZi gives the step steady state', () => {
    const b = [0.2, 0.3];
    const a = [1, -0.5];
    const zi = lfilterZi(b, a);
    // A unit step started in steady state stays at the DC gain sum(b)/sum(a) = 1.
    const y = lfilter(b, a, new Float64Array(20).fill(1), { zi });
    for (const v of y) expect(v).toBeCloseTo(1, 12);
    expect(lfilter([1], [1], [])).toHaveLength(0);
  });

  it('names the bad parameter', () => {
    expect(() => lfilter([1], [0, 1], [1, 2])).toThrow(/lfilter: a\[0\] must be non-zero, received 0/);
    expect(() => lfilter([1, 2], [1], [1], { zi: [0, 0] })).toThrow(/lfilter: zi must have length .* = 1, received length 2/);
    expect(() => filtfilt([1, 2], [1, 0.5], new Float64Array(6))).toThrow(/filtfilt: x length must be greater than padlen \(6\), received 6/);
    expect(() => filtfilt([1], [1], null as unknown as number[])).toThrow(/filtfilt: x must be an array of numbers, received null/);
  });
});

describe('sosfilt / sosfiltfilt', () => {
  it.each(fx.sosfiltfilt.map((c, i) => [i, c] as const))('matches scipy sosfilt and sosfiltfilt case %i (tol 1e-9)', (_i, c) => {
    track('sosfilt', expectClose(sosfilt(c.sos, x), c.sosfilt, 1e-9));
    track('sosfiltfilt', expectClose(sosfiltfilt(c.sos, x), c.y, 1e-9));
  });

  it('sosfiltZi steady state keeps a step at the DC gain', () => {
    const sos = fx.sosfiltfilt[1].sos; // low-pass: DC gain 1
    const y = sosfilt(sos, new Float64Array(30).fill(2), { zi: sosfiltZi(sos).map((z) => z.map((v) => v * 2)) });
    for (const v of y) expect(v).toBeCloseTo(2, 10);
  });

  it('names the bad parameter', () => {
    expect(() => sosfilt([[1, 0, 0, 2, 0, 0]], [1])).toThrow(/sosfilt: sos row 0 must have a0 = 1, received 2/);
    expect(() => sosfilt([[1, 0, 0, 1, 0]], [1])).toThrow(/sosfilt: sos row 0 must have 6 coefficients, received length 5/);
    expect(() => sosfilt([], [1])).toThrow(/sosfilt: sos must be a non-empty array/);
    // b2 = a2 = 0 in the one section: padlen = 3 * (2 * 1 + 1 - 1) = 6.
    expect(() => sosfiltfilt([[1, 0, 0, 1, 0, 0]], new Float64Array(6))).toThrow(/sosfiltfilt: x length must be greater than padlen \(6\), received 6/);
  });
});
