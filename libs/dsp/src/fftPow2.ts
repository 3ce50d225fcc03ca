import FFT from 'fft.js';

const plans = new Map<number, FFT>();

/**
 * In-place-style complex FFT for power-of-two sizes >= 1 via fft.js (matches numpy to ~1e-13).
 * `inverse` includes the 1/n factor (numpy's ifft convention).
 */
export function fftPow2(re: ArrayLike<number>, im: ArrayLike<number>, inverse = false): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  if (n === 1) return { re: Float64Array.of(re[0]), im: Float64Array.of(im[0]) };
  let plan = plans.get(n);
  if (!plan) {
    plan = new FFT(n);
    plans.set(n, plan);
  }
  const input = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    input[2 * i] = re[i];
    input[2 * i + 1] = im[i];
  }
  const out = new Float64Array(2 * n);
  if (inverse) plan.inverseTransform(out, input);
  else plan.transform(out, input);
  const r = new Float64Array(n);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = out[2 * i];
    m[i] = out[2 * i + 1];
  }
  return { re: r, im: m };
}
