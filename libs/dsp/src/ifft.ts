import { dft } from './fft';
import { ComplexArray } from './types';
import { checkSignal } from './validate';

/** Inverse complex FFT of any length, equal to `numpy.fft.ifft` (1/n scaling). */
export function ifft(re: ArrayLike<number>, im: ArrayLike<number>): ComplexArray {
  checkSignal('ifft', 're', re, 0);
  if (im.length !== re.length) throw new RangeError(`ifft: im must have the same length as re (${re.length}), received length ${im.length}`);
  // ifft(z) = conj(fft(conj(z))) / n
  const n = re.length;
  const negIm = Float64Array.from(im, (v) => -v);
  const f = dft(re, negIm);
  for (let i = 0; i < n; i++) {
    f.re[i] /= n;
    f.im[i] = -f.im[i] / n;
  }
  return f;
}
