// Synthetic HMS (Harmful Brain Activity Classification) data in the real Kaggle layout.
import * as fs from 'fs';
import * as path from 'path';
import type { SynthGenerator } from '../types';
import { generateHms } from './generate';

export { generateHms, planHms, SCALE_SPECS } from './generate';

export const generator: SynthGenerator = {
  competition: 'hms',
  variants: { default: { description: 'the generator the project was built and tuned on', heldOut: false } },
  realFilesPresent(dir: string): boolean {
    return (
      !fs.existsSync(path.join(dir, 'truth.json')) &&
      fs.existsSync(path.join(dir, 'train.csv')) &&
      fs.existsSync(path.join(dir, 'train_eegs')) &&
      fs.existsSync(path.join(dir, 'train_spectrograms'))
    );
  },
  async generate(options) {
    const { competition, scale, seed, files, figures, seconds } = await generateHms(options);
    return { competition, scale, seed, files, figures, seconds };
  },
};
