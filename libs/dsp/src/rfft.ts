import FFT from 'fft.js';
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
  if (n >= 4 && (n & (n - 1)) === 0) return rfftPow2(x, n);
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

interface RealPlan {
  fft: FFT;
  input: Float64Array;
  out: Float64Array;
}
const realPlans = new Map<number, RealPlan>();

/**
 * Power-of-two sizes: fft.js's real transform fills the bins 0..n/2 we need at
 * about half the cost of a complex FFT, and the plan and scratch buffers are
 * reused (spectrograms call this once per frame, thousands of times).
 */
function rfftPow2(x: ArrayLike<number>, n: number): ComplexArray {
  let plan = realPlans.get(n);
  if (!plan) {
    plan = { fft: new FFT(n), input: new Float64Array(n), out: new Float64Array(2 * n) };
    realPlans.set(n, plan);
  }
  const { input, out } = plan;
  const m = Math.min(n, x.length);
  for (let i = 0; i < m; i++) input[i] = x[i];
  input.fill(0, m);
  plan.fft.realTransform(out, input);
  const k = n / 2 + 1;
  const re = new Float64Array(k);
  const im = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    re[i] = out[2 * i];
    im[i] = out[2 * i + 1];
  }
  // numpy returns exact zeros for the DC and Nyquist imaginary parts.
  im[0] = 0;
  im[k - 1] = 0;
  return { re, im };
}
