import { df2t, normalizeBA } from './lfilter';
import { lfilterZi } from './lfilterZi';
import { oddExt } from './oddExt';
import { checkInt, checkSignal } from './validate';

export interface FiltfiltOptions {
  /**
   * Samples of odd extension at each end.
   * @default 3 * max(len(a), len(b))
   */
  padlen?: number;
}

/**
 * Zero-phase forward-backward filter, equal to scipy's default
 * `scipy.signal.filtfilt(b, a, x)` (method 'pad', padtype 'odd'; initial
 * conditions lfilter_zi scaled by the first sample of each pass).
 */
export function filtfilt(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>, options: FiltfiltOptions = {}): Float64Array {
  const nb = normalizeBA('filtfilt', b, a);
  checkSignal('filtfilt', 'x', x);
  const edge = options.padlen ?? 3 * Math.max(a.length, b.length);
  checkInt('filtfilt', 'padlen', edge, 0);
  if (x.length <= edge) {
    throw new RangeError(`filtfilt: x length must be greater than padlen (${edge}), received ${x.length}`);
  }
  const ext = oddExt(x, edge);
  const zi = lfilterZi(nb.b, nb.a);
  const fwd = df2t(nb.b, nb.a, ext, zi.map((v) => v * ext[0]));
  fwd.reverse();
  const bwd = df2t(nb.b, nb.a, fwd, zi.map((v) => v * fwd[0]));
  bwd.reverse();
  return bwd.slice(edge, edge + x.length);
}
