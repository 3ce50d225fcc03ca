import fx from './__fixtures__/spectral.json';
import { HMS_CHAINS, hmsSpectrogram, hmsSpectrogramColumnNames } from './hmsSpectrogram';
import { expectClose, reportErrors, track } from './testing';

reportErrors();
const ELECTRODES = ['Fp1', 'F3', 'C3', 'P3', 'F7', 'T3', 'T5', 'O1', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'F8', 'T4', 'T6', 'O2', 'EKG'];

/** Flat (all-zero) EEG for every Kaggle column. */
function syntheticEeg(n: number): Record<string, Float32Array> {
  return Object.fromEntries(ELECTRODES.map((e) => [e, new Float32Array(n)]));
}

describe('hmsSpectrogramColumnNames', () => {
  it('is time + 400 names rounded like Kaggle', () => {
    const names = hmsSpectrogramColumnNames();
    expect(names).toHaveLength(401);
    expect(names.slice(0, 5)).toEqual(['time', 'LL_0.59', 'LL_0.78', 'LL_0.98', 'LL_1.17']);
    // Kaggle rounds the binary tie 3.125 up and drops trailing zeros.
    for (const n of ['LL_3.13', 'LL_4.1', 'LL_12.5', 'LL_15.63', 'LL_16.6', 'LL_19.92', 'RL_0.59', 'LP_9.38', 'RP_19.92']) expect(names).toContain(n);
    expect(names.slice(100, 103)).toEqual(['LL_19.92', 'RL_0.59', 'RL_0.78']);
    expect(names[201]).toBe('LP_0.59');
    expect(names[301]).toBe('RP_0.59');
    expect(names[400]).toBe('RP_19.92');
  });
});

describe('hmsSpectrogram', () => {
  it('matches scipy.signal.spectrogram pair averages on the fixture EEG (tol 1e-9)', () => {
    // Same formula as the fixture script: electrode k = (1 + 0.1k) sin(2 pi (1 + 0.9k) t + 0.3k).
    const { n, shape, t, data } = fx.hms;
    const eeg: Record<string, Float64Array> = {};
    ELECTRODES.forEach((e, k) => {
      eeg[e] = Float64Array.from({ length: n }, (_, i) => (1 + 0.1 * k) * Math.sin(2 * Math.PI * (1 + 0.9 * k) * (i / 200) + 0.3 * k));
    });
    const r = hmsSpectrogram(eeg);
    expect([r.nFrames, r.nColumns]).toEqual(shape);
    expectClose(r.t, t, 1e-12);
    track('hmsSpectrogram', expectClose(r.data, data, 1e-9));
  });

  it('puts a 10 Hz sinusoid on one chain into its own region and bin', () => {
    const n = 200 * 50; // 50 s
    const eeg = syntheticEeg(n);
    // Only Fp2 oscillates: it appears in the RR chain (Kaggle 'RL') and RP chain, via their first pairs.
    const f = 10.15625; // bin k = 52 -> column "_10.16"
    eeg.Fp2 = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / 200));
    const r = hmsSpectrogram(eeg);
    expect(r.nFrames).toBe(Math.floor((n - 1024) / 400) + 1);
    const names = hmsSpectrogramColumnNames().slice(1);
    const row = r.data.subarray(0, 400);
    let best = 0;
    for (let c = 0; c < 400; c++) if (row[c] > row[best]) best = c;
    expect(['RL_10.16', 'RP_10.16']).toContain(names[best]);
    expect(row[names.indexOf('RL_10.16')]).toBeCloseTo(row[names.indexOf('RP_10.16')], 12);
    // Left regions see nothing.
    for (let c = 0; c < 100; c++) expect(row[c]).toBe(0);
    expect(HMS_CHAINS.map((c) => `${c.chain}->${c.name}`)).toEqual(['LL->LL', 'RR->RL', 'LP->LP', 'RP->RP']);
  });

  it('names the bad parameter', () => {
    const eeg = syntheticEeg(1000);
    expect(() => hmsSpectrogram(eeg)).toThrow(/hmsSpectrogram: eeg must have at least 1024 samples \(5\.12 s at 200 Hz\), received 1000/);
    const { Fp1: _drop, ...rest } = syntheticEeg(2000);
    expect(() => hmsSpectrogram(rest)).toThrow(/hmsSpectrogram: eeg must contain electrode 'Fp1'/);
    const bad = syntheticEeg(2000);
    bad.O2 = new Float32Array(1999);
    expect(() => hmsSpectrogram(bad)).toThrow(/every electrode must have 2000 samples, 'O2' has 1999/);
  });
});
