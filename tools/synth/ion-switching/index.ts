/** Synthetic University of Liverpool - Ion Switching data (see generate.ts). */
import type { SynthGenerator } from '../types';
import { COMPETITION, generateIonSwitching, realIonFilesPresent } from './generate';

export const generator: SynthGenerator = {
  competition: COMPETITION,
  realFilesPresent: realIonFilesPresent,
  generate: (options) => generateIonSwitching(options),
};

export * from './generate';
export { decodeSegment, forwardBackward } from './bayesDecoder';
export { CHANNEL_MODELS, groupChain } from './markovModel';
