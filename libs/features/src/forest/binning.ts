/**
 * Quantile binning of float features into Uint8 bin codes (<= 256 bins),
 * as LightGBM / sklearn's HistGradientBoosting do. Edges are float32 values;
 * bin(x) = #{edges e : e < x}, so `bin(x) <= b  <=>  x <= edges[b]`, which
 * lets trees store float thresholds and predict on raw features. NaN goes to
 * the top bin (and therefore always to the right child).
 */
import { Rng, SFC32_MIXSEED } from '@repro/cv';
import type { FeatureMatrix } from './types';

export interface BinMapper {
  /** Edges of feature f: `edges.subarray(edgeOffset[f], edgeOffset[f + 1])`. */
  edges: Float32Array;
  edgeOffset: Int32Array;
  /** Number of bins of each feature (= edges + 1). */
  nBins: Int32Array;
}

/** Fits per-feature bin edges from (a random subsample of at most `subsample` rows of) X. */
export function fitBins(X: FeatureMatrix, maxBins: number, seed: number, subsample = 200_000): BinMapper {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    throw new RangeError(`fitBins: parameter maxBins must be an integer in [2, 256] (received ${maxBins})`);
  }
  const { data, rows, cols } = X;
  let sample: Int32Array;
  if (rows <= subsample) {
    sample = new Int32Array(rows);
    for (let i = 0; i < rows; i++) sample[i] = i;
  } else {
    // Sorted random rows (with replacement) — quantiles of the sample.
    const rng = new Rng(SFC32_MIXSEED, seed);
    sample = new Int32Array(subsample);
    for (let i = 0; i < subsample; i++) sample[i] = rng.int(rows);
    sample.sort();
  }
  const m = sample.length;
  const values = new Float32Array(m);
  const perFeature: Float32Array[] = [];
  for (let f = 0; f < cols; f++) {
    let k = 0;
    for (let i = 0; i < m; i++) {
      const v = data[sample[i] * cols + f];
      if (v === v) values[k++] = v; // skip NaN
    }
    const sorted = radixSortFloat32(values.subarray(0, k));
    perFeature.push(featureEdges(sorted, maxBins));
  }
  const edgeOffset = new Int32Array(cols + 1);
  const nBins = new Int32Array(cols);
  for (let f = 0; f < cols; f++) {
    edgeOffset[f + 1] = edgeOffset[f] + perFeature[f].length;
    nBins[f] = perFeature[f].length + 1;
  }
  const edges = new Float32Array(edgeOffset[cols]);
  for (let f = 0; f < cols; f++) edges.set(perFeature[f], edgeOffset[f]);
  return { edges, edgeOffset, nBins };
}

/** Edges for one feature given its sorted non-NaN sample values. */
function featureEdges(sorted: Float32Array, maxBins: number): Float32Array {
  const k = sorted.length;
  if (k === 0) return new Float32Array(0);
  const distinct: number[] = [sorted[0]];
  for (let i = 1; i < k && distinct.length <= maxBins; i++) {
    if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  const out: number[] = [];
  const push = (e: number) => {
    const f = Math.fround(e);
    if (out.length === 0 || f > out[out.length - 1]) out.push(f);
  };
  if (distinct.length <= maxBins) {
    // Midpoints between consecutive distinct values (sklearn does the same).
    for (let i = 1; i < distinct.length; i++) {
      const lo = distinct[i - 1];
      const hi = distinct[i];
      let mid = Math.fround(lo + (hi - lo) / 2);
      if (!(mid >= lo && mid < hi)) mid = lo;
      push(mid);
    }
  } else {
    // Linear-interpolated quantiles at i / maxBins, i = 1..maxBins-1.
    for (let i = 1; i < maxBins; i++) {
      const pos = (i / maxBins) * (k - 1);
      const j = Math.floor(pos);
      const t = pos - j;
      const v = j + 1 < k ? sorted[j] + t * (sorted[j + 1] - sorted[j]) : sorted[j];
      // Never put an edge at/above the maximum, so the top bin is not empty.
      if (Math.fround(v) < sorted[k - 1]) push(v);
    }
  }
  return Float32Array.from(out);
}

/**
 * Bins X into a row-major Uint8Array (rows x cols). Allocated on a
 * SharedArrayBuffer so worker threads can read it without copies.
 * Branch-free binary search over per-feature edge tables padded to 255
 * entries with +Infinity (which never counts as "< v").
 */
export function transformBins(X: FeatureMatrix, mapper: BinMapper, shared = true): Uint8Array {
  const { data, rows, cols } = X;
  const out = shared ? new Uint8Array(new SharedArrayBuffer(rows * cols)) : new Uint8Array(rows * cols);
  const { edges, edgeOffset, nBins } = mapper;
  const E = new Float32Array(cols * 256).fill(Infinity);
  for (let f = 0; f < cols; f++) E.set(edges.subarray(edgeOffset[f], edgeOffset[f + 1]), f * 256);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++, i++) {
      const v = data[i];
      const b = f * 256;
      let p = E[b + 127] < v ? 128 : 0;
      p += E[b + p + 63] < v ? 64 : 0;
      p += E[b + p + 31] < v ? 32 : 0;
      p += E[b + p + 15] < v ? 16 : 0;
      p += E[b + p + 7] < v ? 8 : 0;
      p += E[b + p + 3] < v ? 4 : 0;
      p += E[b + p + 1] < v ? 2 : 0;
      p += E[b + p] < v ? 1 : 0;
      out[i] = v === v ? p : nBins[f] - 1;
    }
  }
  return out;
}

/** Ascending LSD radix sort of float32 values (no NaN), in place. */
export function radixSortFloat32(a: Float32Array): Float32Array {
  const n = a.length;
  const keys = new Uint32Array(a.buffer, a.byteOffset, n);
  // Order-preserving map float bits -> uint: flip all bits of negatives, the sign bit of positives.
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    keys[i] = k & 0x80000000 ? ~k >>> 0 : (k | 0x80000000) >>> 0;
  }
  let src: Uint32Array = keys;
  let dst: Uint32Array = new Uint32Array(n);
  const count = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 2047]++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i];
      dst[count[(k >>> shift) & 2047]++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== keys) keys.set(src);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    keys[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return a;
}
