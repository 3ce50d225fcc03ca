import type { Matrix } from './matrix';

/** Largest |a - b| over two equally long arrays; Infinity when lengths differ or NaN-ness differs. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    const d = Math.abs(x - y);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** Largest |a - b| between a matrix and nested reference rows (Infinity on a shape mismatch). */
export function maxAbsDiffRows(m: Matrix, expected: number[][]): number {
  if (m.rows !== expected.length || (m.rows > 0 && m.cols !== expected[0].length)) return Infinity;
  return maxAbsDiff(m.data, expected.flat());
}

/** Largest |x| (the scale that tolerances are stated against). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}
