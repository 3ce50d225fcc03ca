import * as fs from 'fs';
import * as path from 'path';
import { tempFileWriter, writeFileAtomic } from './atomic';
import { DataError } from './errors';
import { codeVersion, dataChanges, describeDataSet, fingerprintDataDir, type DataFingerprint } from './fingerprint';
import { readJson, writeJson } from './json';
import { pidAlive } from './processes';
import { watchLog } from './resources';
import { assertRunDirFree, lockRunDir } from './runLock';

/** What a run is made from besides its config and seed; recorded in inputs.json, checked on resume. */
export interface RunInputs {
  /** fingerprintDataDir() of the data folder. */
  data?: DataFingerprint;
  /** codeVersion() of the code that trains. */
  code?: string;
}

export interface CreateRunOptions {
  /**
   * Folder holding every solution's runs.
   * @default 'runs'
   */
  root?: string;
  /** Solution name, e.g. 'ion-switching': runs live in `<root>/<solution>/<runId>`. */
  solution: string;
  /** The fully resolved config (after extends and overrides). */
  config: unknown;
  /** The config's name, e.g. 'default'. */
  configName: string;
  seed: number;
  /**
   * Folder name of the run.
   * @default `${configName}-seed${seed}` (so re-running the same config resumes in the same folder)
   */
  runId?: string;
  /** Recorded in inputs.json; an existing run resumes only when they still match. */
  inputs?: RunInputs;
  /** Delete an existing run folder of this id first (its results are lost) and start over. */
  fresh?: boolean;
  /**
   * Hold `<dir>/lock` while this process runs, so a second training in the same folder refuses.
   * @default true
   */
  lock?: boolean;
  /** Where to say that a stale lock was taken over, or that a run was started fresh. @default console.log */
  log?: (line: string) => void;
}

/** A run directory: config, seed, log, metrics and artifacts of one training run. */
export interface Run {
  readonly id: string;
  readonly dir: string;
  readonly config: unknown;
  readonly seed: number;
  /** A path inside the run directory (parent folders are created). */
  path(...parts: string[]): string;
  /** Append `<ISO time> <line>` to log.txt and print the line to stdout. */
  log(line: string): void;
  /** Append `<ISO time> <line>` to log.txt only (already printed elsewhere). */
  note(line: string): void;
  /** Merge into metrics.json (atomic). Returns the merged metrics. */
  writeMetrics(metrics: Record<string, unknown>): Record<string, unknown>;
  /** Metrics so far ({} when none). */
  readMetrics(): Record<string, unknown>;
  /** Write `<name>` (".json" added when missing) in the run directory, atomically. */
  saveJson(name: string, value: unknown): string;
}

export interface RunInfo {
  id: string;
  dir: string;
  seed?: number;
  metrics: Record<string, unknown>;
}

const ID = /^[A-Za-z0-9._-]+$/;

/** Config equality as stored: JSON text with keys sorted, so key order does not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (canonical(a) === canonical(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
  }
  return `${at || '(root)'}: stored ${JSON.stringify(a)}, now ${JSON.stringify(b)}`;
}

/** `<ISO time> <line>` appended to a run folder's log.txt. */
function appendLog(dir: string, line: string): void {
  fs.appendFileSync(path.join(dir, 'log.txt'), `${new Date().toISOString()} ${line}\n`);
}

function makeRun(dir: string, config: unknown, seed: number): Run {
  const metricsPath = path.join(dir, 'metrics.json');
  const note = (line: string) => appendLog(dir, line);
  const readMetrics = (): Record<string, unknown> =>
    fs.existsSync(metricsPath) ? readJson<Record<string, unknown>>(metricsPath) : {};
  return {
    id: path.basename(dir),
    dir,
    config,
    seed,
    path(...parts) {
      const p = path.join(dir, ...parts);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      return p;
    },
    log(line) {
      note(line);
      process.stdout.write(line + '\n');
    },
    note,
    writeMetrics(metrics) {
      const merged = { ...readMetrics(), ...metrics };
      writeJson(metricsPath, merged);
      return merged;
    },
    readMetrics,
    saveJson(name, value) {
      const p = this.path(name.endsWith('.json') ? name : `${name}.json`);
      writeJson(p, value);
      return p;
    },
  };
}

/**
 * Create (or resume) a run directory `<root>/<solution>/<runId>`: writes
 * config.json and seed on first use. Resuming is the point of the default
 * id, so an existing folder is reused, but only if its config is the same:
 * otherwise its checkpoints would silently mix two experiments.
 */
