// EEG pattern synthesis for the synthetic HMS set: a long referential recording (19 electrodes +
// EKG, 200 Hz, microvolts) made of a spatially correlated 1/f background, eye blinks, muscle
// bursts, electrode pops, a heartbeat, and one "episode" per EEG carrying that EEG's true pattern:
//
//   Seizure  evolving rhythmic spike-and-wave, 2..6 Hz with the frequency drifting over tens of
//            seconds, high amplitude (150..400 uV), focal onset spreading to both hemispheres
//   LPD      periodic sharp (bi/triphasic) discharges ~0.6..2 Hz over one hemisphere
//   GPD      periodic discharges ~1..2.5 Hz over both hemispheres (frontal predominance)
//   LRDA     rhythmic 1..3 Hz delta over one hemisphere
//   GRDA     rhythmic 1..3 Hz delta over both hemispheres (frontal predominance)
//   Other    no pattern: 1/f background with an ~8..12 Hz posterior alpha rhythm
//
// A pattern is a rank-1 field: one source waveform times a per-electrode gain that falls off with
// distance from the field's centre, so neighbouring electrodes differ and the bipolar chains (and
// the Kaggle-style spectrograms) see it. Its amplitude follows the episode's strength curve.
import { HMS_EEG_COLUMNS, HMS_EEG_FS } from '@repro/io';
import { Rng } from './rng';

export const FS = HMS_EEG_FS;
/** The 19 scalp electrodes (HMS_EEG_COLUMNS minus EKG). */
export const ELECTRODES = HMS_EEG_COLUMNS.slice(0, 19) as readonly string[];

/** Approximate 2-D scalp positions (x: left -1 .. right +1, y: back -1 .. front +1). */
export const POSITIONS: Record<string, readonly [number, number]> = {
  Fp1: [-0.3, 0.92], Fp2: [0.3, 0.92],
  F7: [-0.72, 0.55], F3: [-0.38, 0.5], Fz: [0, 0.48], F4: [0.38, 0.5], F8: [0.72, 0.55],
  T3: [-0.92, 0], C3: [-0.46, 0], Cz: [0, 0], C4: [0.46, 0], T4: [0.92, 0],
  T5: [-0.72, -0.55], P3: [-0.38, -0.5], Pz: [0, -0.48], P4: [0.38, -0.5], T6: [0.72, -0.55],
  O1: [-0.3, -0.92], O2: [0.3, -0.92],
};

export const CLASS_NAMES = ['Seizure', 'LPD', 'GPD', 'LRDA', 'GRDA', 'Other'] as const;
export const SEIZURE = 0;
export const LPD = 1;
export const GPD = 2;
export const LRDA = 3;
export const GRDA = 4;
export const OTHER = 5;

/** Samples of recording padding before time 0 (and after the end): a frame of the Kaggle-style
 * spectrogram (1024 samples, hop 400) starting at sample 400 j is then centred on 1 + 2 j s. */
export const PAD = 312;

/** The parameters of one EEG's pattern (drawn by `drawPattern`). */
export interface PatternParams {
  cls: number;
  /** -1 left, +1 right (lateralised patterns and seizure onset); 0 for the others. */
  side: number;
  /** Main frequency (Hz): rhythm frequency, discharge rate, or alpha frequency. */
  freq: number;
  /** Seizure: frequency swing (Hz) and evolution period (s). */
  freqSwing: number;
  evolvePeriod: number;
  /** Peak amplitude in uV at strength 1. */
  amplitude: number;
  /** Field centre and width on the scalp. */
  centre: readonly [number, number];
  width: number;
  /**
   * Waveform shape (generator variants; absent: the default shapes): the second harmonic's share in
   * rhythmic delta (LRDA/GRDA, default 0.2) and the width of a seizure's spike in seconds (default 0.03).
   */
  rdaHarmonic?: number;
  seizureSpikeSeconds?: number;
}

/** An episode: one EEG's pattern over a stretch of the recording, with its strength curve. */
export interface Episode {
  params: PatternParams;
  /** Recording seconds [start, end) during which the pattern is present (ramped over 5 s at both ends). */
  start: number;
  end: number;
  /** Strength knots every `knotSeconds` from `start` (0..~1.2; amplitude = params.amplitude * strength). */
  knots: Float64Array;
  knotSeconds: number;
}

