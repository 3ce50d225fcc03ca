/**
 * Generator variants of HMS: the same layout, ids, windows and truth files, with other pattern
 * shapes (frequencies, amplitudes and fields of patterns.ts drawPattern), artefact rates
 * (patterns.ts drawBackground, the EEG files' NaN runs and flat channels) or vote populations
 * (votes.ts: annotator counts, clarity, repeated votes). Every change is applied to values drawn
 * as in the default generator, so the random streams (and so ids, layout and which EEG has which
 * pattern) are the default ones. `default` is the generator the project was tuned on (unchanged bytes).
 */
import type { SynthVariant } from '../types';
import type { BackgroundParams, PatternParams } from './patterns';

export interface HmsVariant extends SynthVariant {
  /** Per class (Seizure, LPD, GPD, LRDA, GRDA, Other): factors on the drawn frequency and amplitude; a factor on every field width. */
  pattern?: {
    freqScale: readonly number[];
    amplitudeScale: readonly number[];
    widthScale: number;
    /** Waveform: LRDA/GRDA second-harmonic share (default 0.2), seizure spike width in s (default 0.03). */
    rdaHarmonic: number;
    seizureSpikeSeconds: number;
  };
  /** Factor on the blink, muscle and electrode-pop rates; share of EEG files with a NaN run (default 0.1) and with a flat channel (0.05). */
  artefacts?: { rateScale: number; nanRunShare: number; flatShare: number };
  /**
   * highShare: share of train EEGs labelled by the many-annotator population (default 0.35);
   * clarity: [intercept, slope] of the true pattern's share at strength s (default [0.1, 0.85]);
   * copyProb: a row repeats the previous row's votes (default 0.6).
   */
  votes?: { highShare: number; clarity: readonly [number, number]; copyProb: number };
}

export const HMS_VARIANTS: Record<string, HmsVariant> = {
  default: { heldOut: false, description: 'the generator the project was built and tuned on' },
  'patterns-shifted': {
    heldOut: true,
    description:
      'other pattern shapes: seizure, GPD, LRDA and alpha slower, LPD and GRDA faster; seizure/LPD/GPD weaker, LRDA/GRDA stronger; ' +
      'fields 25% wider; sharper (more 2nd-harmonic) rhythmic delta, blunter seizure spikes',
    pattern: {
      freqScale: [0.75, 1.4, 0.8, 0.7, 1.4, 0.9],
      amplitudeScale: [0.7, 0.8, 0.8, 1.2, 1.2, 1],
      widthScale: 1.25,
      rdaHarmonic: 0.6,
      seizureSpikeSeconds: 0.06,
    },
  },
  'artefacts-high': {
    heldOut: false,
    description: 'four times the blink, muscle and electrode-pop rates; NaN runs in 30% of EEG files, a flat channel in 15%',
    artefacts: { rateScale: 4, nanRunShare: 0.3, flatShare: 0.15 },
  },
  'votes-few': {
    heldOut: false,
    description: 'vote population: 10% of train EEGs by the many-annotator population (default 35%), the rest 1..7 votes',
    votes: { highShare: 0.1, clarity: [0.1, 0.85], copyProb: 0.6 },
  },
  'votes-many': {
    heldOut: false,
    description: 'vote population: 80% of train EEGs by the many-annotator population (10..28 votes)',
    votes: { highShare: 0.8, clarity: [0.1, 0.85], copyProb: 0.6 },
  },
  'votes-ambiguous': {
    heldOut: true,
    description: 'annotators agree less: clarity 0.05 + 0.7 s (default 0.1 + 0.85 s), a row repeats the previous votes 30% of the time',
    votes: { highShare: 0.35, clarity: [0.05, 0.7], copyProb: 0.3 },
  },
};

/** The variant named `name`, or a RangeError listing the known ones. */
export function hmsVariant(name: string | undefined): HmsVariant {
  const v = HMS_VARIANTS[name ?? 'default'];
  if (!v) throw new RangeError(`hms: unknown variant '${name}' (known: ${Object.keys(HMS_VARIANTS).join(', ')})`);
  return v;
}

/** The variant's pattern shape applied to drawn parameters (unchanged without one). */
export function shapePattern(p: PatternParams, v: HmsVariant): PatternParams {
  if (!v.pattern) return p;
  return {
    ...p,
    freq: p.freq * v.pattern.freqScale[p.cls],
    freqSwing: p.freqSwing * v.pattern.freqScale[p.cls],
    amplitude: p.amplitude * v.pattern.amplitudeScale[p.cls],
    width: p.width * v.pattern.widthScale,
    rdaHarmonic: v.pattern.rdaHarmonic,
    seizureSpikeSeconds: v.pattern.seizureSpikeSeconds,
  };
}

/** The variant's artefact rates applied to a drawn background (unchanged without one). */
export function shapeBackground(b: BackgroundParams, v: HmsVariant): BackgroundParams {
  if (!v.artefacts) return b;
  const k = v.artefacts.rateScale;
  return { ...b, blinkRate: b.blinkRate * k, muscleRate: b.muscleRate * k, popRate: b.popRate * k };
}
