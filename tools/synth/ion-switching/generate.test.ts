import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ION_FILES,
  ION_KAGGLE,
  ionTestLayout,
  ionTrainLayout,
  loadNpy,
  readCsvHeader,
  readIonSwitchingTest,
  readIonSwitchingTrain,
  readJson,
} from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { SynthSummary } from '../types';
import { generator, ION_SCALES, ION_TRUTH_FILES, generateIonSwitching } from './index';

let root: string;
let dir: string;
let summary: SynthSummary;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-synth-'));
  dir = path.join(root, 'seed42');
  summary = await generator.generate({ outDir: dir, scale: 'smoke', seed: 42 });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('ion-switching generator (smoke)', () => {
  it('writes the real file layout: names, headers, row counts', async () => {
    for (const f of [ION_FILES.train, ION_FILES.test, ION_FILES.sampleSubmission, 'truth.json']) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
    }
    expect(await readCsvHeader(path.join(dir, ION_FILES.train))).toEqual(['time', 'signal', 'open_channels']);
    expect(await readCsvHeader(path.join(dir, ION_FILES.test))).toEqual(['time', 'signal']);
    expect(await readCsvHeader(path.join(dir, ION_FILES.sampleSubmission))).toEqual(['time', 'open_channels']);
    const head = fs.readFileSync(path.join(dir, ION_FILES.train), 'utf8').split('\n').slice(1, 3);
    expect(head[0]).toMatch(/^0\.0001,-?\d+\.\d{4},\d+$/);
    expect(head[1]).toMatch(/^0\.0002,/);
    const sub = fs.readFileSync(path.join(dir, ION_FILES.sampleSubmission), 'utf8').split('\n');
    expect(sub[1]).toBe('4.0001,0');
    expect(sub[16000]).toBe('5.6000,0');
  });

  it('reads back through the loaders with the smoke layout', async () => {
    const train = await readIonSwitchingTrain(dir);
    const test = await readIonSwitchingTest(dir);
    expect(train.nRows).toBe(ION_SCALES.smoke.trainRows);
    expect(test.nRows).toBe(ION_SCALES.smoke.testRows);
    expect(train.time).toBeInstanceOf(Float64Array);
    expect(train.signal).toBeInstanceOf(Float32Array);
    expect(train.openChannels).toBeInstanceOf(Int32Array);
    expect(train.segments).toEqual(ionTrainLayout(40_000));
    expect(test.segments).toEqual(ionTestLayout(16_000));
    expect(train.time[0]).toBeCloseTo(0.0001, 12);
    expect(train.time[39_999]).toBeCloseTo(4, 12);
    expect(test.time[0]).toBeCloseTo(4.0001, 12);
    for (let i = 1; i < 1000; i++) expect(Math.round((train.time[i] - train.time[i - 1]) * 1e4)).toBe(1);
    // labels in each batch never exceed its group's channel count
    const maxByGroup = [1, 1, 3, 5, 10];
    const seen = [0, 0, 0, 0, 0];
    for (let i = 0; i < train.nRows; i++) seen[train.group[i]] = Math.max(seen[train.group[i]], train.openChannels[i]);
    seen.forEach((m, g) => expect(m).toBeLessThanOrEqual(maxByGroup[g]));
    expect(seen[4]).toBeGreaterThan(5);
    // the label column is the truth array
    const truth = loadNpy(path.join(dir, ION_TRUTH_FILES.trainOpen)).data;
    expect(Array.from(truth.subarray(0, 2000))).toEqual(Array.from(train.openChannels.subarray(0, 2000)));
  });

  it('the same layout math gives the real chunk boundaries at kaggle scale', () => {
    expect(ION_SCALES.kaggle).toEqual({ trainRows: ION_KAGGLE.trainRows, testRows: ION_KAGGLE.testRows });
    expect(ionTestLayout(ION_SCALES.kaggle.testRows).map((s) => s.start)).toEqual([
      0, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000, 900_000, 1_000_000, 1_500_000,
    ]);
    expect(ionTrainLayout(ION_SCALES.kaggle.trainRows)[9].start).toBe(4_500_000);
  });

  it('signal follows 1.2336*open - 2.7337 (+ -2.7337 for 10ch) after removing the known drift and mains', async () => {
    const train = await readIonSwitchingTrain(dir);
    const drift = loadNpy(path.join(dir, ION_TRUTH_FILES.trainDrift)).data;
    const mains = loadNpy(path.join(dir, ION_TRUTH_FILES.trainMains)).data;
    const resid: number[][] = [[], [], [], [], []];
    for (let i = 0; i < train.nRows; i++) {
      const g = train.group[i];
      const level = 1.2336 * train.openChannels[i] - 2.7337 * (g === 4 ? 2 : 1);
      resid[g].push(train.signal[i] - drift[i] - mains[i] - level);
    }
    const stats = resid.map((r) => {
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      return { m, sd: Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length) };
    });
    for (const s of stats) expect(Math.abs(s.m)).toBeLessThan(0.03);
    expect(stats[0].sd).toBeGreaterThan(0.2);
    expect(stats[0].sd).toBeLessThan(0.3);
    expect(stats[4].sd / stats[3].sd).toBeGreaterThan(1.3); // 10ch: two recordings, variance doubles
    // half-sine of amplitude 5 in batches 7..10 (1-indexed), peak mid-batch
    expect(drift[6 * 4000 + 2000]).toBeCloseTo(5, 3);
    expect(drift[2 * 4000 + 2000]).toBe(0);
    expect(drift[4000 + 799]).toBeCloseTo(0.3, 2); // linear drift over the first fifth of batch 2
  });

  it('truth.json records the summary, the model and the figures; files lists every file but truth.json', () => {
    const truth = readJson<SynthSummary & Record<string, any>>(path.join(dir, 'truth.json'));
    expect(truth.competition).toBe('ion-switching');
    expect(truth.scale).toBe('smoke');
    expect(truth.seed).toBe(42);
    const onDisk = fs.readdirSync(dir).filter((f) => f !== 'truth.json').sort();
    expect([...truth.files].sort()).toEqual(onDisk);
    expect(summary.files).toEqual(truth.files);
    expect(truth.groups).toHaveLength(5);
    expect(truth.groups[4].offset).toBeCloseTo(-2.7337, 6);
    expect(truth.groups[4].noiseSigma).toBeCloseTo(truth.groups[3].noiseSigmaPerRecording * Math.SQRT2, 9);
    expect(truth.groups[0].channelModel.transitionMatrix[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    expect(truth.mains.every((m: { periodRows: number }) => m.periodRows === 200)).toBe(true);
    const hidden = loadNpy(path.join(dir, ION_TRUTH_FILES.testHidden));
    expect(hidden.shape).toEqual([16_000, 2]);
  });

  it('Bayes decoder beats rounding, and the figures are what the files give', () => {
    const f = summary.figures;
    expect(f.roundingMacroF1).toBeGreaterThan(0.85);
    expect(f.roundingMacroF1).toBeLessThan(0.96);
    expect(f.bayesMacroF1).toBeGreaterThan(f.roundingMacroF1 + 0.01);
    expect(f.testBayesMacroF1).toBeGreaterThan(f.testRoundingMacroF1);
    const y = loadNpy(path.join(dir, ION_TRUTH_FILES.trainOpen)).data;
    const bayes = loadNpy(path.join(dir, ION_TRUTH_FILES.trainBayes)).data;
    expect(macroF1(y, bayes)).toBeCloseTo(f.bayesMacroF1, 12);
    for (const g of ['1ch-slow', '1ch-fast', '3ch', '5ch', '10ch']) {
      expect(f[`bayesMacroF1.${g}`]).toBeGreaterThanOrEqual(f[`roundingMacroF1.${g}`] - 0.005);
    }
  });

  it('same seed -> byte-identical files; different seed -> different data', async () => {
    const again = path.join(root, 'again');
    const other = path.join(root, 'seed7');
    const s2 = await generateIonSwitching({ outDir: again, scale: 'smoke', seed: 42, figures: false });
    await generateIonSwitching({ outDir: other, scale: 'smoke', seed: 7, figures: false });
    expect(s2.files.length).toBeGreaterThan(8);
    for (const f of s2.files) expect(sha(path.join(again, f))).toBe(sha(path.join(dir, f)));
    expect(sha(path.join(other, ION_FILES.train))).not.toBe(sha(path.join(dir, ION_FILES.train)));
    expect(sha(path.join(other, ION_FILES.test))).not.toBe(sha(path.join(dir, ION_FILES.test)));
    // layout and sample submission do not depend on the seed
    expect(sha(path.join(other, ION_FILES.sampleSubmission))).toBe(sha(path.join(dir, ION_FILES.sampleSubmission)));
  });

  it('realFilesPresent: train.csv + test.csv without truth.json', () => {
    expect(generator.realFilesPresent(dir)).toBe(false);
    const real = path.join(root, 'real');
    fs.mkdirSync(real);
    expect(generator.realFilesPresent(real)).toBe(false);
    fs.writeFileSync(path.join(real, ION_FILES.train), 'time,signal,open_channels\n');
    fs.writeFileSync(path.join(real, ION_FILES.test), 'time,signal\n');
    expect(generator.realFilesPresent(real)).toBe(true);
  });
});
