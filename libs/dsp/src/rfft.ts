import { dft } from './fft';
import { ComplexArray } from './types';
import { checkInt, checkSignal } from './validate';

export interface RfftOptions {
  /**
   * Transform length: the input is truncated or zero-padded to n (numpy's `n`).
   * @default x.length
   */
  n?: number;
}

/** One-sided FFT of a real signal, equal to `numpy.fft.rfft(x, n)`: n//2 + 1 bins. */
export function rfft(x: ArrayLike<number>, options: RfftOptions = {}): ComplexArray {
  checkSignal('rfft', 'x', x, 0);
  const n = options.n ?? x.length;
  checkInt('rfft', 'n', n, 1);
  const re = new Float64Array(n);
  for (let i = 0; i < Math.min(n, x.length); i++) re[i] = x[i];
  const full = dft(re, new Float64Array(n));
  const k = Math.floor(n / 2) + 1;
  const im = full.im.slice(0, k);
  // numpy returns exact zeros for the DC (and even-n Nyquist) imaginary parts.
  im[0] = 0;
  if (n % 2 === 0) im[k - 1] = 0;
  return { re: full.re.slice(0, k), im };
}
