// Step 1 of the write-up: load train/test in Kaggle's layout, then "identify the underlying
// patterns correlated with open channel counts and normalise": remove the drifts, put every
// channel-count group on the open_channels scale, remove the 50 Hz mains; outlier windows are
// marked so that fits and training can leave them out.
import * as fs from 'fs';
import * as path from 'path';
import {
  ION_FILES,
  ION_GROUPS,
  ION_N_CLASSES,
  ionSubmissionOrder,
  readIonSwitchingSampleSubmission,
  readIonSwitchingTest,
  readIonSwitchingTrain,
  type IonSegment,
  type IonSwitchingData,
} from '@repro/io';
import { fitHalfSineDrift, fitLinearDrift, removeMains } from '@repro/dsp';
import { reduceMemUsage } from '@repro/features';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import { groupCountShares, removeTestDriftByWindows, removeTrainDriftByWindows } from './drift';

export interface IonTable extends IonSwitchingData {
  /** The cleaned signal, on the open_channels scale (about 0..10). */
  clean: Float32Array;
  /** 1 for rows in a known outlier window. */
  outlier: Uint8Array;
}

export interface CleaningReport {
  drifts: { file: string; segment: number; kind: string; start: number; end: number; amplitude: number }[];
  /** Per group: signal ~ scale * open_channels + offset, fitted on train. */
  groups: { group: string; scale: number; offset: number }[];
  /** Per segment: RMS of the removed 50 Hz waveform (open_channels units). */
  mains: { file: string; segment: number; rms: number }[];
  outlierRows: number;
}

const MB = 1024 * 1024;

/** Bytes held by the typed arrays of a table (what the seed's reduce_mem_usage reports). */
function tableBytes(t: IonSwitchingData): number {
  return [t.time, t.signal, t.openChannels, t.batch, t.group].reduce((a, x) => a + (x?.byteLength ?? 0), 0);
}

/** The seed's reduce_mem_usage on the numeric columns, for its log line; the typed arrays stay as read. */
function memoryLine(name: string, t: IonSwitchingData): string {
  const cols: Record<string, Float64Array | Float32Array> = { time: t.time, signal: t.signal };
  if (t.openChannels) cols.open_channels = Float64Array.from(t.openChannels);
  const r = reduceMemUsage(cols).report;
  return (
    `${name}: ${t.nRows} rows, typed arrays ${(tableBytes(t) / MB).toFixed(2)} MB; reduce_mem_usage: ` +
    `${(r.beforeBytes / MB).toFixed(2)} MB as float64 -> ${(r.afterBytes / MB).toFixed(2)} MB ` +
    `(${(100 * (1 - r.afterBytes / r.beforeBytes)).toFixed(1)} % reduction: ` +
    Object.entries(r.perColumn).map(([c, p]) => `${c} ${p.to}`).join(', ') +
    `); process RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB`
  );
}

/**
 * The real outlier windows (train 47.858..47.8629 s and 364.290..382.2899 s), placed at the same
 * fraction of their 50 s batch at any scale.
 */
export function outlierMask(segments: readonly IonSegment[], nRows: number): Uint8Array {
  const mask = new Uint8Array(nRows);
  const len = segments[0].end - segments[0].start;
  for (const [a, z] of [
    [47.858, 47.8629],
    [364.29, 382.2899],
  ]) {
    const b = segments[Math.floor(a / 50)];
    if (!b) continue;
    const start = b.start + Math.floor(((a - b.index * 50) / 50) * len);
    const end = Math.max(start + 1, b.start + Math.ceil(((z - b.index * 50) / 50) * len));
    mask.fill(1, start, Math.min(end, b.end));
  }
  return mask;
}

/**
 * Fit and remove the known drifts (kaggle-facts): half-sines over train batches 7..10 (1-indexed)
 * and the first large test chunk, lines over the first fifth of train batch 2 and the listed test
 * chunks. Positions scale with the batch/chunk length. Either the known shapes (amplitude 5, rise 0.3
 * per window) or least-squares fits on the signal alone (no labels), for data whose drifts differ.
 */
