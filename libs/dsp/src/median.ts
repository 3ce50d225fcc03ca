/**
 * Median of `x` (numpy.median: the mean of the two middle values for an even count). With
 * `maxSamples`, of every k-th value only, k = floor(n / maxSamples) (at least 1): exact for inputs
 * up to maxSamples values, a cheap estimate for long signals. Hand-written: mathjs's median would
 * add about 1 s of import time for one sort.
 */
export function median(x: ArrayLike<number>, maxSamples = Infinity): number {
  if (x.length === 0) throw new Error('median: empty input');
  const stride = Math.max(1, Math.floor(x.length / maxSamples));
  const s = Float64Array.from({ length: Math.ceil(x.length / stride) }, (_, i) => x[i * stride]).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
