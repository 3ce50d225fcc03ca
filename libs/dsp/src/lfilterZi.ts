import { solve } from 'ml-matrix';
import { normalizeBA } from './lfilter';

/**
 * Steady-state initial conditions for a unit step, equal to `scipy.signal.lfilter_zi(b, a)`:
 * solves (I - companion(a).T) zi = b[1:] - a[1:] * b[0].
 * ml-matrix's LU solve is used (mathjs would add ~1 s of import time to every consumer).
 */
export function lfilterZi(b: ArrayLike<number>, a: ArrayLike<number>): Float64Array {
  const nb = normalizeBA('lfilterZi', b, a);
  const n = nb.a.length;
  if (n === 1) return new Float64Array(0);
  const m = n - 1;
  const A: number[][] = [];
  const rhs: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row = new Array<number>(m).fill(0);
    row[i] += 1;
    row[0] += nb.a[i + 1];
    if (i + 1 < m) row[i + 1] -= 1;
    A.push(row);
    rhs.push([nb.b[i + 1] - nb.a[i + 1] * nb.b[0]]);
  }
  return Float64Array.from(solve(A, rhs).getColumn(0));
}