function removeDrifts(x: Float64Array, t: IonSwitchingData, train: boolean, config: IonSwitchingConfig, report: CleaningReport): void {
  const file = train ? 'train' : 'test';
  const sub = (s: { start: number; end: number }, kind: 'halfSine' | 'linear', segment: number) => {
    const part = x.subarray(s.start, s.end);
    const known = config.clean.knownDrift;
    let drift: ArrayLike<number>;
    let amplitude: number;
    if (kind === 'halfSine') {
      const fit = fitHalfSineDrift(part, { batchLength: s.end - s.start, fit: !known.enabled, amplitudeGuess: known.halfSineAmplitude });
      drift = fit.drift;
      amplitude = fit.amplitude;
    } else if (known.enabled) {
      amplitude = known.linearRise / part.length;
      drift = Float64Array.from({ length: part.length }, (_, i) => amplitude * i);
    } else {
      const fit = fitLinearDrift(part, 0, part.length);
      drift = fit.drift;
      amplitude = fit.amplitude;
    }
    for (let i = 0; i < part.length; i++) part[i] -= drift[i];
    report.drifts.push({ file, segment, kind, start: s.start, end: s.end, amplitude });
  };
  const segs = t.segments;
  if (train) {
    for (const b of segs) if (b.index >= 6) sub(b, 'halfSine', b.index);
    const b1 = segs[1];
    sub({ start: b1.start, end: b1.start + Math.round((b1.end - b1.start) / 5) }, 'linear', 1);
  } else {
    for (const k of config.clean.testLinearDriftChunks) if (segs[k]) sub(segs[k], 'linear', k);
    if (segs[10]) sub(segs[10], 'halfSine', 10);
  }
}

/** Per group, least squares of the drift-free signal on open_channels (the unbiased direction). */
function fitGroupLevels(x: Float64Array, t: IonSwitchingData & { openChannels: Int32Array }, outlier: Uint8Array): { scale: number; offset: number }[] {
  return ION_GROUPS.map((g) => {
    let n = 0, sx = 0, sy = 0, sxy = 0, syy = 0;
    for (let i = 0; i < t.nRows; i++) {
      if (t.group[i] !== g.id || outlier[i]) continue;
      const y = t.openChannels[i];
      n++;
      sx += x[i];
      sy += y;
      sxy += x[i] * y;
      syy += y * y;
    }
    const vy = syy - (sy * sy) / n;
    // A group whose labels never vary (tiny data) keeps the known slope (kaggle-facts: 1.2336).
    const scale = n > 1 && vy > 1e-9 ? (sxy - (sx * sy) / n) / vy : 1.2336;
    return { scale, offset: n > 0 ? (sx - scale * sy) / n : 0 };
  });
}

/**
 * 50 Hz removal: per segment, the cycle-averaged waveform (removeMains' per-phase means) of the
 * residual after snapping to the nearest level, so the channel activity itself does not leak
 * into the phase means (it would at 5 or 10 channels, whose levels vary far more than the mains).
 */
function removeMainsPerSegment(x: Float64Array, t: IonSwitchingData, period: number, file: string, report: CleaningReport): void {
  for (const s of t.segments) {
    const part = x.subarray(s.start, s.end);
    const resid = Float64Array.from(part, (v) => v - Math.min(ION_N_CLASSES - 1, Math.max(0, Math.round(v))));
    const flat = removeMains(resid, { period });
    let ss = 0;
    for (let i = 0; i < part.length; i++) {
      const wave = resid[i] - flat[i];
      part[i] -= wave;
      ss += wave * wave;
    }
    report.mains.push({ file, segment: s.index, rms: Math.sqrt(ss / part.length) });
  }
}

export interface LoadedData {
  train: IonTable & { openChannels: Int32Array };
  test: IonTable;
  report: CleaningReport;
  /** Macro F1 of round(clean) on train: the rounding baseline. */
  roundingF1: number;
}

