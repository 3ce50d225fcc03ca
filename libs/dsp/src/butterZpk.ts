import { bilinearZpk, buttap, lp2bpZpk, lp2hpZpk, lp2lpZpk, Zpk } from './zpk';
import { show } from './validate';

export type ButterType = 'low' | 'high' | 'band';

export interface ButterOptions {
  /**
   * Filter type; 'band' takes `cutoff = [lo, hi]` and, like scipy, yields a filter of order 2*order.
   * @default 'low'
   */
  btype?: ButterType;
  /**
   * Sampling frequency. When omitted, cutoffs are normalised to Nyquist = 1 (scipy's default).
   * @default undefined
   */
  fs?: number;
}

/**
 * Digital Butterworth design in zero/pole/gain form, step for step as
 * scipy.signal.iirfilter (buttap -> prewarp -> lp2lp/lp2hp/lp2bp -> bilinear).
 */
export function butterZpk(fn: string, order: number, cutoff: number | readonly [number, number], options: ButterOptions = {}): Zpk {
  const { btype = 'low', fs } = options;
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 1 || order > 8) {
    throw new RangeError(`${fn}: order must be an integer 1..8, received ${show(order)}`);
  }
  if (btype !== 'low' && btype !== 'high' && btype !== 'band') {
    throw new RangeError(`${fn}: btype must be one of 'low', 'high', 'band', received ${show(btype)}`);
  }
  if (fs !== undefined && (typeof fs !== 'number' || !Number.isFinite(fs) || fs <= 0)) {
    throw new RangeError(`${fn}: fs must be a finite number > 0, received ${show(fs)}`);
  }
  const nyq = fs === undefined ? 1 : fs / 2;
  const unit = fs === undefined ? '1 (normalised)' : `fs/2 = ${nyq}`;
  const norm = (c: unknown): number => {
    if (typeof c !== 'number' || !(c > 0 && c < nyq)) {
      throw new RangeError(`${fn}: cutoff must be between 0 and ${unit} (exclusive), received ${show(c)}`);
    }
    return c / nyq;
  };
  // Prewarp with scipy's fs = 2 convention: warped = 2*fs*tan(pi*Wn/fs).
  const warp = (wn: number): number => 4 * Math.tan((Math.PI * wn) / 2);
  const proto = buttap(order);
  let analog: Zpk;
  if (btype === 'band') {
    if (!Array.isArray(cutoff) || cutoff.length !== 2) {
      throw new RangeError(`${fn}: cutoff must be [low, high] for btype 'band', received ${show(cutoff)}`);
    }
    const lo = norm(cutoff[0]);
    const hi = norm(cutoff[1]);
    if (!(lo < hi)) throw new RangeError(`${fn}: cutoff must satisfy low < high, received ${show(cutoff)}`);
    const w0 = warp(lo);
    const w1 = warp(hi);
    analog = lp2bpZpk(proto, Math.sqrt(w0 * w1), w1 - w0);
  } else {
    if (typeof cutoff !== 'number') {
      throw new RangeError(`${fn}: cutoff must be a number for btype '${btype}', received ${show(cutoff)}`);
    }
    const w = warp(norm(cutoff));
    analog = btype === 'low' ? lp2lpZpk(proto, w) : lp2hpZpk(proto, w);
  }
  return bilinearZpk(analog, 2);
}
