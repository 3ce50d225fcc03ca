import { DriftFit } from './fitHalfSineDrift';
import { checkInt, checkSignal } from './validate';

/**
 * Least-squares line through x[start..end) : x[i] ~ slope * (i - start) + offset.
 * `drift` (length end - start) is slope * (i - start): it starts at 0 so removing it keeps the
 * segment's starting level. `amplitude` is the slope per sample (Ion Switching train batch 2:
 * about 3e-6, i.e. 0.3 per 10 s at 10 kHz).
 */
export function fitLinearDrift(x: ArrayLike<number>, start: number, end: number): DriftFit {
  checkSignal('fitLinearDrift', 'x', x, 2);
  checkInt('fitLinearDrift', 'start', start, 0, x.length - 2);
  checkInt('fitLinearDrift', 'end', end, start + 2, x.length);
  // Closed-form simple regression; a linear solve library is unnecessary for one slope.
  const n = end - start;
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let i = start; i < end; i++) xMean += x[i];
  xMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dt = i - tMean;
    sxy += dt * (x[start + i] - xMean);
    sxx += dt * dt;
  }
  const slope = sxy / sxx;
  return { amplitude: slope, offset: xMean - slope * tMean, drift: Float64Array.from({ length: n }, (_, i) => slope * i) };
}
