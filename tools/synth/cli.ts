// `nx run <solution>:data` lands here:
//   tsx tools/synth/cli.ts <ion-switching|moa|hms> [--scale smoke|default|kaggle] [--seed 42] [--variant NAME] [--data-dir DIR] [--force]
// and `train`'s dependency `ensure-data` here with --ensure (train's own flags are forwarded and
// ignored, except --data-dir).
//
// Data is never destroyed by accident:
// - real Kaggle files in the folder win: nothing is generated, --force or not;
// - --ensure only ever creates a missing data set: an existing one, of any scale or seed, is kept;
// - an explicit --scale/--seed that differs from the existing set is refused unless --force.
// The synthetic set is built in `<dir>.partial` and renamed into place when complete, so an
// interrupted run never leaves half a data set under the final name; truth.json records each
// file's size (fileBytes) so a file cut short later is caught by the solutions' fingerprint check.
//
// Resuming: `<dir>.partial/.synth-partial.json` records the competition, scale, seed and generator
// code version of the build in it. Running the same command again after an interruption (Ctrl-C,
// a kill, a crash) continues it: every file in it under its final name is complete (all writes are
// temp + rename), so the generator keeps those and writes the rest; the result is byte-identical to
// an uninterrupted build (truth.json's `seconds` aside). A build of another scale, seed or code is
// discarded, saying so. `<dir>.partial.lock` (pid, start time, command) keeps a second generator
// off a build that is running.
//
//   --variant NAME  a generator variant (other kinetics, noise, drifts, ...; `--variant list` lists
//                   them with one line each, held-out ones marked); recorded in truth.json and in the
//                   partial build's manifest. A set or partial build of another variant is treated
//                   like one of another scale or seed. @default default
//   --workers N     worker threads (HMS recordings); default min(2, CPUs)
//   --stop-after N  stop after N units of work, as if interrupted (tests of the resume)
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  DataError, fileBytes, lockFile, parseCliArgs, pidAlive, readJson, releaseLockFile, runCliMain, tempFileWriter, writeJson,
} from '@repro/io';
import { SynthStopped, type SynthGenerator, type SynthSummary } from './types';
import { generator as ionSwitching } from './ion-switching';
import { generator as moa } from './moa';
import { generator as hms } from './hms';

export const GENERATORS: Record<string, SynthGenerator> = { 'ion-switching': ionSwitching, moa, hms };

/** A set made before variants existed is the default one. */
const variantOf = (s: { variant?: string }): string => s.variant ?? 'default';

/** ', variant X' for a non-default variant (messages of default sets read as before). */
const variantNote = (v: string): string => (v === 'default' ? '' : `, variant ${v}`);

function printSummary(s: SynthSummary, dir: string): void {
  console.log(`${s.competition}: synthetic data (scale ${s.scale}, seed ${s.seed}${variantNote(variantOf(s))}) in ${dir}`);
  for (const [k, v] of Object.entries(s.figures)) console.log(`  ${k.padEnd(28)} ${v.toFixed(5)}`);
}

/** The nx project whose `data` target writes this competition's folder (for messages). */
const PROJECT: Record<string, string> = { 'ion-switching': 'ion-switching', moa: 'moa', hms: 'hms-wavenet' };

