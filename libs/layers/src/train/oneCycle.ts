/**
 * torch.optim.lr_scheduler.OneCycleLR (torch 1.13), learning rate only, with
 * its defaults. Step t (0-based) gets the lr torch's scheduler holds before the
 * (t+1)-th optimizer step. Phases (end steps are floats, as in torch):
 *   two-phase:   [0, pct*T - 1]: initial -> max;   then -> min at T - 1
 *   three-phase: [0, pct*T - 1]: initial -> max; [.., 2*pct*T - 2]: max -> initial; then -> min
 * with initial = maxLr / divFactor and min = initial / finalDivFactor.
 * (torch also cycles momentum; that part is not modelled here.)
 */
import { checkInt, checkOneOf, checkPositive, checkRange } from './check';
import { LrSchedule, checkStep, makeSchedule } from './schedule';

export interface OneCycleOptions {
  maxLr: number;
  /** Optimizer steps in the whole run (epochs * steps per epoch). */
  totalSteps: number;
  /** Fraction of the steps spent increasing the lr. @default 0.3 */
  pctStart?: number;
  /** @default 'cos' */
  annealStrategy?: 'cos' | 'linear';
  /** initial lr = maxLr / divFactor. @default 25 */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor. @default 1e4 */
  finalDivFactor?: number;
  /** @default false */
  threePhase?: boolean;
}

export function oneCycle(options: OneCycleOptions): LrSchedule {
  const w = 'oneCycle';
  const cfg = {
    maxLr: checkPositive(w, 'maxLr', options.maxLr),
    totalSteps: checkInt(w, 'totalSteps', options.totalSteps, 1),
    pctStart: checkRange(w, 'pctStart', options.pctStart ?? 0.3, 0, 1, true),
    annealStrategy: checkOneOf(w, 'annealStrategy', options.annealStrategy ?? 'cos', ['cos', 'linear'] as const),
    divFactor: checkPositive(w, 'divFactor', options.divFactor ?? 25),
    finalDivFactor: checkPositive(w, 'finalDivFactor', options.finalDivFactor ?? 1e4),
    threePhase: options.threePhase ?? false,
  };
  const T = cfg.totalSteps;
  const initial = cfg.maxLr / cfg.divFactor;
  const min = initial / cfg.finalDivFactor;
  const p = cfg.pctStart;
  const phases = cfg.threePhase
    ? [
        { end: p * T - 1, from: initial, to: cfg.maxLr },
        { end: 2 * p * T - 2, from: cfg.maxLr, to: initial },
        { end: T - 1, from: initial, to: min },
      ]
    : [
        { end: p * T - 1, from: initial, to: cfg.maxLr },
        { end: T - 1, from: cfg.maxLr, to: min },
      ];
  const anneal =
    cfg.annealStrategy === 'cos'
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;

  return makeSchedule('oneCycle', 'step', cfg, (t) => {
    checkStep('oneCycle', t);
    // torch allows t == total_steps (the value after the last step) and raises beyond.
    if (t > T) throw new RangeError(`oneCycle schedule: t: expected a step <= totalSteps (${T}), received ${t}`);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i];
      if (t <= ph.end || i === phases.length - 1) return anneal(ph.from, ph.to, (t - start) / (ph.end - start));
      start = ph.end;
    }
    throw new Error('unreachable');
  });
}
