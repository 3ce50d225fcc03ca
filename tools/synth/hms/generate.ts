// The synthetic HMS data set in Kaggle's layout (see libs/io/src/kaggle/hmsFiles.ts), streamed
// one recording at a time:
//
//   recording (one per spectrogram_id, >= 10 min, one patient, 1 or 2 EEGs)
//     |- train_spectrograms/{spectrogram_id}.parquet   Kaggle-style spectrogram of the whole recording
//     |- train_eegs/{eeg_id}.parquet                   a 60..180 s stretch of the same signal
//           (+ NaN runs, sometimes a flat channel), several labelled 50-s windows
//
// Time layout: recording time 0 is the spectrogram's start (its rows have time = 1, 3, 5, ...;
// row j is computed from recording seconds [2j - 1.56, 2j + 3.56), i.e. centred on time[j]).
// An EEG file starts at recording second s0 (odd); its window at eeg_label_offset_seconds `off`
// (even) is recording seconds [s0 + off, s0 + off + 50), and the spectrogram window centred on it
// starts at spectrogram_label_offset_seconds = s0 + off - 275 (even, >= 0): 300 rows from
// offset / 2, ending inside the spectrogram.
import * as fs from 'fs';
import * as path from 'path';
import { HMS_CLASSES, HMS_EEG_COLUMNS, HMS_SPECTROGRAM_FREQ_COLUMNS, HMS_VOTE_COLUMNS, saveNpy, writeCsv, writeJson, writeParquet } from '@repro/io';
import type { Scale } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import { synthProgress } from '../progress';
import { SynthStopped, type SynthOptions, type SynthSummary } from '../types';
import { defaultSynthWorkers, runRecordingJobs, type RecordingJob } from './parallel';
import {
  drawBackground, drawPattern, drawStrengthKnots, Episode, FS, meanStrength, PAD, PatternParams, synthesizeRecording,
} from './patterns';
import { Rng } from './rng';
import { recordingSpectrogram } from './spectrogram';
import { CLASS_PRIOR, consensus, drawAnnotatorCount, drawEegVotes, HIGH_SHARE, trueProbabilities } from './votes';
import { hmsVariant, shapeBackground, shapePattern, type HmsVariant } from './variants';

export interface ScaleSpec {
  patients: number;
  eegs: number;
  rows: number;
  spectrograms: number;
  testEegs: number;
  /** Longest EEG file: 50 + 2 * (maxPositions - 1) + 1 seconds. */
  maxPositions: number;
}

export const SCALE_SPECS: Record<Scale, ScaleSpec> = {
  smoke: { patients: 8, eegs: 16, rows: 60, spectrograms: 9, testEegs: 3, maxPositions: 16 },
  default: { patients: 60, eegs: 300, rows: 1500, spectrograms: 196, testEegs: 20, maxPositions: 66 },
  // The real train set; the real downloadable test.csv has a single row.
  kaggle: { patients: 1950, eegs: 17089, rows: 106800, spectrograms: 11138, testEegs: 1, maxPositions: 66 },
};

/** Most labelled windows one EEG gets (the real tail is longer; capped to bound file length). */
const MAX_ROWS_PER_EEG = 60;
/** Seconds from a window's start to its 10-min spectrogram window's start: 25 - 300. */
const SPEC_LEAD = 275;

export interface EegPlan {
  index: number;
  eegId: number;
  patientId: number;
  recording: number;
  cls: number;
  params: PatternParams;
  strength: number;
  high: boolean;
  /** File length (s) and start in the recording (s, odd). */
  seconds: number;
  start: number;
  offsets: number[];
  jitter: Float64Array;
  episode: Episode;
}

export interface RecordingPlan {
  index: number;
  spectrogramId: number;
  patientId: number;
  seconds: number;
  eegs: number[];
  split: 'train' | 'test';
}

export interface HmsPlan {
  spec: ScaleSpec;
  eegs: EegPlan[];
  recordings: RecordingPlan[];
  test: EegPlan[];
  testRecordings: RecordingPlan[];
}

function uniqueIds(rng: Rng, n: number, lo: number, hi: number, used: Set<number>): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const v = lo + Math.floor(rng.next() * (hi - lo + 1));
    if (used.has(v)) continue;
    used.add(v);
    out.push(v);
  }
  return out;
}

