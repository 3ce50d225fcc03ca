/** scipy.signal._arraytools.odd_ext: point-reflect `n` samples about each end. */
export function oddExt(x: ArrayLike<number>, n: number): Float64Array {
  const len = x.length;
  const out = new Float64Array(len + 2 * n);
  for (let i = 0; i < n; i++) {
    out[i] = 2 * x[0] - x[n - i];
    out[n + len + i] = 2 * x[len - 1] - x[len - 2 - i];
  }
  for (let i = 0; i < len; i++) out[n + i] = x[i];
  return out;
}