export interface BackgroundParams {
  /** RMS scale of the 1/f background (uV). */
  level: number;
  /** Posterior alpha amplitude (uV; 0 = none) and frequency. */
  alpha: number;
  alphaFreq: number;
  blinkRate: number;
  muscleRate: number;
  popRate: number;
  heartRate: number;
  ekgAmplitude: number;
}

export function drawPattern(rng: Rng, cls: number): PatternParams {
  const side = rng.bool(0.5) ? -1 : 1;
  switch (cls) {
    case SEIZURE:
      return {
        cls, side,
        freq: rng.uniform(3, 4.5), freqSwing: rng.uniform(0.8, 1.5), evolvePeriod: rng.uniform(30, 90),
        amplitude: rng.uniform(150, 400),
        centre: [side * rng.uniform(0.4, 0.75), rng.uniform(-0.3, 0.5)], width: rng.uniform(0.4, 0.55),
      };
    case LPD:
      return {
        cls, side, freq: rng.uniform(0.6, 2), freqSwing: 0, evolvePeriod: 0, amplitude: rng.uniform(120, 300),
        centre: [side * rng.uniform(0.55, 0.85), rng.uniform(-0.4, 0.4)], width: rng.uniform(0.3, 0.42),
      };
    case GPD:
      return {
        cls, side: 0, freq: rng.uniform(1, 2.5), freqSwing: 0, evolvePeriod: 0, amplitude: rng.uniform(120, 280),
        centre: [0, rng.uniform(0.3, 0.8)], width: rng.uniform(0.45, 0.6),
      };
    case LRDA:
      return {
        cls, side, freq: rng.uniform(1, 3), freqSwing: 0, evolvePeriod: 0, amplitude: rng.uniform(80, 200),
        centre: [side * rng.uniform(0.55, 0.85), rng.uniform(-0.3, 0.4)], width: rng.uniform(0.3, 0.42),
      };
    case GRDA:
      return {
        cls, side: 0, freq: rng.uniform(1, 3), freqSwing: 0, evolvePeriod: 0, amplitude: rng.uniform(80, 200),
        centre: [0, rng.uniform(0.4, 0.9)], width: rng.uniform(0.45, 0.6),
      };
    case OTHER:
      return {
        cls, side: 0, freq: rng.uniform(8.5, 11.5), freqSwing: 0, evolvePeriod: 0, amplitude: rng.uniform(30, 70),
        centre: [0, -0.85], width: rng.uniform(0.35, 0.45),
      };
    default:
      throw new RangeError(`drawPattern: class must be 0..5, received ${cls}`);
  }
}

export function drawBackground(rng: Rng): BackgroundParams {
  return {
    level: rng.uniform(10, 22),
    alpha: rng.bool(0.3) ? rng.uniform(5, 12) : 0,
    alphaFreq: rng.uniform(8, 11),
    blinkRate: rng.bool(0.6) ? rng.uniform(0.05, 0.3) : 0,
    muscleRate: rng.bool(0.5) ? rng.uniform(0.01, 0.06) : 0,
    popRate: rng.bool(0.3) ? rng.uniform(0.001, 0.01) : 0,
    heartRate: rng.uniform(55, 110),
    ekgAmplitude: rng.uniform(300, 1500),
  };
}

/** Per-electrode gains of a field centred at `centre` (Gaussian fall-off); a lateral field keeps ~10% on the far side. */
export function fieldGains(centre: readonly [number, number], width: number, side: number): Float64Array {
  const g = new Float64Array(ELECTRODES.length);
  ELECTRODES.forEach((e, i) => {
    const [x, y] = POSITIONS[e];
    const d2 = (x - centre[0]) ** 2 + (y - centre[1]) ** 2;
    let v = Math.exp(-d2 / (2 * width * width));
    if (side !== 0 && Math.sign(x) === -side) v *= 0.35;
    g[i] = v;
  });
  return g;
}