/** Split `total` into `k` parts >= 1 proportional to lognormal weights (largest remainder), capped at `cap`. */
function splitCounts(rng: Rng, total: number, k: number, sigma: number, cap: number): number[] {
  const w = Array.from({ length: k }, () => Math.exp(sigma * rng.normal()));
  const W = w.reduce((a, b) => a + b, 0);
  const extra = total - k;
  const exact = w.map((x) => (extra * x) / W);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % k) {
    counts[order[j][1]]++;
    left--;
  }
  // Cap, handing the overflow to random parts with room.
  let overflow = 0;
  for (let i = 0; i < k; i++) {
    if (counts[i] > cap) {
      overflow += counts[i] - cap;
      counts[i] = cap;
    }
  }
  while (overflow > 0) {
    const i = rng.intBetween(0, k - 1);
    if (counts[i] < cap) {
      counts[i]++;
      overflow--;
    }
  }
  return counts;
}

function drawEeg(
  seed: number,
  index: number,
  eegId: number,
  patientId: number,
  nRows: number,
  spec: ScaleSpec,
  test: boolean,
  variant: HmsVariant,
): EegPlan {
  const rng = new Rng(seed, 4, test ? 1 : 0, index);
  const cls = rng.weighted(CLASS_PRIOR);
  const params = shapePattern(drawPattern(rng, cls), variant);
  // 70% clear patterns, 30% weak ones (ambiguous votes).
  const strength = rng.bool(0.7) ? rng.uniform(0.45, 1) : rng.uniform(0.08, 0.45);
  const high = test ? true : rng.bool(variant.votes?.highShare ?? HIGH_SHARE);
  let seconds: number;
  let offsets: number[];
  if (test) {
    seconds = 50;
    offsets = [0];
  } else {
    const u = rng.next();
    const positions = Math.max(nRows, 6 + Math.floor((spec.maxPositions - 6) * u * u));
    seconds = 50 + 2 * (positions - 1) + rng.intBetween(0, 1);
    // Offset 0 always labelled (as in most real EEGs), the others a random subset of the positions.
    const rest = Array.from({ length: positions - 1 }, (_, i) => 2 * (i + 1));
    rng.shuffle(rest);
    offsets = [0, ...rest.slice(0, nRows - 1).sort((a, b) => a - b)];
  }
  const jitter = rng.dirichlet([1, 1, 1, 1, 1, 1]);
  const episode: Episode = { params, start: 0, end: 0, knots: new Float64Array(0), knotSeconds: 10 };
  return { index, eegId, patientId, recording: -1, cls, params, strength, high, seconds, start: 0, offsets, jitter, episode };
}

/** Lay the EEGs of one recording out in time and set their episodes; returns the recording length (even). */
function layoutRecording(rng: Rng, eegs: EegPlan[], test: boolean): number {
  let t = test ? SPEC_LEAD : SPEC_LEAD + 2 * rng.intBetween(0, 10);
  for (const e of eegs) {
    e.start = t; // odd: 275 + even
    t += e.seconds;
    // Next EEG's start: a gap of 30..400 s, keeping the start odd.
    const next = t + rng.intBetween(30, 200);
    t = next % 2 === 1 ? next : next + 1;
  }
  const last = eegs[eegs.length - 1];
  const lastEnd = last.start + last.seconds;
  let seconds = test ? 600 : lastEnd + SPEC_LEAD + 2 * rng.intBetween(0, 10);
  if (seconds % 2) seconds++;
  // Episodes: the pattern from 20..240 s before the file to 20..240 s after, not overlapping a neighbour's.
  eegs.forEach((e, i) => {
    let start = e.start - rng.uniform(20, 240);
    let end = e.start + e.seconds + rng.uniform(20, 240);
    if (i > 0) {
      const prev = eegs[i - 1];
      start = Math.max(start, (prev.start + prev.seconds + e.start) / 2);
    }
    if (i + 1 < eegs.length) end = Math.min(end, (e.start + e.seconds + eegs[i + 1].start) / 2);
    start = Math.max(0, start);
    end = Math.min(seconds, end);
    e.episode = { params: e.params, start, end, knotSeconds: 10, knots: drawStrengthKnots(rng, e.strength, end - start, 10) };
  });
  return seconds;
}

