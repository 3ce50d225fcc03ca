import * as fs from 'fs';
import * as path from 'path';
import { MOA_FILES } from '@repro/io';
import type { SynthGenerator } from '../types';
import { COMPETITION, generateMoa } from './generate';
import { MOA_VARIANTS } from './variants';

export { MOA_VARIANTS, moaVariant, type MoaVariant } from './variants';
export { generateMoa, MOA_TRUTH_FILES, type MoaTruth } from './generate';
export { planMoaLayout, MOA_SCALES, MIN_LARGE_DRUG_ROWS, type MoaLayout } from './layout';

export const generator: SynthGenerator = {
  competition: COMPETITION,
  variants: Object.fromEntries(Object.entries(MOA_VARIANTS).map(([k, v]) => [k, { description: v.description, heldOut: v.heldOut }])),
  realFilesPresent(dir: string): boolean {
    if (fs.existsSync(path.join(dir, 'truth.json'))) return false;
    return Object.values(MOA_FILES).every((f) => fs.existsSync(path.join(dir, f)));
  },
  generate: (options) => generateMoa(options),
};
