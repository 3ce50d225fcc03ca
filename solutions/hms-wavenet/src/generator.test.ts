import { butter, lfilter } from '@repro/dsp';
import { EEG_FEATURES } from './eegCache';
import { epochMicroBatches, makeTransform, modelSteps, type SignalConfig } from './generator';

const SIGNAL: SignalConfig = { windowRows: 1000, downsample: 5, clip: 1024, scale: 32, lowpassHz: 20, filterOrder: 4, fs: 200 };

/** A deterministic pseudo-random raw window [rows, 8] in EEG_FEATURES order. */
function rawWindow(rows: number, seed = 1): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const out = new Float32Array(rows * 8);
  for (let t = 0; t < rows; t++) for (let j = 0; j < 8; j++) out[t * 8 + j] = Math.fround(200 * rnd() + 40 * Math.sin((2 * Math.PI * (j + 1) * t) / 200));
  return out;
}

/** The seed's __data_generation for one EEG, written out directly with scipy-equivalent dsp calls. */
function seedSample(raw: Float32Array, rows: number): Float64Array[] {
  const col = (name: string) => Float64Array.from({ length: rows }, (_, t) => raw[t * 8 + EEG_FEATURES.indexOf(name as never)]);
  // sample[:,0] = Fp1 - T3, [:,1] = T3 - O1, [:,2] = Fp1 - C3, [:,3] = C3 - O1,
  // [:,4] = Fp2 - C4, [:,5] = C4 - O2, [:,6] = Fp2 - T4, [:,7] = T4 - O2
  const pairs = [['Fp1', 'T3'], ['T3', 'O1'], ['Fp1', 'C3'], ['C3', 'O1'], ['Fp2', 'C4'], ['C4', 'O2'], ['Fp2', 'T4'], ['T4', 'O2']];
  const { b, a } = butter(4, 20, { btype: 'low', fs: 200 });
  return pairs.map(([p, q]) => {
    const x = col(p).map((v, t) => v - col(q)[t]);
    const y = x.map((v) => (Number.isNaN(v) ? 0 : Math.min(1024, Math.max(-1024, v))) / 32);
    const f = lfilter(b, a, y);
    return Float64Array.from({ length: Math.ceil(rows / 5) }, (_, t) => f[t * 5]);
  });
}

describe('generator transform (bipolar, clip, /32, Butterworth low-pass, ::5)', () => {
  it('gives [windowRows/5, 8] float32 equal to a direct dsp computation of the seed', () => {
    const raw = rawWindow(1000);
    const out = makeTransform(SIGNAL)(raw);
    expect(modelSteps(SIGNAL)).toBe(200);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(200 * 8);
    const expected = seedSample(raw, 1000);
    let maxErr = 0;
    for (let c = 0; c < 8; c++) for (let t = 0; t < 200; t++) maxErr = Math.max(maxErr, Math.abs(out[t * 8 + c] - expected[c][t]));
    expect(maxErr).toBeLessThan(1e-5);
  });

  it('clips at +-1024 before the filter and turns NaN into 0', () => {
    const raw = new Float32Array(1000 * 8);
    const fp1 = EEG_FEATURES.indexOf('Fp1');
    const t3 = EEG_FEATURES.indexOf('T3');
    for (let t = 0; t < 1000; t++) raw[t * 8 + fp1] = 5000; // Fp1 - T3 = 5000 -> 1024 -> 32
    raw[10 * 8 + t3] = NaN; // one NaN difference -> 0 at t = 10
    const out = makeTransform(SIGNAL)(raw);
    const expected = seedSample(raw, 1000);
    for (let t = 0; t < 200; t++) expect(out[t * 8 + 0]).toBeCloseTo(expected[0][t], 5);
    // A low-pass of a constant 32 settles at 32 (unclipped it would settle at 5000/32 = 156).
    expect(out[199 * 8 + 0]).toBeCloseTo(32, 3);
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('filters: a 60 Hz tone is attenuated far more than a 2 Hz tone', () => {
    const tone = (hz: number) => {
      const raw = new Float32Array(1000 * 8);
      for (let t = 0; t < 1000; t++) raw[t * 8 + EEG_FEATURES.indexOf('Fp1')] = 100 * Math.sin((2 * Math.PI * hz * t) / 200);
      const out = makeTransform(SIGNAL)(raw);
      let peak = 0;
      for (let t = 100; t < 200; t++) peak = Math.max(peak, Math.abs(out[t * 8]));
      return peak;
    };
    expect(tone(60) / tone(2)).toBeLessThan(0.01);
  });

  it('rejects a window of the wrong length', () => {
    expect(() => makeTransform(SIGNAL)(new Float32Array(999 * 8))).toThrow(/expected 1000 x 8/);
  });
});

describe('epochMicroBatches (the DataGenerator order)', () => {
  const rows = Int32Array.from({ length: 23 }, (_, i) => 100 + i);
  const opts = { rows, batchSize: 8, microBatchSize: 4, shuffle: true, seed: 3 };

  it('covers every row once per epoch, in micro-batches that never straddle a batch', () => {
    const mb = epochMicroBatches(opts, 0);
    expect(mb.map((m) => m.length)).toEqual([4, 4, 4, 4, 4, 3]);
    expect(Array.from(mb.flatMap((m) => Array.from(m))).sort()).toEqual(Array.from(rows));
  });

  it('reshuffles every epoch, deterministically', () => {
    const flat = (e: number) => epochMicroBatches(opts, e).flatMap((m) => Array.from(m));
    expect(flat(0)).toEqual(flat(0));
    expect(flat(1)).not.toEqual(flat(0));
    expect(epochMicroBatches({ ...opts, shuffle: false }, 5).flatMap((m) => Array.from(m))).toEqual(Array.from(rows));
  });

  it("visits whole batches in a random order, as Keras' fit(shuffle=True) on a Sequence", () => {
    const whole = { ...opts, microBatchSize: 8 };
    const shortAt = (e: number) => epochMicroBatches(whole, e).findIndex((b) => b.length === 7);
    const positions = new Set(Array.from({ length: 12 }, (_, e) => shortAt(e)));
    expect(positions.size).toBeGreaterThan(1);
    for (let e = 0; e < 12; e++) {
      const b = epochMicroBatches(whole, e);
      expect(b.map((x) => x.length).sort()).toEqual([7, 8, 8]);
      expect(b.flatMap((x) => Array.from(x)).sort()).toEqual(Array.from(rows));
    }
    // Unshuffled (validation, test): batches in row order.
    expect(epochMicroBatches({ ...whole, shuffle: false }, 3).map((x) => Array.from(x))).toEqual([
      Array.from(rows.subarray(0, 8)),
      Array.from(rows.subarray(8, 16)),
      Array.from(rows.subarray(16)),
    ]);
  });

  it('keeps the short batch last when batches are cut into micro-batches (steps never straddle batches)', () => {
    for (let e = 0; e < 12; e++) {
      const mb = epochMicroBatches(opts, e);
      expect(mb.map((m) => m.length)).toEqual([4, 4, 4, 4, 4, 3]);
    }
  });
});
