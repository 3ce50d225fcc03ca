// Are the synthetic patterns what an EEG reader would call them? Dominant frequencies and
// lateralisation of 60-s windows with one strong pattern.
import {
  dominantFrequency, drawBackground, drawPattern, drawStrengthKnots, Episode, GPD, GRDA, LPD, LRDA, OTHER, PAD, Recording,
  SEIZURE, synthesizeRecording,
} from './patterns';
import { Rng } from './rng';

function recordingWith(cls: number, seed: number, side?: number): { rec: Recording; ep: Episode } {
  const rng = new Rng(seed, cls);
  const params = drawPattern(rng, cls);
  if (side !== undefined && params.side !== 0) {
    params.side = side;
    params.centre = [side * Math.abs(params.centre[0]), params.centre[1]];
  }
  const bg = { ...drawBackground(rng), alpha: 0, blinkRate: 0, muscleRate: 0, popRate: 0 };
  const ep: Episode = { params, start: 0, end: 70, knots: drawStrengthKnots(rng, 1, 70, 10), knotSeconds: 10 };
  return { rec: synthesizeRecording(rng, 70, bg, [ep]), ep };
}

/** Samples of a bipolar pair over recording seconds [10, 60). */
function pair(rec: Recording, a: string, b: string): Float64Array {
  const i0 = PAD + 10 * 200;
  return Float64Array.from({ length: 50 * 200 }, (_, i) => rec.channels[a][i0 + i] - rec.channels[b][i0 + i]);
}

function power(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / x.length;
}

const LEFT = [['Fp1', 'F7'], ['F7', 'T3'], ['T3', 'T5'], ['Fp1', 'F3'], ['F3', 'C3'], ['C3', 'P3']] as const;
const RIGHT = [['Fp2', 'F8'], ['F8', 'T4'], ['T4', 'T6'], ['Fp2', 'F4'], ['F4', 'C4'], ['C4', 'P4']] as const;
const sidePower = (rec: Recording, pairs: typeof LEFT | typeof RIGHT): number => pairs.reduce((s, [a, b]) => s + power(pair(rec, a, b)), 0);
/** Power of x within [f - 0.15, f + 0.15] Hz (DFT scan), i.e. the power of a rhythm at f. */
function bandPower(x: Float64Array, f: number): number {
  let s = 0;
  for (let g = f - 0.15; g <= f + 0.151; g += 0.05) {
    let re = 0;
    let im = 0;
    const w = (2 * Math.PI * g) / 200;
    for (let i = 0; i < x.length; i++) {
      re += x[i] * Math.cos(w * i);
      im += x[i] * Math.sin(w * i);
    }
    s += re * re + im * im;
  }
  return s;
}
const sideBand = (rec: Recording, pairs: typeof LEFT | typeof RIGHT, f: number): number => pairs.reduce((s, [a, b]) => s + bandPower(pair(rec, a, b), f), 0);
/** 99.5th percentile of |x| over a side's pairs: how tall the largest transients are. */
function sidePeak(rec: Recording, pairs: typeof LEFT | typeof RIGHT): number {
  return Math.max(
    ...pairs.map(([a, b]) => {
      const x = Array.from(pair(rec, a, b), Math.abs).sort((u, v) => u - v);
      return x[Math.floor(0.995 * x.length)];
    }),
  );
}
/** The pair on a side whose signal carries the most power (where the field changes most). */
function strongestPair(rec: Recording, pairs: typeof LEFT | typeof RIGHT): Float64Array {
  return pairs.map(([a, b]) => pair(rec, a, b)).sort((x, y) => power(y) - power(x))[0];
}