/** Smooth random strength knots: base * (1 + 0.3 * slow random walk), clipped to [0, 1.25]. */
export function drawStrengthKnots(rng: Rng, base: number, seconds: number, knotSeconds: number): Float64Array {
  const n = Math.ceil(seconds / knotSeconds) + 2;
  const k = new Float64Array(n);
  let w = rng.normal() * 0.5;
  for (let i = 0; i < n; i++) {
    w = 0.8 * w + 0.35 * rng.normal();
    k[i] = Math.min(1.25, Math.max(0, base * (1 + 0.3 * Math.tanh(w))));
  }
  return k;
}

/** Strength of an episode at recording time t (0 outside it; 5-s ramps at the ends). */
export function strengthAt(ep: Episode, t: number): number {
  if (t < ep.start || t >= ep.end) return 0;
  const u = (t - ep.start) / ep.knotSeconds;
  const i = Math.min(Math.floor(u), ep.knots.length - 2);
  const f = u - i;
  const s = ep.knots[i] * (1 - f) + ep.knots[i + 1] * f;
  const ramp = Math.min(1, (t - ep.start) / 5, (ep.end - t) / 5);
  return s * ramp;
}

/** Mean strength over recording seconds [a, b) (sampled every 0.5 s). */
export function meanStrength(ep: Episode, a: number, b: number): number {
  let s = 0;
  let n = 0;
  for (let t = a + 0.25; t < b; t += 0.5) {
    s += strengthAt(ep, t);
    n++;
  }
  return n ? s / n : 0;
}

// ---------------------------------------------------------------------------------------------
// Noise: a fixed table of standard normals indexed by the recording's own PRNG (fast and seeded).

const GAUSS_BITS = 16;
const GAUSS = (() => {
  const r = new Rng(0x6a55, 1);
  const t = new Float32Array(1 << GAUSS_BITS);
  for (let i = 0; i < t.length; i++) t[i] = r.normal();
  return t;
})();

/** Fill `out` with approximately standard normal noise (two table draws per PRNG word). */
function gaussFill(rng: Rng, out: Float32Array): void {
  const n = out.length;
  // An inline xorshift32 seeded from the recording's PRNG (a method call per sample costs 5x more).
  let x = rng.nextU32() | 1;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = GAUSS[x >>> 16];
    out[i + 1] = GAUSS[x & 0xffff];
  }
  if (i < n) out[i] = GAUSS[rng.nextU32() >>> 16];
}

/** 1/f^~1.5 noise as a sum of AR(1) processes with log-spaced corners 0.2..30 Hz (unit-ish variance). */
const PINK_CORNERS = [0.2, 0.7, 2.5, 9, 30];
const PINK_WEIGHTS = [0.9, 1.1, 0.8, 0.45, 0.2];
function pinkFill(rng: Rng, out: Float32Array, white: Float32Array): void {
  gaussFill(rng, white);
  const p = PINK_CORNERS.map((fc) => Math.exp((-2 * Math.PI * fc) / FS));
  // AR(1) variance g^2 / (1 - p^2): choose g for variance = weight^2 / total.
  let tot = 0;
  for (const w of PINK_WEIGHTS) tot += w * w;
  const g = p.map((pp, j) => (PINK_WEIGHTS[j] / Math.sqrt(tot)) * Math.sqrt(1 - pp * pp));
  const [p0, p1, p2, p3, p4] = p;
  const [g0, g1, g2, g3, g4] = g;
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0;
  // Warm start: the slowest state at its stationary spread.
  b0 = white[0] * PINK_WEIGHTS[0] / Math.sqrt(tot);
  for (let i = 0; i < out.length; i++) {
    const w = white[i];
    b0 = p0 * b0 + g0 * w;
    b1 = p1 * b1 + g1 * w;
    b2 = p2 * b2 + g2 * w;
    b3 = p3 * b3 + g3 * w;
    b4 = p4 * b4 + g4 * w;
    out[i] = b0 + b1 + b2 + b3 + b4;
  }
}

// ---------------------------------------------------------------------------------------------
// Pattern source waveforms (unit peak), sample i <-> recording time (i - PAD) / FS.

function gauss(x: number, w: number): number {
  return Math.exp(-(x * x) / (2 * w * w));
}

/** A sharp discharge: negative spike, positive after-wave, slow trough (t in seconds from onset). */
function discharge(t: number, triphasic: boolean): number {
  if (t < -0.1 || t > 0.6) return 0;
  const spike = -gauss(t, 0.025);
  const after = 0.55 * gauss(t - 0.08, 0.045);
  const slow = triphasic ? -0.35 * gauss(t - 0.22, 0.08) : -0.25 * gauss(t - 0.25, 0.1);
  return spike + after + slow;
}

