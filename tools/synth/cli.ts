// `nx run <solution>:data` lands here:
//   tsx tools/synth/cli.ts <ion-switching|moa|hms> [--scale smoke|default|kaggle] [--seed 42] [--data-dir DIR] [--force]
// and `train`'s dependency `ensure-data` here with --ensure (train's own flags are forwarded and
// ignored, except --data-dir).
//
// Data is never destroyed by accident:
// - real Kaggle files in the folder win: nothing is generated, --force or not;
// - --ensure only ever creates a missing data set: an existing one, of any scale or seed, is kept;
// - an explicit --scale/--seed that differs from the existing set is refused unless --force.
// The synthetic set is written into a temp folder and renamed into place, so an interrupted run
// never leaves half a data set behind; truth.json records each file's size (fileBytes) so a file
// cut short later is caught by the solutions' fingerprint check.
import * as fs from 'fs';
import * as path from 'path';
import { DataError, fileBytes, parseCliArgs, pidAlive, readJson, runCliMain, writeJson } from '@repro/io';
import type { SynthGenerator, SynthSummary } from './types';
import { generator as ionSwitching } from './ion-switching';
import { generator as moa } from './moa';
import { generator as hms } from './hms';

export const GENERATORS: Record<string, SynthGenerator> = { 'ion-switching': ionSwitching, moa, hms };

function printSummary(s: SynthSummary, dir: string): void {
  console.log(`${s.competition}: synthetic data (scale ${s.scale}, seed ${s.seed}) in ${dir}`);
  for (const [k, v] of Object.entries(s.figures)) console.log(`  ${k.padEnd(28)} ${v.toFixed(5)}`);
}

/** The nx project whose `data` target writes this competition's folder (for messages). */
const PROJECT: Record<string, string> = { 'ion-switching': 'ion-switching', moa: 'moa', hms: 'hms-wavenet' };

/** Temp folders (`<dir>.partial-<pid>`) of generator runs that were killed. */
function removeStalePartials(dir: string): void {
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    const m = new RegExp(`^${path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.partial-(\\d+)$`).exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const competition = args.positional[0];
  const gen = GENERATORS[competition];
  if (!gen) throw new Error(`synth: expected a competition (${Object.keys(GENERATORS).join(', ')}), received '${competition ?? ''}'`);
  const dir = path.resolve(args.dataDir ?? path.join('data', competition));
  const ensure = args.overrides.ensure === true;
  const force = !ensure && args.overrides.force === true;
  // Only flags given on the command line ask for a particular set; a plain `data` keeps what is there.
  const given = (flag: string) => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  const wantScale = !ensure && given('scale') ? args.scale : undefined;
  const wantSeed = !ensure && given('seed') ? args.seed : undefined;
  const regenerate = `nx run ${PROJECT[competition]}:data --scale ${wantScale ?? 'default'}${wantSeed !== undefined ? ` --seed ${wantSeed}` : ''}${args.dataDir ? ` --data-dir ${args.dataDir}` : ''} --force`;
  removeStalePartials(dir);

  if (gen.realFilesPresent(dir)) {
    console.log(`${competition}: real Kaggle files found in ${dir}; using them, nothing generated${force ? ' (--force never replaces real files)' : ''}`);
    return;
  }
  const truthFile = path.join(dir, 'truth.json');
  if (!force && fs.existsSync(truthFile)) {
    const old = readJson<SynthSummary>(truthFile);
    const missing = old.files.filter((f) => !fs.existsSync(path.join(dir, f)));
    if (missing.length > 0) {
      throw new DataError(dir, `the synthetic set (scale ${old.scale}, seed ${old.seed}) is missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; regenerate it with '${regenerate}'`);
    }
    const differs = (wantScale !== undefined && old.scale !== wantScale) || (wantSeed !== undefined && old.seed !== wantSeed);
    if (differs) {
      throw new DataError(
        dir,
        `already holds a synthetic set of scale ${old.scale}, seed ${old.seed}; it is kept. ` +
          `To replace it with scale ${wantScale ?? old.scale}, seed ${wantSeed ?? old.seed}, run '${regenerate}' (or pass --data-dir to write elsewhere)`,
      );
    }
    printSummary(old, dir);
    console.log(`  (already there; kept${ensure ? '' : `; '${regenerate}' replaces it`})`);
    return;
  }
  if (fs.existsSync(dir) && !fs.existsSync(truthFile) && fs.readdirSync(dir).length > 0) {
    throw new DataError(dir, `holds files that are neither the real Kaggle set nor ours (no truth.json); move them away first`);
  }
  const scale = ensure ? 'default' : args.scale;
  const seed = ensure ? 42 : (args.seed ?? 42);
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const summary = await gen.generate({ outDir: tmp, scale, seed, log: (l) => console.log(l) });
    // Sizes as written, so a file cut short later (a copy, a full disk) is caught before training.
    const truth = readJson<Record<string, unknown>>(path.join(tmp, 'truth.json'));
    writeJson(path.join(tmp, 'truth.json'), { ...truth, fileBytes: fileBytes(tmp, summary.files) });
    if (fs.existsSync(dir)) {
      // Only --force gets here with a set in place: move it aside first, delete it once the new one is in.
      const old = `${dir}.replaced-${process.pid}`;
      fs.renameSync(dir, old);
      fs.renameSync(tmp, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else fs.renameSync(tmp, dir);
    printSummary(summary, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

if (require.main === module) runCliMain('synth', main);
