// The synthetic HMS set at smoke scale, read back through @repro/io's HMS loaders.
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hmsSpectrogram, hmsSpectrogramColumnNames } from '@repro/dsp';
import {
  HMS_EEG_COLUMNS, HMS_TRAIN_COLUMNS, loadNpy, readCsvHeader, readHmsEeg, readHmsSpectrogram, readHmsTest, readHmsTrain, readJson,
  readParquet, readParquetSchema,
} from '@repro/io';
import { main as synthCli } from '../cli';
import { sameFiles } from '../testing';
import { generator } from './index';
import { generateHms, planHms } from './generate';
import { drawBackground, drawPattern, drawStrengthKnots, PAD, synthesizeRecording } from './patterns';
import { Rng } from './rng';
import { recordingSpectrogram } from './spectrogram';

let root: string;
let dir: string;
let summary: Awaited<ReturnType<typeof generator.generate>>;
interface TruthEeg { eeg_id: number; seconds: number; start_in_spectrogram_s: number; spectrogram_id: number; patient_id: number }
let truth: { eegs: TruthEeg[]; test: TruthEeg[]; counts: Record<string, number>; files: string[] };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-synth-'));
  dir = path.join(root, 'full');
  fs.mkdirSync(dir);
  summary = await generator.generate({ outDir: dir, scale: 'smoke', seed: 42, workers: 2 });
  truth = readJson(path.join(dir, 'truth.json'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const md5 = (f: string): string => crypto.createHash('md5').update(fs.readFileSync(f)).digest('hex');

describe('smoke-scale files in the Kaggle layout', () => {
  it('has train.csv with the 15 real columns and the planned counts', async () => {
    expect(await readCsvHeader(path.join(dir, 'train.csv'))).toEqual([...HMS_TRAIN_COLUMNS]);
    const t = await readHmsTrain(dir);
    expect(t.nRows).toBe(60);
    expect(new Set(t.eegId).size).toBe(16);
    expect(new Set(t.patientId).size).toBe(8);
    expect(t.eegId).toBeInstanceOf(Float64Array);
    expect(t.votes.every((v) => Number.isInteger(v))).toBe(true);
    // offsets are multiples of 2 s; spectrogram offsets even and consistent with the EEG's place in the recording
    const byId = new Map(truth.eegs.map((e) => [e.eeg_id, e]));
    for (let i = 0; i < t.nRows; i++) {
      expect(t.eegLabelOffsetSeconds[i] % 2).toBe(0);
      const e = byId.get(t.eegId[i])!;
      expect(t.spectrogramLabelOffsetSeconds[i]).toBe(e.start_in_spectrogram_s + t.eegLabelOffsetSeconds[i] - 275);
      expect(t.spectrogramId[i]).toBe(e.spectrogram_id);
    }
    expect(summary.files).toEqual(expect.arrayContaining(['train.csv', 'test.csv', 'sample_submission.csv', 'train_eegs', 'truth/train_row_probs.npy']));
    expect(summary.files).not.toContain('truth.json');
    for (const f of summary.files) expect(fs.existsSync(path.join(dir, f))).toBe(true);
  });

  it('has an EEG parquet (20 float32 columns, 200 Hz) for every eeg_id, with every label window inside it', async () => {
    const t = await readHmsTrain(dir);
    const seconds = new Map(truth.eegs.map((e) => [e.eeg_id, e.seconds]));
    expect(fs.readdirSync(path.join(dir, 'train_eegs')).length).toBe(16);
    for (const id of new Set(t.eegId)) {
      const file = path.join(dir, 'train_eegs', `${id}.parquet`);
      expect(await readParquetSchema(file)).toEqual([...HMS_EEG_COLUMNS]);
      const raw = await readParquet(file, { columns: ['Fp1', 'EKG'] });
      expect(raw.columns.Fp1).toBeInstanceOf(Float32Array);
      expect(raw.nRows).toBe(seconds.get(id)! * 200);
      expect(seconds.get(id)!).toBeGreaterThan(50);
      for (let i = 0; i < t.nRows; i++) {
        if (t.eegId[i] !== id) continue;
        expect(t.eegLabelOffsetSeconds[i] * 200 + 10000).toBeLessThanOrEqual(raw.nRows);
      }
    }
    const w = await readHmsEeg(dir, 'train', t.eegId[1], { offsetSeconds: t.eegLabelOffsetSeconds[1], seconds: 50 });
    expect(w.nRows).toBe(10000);
  });

  it('has a spectrogram parquet with Kaggle columns and time 1, 3, 5, ... for every spectrogram_id, windows inside', async () => {
    const t = await readHmsTrain(dir);
    for (const id of new Set(t.spectrogramId)) {
      const file = path.join(dir, 'train_spectrograms', `${id}.parquet`);
      expect(await readParquetSchema(file)).toEqual(hmsSpectrogramColumnNames());
      const s = await readHmsSpectrogram(dir, 'train', id);
      expect(s.nFrames).toBeGreaterThanOrEqual(300);
      expect(Array.from(s.time)).toEqual(Array.from({ length: s.nFrames }, (_, j) => 1 + 2 * j));
      for (let i = 0; i < t.nRows; i++) {
        if (t.spectrogramId[i] !== id) continue;
        expect(t.spectrogramLabelOffsetSeconds[i] / 2 + 300).toBeLessThanOrEqual(s.nFrames);
      }
      const raw = await readParquet(file, { columns: ['LL_0.59'] });
      expect(raw.columns['LL_0.59']).toBeInstanceOf(Float32Array);
    }
  });

  it('has test.csv with 50-s test EEGs and 10-min test spectrograms, and a uniform sample submission', async () => {
    const test = await readHmsTest(dir);
    expect(test.nRows).toBe(3);
    for (let i = 0; i < test.nRows; i++) {
      expect((await readHmsEeg(dir, 'test', test.eegId[i])).nRows).toBe(10000);
      expect((await readHmsSpectrogram(dir, 'test', test.spectrogramId[i])).nFrames).toBe(300);
    }
    const sub = fs.readFileSync(path.join(dir, 'sample_submission.csv'), 'utf8').trim().split('\n');
    expect(sub).toHaveLength(4);
    expect(sub[1].split(',').slice(1).map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('keeps the EEG file a part of the spectrogram recording (spectrogram of the file stretch = the spectrogram rows)', async () => {
    // Recompute frames from the EEG file and compare with the spectrogram rows at the same times.
    // The first EEG without a NaN run or a flat channel (those are edited after the spectrogram).
    let e: TruthEeg | undefined;
    let eeg: Awaited<ReturnType<typeof readHmsEeg>> | undefined;
    for (const x of truth.eegs) {
      eeg = await readHmsEeg(dir, 'train', x.eeg_id);
      if (!Object.values(eeg.columns).some((c) => c.some(Number.isNaN) || c.every((v) => v === 0))) {
        e = x;
        break;
      }
    }
    if (!e || !eeg) throw new Error('no clean EEG in the smoke set');
    // Frame j of the spectrogram covers recording samples [400 j, 400 j + 1024) - PAD; pick frames inside the file.
    const spec = await readHmsSpectrogram(dir, 'train', e.spectrogram_id);
    const fileStart = e.start_in_spectrogram_s * 200;
    const j0 = Math.ceil((fileStart + PAD) / 400);
    const from = j0 * 400 - PAD - fileStart;
    const part: Record<string, Float32Array> = {};
    for (const c of HMS_EEG_COLUMNS) part[c] = eeg.columns[c].subarray(from, from + 1024 + 400 * 4);
    const mine = hmsSpectrogram(part);
    for (let j = 0; j < mine.nFrames; j++) {
      for (const k of [0, 37, 150, 399]) {
        const want = spec.data[(j0 + j) * 400 + k];
        expect(Math.abs(mine.data[j * 400 + k] - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want) + 1e-6);
      }
    }
  });
});

describe('truth and figures', () => {
  it('writes per-row and per-EEG true probabilities and the KL figures, floor below the train-mean baseline', () => {
    const rowProbs = loadNpy(path.join(dir, 'truth', 'train_row_probs.npy'));
    expect(rowProbs.shape).toEqual([60, 6]);
    for (let i = 0; i < 60; i++) {
      let s = 0;
      for (let c = 0; c < 6; c++) s += rowProbs.data[i * 6 + c];
      expect(s).toBeCloseTo(1, 9);
    }
    expect(loadNpy(path.join(dir, 'truth', 'train_eeg_probs.npy')).shape).toEqual([16, 6]);
    expect(loadNpy(path.join(dir, 'truth', 'train_eeg_patient_ids.npy')).data.length).toBe(16);
    const f = summary.figures;
    expect(f.floorKL).toBeGreaterThan(0);
    expect(f.floorKL).toBeLessThan(f.trainMeanKL - 0.1);
    expect(f.floorKLHighVotes).toBeLessThan(f.floorKL);
    expect(f.testFloorKL).toBeLessThan(f.testTrainMeanKL);
    expect(truth.counts.eegs).toBe(16);
  });

  it('plans the kaggle scale at the real counts (plan only, no signal)', () => {
    const p = planHms('kaggle', 42);
    expect(p.eegs.length).toBe(17089);
    expect(p.eegs.reduce((a, e) => a + e.offsets.length, 0)).toBe(106800);
    expect(p.recordings.length).toBe(11138);
    expect(new Set(p.eegs.map((e) => e.patientId)).size).toBe(1950);
    expect(new Set(p.eegs.map((e) => e.eegId)).size).toBe(17089);
  });
});

describe('determinism', () => {
  it('writes byte-identical files for the same seed (also when stopping early) and different ones for another seed', async () => {
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    await generateHms({ outDir: a, scale: 'smoke', seed: 42 }, { maxRecordings: 1, maxTestRecordings: 0 });
    await generateHms({ outDir: b, scale: 'smoke', seed: 43 }, { maxRecordings: 1, maxTestRecordings: 0 });
    const plan = planHms('smoke', 42);
    const first = plan.recordings[0];
    const files = [`train_spectrograms/${first.spectrogramId}.parquet`, `train_eegs/${plan.eegs[first.eegs[0]].eegId}.parquet`];
    for (const f of files) expect(md5(path.join(a, f))).toBe(md5(path.join(dir, f)));
    // train.csv of the partial run = the full run's first rows
    const full = fs.readFileSync(path.join(dir, 'train.csv'), 'utf8').split('\n');
    const part = fs.readFileSync(path.join(a, 'train.csv'), 'utf8').trim().split('\n');
    expect(part.slice(0, 1 + plan.eegs[first.eegs[0]].offsets.length)).toEqual(full.slice(0, 1 + plan.eegs[first.eegs[0]].offsets.length));
    expect(md5(path.join(b, 'train.csv'))).not.toBe(md5(path.join(a, 'train.csv')));
    const other = planHms('smoke', 43);
    expect(md5(path.join(b, `train_eegs/${other.eegs[other.recordings[0].eegs[0]].eegId}.parquet`))).not.toBe(md5(path.join(a, files[1])));
  });
});

describe('parallel and resumed builds', () => {
  it('writes the same recordings with 1 worker as with 2', async () => {
    // The first recordings are enough (the CSVs and truth do not depend on the signals, see below).
    const one = path.join(root, 'one-worker');
    await generateHms({ outDir: one, scale: 'smoke', seed: 42, workers: 1 }, { maxRecordings: 4, maxTestRecordings: 1 });
    const parquets = ['train_eegs', 'train_spectrograms', 'test_eegs', 'test_spectrograms'].flatMap((d) =>
      fs.readdirSync(path.join(one, d)).map((f) => `${d}/${f}`),
    );
    expect(parquets.length).toBeGreaterThanOrEqual(4 + 4 + 2);
    for (const f of parquets) expect(md5(path.join(one, f))).toBe(md5(path.join(dir, f)));
  });

  it('resumes an interrupted build (tools/synth/cli.ts) to the same set as an uninterrupted one', async () => {
    const d = path.join(root, 'resumed');
    await expect(synthCli(['hms', '--scale', 'smoke', '--data-dir', d, '--stop-after', '3'])).rejects.toThrow(/stopped after [34] of 13 recordings .*run the same command again to resume/);
    expect(fs.existsSync(d)).toBe(false);
    const partial = `${d}.partial`;
    const kept = fs.readdirSync(path.join(partial, 'train_spectrograms')).length + fs.readdirSync(path.join(partial, 'test_spectrograms')).length;
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(13);
    // As a kill would leave them: a half-written temp file, and the lock of a process that is gone.
    const gone = spawnSync('true').pid; // a process that has exited
    fs.writeFileSync(path.join(partial, 'train_eegs', `.123.parquet.tmp-${gone}-1`), 'half');
    fs.writeFileSync(`${partial}.lock`, JSON.stringify({ pid: gone, host: os.hostname(), since: 'then', command: 'killed' }));
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    try {
      await synthCli(['hms', '--scale', 'smoke', '--data-dir', d]);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/resuming the interrupted build in .*resumed\.partial \(scale smoke, seed 42.*removed 1 half-written temp file/);
    expect(lines.join('\n')).toMatch(new RegExp(`hms: resuming: ${kept} of 13 recordings already written`));
    expect(lines.join('\n')).toMatch(new RegExp(`hms: took over the lock of the partial build from pid ${gone}, started then, which is no longer running`));
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.existsSync(`${partial}.lock`)).toBe(false);
    expect(sameFiles(d, dir)).toEqual([]);
  });
});

describe('spectrogram computation', () => {
  it('lays @repro/dsp hmsSpectrogram out as one float32 column per Kaggle name', () => {
    const rng = new Rng(5);
    const params = drawPattern(rng, 0);
    const rec = synthesizeRecording(rng, 20, drawBackground(rng), [
      { params, start: 0, end: 20, knots: drawStrengthKnots(rng, 1, 20, 10), knotSeconds: 10 },
    ]);
    const fast = recordingSpectrogram(rec.channels, rec.nSamples);
    const ref = hmsSpectrogram(rec.channels);
    expect(fast.nFrames).toBe(ref.nFrames);
    expect(fast.nFrames).toBe(10);
    expect(fast.columns).toHaveLength(400);
    for (const c of [0, 99, 100, 257, 399]) {
      expect(Array.from(fast.columns[c])).toEqual(Array.from({ length: ref.nFrames }, (_, j) => Math.fround(ref.data[j * 400 + c])));
    }
  });
});

describe('generator', () => {
  it('says real files are present only without truth.json', () => {
    const d = path.join(root, 'real');
    fs.mkdirSync(path.join(d, 'train_eegs'), { recursive: true });
    fs.mkdirSync(path.join(d, 'train_spectrograms'), { recursive: true });
    fs.writeFileSync(path.join(d, 'train.csv'), 'x\n');
    expect(generator.realFilesPresent(d)).toBe(true);
    expect(generator.realFilesPresent(dir)).toBe(false);
  });
});
