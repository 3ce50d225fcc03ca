/**
 * Centred moving average over `window` samples; the window shrinks at both ends (each output is
 * the mean of the samples that exist within window/2 of it), so a drift is not pulled towards zero
 * at a segment's edges. O(n) through a running sum in float64.
 */
export function movingAverage(x: ArrayLike<number>, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  const n = x.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
  const before = Math.floor((window - 1) / 2);
  const after = window - 1 - before;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - before);
    const z = Math.min(n, i + after + 1);
    out[i] = (prefix[z] - prefix[a]) / (z - a);
  }
  return out;
}
