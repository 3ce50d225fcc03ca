// Synthetic HMS (Harmful Brain Activity Classification) data in the real Kaggle layout.
import * as fs from 'fs';
import * as path from 'path';
import type { SynthGenerator } from '../types';
import { generateHms } from './generate';
import { HMS_VARIANTS } from './variants';

export { generateHms, planHms, SCALE_SPECS } from './generate';
export { HMS_VARIANTS, hmsVariant, type HmsVariant } from './variants';

export const generator: SynthGenerator = {
  competition: 'hms',
  variants: Object.fromEntries(Object.entries(HMS_VARIANTS).map(([k, v]) => [k, { description: v.description, heldOut: v.heldOut }])),
  realFilesPresent(dir: string): boolean {
    return (
      !fs.existsSync(path.join(dir, 'truth.json')) &&
      fs.existsSync(path.join(dir, 'train.csv')) &&
      fs.existsSync(path.join(dir, 'train_eegs')) &&
      fs.existsSync(path.join(dir, 'train_spectrograms'))
    );
  },
  async generate(options) {
    const { competition, scale, seed, variant, files, figures, seconds } = await generateHms(options);
    return { competition, scale, seed, variant, files, figures, seconds };
  },
};
