import { fitBins, radixSortFloat32, transformBins } from './binning';
import { Rng, SFC32_MIXSEED } from '@repro/cv';

function naiveBin(edges: Float32Array, v: number, nb: number): number {
  if (v !== v) return nb - 1;
  let k = 0;
  for (const e of edges) if (e < v) k++;
  return k;
}

describe('binning', () => {
  const rng = new Rng(SFC32_MIXSEED, 1);
  const rows = 5000;
  const cols = 4;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    data[r * cols] = rng.next() * 100 - 50; // continuous: quantile edges
    data[r * cols + 1] = rng.int(7); // 7 distinct values: midpoint edges
    data[r * cols + 2] = r % 11 === 0 ? NaN : Math.exp(rng.next() * 5); // skewed + NaN
    data[r * cols + 3] = 3; // constant
  }
  const X = { data, rows, cols };

  test('edges per feature and bin codes match a naive count of edges < x', () => {
    const m = fitBins(X, 32, 1);
    expect(Array.from(m.nBins)).toEqual([32, 7, 32, 1]);
    const bins = transformBins(X, m);
    expect(bins.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let f = 0; f < cols; f++) {
      const e = m.edges.subarray(m.edgeOffset[f], m.edgeOffset[f + 1]);
      for (let i = 1; i < e.length; i++) expect(e[i]).toBeGreaterThan(e[i - 1]);
      let mismatches = 0;
      for (let r = 0; r < rows; r++) if (bins[r * cols + f] !== naiveBin(e, data[r * cols + f], m.nBins[f])) mismatches++;
      expect(mismatches).toBe(0);
    }
    // Equal-frequency bins for the uniform feature: every bin holds ~rows/32 rows.
    const counts = new Array(32).fill(0);
    for (let r = 0; r < rows; r++) counts[bins[r * cols]]++;
    expect(Math.min(...counts)).toBeGreaterThan(rows / 32 / 2);
    // Thresholds: bin <= b  <=>  x <= edge[b].
    const e0 = m.edges.subarray(m.edgeOffset[0], m.edgeOffset[1]);
    let inconsistent = 0;
    for (let r = 0; r < rows; r++) if (bins[r * cols] <= 10 !== data[r * cols] <= e0[10]) inconsistent++;
    expect(inconsistent).toBe(0);
  });

  test('radix sort of float32 equals the comparison sort (negatives, zeros, infinities)', () => {
    const a = new Float32Array(3001);
    for (let i = 0; i < a.length; i++) a[i] = (rng.next() - 0.5) * 10 ** rng.int(6);
    a[0] = -Infinity;
    a[1] = Infinity;
    a[2] = 0;
    const expected = Float32Array.from(a).sort();
    expect(Array.from(radixSortFloat32(a))).toEqual(Array.from(expected));
  });

  test('maxBins outside [2, 256] is rejected', () => {
    expect(() => fitBins(X, 257, 1)).toThrow('parameter maxBins must be an integer in [2, 256] (received 257)');
  });
});
