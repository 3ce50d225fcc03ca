/**
 * Step 6: numbers and the report. Baselines every score is read against
 * (train-mean prediction, the synthetic data's floor), the submission's
 * clipping, and report.md: a table like seed 001's "Performance Comparison",
 * generated from the runs' metrics.json.
 */
import type { MoaFeatures } from '@repro/io';
import { columnwiseLogLoss } from '@repro/metrics';
import type { MoaTrainData } from './load';

/** Scores of the trivial predictions, and the generator's floor when the data are synthetic. */
export function baselines(data: Pick<MoaTrainData, 'train' | 'scored' | 'truth'>): Record<string, number | undefined> {
  const nT = data.scored.names.length;
  const n = data.train.nRows;
  const Y = data.scored.Y;
  const mean = new Float64Array(nT);
  const meanTrt = new Float64Array(nT);
  let nTrt = 0;
  for (let i = 0; i < n; i++) {
    const trt = data.train.cpType[i] === 0;
    if (trt) nTrt++;
    for (let j = 0; j < nT; j++) {
      mean[j] += Y[i * nT + j] / n;
      if (trt) meanTrt[j] += Y[i * nT + j];
    }
  }
  for (let j = 0; j < nT; j++) meanTrt[j] /= Math.max(1, nTrt);
  const P = new Float32Array(n * nT);
  const Pc = new Float32Array(n * nT);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nT; j++) {
      P[i * nT + j] = mean[j];
      Pc[i * nT + j] = data.train.cpType[i] === 0 ? meanTrt[j] : 0;
    }
  }
  return {
    trainMeanLogLoss: columnwiseLogLoss(Y, P, nT),
    ctlZeroTrainMeanLogLoss: columnwiseLogLoss(Y, Pc, nT),
    floorLogLoss: data.truth?.floorLogLoss,
    testFloorLogLoss: data.truth?.testFloorLogLoss,
    testTrainMeanLogLoss: data.truth?.testTrainMeanLogLoss,
    testCtlZeroTrainMeanLogLoss: data.truth?.testCtlZeroTrainMeanLogLoss,
  };
}

/** The baseline's probabilities stay in [BASELINE_FLOOR, 1 - BASELINE_FLOOR]: a target no train row has would otherwise get exactly 0. */
export const BASELINE_FLOOR = 1e-5;

/**
 * The better trivial prediction's per-target probabilities: the treated train rows' column means
 * (what baselines() scores as ctlZeroTrainMeanLogLoss), kept off 0 and 1 by BASELINE_FLOOR.
 */
export function treatedTrainMeans(data: Pick<MoaTrainData, 'train' | 'scored'>): number[] {
  const nT = data.scored.names.length;
  const mean = new Float64Array(nT);
  let nTrt = 0;
  for (let i = 0; i < data.train.nRows; i++) {
    if (data.train.cpType[i] !== 0) continue;
    nTrt++;
    for (let j = 0; j < nT; j++) mean[j] += data.scored.Y[i * nT + j];
  }
  return Array.from(mean, (m) => Math.min(1 - BASELINE_FLOOR, Math.max(BASELINE_FLOOR, m / Math.max(1, nTrt))));
}

/** `means` on every treated row of `f`, 0 on its ctl_vehicle rows. */
export function baselinePredictions(means: readonly number[], f: Pick<MoaFeatures, 'cpType' | 'nRows'>): Float32Array {
  const nT = means.length;
  const P = new Float32Array(f.nRows * nT);
  for (let i = 0; i < f.nRows; i++) if (f.cpType[i] === 0) for (let j = 0; j < nT; j++) P[i * nT + j] = means[j];
  return P;
}

/** Clip to [clip, 1 - clip], then set ctl_vehicle rows to exactly 0 (a new array). */
export function clipProbabilities(P: Float32Array, clip: number, f: Pick<MoaFeatures, 'cpType' | 'nRows'>): Float32Array {
  const nT = P.length / f.nRows;
  const out = new Float32Array(P.length);
  for (let i = 0; i < P.length; i++) out[i] = Math.min(1 - clip, Math.max(clip, P[i]));
  for (let i = 0; i < f.nRows; i++) if (f.cpType[i] === 1) out.fill(0, i * nT, (i + 1) * nT);
  return out;
}

export interface ReportRow {
  model: string;
  oofLogLoss?: number;
  testLogLoss?: number;
  weight?: number;
  seconds?: number;
  note?: string;
}

const f = (v: number | undefined, d = 5) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '-');

/** Markdown: the Performance Comparison table and a few lines around it. */
export function reportMarkdown(args: { title: string; rows: ReportRow[]; notes: string[] }): string {
  const lines = [
    `# ${args.title}`,
    '',
    'Performance Comparison (column-wise log loss, lower is better; OOF = out-of-fold over all train rows with ctl_vehicle rows predicted 0):',
    '',
    '| Model | OOF log loss | test log loss (truth) | blend weight | train time (s) | note |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...args.rows.map((r) => `| ${r.model} | ${f(r.oofLogLoss)} | ${f(r.testLogLoss)} | ${r.weight === undefined ? '' : r.weight.toFixed(3)} | ${r.seconds === undefined ? '' : r.seconds.toFixed(0)} | ${r.note ?? ''} |`),
    '',
    ...args.notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}