/**
 * The source waveform of a pattern over samples [i0, i1) of the recording, times the episode
 * strength (so the caller only multiplies by the per-electrode gains).
 */
export function patternSource(rng: Rng, ep: Episode, i0: number, i1: number): Float32Array {
  const p = ep.params;
  const n = i1 - i0;
  const out = new Float32Array(n);
  const tAt = (i: number): number => (i0 + i - PAD) / FS;
  if (p.cls === LPD || p.cls === GPD) {
    // Discharge onsets every 1/freq s with 8% jitter.
    const period = 1 / p.freq;
    let t = ep.start + rng.uniform(0, period);
    const tEnd = tAt(n) + 1;
    while (t < tEnd) {
      const a = 0.85 + 0.3 * rng.next();
      const c = Math.round(t * FS) + PAD - i0;
      for (let k = Math.max(0, c - 20); k < Math.min(n, c + 120); k++) out[k] += a * discharge((k - c) / FS, p.cls === GPD);
      t += period * (1 + 0.08 * rng.normal());
    }
  } else if (p.cls === SEIZURE) {
    // Spike-and-wave with an evolving frequency: f(t) = freq + swing * sin(2 pi t / T + phi0).
    const phi0 = rng.uniform(0, 2 * Math.PI);
    let phase = rng.uniform(0, 2 * Math.PI);
    for (let k = 0; k < n; k++) {
      const t = tAt(k);
      const f = p.freq + p.freqSwing * Math.sin((2 * Math.PI * t) / p.evolvePeriod + phi0);
      phase += (2 * Math.PI * f) / FS;
      const wrapped = phase - 2 * Math.PI * Math.round(phase / (2 * Math.PI));
      // spike of ~30 ms at phase 0, then the slow wave
      const spikeW = 2 * Math.PI * f * (p.seizureSpikeSeconds ?? 0.03);
      out[k] = 0.6 * Math.sin(phase + 0.9) - 0.9 * Math.exp(-(wrapped * wrapped) / (2 * spikeW * spikeW));
    }
  } else if (p.cls === LRDA || p.cls === GRDA) {
    let phase = rng.uniform(0, 2 * Math.PI);
    let drift = 0;
    for (let k = 0; k < n; k++) {
      if (k % 200 === 0) drift = 0.9 * drift + 0.02 * rng.normal();
      phase += (2 * Math.PI * p.freq * (1 + drift)) / FS;
      out[k] = Math.sin(phase) + (p.rdaHarmonic ?? 0.2) * Math.sin(2 * phase + 0.5);
    }
  } else {
    // Other: posterior alpha, waxing and waning over ~1-3 s.
    let phase = rng.uniform(0, 2 * Math.PI);
    let env = 0.7;
    for (let k = 0; k < n; k++) {
      if (k % 20 === 0) env = Math.min(1.3, Math.max(0.2, env + 0.06 * rng.normal() + 0.02 * (0.8 - env)));
      phase += (2 * Math.PI * p.freq) / FS;
      out[k] = env * Math.sin(phase);
    }
  }
  for (let k = 0; k < n; k++) out[k] *= strengthAt(ep, tAt(k));
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Background sources: 1/f processes at these scalp points, mixed into nearby electrodes. */
const SOURCE_POINTS: ReadonlyArray<readonly [number, number]> = [
  [-0.6, 0.6], [0, 0.7], [0.6, 0.6], [-0.7, 0], [0, 0], [0.7, 0], [-0.6, -0.6], [0, -0.7], [0.6, -0.6],
];

export interface Recording {
  /** 20 columns (HMS_EEG_COLUMNS order), PAD + seconds * 200 + PAD samples each. */
  channels: Record<string, Float32Array>;
  nSamples: number;
  seconds: number;
}

/**
 * Synthesize a recording of `seconds` (even) seconds plus PAD samples either side: sample i is
 * recording time (i - PAD) / 200 s.
 */
export function synthesizeRecording(rng: Rng, seconds: number, bg: BackgroundParams, episodes: readonly Episode[]): Recording {
  const n = PAD + Math.round(seconds * FS) + PAD;
  const nE = ELECTRODES.length;
  const ch: Float32Array[] = ELECTRODES.map(() => new Float32Array(n));
  const white = new Float32Array(n);
  const src = new Float32Array(n);

  // Spatially correlated background: 9 sources mixed with Gaussian weights, plus per-electrode noise.
  const mixW = SOURCE_POINTS.map(([sx, sy]) =>
    ELECTRODES.map((e) => {
      const [x, y] = POSITIONS[e];
      return Math.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (2 * 0.45 * 0.45));
    }),
  );
  const norm = ELECTRODES.map((_, i) => Math.sqrt(mixW.reduce((s, w) => s + w[i] * w[i], 0)));
  for (let s = 0; s < SOURCE_POINTS.length; s++) {
    pinkFill(rng, src, white);
    for (let e = 0; e < nE; e++) {
      if (mixW[s][e] / norm[e] < 0.05) continue;
      const w = (bg.level * 0.9 * mixW[s][e]) / norm[e];
      const c = ch[e];
      for (let i = 0; i < n; i++) c[i] += w * src[i];
    }
  }
  for (let e = 0; e < nE; e++) {
    pinkFill(rng, src, white);
    const w = bg.level * 0.3;
    const c = ch[e];
    for (let i = 0; i < n; i++) c[i] += w * src[i] + 1.5 * white[i];
  }

  // Background alpha (weak, some recordings).
  if (bg.alpha > 0) {
    const gains = fieldGains([0, -0.85], 0.5, 0);
    let phase = rng.uniform(0, 6.3);
    let env = 0.7;
    for (let i = 0; i < n; i++) {
      if (i % 20 === 0) env = Math.min(1.3, Math.max(0.2, env + 0.06 * rng.normal() + 0.02 * (0.8 - env)));
      phase += (2 * Math.PI * bg.alphaFreq) / FS;
      white[i] = bg.alpha * env * Math.sin(phase);
    }
    for (let e = 0; e < nE; e++) for (let i = 0; i < n; i++) ch[e][i] += gains[e] * white[i];
  }

  // Episodes (the EEGs' patterns).
  for (const ep of episodes) {
    const i0 = Math.max(0, Math.floor(ep.start * FS) + PAD);
    const i1 = Math.min(n, Math.ceil(ep.end * FS) + PAD);
    if (i1 <= i0) continue;
    const s = patternSource(rng, ep, i0, i1);
    const p = ep.params;
    if (p.cls === SEIZURE) {
      // Focal field plus a generalised spread (the discharge reaches both hemispheres).
      const focal = fieldGains(p.centre, p.width, p.side);
      const general = fieldGains([0, 0.3], 0.6, 0);
      for (let e = 0; e < nE; e++) {
        const c = ch[e];
        const a = p.amplitude * (0.75 * focal[e] + 0.3 * general[e]);
        for (let i = 0; i < s.length; i++) c[i0 + i] += a * s[i];
      }
    } else {
      const gains = fieldGains(p.centre, p.width, p.side);
      for (let e = 0; e < nE; e++) {
        const a = p.amplitude * gains[e];
        if (a < 0.5) continue;
        const c = ch[e];
        for (let i = 0; i < s.length; i++) c[i0 + i] += a * s[i];
      }
    }
  }

  addArtefacts(rng, ch, n, bg);

  const channels: Record<string, Float32Array> = {};
  ELECTRODES.forEach((e, i) => (channels[e] = ch[i]));
  channels.EKG = heartbeat(rng, n, bg, ch);
  return { channels, nSamples: n, seconds };
}

