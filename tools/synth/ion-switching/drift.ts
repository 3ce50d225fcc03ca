/**
 * The additive disturbances of the real recordings, as plain data (they go
 * into truth.json) plus their evaluation per row:
 *
 * - drift: the half-sine `5*sin(pi*i/batchLen)` over train batches 7..10
 *   (1-indexed) and over test rows [rows/2, 3*rows/4) (the 1.0M..1.5M rows at
 *   full scale); a linear drift of 0.3 per 10 s over the first fifth of train
 *   batch 2; and (not in kaggle-facts, but in the real test data as found by
 *   the community's drift analyses) a linear drift of 0.3 per chunk over test
 *   chunks 0, 1, 4, 6, 7, 8 -- switch off with `testLinearDrift: false`.
 * - mains: a 50 Hz sinusoid (period 200 rows at 10 kHz), its amplitude and
 *   phase drawn per batch/chunk.
 * - outliers: the real data's disturbed windows (train 47.858..47.8629 s in
 *   batch 1 and 364.290..382.2899 s in batch 8, 1-indexed), placed at the same
 *   fraction of their batch at any scale; their rows get extra Gaussian noise.
 *
 * All positions scale with the batch/chunk length, so the layout is the real
 * one at the kaggle scale.
 *
 * `drift: 'other'` (the drift-other variant) replaces those drift shapes by
 * others of the same size, on the same segments: a full sine period over
 * train batches 7 and 8, a saturating exponential over 9 and 10, a linear
 * rise of 1.0 over the whole of train batch 2, falling linear drifts (-0.6
 * a chunk) on the same test chunks, 1.5 sine periods over the big test chunk
 * and a falling exponential over the last one. Mains and outliers (and the
 * random draws) are the default ones.
 */
import type { IonSegment } from '@repro/io';
import type { Rng } from './rng';

export type IonFileKind = 'train' | 'test';

export type DriftPiece =
  | {
      kind: 'halfSine';
      file: IonFileKind;
      /** Rows [start, end) of the file. */
      start: number;
      end: number;
      /** drift(i) = amplitude * sin(pi * (i - start) / (end - start)). */
      amplitude: number;
    }
  | {
      kind: 'linear';
      file: IonFileKind;
      start: number;
      end: number;
      /** drift(i) = slopePerRow * (i - start); `perTenSeconds` is the same slope per 100,000 rows. */
      slopePerRow: number;
      rise: number;
    }
  | {
      kind: 'sine';
      file: IonFileKind;
      start: number;
      end: number;
      /** drift(i) = amplitude * sin(2 * pi * cycles * (i - start) / (end - start) + phase). */
      amplitude: number;
      cycles: number;
      phase: number;
    }
  | {
      kind: 'exp';
      file: IonFileKind;
      start: number;
      end: number;
      /** drift(i) = amplitude * (1 - exp(-(i - start) / tauRows)). */
      amplitude: number;
      tauRows: number;
    };

export interface MainsPiece {
  file: IonFileKind;
  segment: number;
  start: number;
  end: number;
  /** mains(i) = amplitude * sin(2*pi*(i - start)/periodRows + phase). */
  amplitude: number;
  phase: number;
  periodRows: number;
}

export interface OutlierWindow {
  file: IonFileKind;
  start: number;
  end: number;
  /** Sigma of the extra Gaussian noise in the window. */
  extraSigma: number;
  /** The window in the real (kaggle-scale) train file, in seconds. */
  realSeconds: [number, number];
}

export const MAINS_PERIOD_ROWS = 200;
export const HALF_SINE_AMPLITUDE = 5;
/** The linear drift's rise over its window (0.3 per 10 s at full scale). */
export const LINEAR_DRIFT_RISE = 0.3;
/** Test chunks with a linear drift in the real test data. */
export const TEST_LINEAR_DRIFT_CHUNKS = [0, 1, 4, 6, 7, 8] as const;
/** Mains amplitude range (drawn per segment). */
export const MAINS_AMPLITUDE: [number, number] = [0.03, 0.07];

export interface DriftPlanOptions {
  testLinearDrift: boolean;
  outliers: boolean;
  outlierSigma: number;
  /** The drift shapes: the real data's (default) or the drift-other variant's. @default 'default' */
  drift?: 'default' | 'other';
}

export interface DriftPlan {
  drifts: DriftPiece[];
  mains: MainsPiece[];
  outliers: OutlierWindow[];
}

/** The drift-other variant's shapes (see the top of this file). */
function otherDrifts(train: IonSegment[], test: IonSegment[], testLinearDrift: boolean): DriftPiece[] {
  const drifts: DriftPiece[] = [];
  const span = (a: IonSegment, z: IonSegment) => ({ start: a.start, end: z.end });
  drifts.push({ kind: 'sine', file: 'train', ...span(train[6], train[7]), amplitude: 3, cycles: 1, phase: 0 });
  {
    const s = span(train[8], train[9]);
    drifts.push({ kind: 'exp', file: 'train', ...s, amplitude: 4, tauRows: (s.end - s.start) / 6 });
  }
  {
    const b = train[1];
    const len = b.end - b.start;
    drifts.push({ kind: 'linear', file: 'train', start: b.start, end: b.end, slopePerRow: 1 / len, rise: 1 });
  }
  if (testLinearDrift) {
    for (const c of TEST_LINEAR_DRIFT_CHUNKS) {
      const ch = test[c];
      const len = ch.end - ch.start;
      drifts.push({ kind: 'linear', file: 'test', start: ch.start, end: ch.end, slopePerRow: -0.6 / len, rise: -0.6 });
    }
  }
  drifts.push({ kind: 'sine', file: 'test', start: test[10].start, end: test[10].end, amplitude: 2.5, cycles: 1.5, phase: 0 });
  {
    const c = test[11];
    drifts.push({ kind: 'exp', file: 'test', start: c.start, end: c.end, amplitude: -2, tauRows: (c.end - c.start) / 4 });
  }
  return drifts;
}