/** The whole plan (ids, layout, patterns): cheap, no signal. Deterministic in the seed. */
export function planHms(scale: Scale, seed: number, variantName?: string): HmsPlan {
  const variant = hmsVariant(variantName);
  const spec = SCALE_SPECS[scale];
  const rng = new Rng(seed, 1);
  const usedEeg = new Set<number>();
  const usedSpec = new Set<number>();
  const usedPatient = new Set<number>();
  // Real id ranges: eeg_id 568657..4294958358, spectrogram_id 353733..2147388374, patient_id 56..65494.
  const patientIds = uniqueIds(rng, spec.patients + spec.testEegs, 56, 65494, usedPatient);
  const eegIds = uniqueIds(rng, spec.eegs + spec.testEegs, 568657, 4294958358, usedEeg);
  const eegsPerPatient = splitCounts(rng, spec.eegs, spec.patients, 1.0, spec.eegs);
  const rowsPerEeg = splitCounts(rng, spec.rows, spec.eegs, 0.9, MAX_ROWS_PER_EEG);

  // Pair EEGs of the same patient into shared recordings until the spectrogram count is reached.
  let pairsNeeded = spec.eegs - spec.spectrograms;
  const groups: number[][] = [];
  let next = 0;
  const patientOfEeg: number[] = [];
  const perPatient: number[][] = eegsPerPatient.map((m, p) => {
    const ids = Array.from({ length: m }, () => next++);
    for (const _ of ids) patientOfEeg.push(p);
    return ids;
  });
  const capacity = perPatient.reduce((a, l) => a + Math.floor(l.length / 2), 0);
  const pairShare = capacity > 0 ? Math.min(1, pairsNeeded / capacity) : 0;
  for (const list of perPatient) {
    let i = 0;
    while (i < list.length) {
      if (i + 1 < list.length && pairsNeeded > 0 && rng.bool(pairShare)) {
        groups.push([list[i], list[i + 1]]);
        pairsNeeded--;
        i += 2;
      } else {
        groups.push([list[i]]);
        i++;
      }
    }
  }
  // Top up (rare): merge remaining singles of the same patient.
  for (let g = 0; g < groups.length && pairsNeeded > 0; g++) {
    if (groups[g].length !== 1) continue;
    const h = groups.findIndex((x, j) => j > g && x.length === 1 && patientOfEeg[x[0]] === patientOfEeg[groups[g][0]]);
    if (h < 0) continue;
    groups[g].push(groups[h][0]);
    groups.splice(h, 1);
    pairsNeeded--;
  }
  const specIds = uniqueIds(rng, groups.length + spec.testEegs, 353733, 2147388374, usedSpec);

  const eegs: EegPlan[] = [];
  for (let i = 0; i < spec.eegs; i++) {
    eegs.push(drawEeg(seed, i, eegIds[i], patientIds[patientOfEeg[i]], rowsPerEeg[i], spec, false, variant));
  }
  const recordings: RecordingPlan[] = groups.map((g, r) => {
    const members = g.map((i) => eegs[i]);
    members.forEach((e) => (e.recording = r));
    const seconds = layoutRecording(new Rng(seed, 6, r), members, false);
    return { index: r, spectrogramId: specIds[r], patientId: members[0].patientId, seconds, eegs: g, split: 'train' as const };
  });
  const test: EegPlan[] = [];
  const testRecordings: RecordingPlan[] = [];
  for (let i = 0; i < spec.testEegs; i++) {
    const e = drawEeg(seed, i, eegIds[spec.eegs + i], patientIds[spec.patients + i], 1, spec, true, variant);
    e.recording = i;
    const seconds = layoutRecording(new Rng(seed, 7, i), [e], true);
    test.push(e);
    testRecordings.push({ index: i, spectrogramId: specIds[groups.length + i], patientId: e.patientId, seconds, eegs: [i], split: 'test' });
  }
  return { spec, eegs, recordings, test, testRecordings };
}

// ---------------------------------------------------------------------------------------------

