/**
 * Synthetic Ion Switching data in the real Kaggle layout, with known truth.
 *
 * Each batch/chunk is an independent recording of its group's channels
 * (libs/io ION_TRAIN_BATCH_GROUPS / ION_TEST_CHUNK_GROUPS). Every channel is
 * simulated on its own (markovModel.ts: CTMC discretised at 10 kHz, first
 * state drawn from the stationary distribution); the open count is the sum
 * over channels. A recording's signal is
 *
 *   1.2336 * open - 2.7337 + N(0, sigma_group^2)
 *
 * and the 10-channel group is the sum of two independent 5-channel
 * recordings (so its level sits at a further -2.7337 and its noise variance
 * doubles). On top: drift, 50 Hz mains, outlier windows (drift.ts). Signals
 * are written with 4 decimals like the real files; every figure is computed
 * from the written (rounded) values.
 *
 * Files are streamed batch by batch, so memory is a batch plus the per-row
 * truth arrays (a few bytes a row).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  ION_COLUMNS,
  ION_FILES,
  ION_GROUPS,
  ION_KAGGLE,
  ION_MAX_OPEN_CHANNELS,
  ION_SAMPLE_RATE_HZ,
  type IonSegment,
  type Scale,
  ionTestLayout,
  ionTrainLayout,
  loadNpy,
  readJson,
  saveNpy,
  withAtomicPath,
  writeJson,
} from '@repro/io';
import { macroF1, perClassF1 } from '@repro/metrics';
import { synthProgress } from '../progress';
import { SynthStopped, type SynthOptions, type SynthSummary } from '../types';
import { decodeSegment } from './bayesDecoder';
import { addDrift, addMains, driftPlan, outlierSigmas, type DriftPlan, type IonFileKind } from './drift';
import { groupChain, occupancyKey, type GroupChain } from './markovModel';
import { Rng } from './rng';
import { ionVariant } from './variants';

export const COMPETITION = 'ion-switching';

/** Level of the signal per open channel and at zero open channels (one recording). */
export const SIGNAL_SCALE = 1.2336;
export const SIGNAL_INTERCEPT = -2.7337;

/** Rows per scale: train is 10 batches, test 10 chunks of rows/20 + 2 of rows/4. */
export const ION_SCALES: Record<Scale, { trainRows: number; testRows: number }> = {
  smoke: { trainRows: 40_000, testRows: 16_000 },
  default: { trainRows: 500_000, testRows: 200_000 },
  kaggle: { trainRows: ION_KAGGLE.trainRows, testRows: ION_KAGGLE.testRows },
};

/**
 * Gaussian noise sigma of one recording, per group. The 10-channel group is
 * two 5-channel recordings: its total sigma is sqrt(2) times this. Tuned so
 * that rounding the cleaned signal gives a train macro F1 near the real
 * data's ~0.92.
 */
export const NOISE_SIGMA_PER_RECORDING = [0.245, 0.245, 0.25, 0.27, 0.27] as const;

/** Extra noise sigma inside the outlier windows. */
export const OUTLIER_SIGMA = 0.8;

/** The truth arrays written next to truth.json. */
export const ION_TRUTH_FILES = {
  trainOpen: 'truth_train_open_channels.npy',
  testOpen: 'truth_test_open_channels.npy',
  trainHidden: 'truth_train_hidden_state.npy',
  testHidden: 'truth_test_hidden_state.npy',
  trainDrift: 'truth_train_drift.npy',
  testDrift: 'truth_test_drift.npy',
  trainMains: 'truth_train_mains.npy',
  testMains: 'truth_test_mains.npy',
  trainBayes: 'truth_train_bayes_open_channels.npy',
  testBayes: 'truth_test_bayes_open_channels.npy',
} as const;

export interface IonGenerateOptions extends SynthOptions {
  /** Run the decoders and compute the figures. @default true */
  figures?: boolean;
  /** Linear drift on test chunks 0,1,4,6,7,8 (see drift.ts). @default true */
  testLinearDrift?: boolean;
  /** Noisy outlier windows in train batches 1 and 8 (1-indexed). @default true */
  outliers?: boolean;
  /** Override the row counts (multiples of 10 / 20). */
  rows?: { trainRows: number; testRows: number };
}

/** Emission mean of each open count 0..channels for a group. */
export function meanOfOpen(group: number): Float64Array {
  const g = ION_GROUPS[group];
  const recordings = g.channels > 5 ? 2 : 1;
  return Float64Array.from({ length: g.channels + 1 }, (_, o) => SIGNAL_SCALE * o + recordings * SIGNAL_INTERCEPT);
}