function poissonTimes(rng: Rng, rate: number, n: number): number[] {
  const out: number[] = [];
  if (rate <= 0) return out;
  let t = -Math.log(1 - rng.next()) / rate;
  while (t * FS < n) {
    out.push(Math.floor(t * FS));
    t += -Math.log(1 - rng.next()) / rate;
  }
  return out;
}

const IDX: Record<string, number> = Object.fromEntries(ELECTRODES.map((e, i) => [e, i]));

function addArtefacts(rng: Rng, ch: Float32Array[], n: number, bg: BackgroundParams): void {
  // Eye blinks: ~0.35 s positive deflection, frontopolar.
  const blinkGain: Record<string, number> = { Fp1: 1, Fp2: 1, F7: 0.45, F8: 0.45, F3: 0.4, F4: 0.4, Fz: 0.45, C3: 0.12, C4: 0.12, Cz: 0.12, T3: 0.1, T4: 0.1 };
  for (const c of poissonTimes(rng, bg.blinkRate, n)) {
    const a = rng.uniform(80, 300);
    const len = Math.round(rng.uniform(0.25, 0.45) * FS);
    for (const [e, g] of Object.entries(blinkGain)) {
      const x = ch[IDX[e]];
      for (let k = 0; k < len && c + k < n; k++) x[c + k] += a * g * Math.sin((Math.PI * k) / len) ** 2;
    }
  }
  // Muscle: 0.5..3 s bursts of broadband high-frequency activity over one side's temporal/frontal electrodes.
  const sides = [['F7', 'T3', 'T5', 'Fp1', 'F3'], ['F8', 'T4', 'T6', 'Fp2', 'F4']];
  for (const c of poissonTimes(rng, bg.muscleRate, n)) {
    const len = Math.round(rng.uniform(0.5, 3) * FS);
    const a = rng.uniform(20, 120);
    const els = sides[rng.intBetween(0, 1)];
    for (const e of els) {
      const x = ch[IDX[e]];
      const g = e.startsWith('T') || e.startsWith('F7') || e.startsWith('F8') ? 1 : 0.4;
      let prev = 0;
      for (let k = 0; k < len && c + k < n; k++) {
        const w = rng.normal();
        x[c + k] += a * g * (w - prev) * 0.7 * Math.sin((Math.PI * k) / len);
        prev = w;
      }
    }
  }
  // Electrode pops: a step of 300..2500 uV on one electrode decaying over ~0.3 s (the > 1000 uV artefacts).
  for (const c of poissonTimes(rng, bg.popRate, n)) {
    const x = ch[rng.intBetween(0, ELECTRODES.length - 1)];
    const a = rng.uniform(300, 2500) * (rng.bool(0.5) ? 1 : -1);
    for (let k = 0; k < 400 && c + k < n; k++) x[c + k] += a * Math.exp(-k / (0.3 * FS));
  }
}