/** The files of one recording: its spectrogram parquet, then one EEG parquet per member. */
export function recordingFiles(outDir: string, rec: RecordingPlan, members: readonly EegPlan[]): string[] {
  return [
    path.join(outDir, `${rec.split}_spectrograms`, `${rec.spectrogramId}.parquet`),
    ...members.map((e) => path.join(outDir, `${rec.split}_eegs`, `${e.eegId}.parquet`)),
  ];
}

/** Write one recording's spectrogram and EEG files; returns bytes written. */
export async function writeRecording(outDir: string, seed: number, rec: RecordingPlan, members: EegPlan[], variantName?: string): Promise<number> {
  const variant = hmsVariant(variantName);
  const split = rec.split;
  const rng = new Rng(seed, split === 'train' ? 2 : 8, rec.index);
  const recording = synthesizeRecording(rng, rec.seconds, shapeBackground(drawBackground(rng), variant), members.map((e) => e.episode));
  const sp = recordingSpectrogram(recording.channels, recording.nSamples);
  if (sp.nFrames !== rec.seconds / 2) throw new Error(`internal: ${sp.nFrames} spectrogram frames for ${rec.seconds} s`);
  const cols: Record<string, Float32Array> = { time: Float32Array.from({ length: sp.nFrames }, (_, j) => 1 + 2 * j) };
  // Occasionally a few all-NaN spectrogram rows, as in the real files.
  if (rng.bool(0.05)) {
    const a = rng.intBetween(0, sp.nFrames - 4);
    const len = rng.intBetween(1, 3);
    for (const c of sp.columns) c.fill(NaN, a, a + len);
  }
  HMS_SPECTROGRAM_FREQ_COLUMNS.forEach((name, k) => (cols[name] = sp.columns[k]));
  const specFile = path.join(outDir, `${split}_spectrograms`, `${rec.spectrogramId}.parquet`);
  await writeParquet(specFile, cols);
  let bytes = fs.statSync(specFile).size;
  for (const e of members) {
    const r = new Rng(seed, 5, split === 'train' ? 0 : 1, e.index);
    const i0 = PAD + e.start * FS;
    const i1 = i0 + e.seconds * FS;
    const eeg: Record<string, Float32Array> = {};
    for (const c of HMS_EEG_COLUMNS) eeg[c] = recording.channels[c].slice(i0, i1);
    const n = i1 - i0;
    // NaN runs (all channels, 0.5..10 s) in ~10% of files; a flat electrode in ~5%.
    if (r.bool(variant.artefacts?.nanRunShare ?? 0.1)) {
      const len = Math.min(n, Math.round(r.uniform(0.5, 10) * FS));
      const a = r.intBetween(0, n - len);
      for (const c of HMS_EEG_COLUMNS) eeg[c].fill(NaN, a, a + len);
    }
    if (r.bool(variant.artefacts?.flatShare ?? 0.05)) eeg[HMS_EEG_COLUMNS[r.intBetween(0, 18)]].fill(0);
    const file = path.join(outDir, `${split}_eegs`, `${e.eegId}.parquet`);
    await writeParquet(file, eeg);
    bytes += fs.statSync(file).size;
  }
  return bytes;
}

export interface HmsGenerateExtras {
  /** Stop after this many train recordings (timing a part of the kaggle scale); CSVs cover only those. */
  maxRecordings?: number;
  /** Likewise for the test recordings. */
  maxTestRecordings?: number;
}

function kl(solution: Float64Array, submission: Float64Array): number {
  return solution.length ? klDivergenceScore(solution, submission, 6) : NaN;
}