export function createRun(options: CreateRunOptions): Run {
  const { root = 'runs', solution, config, configName, seed, inputs } = options;
  const say = options.log ?? ((l: string) => console.log(l));
  if (!Number.isInteger(seed)) throw new TypeError(`createRun: seed must be an integer, got ${seed}`);
  const id = options.runId ?? `${configName}-seed${seed}`;
  if (!ID.test(id)) throw new TypeError(`createRun: run id '${id}' may hold only letters, digits, '.', '_' and '-'`);
  const dir = path.join(root, solution, id);
  if (options.fresh && fs.existsSync(dir)) {
    assertRunDirFree(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    say(`--fresh: deleted the earlier run in ${dir}; starting over`);
  }
  const exists = fs.existsSync(path.join(dir, 'config.json'));
  fs.mkdirSync(dir, { recursive: true });
  if (options.lock !== false) {
    const { tookOver } = lockRunDir(dir);
    if (tookOver) say(`${dir}: ${tookOver}`);
  }
  sweepStaleTemps(dir);
  if (exists) {
    const run = openRun(dir, { config, seed });
    if (inputs) checkInputs(dir, inputs);
    active.push({ dir, createdNow: false });
    watchLog(path.join(dir, 'log.txt'));
    return run;
  }
  writeJson(path.join(dir, 'config.json'), config);
  writeFileAtomic(path.join(dir, 'seed'), `${seed}\n`);
  if (inputs) writeJson(path.join(dir, 'inputs.json'), inputs);
  active.push({ dir, createdNow: true });
  watchLog(path.join(dir, 'log.txt'));
  return makeRun(dir, config, seed);
}

const FRESH_HINT = 'pass --fresh to delete its results and train again, or --run-id NEW to keep them and train a separate run';

/** Compare what a run was made from (inputs.json) with what it would resume with now. */
function checkInputs(dir: string, now: RunInputs): void {
  const file = path.join(dir, 'inputs.json');
  if (!fs.existsSync(file)) {
    throw new DataError(dir, `this run has no record of the data and code it was made from (inputs.json; an older version made it), so it cannot be resumed safely; ${FRESH_HINT}`);
  }
  const before = readJson<RunInputs>(file);
  const changes: string[] = [];
  if (now.data) {
    const d = before.data ? dataChanges(before.data, now.data) : ['no record of it'];
    if (d.length > 0) changes.push(`data changed: ${d.slice(0, 4).join('; ')}${d.length > 4 ? `; and ${d.length - 4} more files` : ''}`);
  }
  if (now.code !== undefined && before.code !== now.code) changes.push(`code changed: version ${before.code ?? 'unknown'} -> ${now.code} (the solution or a library was edited)`);
  if (changes.length > 0) {
    throw new DataError(dir, `this run was made from other inputs than now (${changes.join('; ')}); its folds, caches and models cannot be resumed; ${FRESH_HINT}`);
  }
}

/** Temp files (`.<name>.tmp-<pid>-<n>`) left in a run folder by a process that was killed mid-write. */
export function sweepStaleTemps(dir: string): number {
  let removed = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const writer = tempFileWriter(e.name);
        if (writer !== undefined && writer !== process.pid && !pidAlive(writer)) {
          fs.rmSync(p, { force: true });
          removed++;
        }
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return removed;
}

/** Run folders this process created or resumed, for failRuns(). */
const active: { dir: string; createdNow: boolean }[] = [];

/**
 * Create an output folder that is not a training run (an ensemble's) and have failRuns treat it as
 * one: removed after a failure when this process created it and it holds no result (log.txt aside),
 * otherwise given the error in its log.txt.
 */
export function trackOutputDir(dir: string): string {
  active.push({ dir, createdNow: !fs.existsSync(dir) });
  watchLog(path.join(dir, 'log.txt'));
  fs.mkdirSync(dir, { recursive: true });
  sweepStaleTemps(dir);
  return dir;
}

/**
 * An ensemble's output folder (trackOutputDir) and its logger: each line to stdout and, with an ISO
 * time stamp, to the folder's log.txt.
 */
export function openEnsembleDir(dir: string): { dir: string; log: (line: string) => void } {
  trackOutputDir(dir);
  return {
    dir,
    log: (l: string) => {
      fs.appendFileSync(path.join(dir, 'log.txt'), `${new Date().toISOString()} ${l}\n`);
      process.stdout.write(l + '\n');
    },
  };
}

/** What a run folder holds before any result: a failure then leaves nothing behind. */
const SKELETON = new Set(['config.json', 'seed', 'inputs.json', 'log.txt', 'lock']);

function onlySkeleton(dir: string): boolean {
  const walk = (d: string, top: boolean): boolean =>
    fs.readdirSync(d, { withFileTypes: true }).every((e) => (e.isDirectory() ? walk(path.join(d, e.name), false) : top && SKELETON.has(e.name)));
  return walk(dir, true);
}

/**
 * After a failure: the error goes to the log.txt of every run this process worked in; a run folder
 * created by this process that holds no result yet is removed instead (no skeleton left behind).
 * Returns the folders removed.
 */
export function failRuns(err: unknown): string[] {
  const message = err instanceof Error ? err.message : String(err);
  const removed: string[] = [];
  for (const { dir, createdNow } of active.splice(0)) {
    if (!fs.existsSync(dir)) continue;
    if (createdNow && onlySkeleton(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
      const parent = path.dirname(dir);
      if (fs.existsSync(parent) && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
    } else {
      appendLog(dir, `FAILED: ${message.replace(/\n/g, '\n  ')}`);
    }
  }
  return removed;
}

/** The code version of a solution: its src folder and every library. */
export function solutionCodeVersion(solutionSrcDir: string): string {
  return codeVersion([solutionSrcDir, path.resolve(__dirname, '..', '..')]);
}

export interface OpenRunExpect {
  /** The config the caller is about to run with; must equal the stored one. */
  config?: unknown;
  /** The seed the caller is about to use; must equal the stored one. */
  seed?: number;
}

/** Reopen an existing run directory, checking that it matches what the caller expects. */
export function openRun(dir: string, expect: OpenRunExpect = {}): Run {
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(configPath)) throw new DataError(dir, 'not a run directory (expected config.json in it)');
  const stored = readJson(configPath);
  const seedPath = path.join(dir, 'seed');
  const storedSeed = fs.existsSync(seedPath) ? Number(fs.readFileSync(seedPath, 'utf8').trim()) : NaN;
  if (expect.config !== undefined && canonical(stored) !== canonical(expect.config)) {
    throw new DataError(
      configPath,
      `the config changed since this run started (${firstDifference(stored, expect.config)}); ` +
        'pass --run-id NEW to start a separate run, or --fresh to delete this one and start over',
    );
  }
  if (expect.seed !== undefined && storedSeed !== expect.seed) {
    throw new DataError(seedPath, `the run was started with seed ${storedSeed}, now ${expect.seed}; pass a new --run-id`);
  }
  return makeRun(dir, stored, Number.isNaN(storedSeed) ? (expect.seed ?? NaN) : storedSeed);
}

/** Runs of a solution (folders holding config.json), sorted by id. */
export function listRuns(root: string, solution: string): RunInfo[] {
  const base = path.join(root, solution);
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(base, e.name, 'config.json')))
    .map((e) => {
      const dir = path.join(base, e.name);
      const seedPath = path.join(dir, 'seed');
      const metricsPath = path.join(dir, 'metrics.json');
      return {
        id: e.name,
        dir,
        seed: fs.existsSync(seedPath) ? Number(fs.readFileSync(seedPath, 'utf8').trim()) : undefined,
        metrics: fs.existsSync(metricsPath) ? readJson<Record<string, unknown>>(metricsPath) : {},
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * What a solution's training is made from: the data folder's fingerprint and the code version, and
 * a line naming the data set for the log.
 */
export function solutionInputs(dataDir: string, solutionSrcDir: string): { inputs: RunInputs; dataLine: string } {
  const data = fingerprintDataDir(dataDir);
  return { inputs: { data, code: solutionCodeVersion(solutionSrcDir) }, dataLine: `data: ${describeDataSet(data)}` };
}

/**
 * The run a solution's `train` writes into, `<runsRoot>/<solution>/<runId or config-seedS>`:
 * created, or resumed when its inputs (the data fingerprint and the code version of
 * `solutionSrcDir`) match, and the data line logged first.
 */
export function createTrainRun(
  ctx: { runsRoot: string; config: { data: { dir: string } }; configName: string; seed: number; runId?: string; fresh?: boolean },
  solution: string,
  solutionSrcDir: string,
): Run {
  const { inputs, dataLine } = solutionInputs(ctx.config.data.dir, solutionSrcDir);
  const run = createRun({ root: ctx.runsRoot, solution, config: ctx.config, configName: ctx.configName, seed: ctx.seed, runId: ctx.runId, inputs, fresh: ctx.fresh });
  run.log(dataLine);
  return run;
}

/** Entries of a data folder that only the test side reads: infer may run on a new test set. */
const TEST_SIDE = /^(test|sample_submission)/;
/** Our generator's truth files (not inputs of any model). */
const TRUTH = /^truth/;

/**
 * For `infer` on a trained run: throws when the training side of the data (everything but the
 * test files and the synthetic truth) is not what the run was trained on, so a submission is never
 * made from models and caches of other training data. A new test set is fine.
 */
export function checkTrainedOn(run: Run, dataDir: string): void {
  const file = path.join(run.dir, 'inputs.json');
  if (!fs.existsSync(file)) return; // made before runs recorded their inputs: nothing to compare
  const before = readJson<RunInputs>(file).data;
  if (!before) return;
  const now = fingerprintDataDir(dataDir);
  const trainSide = (fp: DataFingerprint): DataFingerprint => ({
    ...fp,
    scale: undefined,
    seed: undefined,
    files: Object.fromEntries(Object.entries(fp.files).filter(([n]) => !TEST_SIDE.test(n) && !TRUTH.test(n))),
  });
  // Only files present in both and different: a folder holding just the test side is fine for infer.
  const changes = dataChanges(trainSide(before), trainSide(now)).filter((c) => / changed /.test(c));
  if (changes.length > 0) {
    throw new DataError(
      run.dir,
      `this run was trained on other data than ${path.resolve(dataDir)} holds now (${changes.slice(0, 4).join('; ')}${changes.length > 4 ? '; ...' : ''}); ` +
        `its models would not match; train again (--fresh) on this data, or point --data-dir at the data it was trained on`,
    );
  }
}