export function driftPlan(train: IonSegment[], test: IonSegment[], rng: Rng, options: DriftPlanOptions): DriftPlan {
  const drifts: DriftPiece[] = [];
  const batchLen = train[0].end - train[0].start;
  for (const b of train) {
    if (b.index >= 6) drifts.push({ kind: 'halfSine', file: 'train', start: b.start, end: b.end, amplitude: HALF_SINE_AMPLITUDE });
  }
  {
    const b = train[1];
    const len = Math.round(batchLen / 5);
    drifts.push({ kind: 'linear', file: 'train', start: b.start, end: b.start + len, slopePerRow: LINEAR_DRIFT_RISE / len, rise: LINEAR_DRIFT_RISE });
  }
  if (options.testLinearDrift) {
    for (const c of TEST_LINEAR_DRIFT_CHUNKS) {
      const ch = test[c];
      const len = ch.end - ch.start;
      drifts.push({ kind: 'linear', file: 'test', start: ch.start, end: ch.end, slopePerRow: LINEAR_DRIFT_RISE / len, rise: LINEAR_DRIFT_RISE });
    }
  }
  {
    const big = test[10];
    drifts.push({ kind: 'halfSine', file: 'test', start: big.start, end: big.end, amplitude: HALF_SINE_AMPLITUDE });
  }
  if (options.drift === 'other') drifts.splice(0, drifts.length, ...otherDrifts(train, test, options.testLinearDrift));
  const mains: MainsPiece[] = [];
  for (const [file, segs] of [['train', train], ['test', test]] as const) {
    for (const s of segs) {
      const amplitude = MAINS_AMPLITUDE[0] + (MAINS_AMPLITUDE[1] - MAINS_AMPLITUDE[0]) * rng.open();
      const phase = 2 * Math.PI * rng.open();
      mains.push({ file, segment: s.index, start: s.start, end: s.end, amplitude, phase, periodRows: MAINS_PERIOD_ROWS });
    }
  }
  const outliers: OutlierWindow[] = [];
  if (options.outliers) {
    // Real positions (seconds) -> fractions of their 50 s batch -> rows at this scale.
    const real: Array<[number, number]> = [
      [47.858, 47.8629],
      [364.29, 382.2899],
    ];
    for (const [a, z] of real) {
      const batch = Math.floor(a / 50);
      const b = train[batch];
      const start = b.start + Math.floor(((a - batch * 50) / 50) * batchLen);
      const end = Math.max(start + 1, b.start + Math.ceil(((z - batch * 50) / 50) * batchLen));
      outliers.push({ file: 'train', start, end, extraSigma: options.outlierSigma, realSeconds: [a, z] });
    }
  }
  return { drifts, mains, outliers };
}

/** Add the drift of rows [start, start + out.length) of `file` into out. */
export function addDrift(plan: DriftPlan, file: IonFileKind, start: number, out: Float64Array): void {
  const end = start + out.length;
  for (const d of plan.drifts) {
    if (d.file !== file) continue;
    const a = Math.max(start, d.start);
    const z = Math.min(end, d.end);
    if (a >= z) continue;
    if (d.kind === 'halfSine') {
      const w = Math.PI / (d.end - d.start);
      for (let i = a; i < z; i++) out[i - start] += d.amplitude * Math.sin(w * (i - d.start));
    } else if (d.kind === 'sine') {
      const w = (2 * Math.PI * d.cycles) / (d.end - d.start);
      for (let i = a; i < z; i++) out[i - start] += d.amplitude * Math.sin(w * (i - d.start) + d.phase);
    } else if (d.kind === 'exp') {
      for (let i = a; i < z; i++) out[i - start] += d.amplitude * (1 - Math.exp(-(i - d.start) / d.tauRows));
    } else {
      for (let i = a; i < z; i++) out[i - start] += d.slopePerRow * (i - d.start);
    }
  }
}

/** Add the mains component of rows [start, start + out.length) of `file` into out. */
export function addMains(plan: DriftPlan, file: IonFileKind, start: number, out: Float64Array): void {
  const end = start + out.length;
  for (const m of plan.mains) {
    if (m.file !== file) continue;
    const a = Math.max(start, m.start);
    const z = Math.min(end, m.end);
    const w = (2 * Math.PI) / m.periodRows;
    for (let i = a; i < z; i++) out[i - start] += m.amplitude * Math.sin(w * (i - m.start) + m.phase);
  }
}

/** Extra noise sigma of each row of [start, start + len) (0 outside outlier windows), or null when none. */
export function outlierSigmas(plan: DriftPlan, file: IonFileKind, start: number, len: number): Float64Array | null {
  let out: Float64Array | null = null;
  for (const w of plan.outliers) {
    if (w.file !== file) continue;
    const a = Math.max(start, w.start);
    const z = Math.min(start + len, w.end);
    if (a >= z) continue;
    out ??= new Float64Array(len);
    for (let i = a; i < z; i++) out[i - start] = w.extraSigma;
  }
  return out;
}
