import { lfilterZi } from './lfilterZi';
import { checkSos } from './sosfilt';
import { Sos } from './types';

/** Step-response steady state per section, equal to `scipy.signal.sosfilt_zi(sos)`. */
export function sosfiltZi(sos: Sos): Float64Array[] {
  const rows = checkSos('sosfiltZi', sos);
  let scale = 1;
  return rows.map((r) => {
    const b = r.subarray(0, 3);
    const a = r.subarray(3, 6);
    const zi = lfilterZi(b, a).map((v) => v * scale);
    // Each section's DC gain H(1) = sum(b)/sum(a) scales the next section's step.
    scale *= (b[0] + b[1] + b[2]) / (a[0] + a[1] + a[2]);
    return zi;
  });
}