/** Load train.csv and test.csv and clean both (fits on train where labels are needed). */
export async function loadAndClean(config: IonSwitchingConfig, log: (l: string) => void): Promise<LoadedData> {
  const t0 = performance.now();
  const train = await readIonSwitchingTrain(config.data.dir);
  log(memoryLine('train.csv', train));
  const test = await readIonSwitchingTest(config.data.dir);
  log(memoryLine('test.csv', test));
  // Kaggle scores by sample_submission.csv's times: a test.csv that disagrees fails here, before
  // training, not at the submission (infer and ensemble require the file; train checks it if there).
  if (fs.existsSync(path.join(config.data.dir, ION_FILES.sampleSubmission))) ionSubmissionOrder(test, await readIonSwitchingSampleSubmission(config.data.dir));
  log(`Layout: ${train.segments.length} train batches of ${train.segments[0].end} rows; test chunks ${test.segments.map((s) => s.end - s.start).join(', ')}`);
  const c = config.clean;
  const report: CleaningReport = { drifts: [], groups: [], mains: [], outlierRows: 0 };
  const trOut = c.excludeOutliers ? outlierMask(train.segments, train.nRows) : new Uint8Array(train.nRows);
  report.outlierRows = trOut.reduce((a, v) => a + v, 0);
  const xTr = Float64Array.from(train.signal);
  const xTe = Float64Array.from(test.signal);
  const driftWindow = Math.max(1, Math.round(c.driftWindow * (train.segments[0].end - train.segments[0].start)));
  if (c.removeDrift && c.driftMethod === 'segments') {
    removeDrifts(xTr, train, true, config, report);
    removeDrifts(xTe, test, false, config, report);
  } else if (c.removeDrift) {
    report.drifts.push(...removeTrainDriftByWindows(xTr, train, driftWindow, trOut));
  }
  // The test's window estimate needs the drift-free train's lattice, so it comes after the level fit.
  const rawLevels = fitGroupLevels(xTr, train, trOut);
  if (c.removeDrift && c.driftMethod === 'windows') {
    report.drifts.push(...removeTestDriftByWindows(xTe, test, driftWindow, rawLevels, groupCountShares(train.openChannels, train.group, trOut)));
  }
  const levels = c.normalise ? rawLevels : ION_GROUPS.map(() => ({ scale: 1, offset: 0 }));
  report.groups = levels.map((l, g) => ({ group: ION_GROUPS[g].name, ...l }));
  for (const [x, t] of [[xTr, train], [xTe, test]] as const) {
    for (let i = 0; i < x.length; i++) {
      const l = levels[t.group[i]];
      x[i] = (x[i] - l.offset) / l.scale;
    }
  }
  if (c.removeMains) {
    removeMainsPerSegment(xTr, train, c.mainsPeriod, 'train', report);
    removeMainsPerSegment(xTe, test, c.mainsPeriod, 'test', report);
  }
  const trClean = Float32Array.from(xTr);
  const teClean = Float32Array.from(xTe);
  const roundingF1 = macroF1(train.openChannels, roundLabels(trClean));
  log(
    `Cleaning (${((performance.now() - t0) / 1000).toFixed(1)} s): drifts ${report.drifts.filter((d) => d.kind !== 'windows' || d.amplitude > 0.05).map((d) => `${d.file}[${d.segment}] ${d.kind} ${d.amplitude.toPrecision(3)}`).join(', ')}; ` +
      `levels ${report.groups.map((g) => `${g.group} ${g.scale.toFixed(4)}*k${g.offset >= 0 ? '+' : ''}${g.offset.toFixed(4)}`).join(', ')}; ` +
      `outlier rows left out of fits/training: ${report.outlierRows}`,
  );
  return {
    train: { ...train, clean: trClean, outlier: trOut },
    test: { ...test, clean: teClean, outlier: new Uint8Array(test.nRows) },
    report,
    roundingF1,
  };
}

/** The rounding baseline's labels: clip(round(clean), 0, 10). */
export function roundLabels(clean: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: clean.length }, (_, i) => Math.min(ION_N_CLASSES - 1, Math.max(0, Math.round(clean[i]))));
}
