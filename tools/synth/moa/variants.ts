/**
 * Generator variants of MoA: the same layout (rows, drugs, columns) and truth files, with another
 * latent-pathway structure (latentModel.ts LATENT_PARAMS) or label sparsity (targets.ts
 * TARGET_PARAMS). `default` is the generator the project was tuned on (unchanged bytes).
 */
import type { SynthVariant } from '../types';
import { LATENT_PARAMS } from './latentModel';
import { TARGET_PARAMS } from './targets';

export type LatentParams = typeof LATENT_PARAMS;
export type TargetParams = typeof TARGET_PARAMS;

export interface MoaVariant extends SynthVariant {
  latent: LatentParams;
  target: TargetParams;
}

const base = { latent: LATENT_PARAMS, target: TARGET_PARAMS, heldOut: false };

export const MOA_VARIANTS: Record<string, MoaVariant> = {
  default: { ...base, description: 'the generator the project was built and tuned on (48 pathways, 3..5 per gene, 3..6 per mechanism)' },
  'pathways-few': {
    ...base,
    description: 'a low-rank structure: 12 pathways, each gene on 1..2 of them, each mechanism moving 1..3 (mechanisms share signatures)',
    latent: { ...LATENT_PARAMS, pathways: 12, loadingsPerGene: [1, 2], loadingSd: 0.7, pathwaysPerMechanism: [1, 3] },
  },
  'pathways-dense': {
    ...base,
    heldOut: true,
    description: 'a dense structure: 128 pathways, each gene on 8..12 with weaker loadings, each mechanism moving 6..12 weaker pathways',
    latent: { ...LATENT_PARAMS, pathways: 128, loadingsPerGene: [8, 12], loadingSd: 0.3, pathwaysPerMechanism: [6, 12], mechanismStrength: [1, 2.5] },
  },
  'signal-weak': {
    ...base,
    description: 'weaker drug signatures: mechanism strength 0.8..2, drug deviation 0.8, pathway noise 1.3',
    latent: { ...LATENT_PARAMS, mechanismStrength: [0.8, 2], drugDeviationSd: 0.8, pathwayNoiseSd: 1.3 },
  },
  'labels-sparse': {
    ...base,
    heldOut: true,
    description: 'sparser labels: 80% of small drugs without a scored mechanism, less background (0.25 / 0.02 a row), mechanisms positive 85..95%',
    target: { ...TARGET_PARAMS, scoredPerDrug: [0.8, 0.19, 0.01, 0], scoredBackground: [0.25, 0.02], labelProb: [0.85, 0.95] },
  },
  'labels-dense': {
    ...base,
    description: 'denser labels: 40% of small drugs without a scored mechanism, 15% with 2..3, more background (0.8 / 0.1 a row)',
    target: { ...TARGET_PARAMS, scoredPerDrug: [0.4, 0.45, 0.1, 0.05], scoredBackground: [0.8, 0.1], nonscoredPerDrug: [0.6, 0.3, 0.1] },
  },
};

/** The variant named `name`, or a RangeError listing the known ones. */
export function moaVariant(name: string | undefined): MoaVariant {
  const v = MOA_VARIANTS[name ?? 'default'];
  if (!v) throw new RangeError(`moa: unknown variant '${name}' (known: ${Object.keys(MOA_VARIANTS).join(', ')})`);
  return v;
}
