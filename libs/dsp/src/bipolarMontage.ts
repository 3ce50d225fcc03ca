import { show } from './validate';

/**
 * Bipolar derivations: for each [a, b] pair the difference a - b, keyed `'a-b'` in pair order.
 * @param eeg electrode name -> samples (all the same length)
 */
export function bipolarMontage(
  eeg: Record<string, ArrayLike<number>>,
  pairs: ReadonlyArray<readonly [string, string]>,
): Record<string, Float64Array> {
  if (eeg == null || typeof eeg !== 'object') throw new TypeError(`bipolarMontage: eeg must be a record of electrode -> samples, received ${show(eeg)}`);
  const out: Record<string, Float64Array> = {};
  for (const pair of pairs) {
    const [a, b] = pair;
    for (const e of [a, b]) {
      if (eeg[e] == null) throw new RangeError(`bipolarMontage: eeg must contain electrode '${e}' (pair ${a}-${b}), received keys ${show(Object.keys(eeg))}`);
    }
    const xa = eeg[a];
    const xb = eeg[b];
    if (xa.length !== xb.length) throw new RangeError(`bipolarMontage: '${a}' and '${b}' must have the same length, received ${xa.length} and ${xb.length}`);
    out[`${a}-${b}`] = Float64Array.from(xa, (v, i) => v - xb[i]);
  }
  return out;
}