/** EKG channel: QRS complexes (+ P and T waves) at the heart rate with variability; 2..6 uV leak into the EEG. */
function heartbeat(rng: Rng, n: number, bg: BackgroundParams, ch: Float32Array[]): Float32Array {
  const ekg = new Float32Array(n);
  const white = new Float32Array(n);
  gaussFill(rng, white);
  for (let i = 0; i < n; i++) ekg[i] = 15 * white[i];
  const rr = 60 / bg.heartRate;
  let t = rng.uniform(0, rr);
  const leak = ELECTRODES.map(() => rng.uniform(-6, 6));
  const A = bg.ekgAmplitude;
  while (t * FS < n + 100) {
    const c = Math.round(t * FS);
    for (let k = -40; k < 100; k++) {
      const i = c + k;
      if (i < 0 || i >= n) continue;
      const s = k / FS;
      const v = 0.1 * gauss(s + 0.16, 0.025) + gauss(s, 0.012) - 0.25 * gauss(s - 0.03, 0.012) + 0.25 * gauss(s - 0.28, 0.05);
      ekg[i] += A * v;
      for (let e = 0; e < ch.length; e++) ch[e][i] += leak[e] * v;
    }
    t += rr * (1 + 0.04 * rng.normal());
  }
  return ekg;
}

/** Dominant frequency (Hz) of x in [fLo, fHi] by a direct DFT scan in 0.1 Hz steps (for tests). */
export function dominantFrequency(x: ArrayLike<number>, fLo = 0.5, fHi = 20): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let best = fLo;
  let bestP = -1;
  for (let f = fLo; f <= fHi + 1e-9; f += 0.1) {
    let re = 0;
    let im = 0;
    const w = (2 * Math.PI * f) / FS;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] - mean;
      re += v * Math.cos(w * i);
      im += v * Math.sin(w * i);
    }
    const pw = re * re + im * im;
    if (pw > bestP) {
      bestP = pw;
      best = f;
    }
  }
  return best;
}
