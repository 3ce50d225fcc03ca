import { applyPerChannel, getChannel } from './applyPerChannel';
import { bipolarMontage } from './bipolarMontage';
import { clip } from './clip';
import { downsample } from './downsample';
import { fillNaNWithMean } from './fillNaNWithMean';
import { fitHalfSineDrift } from './fitHalfSineDrift';
import { fitLinearDrift } from './fitLinearDrift';
import { ionSwitchingDrifts } from './ionSwitchingDrifts';
import { removeDrift } from './removeDrift';
import { removeMains } from './removeMains';

/** Deterministic uniform noise in [-0.5, 0.5) (mulberry32). */
function noise(n: number, seed = 1): Float64Array {
  let a = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  });
}

describe('clip / downsample', () => {
  it('clip limits to [min, max] and keeps NaN', () => {
    expect(Array.from(clip([-2, 0.5, 3, NaN], -1, 1))).toEqual([-1, 0.5, 1, NaN]);
    expect(() => clip([1], 2, 1)).toThrow(/clip: min must be <= max, received min=2, max=1/);
  });
  it('downsample is x[::factor]', () => {
    expect(Array.from(downsample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5))).toEqual([0, 5, 10]);
    expect(Array.from(downsample([0, 1, 2, 3], 1))).toEqual([0, 1, 2, 3]);
    expect(() => downsample([1, 2], 0)).toThrow(/downsample: factor must be an integer >= 1, received 0/);
  });
});

describe('fillNaNWithMean / applyPerChannel', () => {
  it('fills a 1-D signal with its nanmean', () => {
    expect(Array.from(fillNaNWithMean([1, NaN, 3]))).toEqual([1, 2, 3]);
    expect(Array.from(fillNaNWithMean([NaN, NaN]))).toEqual([0, 0]);
  });
  it('fills per channel, all-NaN channel -> 0, keeping Float32 storage', () => {
    // 3 time steps x 3 channels
    const data = Float32Array.from([1, NaN, NaN, NaN, 10, NaN, 3, 20, NaN]);
    const out = fillNaNWithMean({ data, nChannels: 3 });
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual([1, 15, 0, 2, 10, 0, 3, 20, 0]);
    expect(Array.from(getChannel(out, 1))).toEqual([15, 10, 20]);
  });
  it('applyPerChannel maps along time and allows a new length', () => {
    const data = Float64Array.from([0, 100, 1, 101, 2, 102, 3, 103]);
    const out = applyPerChannel({ data, nChannels: 2 }, (x) => downsample(x, 2));
    expect(Array.from(out.data)).toEqual([0, 100, 2, 102]);
    expect(() => applyPerChannel({ data, nChannels: 3 }, (x) => x)).toThrow(/applyPerChannel: data length must be a multiple of nChannels \(3\), received 8/);
    expect(() => applyPerChannel({ data, nChannels: 2 }, (x, c) => x.slice(c))).toThrow(/every channel must return the same length \(4\), channel 1 returned 3/);
  });
});

describe('bipolarMontage', () => {
  it('differences the pairs in order', () => {
    const m = bipolarMontage({ Fp1: [3, 4], F7: [1, 1], T3: [0, 2] }, [['Fp1', 'F7'], ['F7', 'T3']]);
    expect(Object.keys(m)).toEqual(['Fp1-F7', 'F7-T3']);
    expect(Array.from(m['Fp1-F7'])).toEqual([2, 3]);
    expect(Array.from(m['F7-T3'])).toEqual([1, -1]);
    expect(() => bipolarMontage({ Fp1: [1] }, [['Fp1', 'F7']])).toThrow(/bipolarMontage: eeg must contain electrode 'F7' \(pair Fp1-F7\)/);
  });
});

