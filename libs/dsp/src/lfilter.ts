import { checkSignal, show } from './validate';

export interface LfilterOptions {
  /**
   * Initial state of the delay line (length max(len(a), len(b)) - 1), as scipy's `zi`.
   * @default zeros
   */
  zi?: ArrayLike<number>;
}

/** Normalise b, a by a[0] and pad both to the same length (scipy's lfilter convention). */
export function normalizeBA(fn: string, b: ArrayLike<number>, a: ArrayLike<number>): { b: Float64Array; a: Float64Array } {
  checkSignal(fn, 'b', b);
  checkSignal(fn, 'a', a);
  if (a[0] === 0) throw new RangeError(`${fn}: a[0] must be non-zero, received 0`);
  const n = Math.max(a.length, b.length);
  const bb = new Float64Array(n);
  const aa = new Float64Array(n);
  for (let i = 0; i < b.length; i++) bb[i] = b[i] / a[0];
  for (let i = 0; i < a.length; i++) aa[i] = a[i] / a[0];
  return { b: bb, a: aa };
}

// Hand-written: no installed JS library implements scipy's lfilter (DF2T with zi).
/** Direct form II transposed filter on normalised, equal-length b/a; `z` is updated in place. */
export function df2t(b: Float64Array, a: Float64Array, x: ArrayLike<number>, z: Float64Array): Float64Array {
  const n = b.length - 1;
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const xt = x[t];
    const yt = n > 0 ? b[0] * xt + z[0] : b[0] * xt;
    for (let i = 0; i < n - 1; i++) z[i] = b[i + 1] * xt + z[i + 1] - a[i + 1] * yt;
    if (n > 0) z[n - 1] = b[n] * xt - a[n] * yt;
    y[t] = yt;
  }
  return y;
}

/** IIR/FIR filter along a 1-D signal, equal to `scipy.signal.lfilter(b, a, x[, zi])[0]` (zero initial state by default). */
export function lfilter(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>, options: LfilterOptions = {}): Float64Array {
  const nb = normalizeBA('lfilter', b, a);
  checkSignal('lfilter', 'x', x, 0);
  const z = new Float64Array(nb.b.length - 1);
  if (options.zi !== undefined) {
    if (options.zi.length !== z.length) {
      throw new RangeError(`lfilter: zi must have length max(len(a), len(b)) - 1 = ${z.length}, received length ${show(options.zi.length)}`);
    }
    z.set(Array.from(options.zi));
  }
  return df2t(nb.b, nb.a, x, z);
}
