import { checkInt, checkSignal } from './validate';

/** Keep every factor-th sample starting at 0 (numpy `x[::factor]`; no anti-alias filter, as the seeds do). */
export function downsample(x: ArrayLike<number>, factor: number): Float64Array {
  checkSignal('downsample', 'x', x, 0);
  checkInt('downsample', 'factor', factor, 1);
  const out = new Float64Array(Math.ceil(x.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = x[i * factor];
  return out;
}
