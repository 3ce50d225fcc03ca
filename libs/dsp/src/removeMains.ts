import { checkInt, checkSignal } from './validate';

export interface RemoveMainsOptions {
  /**
   * Samples per mains cycle (Ion Switching: 50 Hz at 10 kHz = 200).
   * @default 200
   */
  period?: number;
}

/**
 * Remove a periodic (mains) component by subtracting, for each phase p of the cycle, the mean
 * of all samples x[p + k*period] (the cycle-averaged waveform), as Ion Switching solutions did.
 * A trailing partial cycle is included in its phases' means.
 */
export function removeMains(x: ArrayLike<number>, options: RemoveMainsOptions = {}): Float64Array {
  checkSignal('removeMains', 'x', x, 0);
  const period = checkInt('removeMains', 'period', options.period ?? 200, 1);
  // Hand-written: a per-phase mean is two loops; no library call fits.
  const sum = new Float64Array(period);
  const count = new Float64Array(period);
  for (let i = 0; i < x.length; i++) {
    sum[i % period] += x[i];
    count[i % period]++;
  }
  return Float64Array.from(x, (v, i) => v - sum[i % period] / count[i % period]);
}