describe('synthetic EEG patterns', () => {
  it.each([1, 2])('LRDA: rhythmic 1..3 Hz delta on one hemisphere (seed %i)', (seed) => {
    const { rec, ep } = recordingWith(LRDA, seed, -1);
    const f = dominantFrequency(strongestPair(rec, LEFT), 0.5, 20);
    expect(f).toBeGreaterThanOrEqual(1);
    expect(f).toBeLessThanOrEqual(3);
    expect(Math.abs(f - ep.params.freq)).toBeLessThan(0.3);
    // The rhythm is on the left chains, not the right ones.
    expect(sideBand(rec, LEFT, ep.params.freq)).toBeGreaterThan(5 * sideBand(rec, RIGHT, ep.params.freq));
  });

  it('GRDA: 1..3 Hz delta on both hemispheres', () => {
    const { rec, ep } = recordingWith(GRDA, 3);
    const f = dominantFrequency(strongestPair(rec, LEFT), 0.5, 20);
    expect(Math.abs(f - ep.params.freq)).toBeLessThan(0.3);
    const r = sideBand(rec, LEFT, ep.params.freq) / sideBand(rec, RIGHT, ep.params.freq);
    expect(r).toBeGreaterThan(0.5);
    expect(r).toBeLessThan(2);
  });

  it('LPD: periodic discharges at ~0.5..2 Hz lateralised; GPD: bilateral', () => {
    const lpd = recordingWith(LPD, 4, 1).rec;
    expect(sidePeak(lpd, RIGHT)).toBeGreaterThan(1.5 * sidePeak(lpd, LEFT));
    expect(sidePower(lpd, RIGHT)).toBeGreaterThan(1.3 * sidePower(lpd, LEFT));
    const gpd = recordingWith(GPD, 4).rec;
    const r = sidePeak(gpd, LEFT) / sidePeak(gpd, RIGHT);
    expect(r).toBeGreaterThan(0.5);
    expect(r).toBeLessThan(2);
  });

  it('LPD discharges repeat at the discharge rate (autocorrelation peak at the period)', () => {
    const { rec, ep } = recordingWith(LPD, 6, -1);
    const x = strongestPair(rec, LEFT);
    const lagOf = (f: number): number => Math.round(200 / f);
    const ac = (lag: number): number => {
      let s = 0;
      for (let i = 0; i + lag < x.length; i++) s += x[i] * x[i + lag];
      return s;
    };
    const period = lagOf(ep.params.freq);
    expect(ac(period)).toBeGreaterThan(ac(Math.round(period / 2)));
    expect(ac(period)).toBeGreaterThan(0);
  });

  it('Seizure: rhythmic 2..6 Hz, higher amplitude than a pattern-free EEG', () => {
    const { rec } = recordingWith(SEIZURE, 7, -1);
    const best = strongestPair(rec, LEFT);
    const f = dominantFrequency(best, 1.5, 20);
    expect(f).toBeGreaterThanOrEqual(1.9);
    expect(f).toBeLessThanOrEqual(6.1);
    const calmRec = recordingWith(OTHER, 7).rec;
    expect(sidePeak(rec, LEFT)).toBeGreaterThan(1.5 * sidePeak(calmRec, LEFT));
    expect(power(best)).toBeGreaterThan(2 * power(strongestPair(calmRec, LEFT)));
  });

  it('Other: ~10 Hz alpha on posterior channels, stronger than frontally', () => {
    const { rec, ep } = recordingWith(OTHER, 8);
    const post = pair(rec, 'O1', 'T5');
    const f = dominantFrequency(post, 5, 20);
    expect(Math.abs(f - ep.params.freq)).toBeLessThan(0.5);
    expect(f).toBeGreaterThan(8);
    expect(f).toBeLessThan(12);
    const front = pair(rec, 'Fp1', 'F7');
    expect(dominantFrequency(front, 5, 20)).not.toBeCloseTo(f, 0);
  });

  it('writes microvolt-scale signals with an EKG heartbeat', () => {
    const { rec } = recordingWith(OTHER, 9);
    let ss = 0;
    for (const v of rec.channels.C3) ss += v * v;
    const rms = Math.sqrt(ss / rec.nSamples);
    expect(rms).toBeGreaterThan(5);
    expect(rms).toBeLessThan(200);
    const ekg = rec.channels.EKG;
    const peak = ekg.reduce((m, v) => Math.max(m, v), -Infinity);
    expect(peak).toBeGreaterThan(250);
    // Heartbeats: threshold crossings at 0.9..1.9 Hz
    let beats = 0;
    for (let i = 1; i < ekg.length; i++) if (ekg[i - 1] < peak * 0.5 && ekg[i] >= peak * 0.5) beats++;
    expect(beats / 70).toBeGreaterThan(0.8);
    expect(beats / 70).toBeLessThan(2);
  });
});
