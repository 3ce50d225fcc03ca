import { oddExt } from './oddExt';
import { checkSos, sosfilt } from './sosfilt';
import { sosfiltZi } from './sosfiltZi';
import { Sos } from './types';
import { checkInt, checkSignal } from './validate';

export interface SosfiltfiltOptions {
  /**
   * Samples of odd extension at each end.
   * @default 3 * (2 * nSections + 1 - min(#(b2 == 0), #(a2 == 0)))
   */
  padlen?: number;
}

/** Zero-phase forward-backward sos filter, equal to scipy's default `scipy.signal.sosfiltfilt(sos, x)`. */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>, options: SosfiltfiltOptions = {}): Float64Array {
  const rows = checkSos('sosfiltfilt', sos);
  checkSignal('sosfiltfilt', 'x', x);
  const zeroB2 = rows.filter((r) => r[2] === 0).length;
  const zeroA2 = rows.filter((r) => r[5] === 0).length;
  const edge = options.padlen ?? 3 * (2 * rows.length + 1 - Math.min(zeroB2, zeroA2));
  checkInt('sosfiltfilt', 'padlen', edge, 0);
  if (x.length <= edge) {
    throw new RangeError(`sosfiltfilt: x length must be greater than padlen (${edge}), received ${x.length}`);
  }
  const ext = oddExt(x, edge);
  const zi = sosfiltZi(rows);
  const fwd = sosfilt(rows, ext, { zi: zi.map((z) => z.map((v) => v * ext[0])) });
  fwd.reverse();
  const bwd = sosfilt(rows, fwd, { zi: zi.map((z) => z.map((v) => v * fwd[0])) });
  bwd.reverse();
  return bwd.slice(edge, edge + x.length);
}
