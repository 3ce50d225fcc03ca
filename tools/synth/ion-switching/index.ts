/** Synthetic University of Liverpool - Ion Switching data (see generate.ts). */
import type { SynthGenerator } from '../types';
import { COMPETITION, generateIonSwitching, realIonFilesPresent } from './generate';
import { ION_VARIANTS } from './variants';

export const generator: SynthGenerator = {
  competition: COMPETITION,
  realFilesPresent: realIonFilesPresent,
  variants: Object.fromEntries(Object.entries(ION_VARIANTS).map(([k, v]) => [k, { description: v.description, heldOut: v.heldOut }])),
  generate: (options) => generateIonSwitching(options),
};

export * from './generate';
export { decodeSegment, forwardBackward } from './bayesDecoder';
export { CHANNEL_MODELS, groupChain } from './markovModel';
export { ION_VARIANTS, ionVariant, type IonVariant } from './variants';
