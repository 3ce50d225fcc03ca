/**
 * Linear warm-up in front of any schedule: for t < warmupSteps the inner
 * schedule's lr is scaled by startFactor + (1 - startFactor) * t / warmupSteps
 * (HF transformers' convention with startFactor 0); afterwards the inner
 * schedule runs unchanged, on the same clock.
 */
import { checkInt, checkRange } from './check';
import { LrSchedule, checkStep, makeSchedule } from './schedule';

export interface LinearWarmupOptions {
  /** Warm-up length, in the inner schedule's unit. */
  warmupSteps: number;
  /** Factor at t = 0. @default 0 */
  startFactor?: number;
}

export function linearWarmup(inner: LrSchedule, options: LinearWarmupOptions): LrSchedule {
  if (typeof inner !== 'function' || typeof inner.kind !== 'string') {
    throw new TypeError(`linearWarmup: inner: expected an LrSchedule, received ${typeof inner}`);
  }
  const W = checkInt('linearWarmup', 'warmupSteps', options.warmupSteps, 1);
  const s0 = checkRange('linearWarmup', 'startFactor', options.startFactor ?? 0, 0, 1, true);
  const cfg = { warmupSteps: W, startFactor: s0, inner: { kind: inner.kind, ...inner.config } };
  const extras = inner.observe ? { observe: inner.observe, getState: inner.getState, setState: inner.setState } : {};
  return makeSchedule(
    'linearWarmup',
    inner.unit,
    cfg,
    (t) => {
      checkStep('linearWarmup', t);
      const lr = inner(t);
      return t < W ? lr * (s0 + ((1 - s0) * t) / W) : lr;
    },
    extras,
  );
}
