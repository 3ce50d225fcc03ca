import { df2t } from './lfilter';
import { Sos } from './types';
import { show } from './validate';

export interface SosfiltOptions {
  /**
   * Initial state per section, `[nSections][2]` (scipy's `zi`).
   * @default zeros
   */
  zi?: ArrayLike<ArrayLike<number>>;
}

/** Validate second-order sections (scipy requires a0 = 1) and copy them. */
export function checkSos(fn: string, sos: Sos): Float64Array[] {
  if (sos == null || typeof sos.length !== 'number' || sos.length < 1) {
    throw new RangeError(`${fn}: sos must be a non-empty array of [b0, b1, b2, a0, a1, a2] rows, received ${show(sos)}`);
  }
  return Array.from({ length: sos.length }, (_, i) => {
    const row = sos[i];
    if (row == null || row.length !== 6) throw new RangeError(`${fn}: sos row ${i} must have 6 coefficients, received length ${show(row?.length)}`);
    if (row[3] !== 1) throw new RangeError(`${fn}: sos row ${i} must have a0 = 1, received ${row[3]}`);
    return Float64Array.from(row as ArrayLike<number>);
  });
}

/** Cascade of second-order sections, equal to `scipy.signal.sosfilt(sos, x[, zi])[0]`. */
export function sosfilt(sos: Sos, x: ArrayLike<number>, options: SosfiltOptions = {}): Float64Array {
  const rows = checkSos('sosfilt', sos);
  if (options.zi !== undefined && options.zi.length !== rows.length) {
    throw new RangeError(`sosfilt: zi must have one [z0, z1] row per section (${rows.length}), received ${options.zi.length}`);
  }
  let y: ArrayLike<number> = x;
  rows.forEach((r, s) => {
    const z = options.zi ? Float64Array.from(options.zi[s] as ArrayLike<number>) : new Float64Array(2);
    y = df2t(r.subarray(0, 3), r.subarray(3, 6), y, z);
  });
  return y as Float64Array; // rows.length >= 1, so y is df2t's fresh output
}
