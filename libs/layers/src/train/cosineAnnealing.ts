/**
 * Cosine annealing (torch CosineAnnealingLR's closed form) from `baseLr` to
 * `minLr` over `totalSteps`, optionally after a linear warm-up from 0:
 *   t < W:  baseLr * t / W
 *   t >= W: minLr + (baseLr - minLr) * (1 + cos(pi * (t - W) / (T - W))) / 2
 * Past `totalSteps` it stays at `minLr` (torch would start a second cycle).
 */
import { checkInt, checkNonNegative, checkOneOf, fail } from './check';
import { LrSchedule, ScheduleUnit, checkStep, makeSchedule } from './schedule';

export interface CosineAnnealingOptions {
  baseLr: number;
  /** Length of warm-up + annealing, in `unit`s (torch's T_max when there is no warm-up). */
  totalSteps: number;
  /** @default 0 */
  minLr?: number;
  /** Linear warm-up length (included in totalSteps). @default 0 */
  warmupSteps?: number;
  /** @default 'step' */
  unit?: ScheduleUnit;
}

export function cosineAnnealing(options: CosineAnnealingOptions): LrSchedule {
  const w = 'cosineAnnealing';
  const cfg = {
    baseLr: checkNonNegative(w, 'baseLr', options.baseLr),
    totalSteps: checkInt(w, 'totalSteps', options.totalSteps, 1),
    minLr: checkNonNegative(w, 'minLr', options.minLr ?? 0),
    warmupSteps: checkInt(w, 'warmupSteps', options.warmupSteps ?? 0, 0),
    unit: checkOneOf(w, 'unit', options.unit ?? 'step', ['step', 'epoch'] as const),
  };
  if (cfg.warmupSteps >= cfg.totalSteps) fail(w, 'warmupSteps', `< totalSteps (${cfg.totalSteps})`, cfg.warmupSteps);
  const { baseLr, minLr, warmupSteps: W, totalSteps: T } = cfg;
  return makeSchedule('cosine', cfg.unit, cfg, (t) => {
    checkStep('cosine', t);
    if (t < W) return (baseLr * t) / W;
    if (t >= T) return minLr;
    return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * (t - W)) / (T - W)))) / 2;
  });
}
