// `nx run <solution>:data` lands here:
//   tsx tools/synth/cli.ts <ion-switching|moa|hms> [--scale smoke|default|kaggle] [--seed 42] [--data-dir DIR] [--force]
// Real Kaggle files in the folder win: nothing is generated. Otherwise the
// synthetic set is written into a temp folder and renamed into place, so an
// interrupted run never leaves half a data set behind.
import * as fs from 'fs';
import * as path from 'path';
import { parseCliArgs, readJson } from '@repro/io';
import type { SynthGenerator, SynthSummary } from './types';
import { generator as ionSwitching } from './ion-switching';
import { generator as moa } from './moa';
import { generator as hms } from './hms';

export const GENERATORS: Record<string, SynthGenerator> = { 'ion-switching': ionSwitching, moa, hms };

function printSummary(s: SynthSummary, dir: string): void {
  console.log(`${s.competition}: synthetic data (scale ${s.scale}, seed ${s.seed}) in ${dir}`);
  for (const [k, v] of Object.entries(s.figures)) console.log(`  ${k.padEnd(28)} ${v.toFixed(5)}`);
}

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const competition = args.positional[0];
  const gen = GENERATORS[competition];
  if (!gen) throw new Error(`synth: expected a competition (${Object.keys(GENERATORS).join(', ')}), received '${competition ?? ''}'`);
  const dir = path.resolve(args.dataDir ?? path.join('data', competition));
  const seed = args.seed ?? 42;
  const force = args.overrides.force === true;

  if (gen.realFilesPresent(dir)) {
    console.log(`${competition}: real Kaggle files found in ${dir}; using them, nothing generated`);
    return;
  }
  const truthFile = path.join(dir, 'truth.json');
  if (!force && fs.existsSync(truthFile)) {
    const old = readJson<SynthSummary>(truthFile);
    if (old.scale === args.scale && old.seed === seed && old.files.every((f) => fs.existsSync(path.join(dir, f)))) {
      printSummary(old, dir);
      console.log('  (already generated; --force to regenerate)');
      return;
    }
  }
  if (fs.existsSync(dir) && !fs.existsSync(truthFile) && fs.readdirSync(dir).length > 0) {
    throw new Error(`${dir} holds files that are neither the real Kaggle set nor ours (no truth.json); move them away first`);
  }
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const summary = await gen.generate({ outDir: tmp, scale: args.scale, seed, log: (l) => console.log(l) });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    printSummary(summary, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
