// How long the full recipe would train, from a `--max-steps N` run: every trainModel call (one
// per member, fold, seed, stage) reports its measured step and validation times and the steps
// of its full schedule; the projection is their sum of (seconds per step x full steps +
// seconds per validation x full validations). Early stopping is ignored, so it is an upper
// bound for recipes that stop early.
import type { TrainTiming } from './trainModel';

/**
 * One trainModel call's timing as plain numbers (stored with a fold's metrics, so folds trained by
 * worker processes or in an earlier session still count).
 */
export interface TimingSummary {
  fullSteps: number;
  fullValidations: number;
  /** The call's typical step: the median of its steps after the first (the first builds the kernels). */
  typicalStepSeconds: number;
  /** Median seconds of a validation pass (0 without validation). */
  validSeconds: number;
  measuredSteps: number;
}

export interface TrainingProjection {
  /** Hours the full recipe's training would take on this backend (training + per-epoch validation). */
  projected_full_train_hours: number;
  /** Median over the calls of their typical step. */
  seconds_per_step: number;
  /** Optimizer steps of the full recipe, all calls together. */
  full_recipe_steps: number;
  /** Optimizer steps measured. */
  measured_steps: number;
  /** trainModel calls (member x fold x seed x stage) that were measured. */
  calls: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarizeTiming(t: TrainTiming): TimingSummary {
  const steps = t.stepSeconds.length > 1 ? t.stepSeconds.slice(1) : t.stepSeconds;
  return {
    fullSteps: t.fullSteps,
    fullValidations: t.fullValidations,
    typicalStepSeconds: steps.length ? median(steps) : NaN,
    validSeconds: t.validSeconds.length ? median(t.validSeconds) : 0,
    measuredSteps: t.stepSeconds.length,
  };
}

/**
 * Two trainings of one fold (e.g. pre-training then fine-tuning) as one summary that projects to
 * the sum of their projections.
 */
export function combineTimings(parts: ReadonlyArray<TimingSummary | TrainTiming>): TimingSummary {
  const ts = parts.map((p) => ('stepSeconds' in p ? summarizeTiming(p) : p));
  const fullSteps = ts.reduce((a, t) => a + t.fullSteps, 0);
  const fullValidations = ts.reduce((a, t) => a + t.fullValidations, 0);
  return {
    fullSteps,
    fullValidations,
    typicalStepSeconds: ts.reduce((a, t) => a + t.typicalStepSeconds * t.fullSteps, 0) / fullSteps,
    validSeconds: fullValidations ? ts.reduce((a, t) => a + t.validSeconds * t.fullValidations, 0) / fullValidations : 0,
    measuredSteps: ts.reduce((a, t) => a + t.measuredSteps, 0),
  };
}

/** The timing fields of a fold's stored metrics, when it has them. */
export function timingOf(metrics: Record<string, unknown> | undefined): TimingSummary | undefined {
  const m = metrics ?? {};
  const keys = ['fullSteps', 'fullValidations', 'typicalStepSeconds', 'validSeconds', 'measuredSteps'] as const;
  if (!keys.every((k) => typeof m[k] === 'number')) return undefined;
  return Object.fromEntries(keys.map((k) => [k, m[k]])) as unknown as TimingSummary;
}

export function projectTraining(parts: ReadonlyArray<TimingSummary | TrainTiming | undefined>): TrainingProjection {
  let seconds = 0;
  let full = 0;
  let measured = 0;
  const perCall: number[] = [];
  for (const p of parts) {
    if (!p) continue;
    const t = 'stepSeconds' in p ? summarizeTiming(p) : p;
    // A call that took no step (resumed past its limit) has nothing to project from.
    if (!Number.isFinite(t.typicalStepSeconds) || !Number.isFinite(t.fullSteps)) continue;
    seconds += t.typicalStepSeconds * t.fullSteps + t.validSeconds * t.fullValidations;
    full += t.fullSteps;
    measured += t.measuredSteps;
    perCall.push(t.typicalStepSeconds);
  }
  return {
    projected_full_train_hours: seconds / 3600,
    seconds_per_step: perCall.length ? median(perCall) : NaN,
    full_recipe_steps: full,
    measured_steps: measured,
    calls: perCall.length,
  };
}

/** Peak resident memory of this process so far, in GiB (getrusage's ru_maxrss). */
export function peakRssGiB(): number {
  return process.resourceUsage().maxRSS / 2 ** 20;
}

/** The log line of a projection. */
export function projectionLine(p: TrainingProjection, backend: string, maxSteps: number): string {
  return (
    `timing run (--max-steps ${maxSteps}): ${p.measured_steps} steps measured over ${p.calls} trainings, ${p.seconds_per_step.toFixed(3)} s/step on ${backend}; ` +
    `the full recipe has ${p.full_recipe_steps} steps: projected full training ${p.projected_full_train_hours.toFixed(2)} h on ${backend} (steps + per-epoch validation, early stopping ignored)`
  );
}

export interface TimingReport {
  /** Peak RSS of this process and of any fold worker process (each alone), GiB. */
  peakRssGiB: number;
  /** Present for `--max-steps` runs. */
  maxSteps?: number;
  backend?: string;
  projection?: TrainingProjection;
  projected_full_train_hours?: number;
  /** Measured preparation (load, features, caches: done in full) + projected training. */
  projected_full_run_hours?: number;
}

/**
 * What a run writes about its cost, from the metrics its trainings stored (see summarizeTiming):
 * always the peak RSS; with maxSteps the projection of the full recipe. Logs one line each.
 */
export function timingReport(args: {
  maxSteps?: number;
  backend: string;
  trainings: ReadonlyArray<Record<string, unknown> | undefined>;
  prepareSeconds: number;
  log: (line: string) => void;
}): TimingReport {
  const workerPeaks = args.trainings.map((m) => m?.peakRssGiB).filter((v): v is number => typeof v === 'number');
  const peak = Math.max(peakRssGiB(), ...workerPeaks);
  args.log(`peak RSS ${peak.toFixed(2)} GiB (getrusage maxrss of this process${workerPeaks.length ? ' and of each training, the largest' : ''})`);
  if (args.maxSteps === undefined) return { peakRssGiB: peak };
  const projection = projectTraining(args.trainings.map((m) => timingOf(m)));
  args.log(projectionLine(projection, args.backend, args.maxSteps));
  const runHours = args.prepareSeconds / 3600 + projection.projected_full_train_hours;
  // (A caller whose preparation is shared by several runs, MoA's features, adds it itself.)
  if (args.prepareSeconds > 0) args.log(`projected full run ${runHours.toFixed(2)} h on ${args.backend} (preparation measured in full: ${(args.prepareSeconds / 60).toFixed(1)} min)`);
  return {
    peakRssGiB: peak,
    maxSteps: args.maxSteps,
    backend: args.backend,
    projection,
    projected_full_train_hours: projection.projected_full_train_hours,
    projected_full_run_hours: runHours,
  };
}
