/**
 * Generator variants of Ion Switching: the same layout, groups, signal scale
 * and truth files, with other channel kinetics, noise levels or drift shapes.
 * `default` is the generator the project was tuned on (unchanged bytes).
 *
 * Kinetics variants keep at most 3 states per channel for the 5-channel
 * model (the 10-channel group's exact decoder runs on C(10+k-1, k-1)
 * occupancy states: 66 at k = 3) so that the Bayes ceiling stays exact and
 * fast.
 */
import type { SynthVariant } from '../types';
import { CHANNEL_MODELS, type ChannelModel } from './markovModel';

export interface IonVariant extends SynthVariant {
  /** Channel model per group (index = group id; the 10-channel group is two recordings of model [4]). */
  channelModels: readonly ChannelModel[];
  /** Factor on generate.ts NOISE_SIGMA_PER_RECORDING (rounded to 4 decimals when not 1). */
  noiseScale: number;
  drift: 'default' | 'other';
}

/** The default models with every rate multiplied by `f` (same open probabilities, dwell times / f). */
function scaledRates(f: number, tag: string): ChannelModel[] {
  return CHANNEL_MODELS.map((m) => ({
    ...m,
    name: `${m.name}, rates x${f} (${tag})`,
    rates: m.rates.map(([a, b, r]) => [a, b, r * f] as [number, number, number]),
  }));
}

/** C <-> O: one closed and one open state. */
function twoState(name: string, opening: number, closing: number): ChannelModel {
  return { name: `${name}: C-O (2-state, open probability ${(opening / (opening + closing)).toFixed(2)}, open dwell ${(1000 / closing).toFixed(1)} ms)`, states: ['C', 'O'], open: [0, 1], rates: [[0, 1, opening], [1, 0, closing]] };
}

/** C -> O -> I -> C with O -> C: a channel that inactivates from the open state and recovers slowly. */
function inactivating(name: string, co: number, oc: number, oi: number, ic: number): ChannelModel {
  return {
    name: `${name}: C-O-I (3-state with an inactivated state; C->O ${co}, O->C ${oc}, O->I ${oi}, I->C ${ic} /s)`,
    states: ['C', 'O', 'I'],
    open: [0, 1, 0],
    rates: [[0, 1, co], [1, 0, oc], [1, 2, oi], [2, 0, ic]],
  };
}

const base = { channelModels: CHANNEL_MODELS, noiseScale: 1, drift: 'default' as const, heldOut: false };

const TWO_STATE: readonly ChannelModel[] = (() => {
  const five = twoState('5ch (and each half of 10ch)', 1600, 1200);
  return [twoState('1ch-slow', 35, 333), twoState('1ch-fast', 600, 2000), twoState('3ch', 300, 500), five, five];
})();

export const ION_VARIANTS: Record<string, IonVariant> = {
  default: { ...base, description: 'the generator the project was built and tuned on (markovModel.ts CHANNEL_MODELS, drift.ts shapes)' },
  'kinetics-2state': {
    ...base,
    description: 'every group a 2-state C-O channel (open probabilities near the default ones, single-exponential dwells)',
    channelModels: TWO_STATE,
  },
  'kinetics-inactivating': {
    ...base,
    heldOut: true,
    description: 'every group a 3-state C-O-I channel with an inactivated state (long closed periods after openings)',
    channelModels: (() => {
      const five = inactivating('5ch (and each half of 10ch)', 3000, 800, 250, 500);
      return [inactivating('1ch-slow', 60, 150, 150, 30), inactivating('1ch-fast', 1200, 2500, 800, 300), inactivating('3ch', 700, 600, 300, 150), five, five];
    })(),
  },
  'rates-slow': { ...base, description: 'the default kinetics with every rate halved (dwell times doubled)', channelModels: scaledRates(0.5, 'rates-slow') },
  'rates-fast': { ...base, description: 'the default kinetics with every rate doubled (dwell times halved)', channelModels: scaledRates(2, 'rates-fast') },
  'noise-high': { ...base, description: 'noise sigma x1.3 in every group (0.32..0.35 a recording)', noiseScale: 1.3 },
  'noise-low': { ...base, description: 'noise sigma x0.8 in every group (0.20..0.22 a recording)', noiseScale: 0.8 },
  'drift-other': {
    ...base,
    heldOut: true,
    description: 'other drift shapes on the same segments: full sine period, saturating exponentials, steeper and falling linear drifts (drift.ts)',
    drift: 'other',
  },
  mixed: {
    heldOut: true,
    description: 'everything at once: 2-state channels with rates x0.7, noise sigma x1.15, the drift-other shapes',
    channelModels: TWO_STATE.map((m) => ({ ...m, name: `${m.name}, rates x0.7`, rates: m.rates.map(([a, b, r]) => [a, b, r * 0.7] as [number, number, number]) })),
    noiseScale: 1.15,
    drift: 'other',
  },
};

/** The variant named `name`, or a RangeError listing the known ones. */
export function ionVariant(name: string | undefined): IonVariant {
  const v = ION_VARIANTS[name ?? 'default'];
  if (!v) throw new RangeError(`ion-switching: unknown variant '${name}' (known: ${Object.keys(ION_VARIANTS).join(', ')})`);
  return v;
}