/** Temp folders (`<dir>.partial-<pid>`) left by generator runs of the earlier, non-resumable layout. */
function removeStalePartials(dir: string): void {
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    const m = new RegExp(`^${path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.partial-(\\d+)$`).exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** `--variant list`: one line a variant, held-out ones marked. */
export function variantTable(gen: SynthGenerator): string {
  const names = Object.keys(gen.variants);
  const w = Math.max(...names.map((n) => n.length));
  return names
    .map((n) => `  ${n.padEnd(w)}  ${gen.variants[n].heldOut ? '[held out] ' : ''}${gen.variants[n].description}`)
    .join('\n');
}

const MANIFEST = '.synth-partial.json';

interface PartialManifest {
  competition: string;
  scale: string;
  seed: number;
  /** Absent in manifests written before variants existed: 'default'. */
  variant?: string;
  /** generatorCodeVersion() of the code that started the build. */
  code: string;
  started: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A hash of the code that decides a competition's bytes: its generator folder (tests aside) and
 * the writers and spectrogram it uses. A partial build made by other code is not resumed.
 */
export function generatorCodeVersion(competition: string): string {
  const h = createHash('sha1');
  const genDir = path.join(__dirname, competition);
  const files = [
    ...fs.readdirSync(genDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => path.join(genDir, f)),
    ...['libs/io/src/parquet.ts', 'libs/io/src/csvWrite.ts', 'libs/io/src/npy.ts', 'libs/dsp/src/hmsSpectrogram.ts'].map((f) => path.join(ROOT, f)),
  ].sort();
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/**
 * Take `<partial>.lock` for this process (@repro/io lockFile, as run folders are locked): refuses
 * while another live generator holds it, takes over one left by a killed process. Returns the
 * release function (the lock is also released at exit).
 */
function lockPartial(partial: string, competition: string, log: (l: string) => void): () => void {
  const file = `${partial}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { replaced } = lockFile(file, {
    busy: (other) =>
      new DataError(
        partial,
        `another generator is building this data set (pid ${other.pid} on ${other.host}, since ${other.since}: ${other.command}); ` +
          `wait for it to finish or stop it (kill ${other.pid}), then run this command again to resume its build`,
      ),
  });
  if (replaced) log(`${competition}: took over the lock of the partial build from pid ${replaced.pid}, started ${replaced.since}, which is no longer running`);
  return () => releaseLockFile(file);
}

/** Temp files (`.<name>.tmp-<pid>-<n>`) in the partial build: under its lock, all are left by killed writers. */
function sweepTemps(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += sweepTemps(p);
    else if (tempFileWriter(e.name) !== undefined) {
      fs.rmSync(p, { force: true });
      n++;
    }
  }
  return n;
}

/**
 * Make `partial` hold a build of exactly this competition/scale/seed/code: keep (resume) one that
 * matches, discard anything else in it. Returns whether it resumes.
 */
function preparePartial(partial: string, want: PartialManifest, log: (l: string) => void): boolean {
  const manifestFile = path.join(partial, MANIFEST);
  if (fs.existsSync(partial)) {
    let had: PartialManifest | undefined;
    try {
      had = readJson<PartialManifest>(manifestFile);
    } catch {
      had = undefined;
    }
    const sameSet = (m: PartialManifest) =>
      m.competition === want.competition && m.scale === want.scale && m.seed === want.seed && variantOf(m) === variantOf(want);
    if (had && sameSet(had) && had.code === want.code) {
      const swept = sweepTemps(partial);
      log(
        `${want.competition}: resuming the interrupted build in ${partial} (scale ${had.scale}, seed ${had.seed}${variantNote(variantOf(had))}, started ${had.started})` +
          (swept ? `; removed ${swept} half-written temp file${swept > 1 ? 's' : ''}` : ''),
      );
      return true;
    }
    const what = !had
      ? 'without a readable manifest'
      : !sameSet(had)
        ? `of ${had.competition} scale ${had.scale}, seed ${had.seed}${variantNote(variantOf(had))}`
        : `of the same scale, seed and variant by other generator code (${had.code}, now ${want.code})`;
    log(
      `${want.competition}: discarding the interrupted build in ${partial} (${what}); ` +
        `building scale ${want.scale}, seed ${want.seed}${variantNote(variantOf(want))} from the start`,
    );
    fs.rmSync(partial, { recursive: true, force: true });
  }
  fs.mkdirSync(partial, { recursive: true });
  writeJson(manifestFile, want);
  return false;
}

function positiveInt(flag: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`--${flag}: expected a positive integer, got '${String(v)}'`);
  return v;
}

export async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const competition = args.positional[0];
  const gen = GENERATORS[competition];
  if (!gen) throw new Error(`synth: expected a competition (${Object.keys(GENERATORS).join(', ')}), received '${competition ?? ''}'`);
  const variantFlag = args.overrides.variant;
  if (variantFlag === 'list') {
    console.log(variantTable(gen));
    return;
  }
  if (variantFlag !== undefined && (typeof variantFlag !== 'string' || !gen.variants[variantFlag])) {
    throw new Error(`--variant: ${competition} has no variant '${String(variantFlag)}'; known variants:\n${variantTable(gen)}`);
  }
  const dir = path.resolve(args.dataDir ?? path.join('data', competition));
  const ensure = args.overrides.ensure === true;
  const force = !ensure && args.overrides.force === true;
  // Only flags given on the command line ask for a particular set; a plain `data` keeps what is there.
  const given = (flag: string) => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  const wantScale = !ensure && given('scale') ? args.scale : undefined;
  const wantSeed = !ensure && given('seed') ? args.seed : undefined;
  const wantVariant = !ensure && typeof variantFlag === 'string' ? variantFlag : undefined;
  // The command that (re)builds the set asked for; without --variant, of the variant `v` of the set there.
  const regenerateAs = (v: string | undefined): string =>
    `nx run ${PROJECT[competition]}:data --scale ${wantScale ?? 'default'}${wantSeed !== undefined ? ` --seed ${wantSeed}` : ''}` +
    `${(wantVariant ?? v) !== undefined && (wantVariant ?? v) !== 'default' ? ` --variant ${wantVariant ?? v}` : ''}${args.dataDir ? ` --data-dir ${args.dataDir}` : ''} --force`;
  const regenerate = regenerateAs(undefined);
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
      throw new DataError(dir, `the synthetic set (scale ${old.scale}, seed ${old.seed}${variantNote(variantOf(old))}) is missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; regenerate it with '${regenerateAs(variantOf(old))}'`);
    }
    const differs =
      (wantScale !== undefined && old.scale !== wantScale) ||
      (wantSeed !== undefined && old.seed !== wantSeed) ||
      (wantVariant !== undefined && variantOf(old) !== wantVariant);
    if (differs) {
      throw new DataError(
        dir,
        `already holds a synthetic set of scale ${old.scale}, seed ${old.seed}, variant ${variantOf(old)}; it is kept. ` +
          `To replace it with scale ${wantScale ?? old.scale}, seed ${wantSeed ?? old.seed}, variant ${wantVariant ?? variantOf(old)}, ` +
          `run '${regenerate}' (or pass --data-dir to write elsewhere)`,
      );
    }
    printSummary(old, dir);
    console.log(`  (already there; kept${ensure ? '' : `; '${regenerateAs(variantOf(old))}' replaces it`})`);
    return;
  }
  if (fs.existsSync(dir) && !fs.existsSync(truthFile) && fs.readdirSync(dir).length > 0) {
    throw new DataError(dir, `holds files that are neither the real Kaggle set nor ours (no truth.json); move them away first`);
  }
  const scale = ensure ? 'default' : args.scale;
  const seed = ensure ? 42 : (args.seed ?? 42);
  const variant = wantVariant ?? 'default';
  // Under --ensure the flags are train's (forwarded by nx): only --data-dir is ours.
  const workers = ensure ? undefined : positiveInt('workers', args.overrides.workers);
  const stopAfter = ensure ? undefined : positiveInt('stop-after', args.overrides['stop-after']);
  const log = (l: string): void => console.log(l);
  const partial = `${dir}.partial`;
  const release = lockPartial(partial, competition, log);
  try {
    const manifest: PartialManifest = { competition, scale, seed, variant, code: generatorCodeVersion(competition), started: new Date().toISOString() };
    const resume = preparePartial(partial, manifest, log);
    let summary: SynthSummary;
    try {
      summary = await gen.generate({ outDir: partial, scale, seed, log, resume, workers, stopAfter, variant });
    } catch (err) {
      if (err instanceof SynthStopped) throw new DataError(partial, `${err.message}; the files written so far are kept here: run the same command again to resume`);
      console.error(`${competition}: the files written so far are kept in ${partial}; run the same command again to resume`);
      throw err;
    }
    // Sizes as written, so a file cut short later (a copy, a full disk) is caught before training.
    const truth = readJson<Record<string, unknown>>(path.join(partial, 'truth.json'));
    writeJson(path.join(partial, 'truth.json'), { ...truth, variant: truth.variant ?? variant, fileBytes: fileBytes(partial, summary.files) });
    fs.rmSync(path.join(partial, MANIFEST), { force: true });
    if (fs.existsSync(dir)) {
      // Only --force gets here with a set in place: move it aside first, delete it once the new one is in.
      const old = `${dir}.replaced-${process.pid}`;
      fs.renameSync(dir, old);
      fs.renameSync(partial, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else fs.renameSync(partial, dir);
    printSummary(summary, dir);
  } finally {
    release();
  }
}

if (require.main === module) runCliMain('synth', main);