/** Total noise sigma of a group (all its recordings), given the per-recording sigmas. */
export function groupSigma(group: number, perRecording: readonly number[] = NOISE_SIGMA_PER_RECORDING): number {
  const recordings = ION_GROUPS[group].channels > 5 ? 2 : 1;
  return perRecording[group] * Math.sqrt(recordings);
}

/** Per-recording noise sigmas of a variant: the default ones times `scale`, rounded to 4 decimals. */
export function noiseSigmas(scale: number): readonly number[] {
  return scale === 1 ? NOISE_SIGMA_PER_RECORDING : NOISE_SIGMA_PER_RECORDING.map((s) => Math.round(s * scale * 1e4) / 1e4);
}

/** Rounding baseline: the nearest level of the cleaned signal, clipped to 0..10. */
export function roundingPrediction(clean: number, group: number): number {
  const recordings = ION_GROUPS[group].channels > 5 ? 2 : 1;
  const o = Math.round((clean - recordings * SIGNAL_INTERCEPT) / SIGNAL_SCALE);
  return o < 0 ? 0 : o > ION_MAX_OPEN_CHANNELS ? ION_MAX_OPEN_CHANNELS : o;
}

interface SegmentOut {
  /** Signal as written (rounded to 4 decimals). */
  signal: Float64Array;
  open: Uint8Array;
  drift: Float64Array;
  mains: Float64Array;
  /** Extra outlier sigma per row, or null. */
  outlier: Float64Array | null;
}

/** Simulate one batch/chunk: channels, noise, drift, mains; fills the hidden-state truth. */
function simulateSegment(
  seg: IonSegment,
  file: IonFileKind,
  chain: GroupChain,
  plan: DriftPlan,
  seed: number,
  hidden: Uint16Array,
  sigma: number,
): SegmentOut {
  const rng = new Rng(seed, (file === 'train' ? 1000 : 2000) + seg.index);
  const len = seg.end - seg.start;
  const k = chain.model.states.length;
  const openFlag = chain.model.open;
  const perRec = chain.channelsPerRecording;
  const occ = chain.recordingOccupancy;
  // Dense occupancy-key -> index lookup for one recording.
  const lookup = new Int32Array((perRec + 1) ** k).fill(-1);
  for (const [key, idx] of occ.index) lookup[key] = idx;

  const signal = new Float64Array(len);
  const open = new Uint8Array(len);
  const drift = new Float64Array(len);
  const mains = new Float64Array(len);
  addDrift(plan, file, seg.start, drift);
  addMains(plan, file, seg.start, mains);
  const outlier = outlierSigmas(plan, file, seg.start, len);

  const state = new Int32Array(chain.channels);
  const counts = new Int32Array(k);
  for (let c = 0; c < chain.channels; c++) state[c] = rng.categorical(chain.piCdf, 0, k);
  for (let t = 0; t < len; t++) {
    let total = 0;
    let x = 0;
    for (let r = 0; r < chain.recordings; r++) {
      counts.fill(0);
      let o = 0;
      for (let c = r * perRec; c < (r + 1) * perRec; c++) {
        if (t > 0) state[c] = rng.categorical(chain.cdf, state[c] * k, k);
        counts[state[c]]++;
        o += openFlag[state[c]];
      }
      hidden[(seg.start + t) * 2 + r] = lookup[occupancyKey(counts, 0, k, perRec)];
      total += o;
      x += SIGNAL_SCALE * o + SIGNAL_INTERCEPT + sigma * rng.normal();
    }
    if (outlier && outlier[t] > 0) x += outlier[t] * rng.normal();
    x += drift[t] + mains[t];
    const q = Math.round(x * 1e4) / 1e4;
    signal[t] = q === 0 ? 0 : q; // no "-0.0000"
    open[t] = total;
  }
  return { signal, open, drift, mains, outlier };
}

/** Append rows to a CSV inside an atomic write (renamed into place when complete). */
class CsvStream {
  private buffered: string[] = [];
  constructor(private readonly fh: fs.promises.FileHandle) {}
  /** Queue a line; returns true when it is time to `await flush()`. */
  line(s: string): boolean {
    this.buffered.push(s);
    return this.buffered.length >= 16384;
  }
  async flush(): Promise<void> {
    if (!this.buffered.length) return;
    const text = this.buffered.join('\n') + '\n';
    this.buffered = [];
    await this.fh.write(text);
  }
}

