import { checkNonNegative, fail } from './check';
import { LrSchedule, checkStep, makeSchedule } from './schedule';

export interface EpochListScheduleOptions {
  /** Learning rate of epoch 0, 1, ...; epochs past the end keep the last value. */
  lrs: number[];
}

/** A learning rate per epoch, e.g. seed 002's `[1e-3, 1e-3, 1e-4, 1e-4, 1e-5]`. */
export function epochListSchedule(options: EpochListScheduleOptions): LrSchedule {
  const lrs = options?.lrs;
  if (!Array.isArray(lrs) || lrs.length === 0) fail('epochListSchedule', 'lrs', 'a non-empty array of learning rates', lrs);
  lrs.forEach((lr, i) => checkNonNegative('epochListSchedule', `lrs[${i}]`, lr));
  return makeSchedule('epochList', 'epoch', { lrs: [...lrs] }, (t) => {
    checkStep('epochList', t);
    return lrs[Math.min(t, lrs.length - 1)];
  });
}
