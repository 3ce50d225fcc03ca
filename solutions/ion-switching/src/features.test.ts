import { ionTestLayout, ionTrainLayout, DataError } from '@repro/io';
import type { IonSwitchingConfig } from './config';
import type { IonTable } from './data';
import { argmaxRows, columnStats, modelFeatures, normaliseSignal, signalStats, standardiseColumns, rowFolds, sequenceFolds, testSequences, trainSequences } from './features';
import * as fs from 'fs';
import * as path from 'path';

const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'configs', 'base.json'), 'utf8')) as IonSwitchingConfig;

describe('sequences and folds', () => {
  it('tiles train batches without overlap and covers every row exactly once across folds', () => {
    const seq = trainSequences('train.csv', ionTrainLayout(4000), 100);
    expect(seq.starts.length).toBe(40);
    const folds = rowFolds(sequenceFolds(40, 5), seq);
    const seen = new Int32Array(4000);
    for (const f of folds) {
      for (const r of f.valid) seen[r]++;
      expect(f.train.length + f.valid.length).toBe(4000);
      // whole sequences only: a sequence never straddles train and valid
      expect(new Set(Array.from(f.valid, (r) => Math.floor(r / 100))).size * 100).toBe(f.valid.length);
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it('refuses a sequence length that does not divide the train batches', () => {
    expect(() => trainSequences('train.csv', ionTrainLayout(4000), 300)).toThrow(DataError);
    expect(() => trainSequences('train.csv', ionTrainLayout(4000), 300)).toThrow(/not a multiple of sequence.length 300/);
  });

  it('test chunks get an end-aligned last sequence when the length does not divide them', () => {
    const segs = ionTestLayout(2000); // chunks of 100 x 10, then 500, 500
    const seq = testSequences('test.csv', segs, 80);
    expect(Array.from(seq.starts.slice(0, 4))).toEqual([0, 20, 100, 120]);
    const last = segs[11];
    expect(seq.starts[seq.starts.length - 1]).toBe(last.end - 80);
  });
});

describe('modelFeatures', () => {
  it('lags [-3, 3] per segment (zero outside it), signal^2 and the forest probabilities, in that order', () => {
    const segments = ionTrainLayout(20);
    const clean = Float32Array.from({ length: 20 }, (_, i) => i);
    const t = { nRows: 20, clean, segments } as unknown as IonTable;
    const rfc = Float32Array.from({ length: 20 * 11 }, (_, i) => (i % 11 === 3 ? 1 : 0));
    const raw = { ...base, features: { ...base.features, normaliseSignal: false } };
    const { x, cols, names } = modelFeatures(raw, t, rfc);
    expect(cols).toBe(19);
    expect(names.slice(0, 8)).toEqual(['signal_shift_-3', 'signal_shift_-2', 'signal_shift_-1', 'signal_shift_0', 'signal_shift_1', 'signal_shift_2', 'signal_shift_3', 'signal_sq']);
    // row 5 is the second row of batch 2 (rows 4..5): lag -1 looks ahead past the edge -> 0
    const row = (i: number) => Array.from(x.subarray(i * cols, (i + 1) * cols));
    expect(row(5).slice(0, 8)).toEqual([0, 0, 0, 5, 4, 0, 0, 25]);
    expect(row(4).slice(0, 8)).toEqual([0, 0, 5, 4, 0, 0, 0, 16]);
    expect(argmaxRows(x.filter((_, j) => j % cols >= 8), 11)[7]).toBe(3);
  });
});

describe('normaliseSignal (the kernels\' normalize(train, test))', () => {
  it('z-scores the signal with the train mean and ddof-1 std before the lags and signal^2, test with the train statistics', () => {
    const st = signalStats([0, 2, 4, 6]);
    expect(st.mean).toBe(3);
    expect(st.std).toBeCloseTo(Math.sqrt(20 / 3), 12); // pandas' std (ddof 1)
    expect(Array.from(normaliseSignal([3, 9], st)).map((v) => +v.toFixed(5))).toEqual([0, +(6 / Math.sqrt(20 / 3)).toFixed(5)]);
    const segments = ionTrainLayout(20);
    const clean = Float32Array.from({ length: 20 }, (_, i) => i);
    const t = { nRows: 20, clean, segments } as unknown as IonTable;
    const rfc = new Float32Array(20 * 11);
    const cfg = { ...base, features: { ...base.features, normaliseSignal: true } };
    expect(() => modelFeatures(cfg, t, rfc)).toThrow(/normaliseSignal needs the train signal statistics/);
    const { x, cols } = modelFeatures(cfg, t, rfc, { mean: 2, std: 2 });
    // row 5 (second row of batch 2): signal (5 - 2) / 2 = 1.5, lag +1 is row 4: 1; signal^2 of the normalised value
    expect(Array.from(x.subarray(5 * cols, 5 * cols + 8))).toEqual([0, 0, 0, 1.5, 1, 0, 0, 2.25]);
  });
});

describe('standardiseColumns', () => {
  it('z-scores the first n columns with the given statistics and leaves the rest alone', () => {
    // 4 rows x 3 columns: a signal-like column, a constant one, a probability-like one
    const x = Float32Array.from([0, 5, 0.1, 2, 5, 0.9, 4, 5, 0.5, 6, 5, 0.5]);
    const stats = columnStats(x, 3);
    expect(stats.mean[0]).toBeCloseTo(3, 6);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(5), 6);
    expect(stats.std[1]).toBe(1); // a constant column keeps its scale instead of dividing by 0
    standardiseColumns(x, 3, stats, 2);
    const col = (j: number) => [0, 1, 2, 3].map((i) => x[i * 3 + j]);
    expect(col(0).map((v) => +v.toFixed(5))).toEqual([-3, -1, 1, 3].map((v) => +(v / Math.sqrt(5)).toFixed(5)));
    expect(col(1)).toEqual([0, 0, 0, 0]);
    expect(col(2).map((v) => +v.toFixed(5))).toEqual([0.1, 0.9, 0.5, 0.5]);
    // test rows take the train statistics, not their own
    const te = Float32Array.from([3, 5, 0.2]);
    standardiseColumns(te, 3, stats, 2);
    expect(Array.from(te).map((v) => +v.toFixed(5))).toEqual([0, 0, 0.2]);
  });
});