async function streamCsv(file: string, header: string, body: (out: CsvStream) => Promise<void>): Promise<void> {
  await withAtomicPath(file, async (tmp) => {
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.write(header + '\n');
      const out = new CsvStream(fh);
      await body(out);
      await out.flush();
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

interface FileResult {
  open: Uint8Array;
  hidden: Uint16Array;
  drift: Float32Array;
  mains: Float32Array;
  rounding: Uint8Array;
  bayes: Uint8Array;
  group: Uint8Array;
  outlierRows: number;
  decodeSeconds: number;
}

async function generateFile(
  kind: IonFileKind,
  outDir: string,
  segments: IonSegment[],
  nRows: number,
  offsetRows: number,
  chains: GroupChain[],
  plan: DriftPlan,
  seed: number,
  figures: boolean,
  noise: readonly number[],
  log: (l: string) => void,
  onRows: (n: number) => void,
): Promise<FileResult> {
  const res: FileResult = {
    open: new Uint8Array(nRows),
    hidden: new Uint16Array(nRows * 2).fill(0xffff),
    drift: new Float32Array(nRows),
    mains: new Float32Array(nRows),
    rounding: new Uint8Array(nRows),
    bayes: new Uint8Array(nRows),
    group: new Uint8Array(nRows),
    outlierRows: 0,
    decodeSeconds: 0,
  };
  const header = kind === 'train' ? `${ION_COLUMNS.time},${ION_COLUMNS.signal},${ION_COLUMNS.openChannels}` : `${ION_COLUMNS.time},${ION_COLUMNS.signal}`;
  const file = path.join(outDir, kind === 'train' ? ION_FILES.train : ION_FILES.test);
  await streamCsv(file, header, async (out) => {
    for (const seg of segments) {
      const chain = chains[seg.group];
      const s = simulateSegment(seg, kind, chain, plan, seed, res.hidden, noise[seg.group]);
      const len = seg.end - seg.start;
      for (let t = 0; t < len; t++) {
        const row = seg.start + t;
        const time = ((offsetRows + row + 1) / ION_SAMPLE_RATE_HZ).toFixed(4);
        const sig = s.signal[t].toFixed(4);
        if (out.line(kind === 'train' ? `${time},${sig},${s.open[t]}` : `${time},${sig}`)) await out.flush();
      }
      res.open.set(s.open, seg.start);
      res.drift.set(s.drift, seg.start);
      res.mains.set(s.mains, seg.start);
      res.group.fill(seg.group, seg.start, seg.end);
      if (s.outlier) for (let t = 0; t < len; t++) if (s.outlier[t] > 0) res.outlierRows++;
      if (figures) {
        const clean = new Float64Array(len);
        for (let t = 0; t < len; t++) {
          clean[t] = s.signal[t] - s.drift[t] - s.mains[t];
          res.rounding[seg.start + t] = roundingPrediction(clean[t], seg.group);
        }
        const base = groupSigma(seg.group, noise);
        let sigma: number | Float64Array = base;
        if (s.outlier) {
          const o = s.outlier;
          sigma = Float64Array.from(o, (v) => Math.sqrt(base * base + v * v));
        }
        const t0 = Date.now();
        const dec = decodeSegment({ chain, clean, meanOfOpen: meanOfOpen(seg.group), sigma });
        res.decodeSeconds += (Date.now() - t0) / 1000;
        res.bayes.set(dec.map, seg.start);
      }
      log(`  ${kind} ${kind === 'train' ? 'batch' : 'chunk'} ${seg.index} (${ION_GROUPS[seg.group].name}, ${len} rows) done`);
      onRows(len);
    }
  });
  return res;
}

// A resumed build keeps a finished train.csv / test.csv: what the figures and truth arrays need
// from its simulation is saved next to it, in a scratch folder removed when the set is complete.
const RESUME_DIR = '.resume';
const RESUME_ARRAYS = ['open', 'hidden', 'drift', 'mains', 'rounding', 'bayes', 'group'] as const;

function saveFileResult(outDir: string, kind: IonFileKind, r: FileResult): void {
  const d = path.join(outDir, RESUME_DIR);
  for (const k of RESUME_ARRAYS) saveNpy(path.join(d, `${kind}_${k}.npy`), r[k]);
  // Written last: its presence says the arrays are all there.
  writeJson(path.join(d, `${kind}.json`), { outlierRows: r.outlierRows, decodeSeconds: r.decodeSeconds, rows: r.open.length });
}

function loadFileResult(outDir: string, kind: IonFileKind, nRows: number): FileResult | undefined {
  const d = path.join(outDir, RESUME_DIR);
  const meta = path.join(d, `${kind}.json`);
  if (!fs.existsSync(meta)) return undefined;
  const m = readJson<{ outlierRows: number; decodeSeconds: number; rows: number }>(meta);
  if (m.rows !== nRows) return undefined;
  const a = (k: (typeof RESUME_ARRAYS)[number]) => loadNpy(path.join(d, `${kind}_${k}.npy`)).data;
  return {
    open: a('open') as Uint8Array,
    hidden: a('hidden') as Uint16Array,
    drift: a('drift') as Float32Array,
    mains: a('mains') as Float32Array,
    rounding: a('rounding') as Uint8Array,
    bayes: a('bayes') as Uint8Array,
    group: a('group') as Uint8Array,
    outlierRows: m.outlierRows,
    decodeSeconds: m.decodeSeconds,
  };
}

/** Macro F1 over the rows where keep(i), averaged over the labels present in yTrue there (sklearn labels=present). */
function subsetF1(yTrue: Uint8Array, yPred: Uint8Array, keep: (i: number) => boolean): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    if (keep(i)) {
      a.push(yTrue[i]);
      b.push(yPred[i]);
    }
  }
  if (!a.length) return NaN;
  const labels = [...new Set(a)].sort((x, y) => x - y);
  const f1 = perClassF1(a, b, labels).f1;
  return f1.reduce((s, v) => s + v, 0) / f1.length;
}

function classCounts(y: Uint8Array): number[] {
  const c = new Array<number>(ION_MAX_OPEN_CHANNELS + 1).fill(0);
  for (let i = 0; i < y.length; i++) c[y[i]]++;
  return c;
}

/** Generate the data set; returns the summary also written (with the truth details) to truth.json. */
export async function generateIonSwitching(options: IonGenerateOptions): Promise<SynthSummary> {
  const t0 = Date.now();
  const log = options.log ?? (() => {});
  const { outDir, scale, seed } = options;
  const figures = options.figures ?? true;
  const variantName = options.variant ?? 'default';
  const variant = ionVariant(variantName);
  const noise = noiseSigmas(variant.noiseScale);
  const rows = options.rows ?? ION_SCALES[scale];
  if (!rows) throw new RangeError(`ion-switching: unknown scale '${scale}' (expected smoke, default or kaggle)`);
  const train = ionTrainLayout(rows.trainRows);
  const test = ionTestLayout(rows.testRows);
  fs.mkdirSync(outDir, { recursive: true });
  const plan = driftPlan(train, test, new Rng(seed, 1), {
    testLinearDrift: options.testLinearDrift ?? true,
    outliers: options.outliers ?? true,
    outlierSigma: OUTLIER_SIGMA,
    drift: variant.drift,
  });
  const chains = ION_GROUPS.map((g) => groupChain(g.id, g.channels, variant.channelModels[g.id]));
  log(`ion-switching: ${rows.trainRows} train + ${rows.testRows} test rows (scale ${scale}, seed ${seed}${variantName !== 'default' ? `, variant ${variantName}` : ''})`);

  // Kaggle scale takes minutes: a progress bar over the rows (one line per batch at smoke scale).
  const parts: [IonFileKind, IonSegment[], number, number][] = [
    ['train', train, rows.trainRows, 0],
    ['test', test, rows.testRows, rows.trainRows],
  ];
  const done = parts.map(([kind, , nRows]) =>
    options.resume && fs.existsSync(path.join(outDir, kind === 'train' ? ION_FILES.train : ION_FILES.test)) ? loadFileResult(outDir, kind, nRows) : undefined,
  );
  const keptRows = parts.reduce((a, f, i) => a + (done[i] ? f[2] : 0), 0);
  if (keptRows > 0) log(`ion-switching: resuming: keeping ${parts.filter((_, i) => done[i]).map(([k]) => `${k}.csv`).join(' and ')}`);
  const bar = scale === 'smoke' ? null : synthProgress('ion-switching rows', rows.trainRows + rows.testRows, { start: keptRows });
  const results: FileResult[] = [];
  let written = 0;
  try {
    for (const [i, [kind, segments, nRows, offset]] of parts.entries()) {
      let r = done[i];
      if (!r) {
        r = await generateFile(kind, outDir, segments, nRows, offset, chains, plan, seed, figures, noise, bar ? () => undefined : log, (n) => bar?.increment(n));
        saveFileResult(outDir, kind, r);
        written++;
        if (options.stopAfter !== undefined && written >= options.stopAfter && i + 1 < parts.length) {
          throw new SynthStopped(`ion-switching: stopped after ${kind}.csv (--stop-after)`);
        }
      }
      results.push(r);
    }
  } finally {
    bar?.stop();
  }
  const [tr, te] = results;

  // sample_submission.csv: test times, open_channels = 0.
  await streamCsv(path.join(outDir, ION_FILES.sampleSubmission), `${ION_COLUMNS.time},${ION_COLUMNS.openChannels}`, async (out) => {
    for (let i = 0; i < rows.testRows; i++) {
      if (out.line(`${((rows.trainRows + i + 1) / ION_SAMPLE_RATE_HZ).toFixed(4)},0`)) await out.flush();
    }
  });

  const files: string[] = [ION_FILES.train, ION_FILES.test, ION_FILES.sampleSubmission];
  const save = (name: string, data: Uint8Array | Uint16Array | Float32Array, shape?: number[]): void => {
    saveNpy(path.join(outDir, name), data, shape);
    files.push(name);
  };
  save(ION_TRUTH_FILES.trainOpen, tr.open);
  save(ION_TRUTH_FILES.testOpen, te.open);
  save(ION_TRUTH_FILES.trainHidden, tr.hidden, [rows.trainRows, 2]);
  save(ION_TRUTH_FILES.testHidden, te.hidden, [rows.testRows, 2]);
  save(ION_TRUTH_FILES.trainDrift, tr.drift);
  save(ION_TRUTH_FILES.testDrift, te.drift);
  save(ION_TRUTH_FILES.trainMains, tr.mains);
  save(ION_TRUTH_FILES.testMains, te.mains);

  const fig: Record<string, number> = {};
  const perGroup: Record<string, Record<string, number>> = {};
  const perClass: Record<string, number[]> = {};
  if (figures) {
    save(ION_TRUTH_FILES.trainBayes, tr.bayes);
    save(ION_TRUTH_FILES.testBayes, te.bayes);
    fig.roundingMacroF1 = macroF1(tr.open, tr.rounding);
    fig.bayesMacroF1 = macroF1(tr.open, tr.bayes);
    fig.testRoundingMacroF1 = macroF1(te.open, te.rounding);
    fig.testBayesMacroF1 = macroF1(te.open, te.bayes);
    for (const g of ION_GROUPS) {
      const inG = (grp: Uint8Array) => (i: number) => grp[i] === g.id;
      perGroup[g.name] = {
        trainRounding: subsetF1(tr.open, tr.rounding, inG(tr.group)),
        trainBayes: subsetF1(tr.open, tr.bayes, inG(tr.group)),
        testRounding: subsetF1(te.open, te.rounding, inG(te.group)),
        testBayes: subsetF1(te.open, te.bayes, inG(te.group)),
      };
      fig[`bayesMacroF1.${g.name}`] = perGroup[g.name].trainBayes;
      fig[`roundingMacroF1.${g.name}`] = perGroup[g.name].trainRounding;
    }
    fig.decodeSeconds = tr.decodeSeconds + te.decodeSeconds;
    const labels = Array.from({ length: ION_MAX_OPEN_CHANNELS + 1 }, (_, i) => i);
    perClass.trainRounding = Array.from(perClassF1(tr.open, tr.rounding, labels).f1);
    perClass.trainBayes = Array.from(perClassF1(tr.open, tr.bayes, labels).f1);
    perClass.testRounding = Array.from(perClassF1(te.open, te.rounding, labels).f1);
    perClass.testBayes = Array.from(perClassF1(te.open, te.bayes, labels).f1);
  }
  const seconds = (Date.now() - t0) / 1000;
  const summary: SynthSummary = { competition: COMPETITION, scale, seed, variant: variantName, files, figures: fig, seconds };

  const truth = {
    ...summary,
    heldOut: variant.heldOut,
    variantDescription: variant.description,
    generator: 'tools/synth/ion-switching',
    layout: {
      trainRows: rows.trainRows,
      testRows: rows.testRows,
      sampleRateHz: ION_SAMPLE_RATE_HZ,
      trainTimeFirst: (1 / ION_SAMPLE_RATE_HZ).toFixed(4),
      testTimeFirst: ((rows.trainRows + 1) / ION_SAMPLE_RATE_HZ).toFixed(4),
      trainSegments: train.map((s) => ({ ...s, groupName: ION_GROUPS[s.group].name })),
      testSegments: test.map((s) => ({ ...s, groupName: ION_GROUPS[s.group].name })),
    },
    signalModel: {
      formula:
        'signal = sum over recordings r of (scale * open_r + intercept + N(0, noiseSigmaPerRecording^2)) + drift + mains ' +
        '(+ N(0, extraSigma^2) in outlier windows), rounded to 4 decimals; the 10ch group has 2 recordings of 5 channels, the others 1',
      scale: SIGNAL_SCALE,
      intercept: SIGNAL_INTERCEPT,
    },
    groups: ION_GROUPS.map((g) => {
      const c = chains[g.id];
      const k = c.model.states.length;
      const recOcc = c.recordingOccupancy;
      return {
        id: g.id,
        name: g.name,
        channels: g.channels,
        recordings: c.recordings,
        channelsPerRecording: c.channelsPerRecording,
        channelModel: {
          description: c.model.name,
          states: c.model.states,
          open: c.model.open,
          conductance: c.model.open.map((o) => o * SIGNAL_SCALE),
          ratesPerSecond: c.model.rates,
          transitionMatrix: Array.from({ length: k }, (_, i) => Array.from(c.p.subarray(i * k, (i + 1) * k))),
          stationary: Array.from(c.pi),
          openProbability: c.pi.reduce((a, v, j) => a + v * c.model.open[j], 0),
        },
        noiseSigmaPerRecording: noise[g.id],
        noiseSigma: groupSigma(g.id, noise),
        offset: (c.recordings - 1) * SIGNAL_INTERCEPT,
        levelOfOpen: Array.from(meanOfOpen(g.id)),
        hiddenState: {
          description:
            'truth_*_hidden_state.npy [rows, 2] uint16: per recording, the index of its occupancy vector (channels per state) ' +
            'in occupancyStates; column 1 is 65535 unless the group has 2 recordings',
          occupancyStates: Array.from({ length: recOcc.size }, (_, s) => Array.from(recOcc.counts.subarray(s * k, (s + 1) * k))),
        },
        decoder: { states: c.occupancy.size, transitionNonZeros: c.transition.nnz },
      };
    }),
    drifts: plan.drifts,
    mains: plan.mains,
    outliers: { windows: plan.outliers, trainRows: tr.outlierRows },
    classCounts: { train: classCounts(tr.open), test: classCounts(te.open) },
    figuresPerGroup: {
      description: 'macro F1 within each group, over the labels present in that group (so out-of-range predictions count as errors, not as extra labels)',
      ...perGroup,
    },
    figuresPerClass: { description: 'F1 of labels 0..10', ...perClass },
    arrays: {
      [ION_TRUTH_FILES.trainOpen]: 'uint8 [trainRows]: open_channels of train (equal to the train.csv label)',
      [ION_TRUTH_FILES.testOpen]: 'uint8 [testRows]: the hidden test labels',
      [ION_TRUTH_FILES.trainHidden]: 'uint16 [trainRows, 2]: occupancy-state index per recording (see groups[].hiddenState)',
      [ION_TRUTH_FILES.testHidden]: 'uint16 [testRows, 2]: as for train',
      [ION_TRUTH_FILES.trainDrift]: 'float32 [trainRows]: the drift added to each train row',
      [ION_TRUTH_FILES.testDrift]: 'float32 [testRows]: the drift added to each test row',
      [ION_TRUTH_FILES.trainMains]: 'float32 [trainRows]: the 50 Hz mains added to each train row',
      [ION_TRUTH_FILES.testMains]: 'float32 [testRows]: the 50 Hz mains added to each test row',
      ...(figures
        ? {
            [ION_TRUTH_FILES.trainBayes]: 'uint8 [trainRows]: Bayes decoder (true HMM, forward-backward) MAP open count',
            [ION_TRUTH_FILES.testBayes]: 'uint8 [testRows]: the same for test: the ceiling a submission can approach',
          }
        : {}),
    },
    channelModels: variant.channelModels.map((m) => m.name),
  };
  writeJson(path.join(outDir, 'truth.json'), truth);
  fs.rmSync(path.join(outDir, RESUME_DIR), { recursive: true, force: true });
  return summary;
}

/** True when `dir` holds the real Kaggle files: train.csv and test.csv but no truth.json (ours always has one). */
export function realIonFilesPresent(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, ION_FILES.train)) &&
    fs.existsSync(path.join(dir, ION_FILES.test)) &&
    !fs.existsSync(path.join(dir, 'truth.json'))
  );
}
