import { fftPow2 } from './fftPow2';
import { ComplexArray } from './types';
import { checkSignal } from './validate';

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

interface Chirp {
  m: number;
  wRe: Float64Array;
  wIm: Float64Array;
  bHatRe: Float64Array;
  bHatIm: Float64Array;
}
const chirps = new Map<number, Chirp>();

/** Bluestein chirp exp(-i pi k^2 / n) and the FFT of its conjugate, cached per length. */
function chirp(n: number): Chirp {
  let c = chirps.get(n);
  if (c) return c;
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle small and exact for large k.
    const ang = (Math.PI * ((k * k) % (2 * n))) / n;
    wRe[k] = Math.cos(ang);
    wIm[k] = -Math.sin(ang);
  }
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    bRe[k] = wRe[k];
    bIm[k] = -wIm[k];
    if (k > 0) {
      bRe[m - k] = wRe[k];
      bIm[m - k] = -wIm[k];
    }
  }
  const bHat = fftPow2(bRe, bIm);
  c = { m, wRe, wIm, bHatRe: bHat.re, bHatIm: bHat.im };
  chirps.set(n, c);
  return c;
}

// Bluestein hand-written on top of fft.js, which only supports power-of-two sizes.
/** Forward DFT of any length: fft.js for powers of two, Bluestein (on fft.js) otherwise. */
export function dft(re: ArrayLike<number>, im: ArrayLike<number>): ComplexArray {
  const n = re.length;
  if (n === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  if (isPow2(n)) return fftPow2(re, im);
  const { m, wRe, wIm, bHatRe, bHatIm } = chirp(n);
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    aRe[k] = re[k] * wRe[k] - im[k] * wIm[k];
    aIm[k] = re[k] * wIm[k] + im[k] * wRe[k];
  }
  const A = fftPow2(aRe, aIm);
  for (let k = 0; k < m; k++) {
    const r = A.re[k] * bHatRe[k] - A.im[k] * bHatIm[k];
    const i = A.re[k] * bHatIm[k] + A.im[k] * bHatRe[k];
    A.re[k] = r;
    A.im[k] = i;
  }
  const conv = fftPow2(A.re, A.im, true);
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    outRe[k] = conv.re[k] * wRe[k] - conv.im[k] * wIm[k];
    outIm[k] = conv.re[k] * wIm[k] + conv.im[k] * wRe[k];
  }
  return { re: outRe, im: outIm };
}

/**
 * Complex FFT of any length, equal to `numpy.fft.fft(re + 1j*im)`.
 * @param im imaginary part; zeros when omitted
 */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>): ComplexArray {
  checkSignal('fft', 're', re, 0);
  if (im !== undefined && im.length !== re.length) {
    throw new RangeError(`fft: im must have the same length as re (${re.length}), received length ${im.length}`);
  }
  return dft(re, im ?? new Float64Array(re.length));
}
