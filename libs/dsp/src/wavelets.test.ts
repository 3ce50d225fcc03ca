import fx from './__fixtures__/wavelets.json';
import { wavedec, WaveletName } from './wavedec';
import { waveletDenoise } from './waveletDenoise';
import { waverec } from './waverec';
import { expectClose, reportErrors, track } from './testing';

reportErrors();
const xs = fx.x as Record<string, number[]>;

describe('wavedec / waverec', () => {
  // Tolerance 1e-10 relative to max(1, max |coef|).
  it.each(fx.wavedec.map((c) => [c.wavelet, c.level, c.n, c] as const))('matches pywt %s level %i on n=%i (tol 1e-10)', (w, level, n, c) => {
    const coeffs = wavedec(xs[String(n)], w as WaveletName, level);
    expect(coeffs.map((a) => a.length)).toEqual(c.coeffs.map((a) => a.length));
    coeffs.forEach((a, i) => track('wavedec', expectClose(a, c.coeffs[i], 1e-10)));
    const rec = waverec(c.coeffs, w as WaveletName);
    track('waverec', expectClose(rec, c.rec, 1e-10));
    // Round trip: the first n samples are the input.
    track('waverec', expectClose(rec.slice(0, n), xs[String(n)], 1e-10));
  });

  it('names the bad parameter', () => {
    expect(() => wavedec([1, 2, 3, 4], 'db9' as WaveletName, 1)).toThrow(/wavedec: wavelet must be one of 'haar', 'db1'\.\.'db8', received "db9"/);
    expect(() => wavedec([1, 2, 3, 4], 'db2', 0)).toThrow(/wavedec: level must be an integer 1\.\.30, received 0/);
    expect(() => wavedec([], 'db2', 1)).toThrow(/wavedec: x must have at least 1 samples, received length 0/);
    expect(() => waverec([[1, 2]], 'db2')).toThrow(/waverec: coeffs must be \[cA, cD_level, \.\.\., cD_1\] with at least 2 arrays, received 1/);
  });
});

describe('waveletDenoise', () => {
  // Tolerance 1e-10 relative to max(1, max |y|).
  it.each(fx.denoise.map((c) => [c.wavelet, c.level, c.mode, c.n, c] as const))('matches the pywt recipe %s level %i %s on n=%i (tol 1e-10)', (w, level, mode, n, c) => {
    const y = waveletDenoise(xs[String(n)], { wavelet: w as WaveletName, level, mode: mode as 'soft' | 'hard' });
    expect(y).toHaveLength(n);
    track('waveletDenoise', expectClose(y, c.y, 1e-10));
  });

  it('actually shrinks noise', () => {
    const x = xs['64'];
    const y = waveletDenoise(x, { wavelet: 'db1', level: 3 });
    const energy = (v: ArrayLike<number>) => Array.from(v).reduce((s, a) => s + a * a, 0);
    expect(energy(y)).toBeLessThan(energy(x));
  });

  it('names the bad parameter', () => {
    expect(() => waveletDenoise([1, 2, 3, 4], { mode: 'garrote' as 'soft' })).toThrow(/waveletDenoise: mode must be one of 'soft', 'hard', received "garrote"/);
    expect(() => waveletDenoise([1, 2, 3, 4], { wavelet: 'sym4' as WaveletName })).toThrow(/waveletDenoise: wavelet must be one of .*received "sym4"/);
  });
});