describe('removeMains', () => {
  it('removes a periodic waveform exactly and keeps the rest', () => {
    const period = 200;
    const n = period * 50;
    const mains = Float64Array.from({ length: period }, (_, p) => Math.sin((2 * Math.PI * p) / period) + 0.3 * Math.cos((6 * Math.PI * p) / period));
    const step = Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 3)); // a channel-level change
    const x = step.map((v, i) => v + mains[i % period]);
    const y = removeMains(x);
    // The step's own per-phase mean (2) is removed too; what remains is step - 2.
    for (let i = 0; i < n; i += 97) expect(y[i]).toBeCloseTo(step[i] - 2, 10);
    expect(() => removeMains(x, { period: 0 })).toThrow(/removeMains: period must be an integer >= 1, received 0/);
  });
});

describe('Ion Switching drift', () => {
  const N = 20000;
  it('fitHalfSineDrift recovers the amplitude without labels (tol 0.1 = 2%) and removeDrift restores the level', () => {
    // Piecewise-constant "channel" levels + noise + 5 sin(pi i / N).
    const levels = Float64Array.from({ length: N }, (_, i) => [0, 1.2, 2.4, 1.2][Math.floor(i / 137) % 4]);
    const nz = noise(N, 7);
    const x = levels.map((v, i) => v + 0.3 * nz[i] + 5 * Math.sin((Math.PI * i) / N));
    const fitRes = fitHalfSineDrift(x, { batchLength: N });
    // The channel levels leak slightly into the fit (they are not exactly orthogonal to the sine).
    expect(Math.abs(fitRes.amplitude - 5)).toBeLessThan(0.1);
    const clean = removeDrift(x, fitRes.drift);
    let err = 0;
    for (let i = 0; i < N; i++) err = Math.max(err, Math.abs(clean[i] - 0.3 * nz[i] - levels[i]));
    expect(err).toBeLessThan(0.1);
    const fixed = fitHalfSineDrift(x, { batchLength: N, fit: false, amplitudeGuess: 5 });
    expect(fixed.amplitude).toBe(5);
    expect(fixed.drift[N / 2]).toBeCloseTo(5, 12);
    expect(() => fitHalfSineDrift(x, { batchLength: 0 })).toThrow(/fitHalfSineDrift: batchLength must be an integer >= 1, received 0/);
  });
  it('fitHalfSineDrift is exact on a noise-free sine + level (tol 1e-9)', () => {
    const x = Float64Array.from({ length: 5000 }, (_, i) => 1.7 + 2.5 * Math.sin((Math.PI * (i + 1000)) / 8000));
    const f = fitHalfSineDrift(x, { batchLength: 8000, start: 1000 });
    expect(Math.abs(f.amplitude - 2.5)).toBeLessThan(1e-9);
    expect(Math.abs(f.offset - 1.7)).toBeLessThan(1e-9);
  });
  it('fitLinearDrift finds the slope of a window and removeDrift applies it in place', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => (i >= 200 && i < 700 ? 1 + 3e-3 * (i - 200) : 1));
    const lin = fitLinearDrift(x, 200, 700);
    expect(lin.amplitude).toBeCloseTo(3e-3, 12);
    expect(lin.offset).toBeCloseTo(1, 10);
    const y = removeDrift(x, lin.drift, 200);
    for (let i = 0; i < 1000; i += 13) expect(y[i]).toBeCloseTo(1, 10);
    expect(() => fitLinearDrift(x, 500, 400)).toThrow(/fitLinearDrift: end must be an integer 502\.\.1000, received 400/);
    expect(() => removeDrift(x, lin.drift, 600)).toThrow(/removeDrift: start \+ drift length must fit in x \(1000\), received start=600, drift length 500/);
  });
  it('ionSwitchingDrifts lists the known segments', () => {
    const d = ionSwitchingDrifts();
    const train = d.filter((s) => s.dataset === 'train' && s.shape === 'halfSine').map((s) => s.start);
    expect(train).toEqual([3000000, 3500000, 4000000, 4500000]);
    expect(d.find((s) => s.shape === 'linear')).toMatchObject({ start: 500000, end: 600000, amplitude: 3e-6 });
    expect(d.find((s) => s.dataset === 'test')).toMatchObject({ start: 1000000, end: 1500000, amplitude: 5 });
  });
});
