/**
 * Learning-rate schedules: callables `t => lr` (t = 0-based epoch or optimizer
 * step, see `unit`) carrying a `kind` and a JSON config, so a run's config can
 * name a schedule and a checkpoint can store it. `scheduleFromConfig` rebuilds
 * one from `{kind, ...config}`.
 */
export type ScheduleUnit = 'epoch' | 'step';

export interface LrSchedule {
  (t: number): number;
  readonly kind: string;
  /** 'epoch': called once at the start of every epoch; 'step': before every optimizer step. */
  readonly unit: ScheduleUnit;
  /** JSON-serialisable options; `scheduleFromConfig({kind, ...config})` rebuilds the schedule. */
  readonly config: Record<string, unknown>;
  /** Stateful schedules only (reduceLROnPlateau): JSON state for checkpoints. */
  getState?(): Record<string, unknown>;
  setState?(state: Record<string, unknown>): void;
  /** Stateful schedules only: told the epoch's logs (e.g. `{loss, valLoss}`) at the end of each epoch. */
  observe?(epoch: number, logs: Record<string, number | undefined>): void;
}

type Extras = Pick<LrSchedule, 'getState' | 'setState' | 'observe'>;

/** Attach kind/unit/config (and optional state hooks) to a plain function. */
export function makeSchedule(kind: string, unit: ScheduleUnit, config: Record<string, unknown>, fn: (t: number) => number, extras: Extras = {}): LrSchedule {
  const s = ((t: number) => fn(t)) as LrSchedule;
  Object.defineProperties(s, {
    kind: { value: kind, enumerable: true },
    unit: { value: unit, enumerable: true },
    config: { value: Object.freeze({ ...config }), enumerable: true },
  });
  return Object.assign(s, extras);
}

export function checkStep(kind: string, t: number): void {
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`${kind} schedule: t: expected an integer >= 0 (epoch or step), received ${t}`);
}