/** Generate the data set into options.outDir; see the header comment for the layout. */
export async function generateHms(options: SynthOptions, extras: HmsGenerateExtras = {}): Promise<SynthSummary & Record<string, unknown>> {
  const t0 = Date.now();
  const { outDir, scale, seed } = options;
  const log = options.log ?? (() => undefined);
  const variantName = options.variant ?? 'default';
  const variant = hmsVariant(variantName);
  const clarityLine = variant.votes?.clarity;
  const plan = planHms(scale, seed, variantName);
  const recs = extras.maxRecordings === undefined ? plan.recordings : plan.recordings.slice(0, extras.maxRecordings);
  for (const d of ['train_eegs', 'train_spectrograms', 'test_eegs', 'test_spectrograms', 'truth']) fs.mkdirSync(path.join(outDir, d), { recursive: true });

  const testRecs = extras.maxTestRecordings === undefined ? plan.testRecordings : plan.testRecordings.slice(0, extras.maxTestRecordings);
  const testEegs = testRecs.map((r) => plan.test[r.eegs[0]]);
  const workers = Math.max(1, Math.floor(options.workers ?? defaultSynthWorkers()));
  const nEegs = recs.reduce((a, r) => a + r.eegs.length, 0);
  log(
    `hms: ${scale} scale, seed ${seed}${variantName !== 'default' ? `, variant ${variantName}` : ''}: ${recs.length} recordings, ${nEegs} train EEGs, ${testRecs.length} test EEGs` +
      (workers > 1 ? `; ${workers} worker threads` : ''),
  );

  // Recordings, each with its own seeded streams: independent of each other, so they are written
  // in parallel, and on a resumed build the ones whose files are all there (complete: every file is
  // renamed into place when whole) are kept. Nothing below depends on the signals.
  const jobs: RecordingJob[] = [
    ...recs.map((rec) => ({ outDir, seed, rec, members: rec.eegs.map((i) => plan.eegs[i]), variant: variantName })),
    ...testRecs.map((rec) => ({ outDir, seed, rec, members: [plan.test[rec.eegs[0]]], variant: variantName })),
  ];
  const complete = (j: RecordingJob): boolean => recordingFiles(outDir, j.rec, j.members).every((f) => fs.existsSync(f));
  const todo = options.resume ? jobs.filter((j) => !complete(j)) : jobs;
  if (todo.length < jobs.length) log(`hms: resuming: ${jobs.length - todo.length} of ${jobs.length} recordings already written, ${todo.length} to write`);
  const bar = scale === 'smoke' ? null : synthProgress('hms recordings', jobs.length, { start: jobs.length - todo.length });
  let writtenNow = 0;
  const stopAt = options.stopAfter;
  try {
    await runRecordingJobs(
      todo,
      workers,
      (j) => writeRecording(j.outDir, j.seed, j.rec, j.members, j.variant),
      () => {
        writtenNow++;
        bar?.increment();
      },
      () => stopAt !== undefined && writtenNow >= stopAt,
    );
  } finally {
    bar?.stop();
  }
  if (writtenNow < todo.length) throw new SynthStopped(`hms: stopped after ${writtenNow} of ${todo.length} recordings (--stop-after)`);
  let bytes = 0;
  for (const j of jobs) for (const f of recordingFiles(outDir, j.rec, j.members)) bytes += fs.statSync(f).size;

  // ---- labels: one row per labelled window, grouped by recording then EEG.
  const rows: { e: EegPlan; sub: number; off: number; specOff: number; specSub: number; p: Float64Array; s: number; votes: Int32Array }[] = [];
  const eegsUsed: EegPlan[] = [];
  for (const rec of recs) {
    let specSub = 0;
    for (const i of rec.eegs) {
      const e = plan.eegs[i];
      eegsUsed.push(e);
      const strengths = e.offsets.map((off) => meanStrength(e.episode, e.start + off, e.start + off + 50));
      const probs = strengths.map((s) => trueProbabilities(e.cls, s, e.jitter, clarityLine));
      const votes = drawEegVotes(new Rng(seed, 3, e.index), e.high, probs, variant.votes?.copyProb);
      e.offsets.forEach((off, sub) => {
        rows.push({ e, sub, off, specOff: e.start + off - SPEC_LEAD, specSub: specSub++, p: probs[sub], s: strengths[sub], votes: votes[sub] });
      });
    }
  }
  const labelIds = uniqueIds(new Rng(seed, 9), rows.length, 338, 4294815244, new Set());
  const nR = rows.length;
  const col = <T>(f: (r: (typeof rows)[number], i: number) => T): T[] => rows.map(f);
  await writeCsv(path.join(outDir, 'train.csv'), [
    { name: 'eeg_id', values: col((r) => r.e.eegId), format: 'int' },
    { name: 'eeg_sub_id', values: col((r) => r.sub), format: 'int' },
    { name: 'eeg_label_offset_seconds', values: col((r) => r.off), format: { fixed: 1 } },
    { name: 'spectrogram_id', values: col((r) => plan.recordings[r.e.recording].spectrogramId), format: 'int' },
    { name: 'spectrogram_sub_id', values: col((r) => r.specSub), format: 'int' },
    { name: 'spectrogram_label_offset_seconds', values: col((r) => r.specOff), format: { fixed: 1 } },
    { name: 'label_id', values: labelIds, format: 'int' },
    { name: 'patient_id', values: col((r) => r.e.patientId), format: 'int' },
    { name: 'expert_consensus', values: col((r) => HMS_CLASSES[consensus(r.votes)]) },
    ...HMS_VOTE_COLUMNS.map((name, k) => ({ name, values: col((r) => r.votes[k]), format: 'int' as const })),
  ]);
  await writeCsv(path.join(outDir, 'test.csv'), [
    { name: 'spectrogram_id', values: testRecs.map((r) => r.spectrogramId), format: 'int' },
    { name: 'eeg_id', values: testEegs.map((e) => e.eegId), format: 'int' },
    { name: 'patient_id', values: testEegs.map((e) => e.patientId), format: 'int' },
  ]);
  // Like the real sample_submission: every class 1/6.
  await writeCsv(path.join(outDir, 'sample_submission.csv'), [
    { name: 'eeg_id', values: testEegs.map((e) => e.eegId), format: 'int' },
    ...HMS_VOTE_COLUMNS.map((name) => ({ name, values: testEegs.map(() => 1 / 6) })),
  ]);

  // ---- truth arrays
  const rowProbs = new Float64Array(nR * 6);
  const rowVotes = new Int32Array(nR * 6);
  const rowStrength = new Float32Array(nR);
  rows.forEach((r, i) => {
    rowProbs.set(r.p, i * 6);
    rowVotes.set(r.votes, i * 6);
    rowStrength[i] = r.s;
  });
  // Per EEG (seed 002's targets): votes summed over the EEG's rows, normalised; the true
  // counterpart is the vote-count-weighted mean of the rows' true probabilities.
  const nE = eegsUsed.length;
  const eegObs = new Float64Array(nE * 6);
  const eegTrue = new Float64Array(nE * 6);
  const eegHigh: boolean[] = [];
  {
    let i = 0;
    eegsUsed.forEach((e, k) => {
      let tot = 0;
      let allHigh = true;
      for (let s = 0; s < e.offsets.length; s++, i++) {
        const v = rows[i].votes;
        let n = 0;
        for (let c = 0; c < 6; c++) n += v[c];
        for (let c = 0; c < 6; c++) {
          eegObs[k * 6 + c] += v[c];
          eegTrue[k * 6 + c] += n * rows[i].p[c];
        }
        tot += n;
        if (n < 10) allHigh = false;
      }
      for (let c = 0; c < 6; c++) {
        eegObs[k * 6 + c] /= tot;
        eegTrue[k * 6 + c] /= tot;
      }
      eegHigh.push(allHigh);
    });
  }
  const mean = new Float64Array(6);
  for (let k = 0; k < nE; k++) for (let c = 0; c < 6; c++) mean[c] += eegObs[k * 6 + c] / nE;
  const msum = mean.reduce((a, b) => a + b, 0);
  for (let c = 0; c < 6; c++) mean[c] /= msum;
  const tile = (m: number): Float64Array => {
    const a = new Float64Array(m * 6);
    for (let i = 0; i < m; i++) a.set(mean, i * 6);
    return a;
  };
  const pick = (a: Float64Array, keep: boolean[]): Float64Array => {
    const out: number[] = [];
    keep.forEach((k, i) => {
      if (k) for (let c = 0; c < 6; c++) out.push(a[i * 6 + c]);
    });
    return Float64Array.from(out);
  };
  const obsHigh = pick(eegObs, eegHigh);
  const rowObs = new Float64Array(nR * 6);
  rows.forEach((r, i) => {
    let n = 0;
    for (let c = 0; c < 6; c++) n += r.votes[c];
    for (let c = 0; c < 6; c++) rowObs[i * 6 + c] = r.votes[c] / n;
  });
  // Test: hidden votes from the many-annotator population around each window's true probabilities.
  const nT = testEegs.length;
  const testProbs = new Float64Array(nT * 6);
  const testVotes = new Int32Array(nT * 6);
  const testObs = new Float64Array(nT * 6);
  const testStrength = new Float32Array(nT);
  testEegs.forEach((e, i) => {
    const s = meanStrength(e.episode, e.start, e.start + 50);
    const p = trueProbabilities(e.cls, s, e.jitter, clarityLine);
    const r = new Rng(seed, 10, i);
    const v = r.multinomial(drawAnnotatorCount(r, true), p);
    testProbs.set(p, i * 6);
    testVotes.set(v, i * 6);
    testStrength[i] = s;
    const n = v.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 6; c++) testObs[i * 6 + c] = v[c] / n;
  });

  const figures: Record<string, number> = {
    floorKL: kl(eegObs, eegTrue),
    trainMeanKL: kl(eegObs, tile(nE)),
    floorKLHighVotes: kl(obsHigh, pick(eegTrue, eegHigh)),
    trainMeanKLHighVotes: kl(obsHigh, tile(obsHigh.length / 6)),
    floorKLRows: kl(rowObs, rowProbs),
    testFloorKL: kl(testObs, testProbs),
    testTrainMeanKL: kl(testObs, tile(nT)),
  };

  const T = (f: string): string => path.join(outDir, 'truth', f);
  saveNpy(T('train_row_probs.npy'), rowProbs, [nR, 6]);
  saveNpy(T('train_row_votes.npy'), rowVotes, [nR, 6]);
  saveNpy(T('train_row_strength.npy'), rowStrength, [nR]);
  saveNpy(T('train_eeg_ids.npy'), Float64Array.from(eegsUsed, (e) => e.eegId), [nE]);
  saveNpy(T('train_eeg_probs.npy'), eegTrue, [nE, 6]);
  saveNpy(T('train_eeg_targets.npy'), eegObs, [nE, 6]);
  saveNpy(T('train_eeg_class.npy'), Int32Array.from(eegsUsed, (e) => e.cls), [nE]);
  saveNpy(T('train_eeg_strength.npy'), Float32Array.from(eegsUsed, (e) => e.strength), [nE]);
  saveNpy(T('train_eeg_patient_ids.npy'), Int32Array.from(eegsUsed, (e) => e.patientId), [nE]);
  saveNpy(T('test_eeg_ids.npy'), Float64Array.from(testEegs, (e) => e.eegId), [nT]);
  saveNpy(T('test_probs.npy'), testProbs, [nT, 6]);
  saveNpy(T('test_votes.npy'), testVotes, [nT, 6]);
  saveNpy(T('test_strength.npy'), testStrength, [nT]);
  saveNpy(T('test_class.npy'), Int32Array.from(testEegs, (e) => e.cls), [nT]);

  const files = [
    'train.csv', 'test.csv', 'sample_submission.csv',
    'train_eegs', 'train_spectrograms', 'test_eegs', 'test_spectrograms',
    ...fs.readdirSync(path.join(outDir, 'truth')).sort().map((f) => `truth/${f}`),
  ];
  const seconds = (Date.now() - t0) / 1000;
  const describeEeg = (e: EegPlan, recsOf: RecordingPlan[]) => ({
    eeg_id: e.eegId,
    patient_id: e.patientId,
    spectrogram_id: recsOf[e.recording].spectrogramId,
    pattern: HMS_CLASSES[e.cls],
    class: e.cls,
    strength: round(e.strength),
    side: e.params.side === 0 ? 'both' : e.params.side < 0 ? 'left' : 'right',
    freq_hz: round(e.params.freq),
    amplitude_uv: round(e.params.amplitude),
    seconds: e.seconds,
    start_in_spectrogram_s: e.start,
    pattern_span_s: [round(e.episode.start), round(e.episode.end)],
    many_annotators: e.high,
  });
  const summary: SynthSummary = { competition: 'hms', scale, seed, variant: variantName, files, figures, seconds };
  const counts = {
    patients: new Set(eegsUsed.map((e) => e.patientId)).size,
    eegs: nE,
    rows: nR,
    spectrograms: recs.length,
    testEegs: nT,
    bytes,
    expertConsensus: Object.fromEntries(HMS_CLASSES.map((c, k) => [c, rows.filter((r) => consensus(r.votes) === k).length])),
  };
  const truth = {
    ...summary,
    heldOut: variant.heldOut,
    variantDescription: variant.description,
    variantParams: { pattern: variant.pattern ?? null, artefacts: variant.artefacts ?? null, votes: variant.votes ?? null },
    counts,
    notes: {
      files:
        'train_eegs/, train_spectrograms/, test_eegs/, test_spectrograms/ are listed as directories (one parquet per eeg_id / spectrogram_id); ' +
        'truth/*.npy hold the arrays described here; truth.json itself is not listed.',
      layout:
        'Each spectrogram_id is one recording (>= 10 min) holding 1 or 2 EEG files of the same patient; EEG file k covers recording seconds ' +
        '[start_in_spectrogram_s, + seconds); window sub_id at eeg_label_offset_seconds o is recording seconds [start + o, start + o + 50), and ' +
        'spectrogram_label_offset_seconds = start + o - 275, so the 10-min spectrogram window (300 rows from offset / 2) is centred on it. ' +
        'Spectrogram row j (time = 1 + 2j) is computed from recording seconds [2j - 1.56, 2j + 3.56).',
      votes:
        'Each row\'s true probabilities: clarity(s) = clip(0.1 + 0.85 s, 0.1, 0.95) on the true pattern, the rest as 0.8 * confusion row + ' +
        '0.2 * a per-EEG Dirichlet(1) jitter, s = mean pattern strength over the 50-s window. Annotators per EEG: 1..7 (65%) or 10..28 (35%); ' +
        'a row copies the previous row\'s votes with probability 0.6. expert_consensus = argmax of the votes, ties to the first class in ' +
        'Seizure, LPD, GPD, LRDA, GRDA, Other order. (The default variant\'s values; a variant\'s changes are in variantParams.)',
      figures:
        'floorKL: per eeg_id (votes summed over its rows, normalised, as seed 002 builds targets) KL of those targets vs the true ' +
        'probabilities (vote-weighted mean of the rows\'); trainMeanKL: the same targets vs their column means (seed 002\'s baseline, in-sample); ' +
        '*HighVotes: eeg_ids whose every row has >= 10 votes; floorKLRows: per train.csv row; test*: the hidden test votes (10..28 annotators).',
      truthArrays: {
        'train_row_probs.npy': 'float64 [rows, 6] true probabilities per train.csv row (row order)',
        'train_row_votes.npy': 'int32 [rows, 6] the votes written to train.csv',
        'train_row_strength.npy': 'float32 [rows] mean pattern strength in the row\'s 50-s window',
        'train_eeg_ids.npy': 'float64 [eegs] eeg_id order of the per-EEG arrays (= order of `eegs` below)',
        'train_eeg_probs.npy': 'float64 [eegs, 6] true per-EEG probabilities (vote-weighted mean of its rows)',
        'train_eeg_targets.npy': 'float64 [eegs, 6] per-EEG observed targets (summed votes, normalised)',
        'train_eeg_class.npy': 'int32 [eegs] true pattern (0 Seizure .. 5 Other)',
        'train_eeg_strength.npy': 'float32 [eegs] base pattern strength',
        'train_eeg_patient_ids.npy': 'int32 [eegs]',
        'test_*.npy': 'per test.csv row: eeg ids, true probabilities, hidden votes, strength, class',
      },
    },
    eegs: eegsUsed.map((e) => describeEeg(e, plan.recordings)),
    test: testEegs.map((e) => describeEeg(e, plan.testRecordings)),
  };
  writeJson(path.join(outDir, 'truth.json'), truth);
  log(`hms: ${nE} EEGs, ${nR} rows, ${recs.length} spectrograms, ${(bytes / 1e6).toFixed(1)} MB of parquet in ${seconds.toFixed(1)} s`);
  return { ...summary, counts };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
