/**
 * Sum in the same order as numpy's `add.reduce` on a contiguous float64 array (pairwise, blocks of
 * 128 with 8 accumulators). The reference metrics end in `np.mean`/`np.average`, so summing the
 * same way reproduces their last bits instead of drifting by a few ulps on long arrays.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, count = values.length - start): number {
  if (count < 8) {
    let res = 0;
    for (let i = 0; i < count; i++) res += values[start + i];
    return res;
  }
  if (count <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < count; i++) res += values[start + i];
    return res;
  }
  // Split in two, keeping the first half a multiple of the unroll factor (as numpy does).
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/** Mean with numpy's summation order (`np.mean`). */
export function pairwiseMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}
