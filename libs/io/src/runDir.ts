import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';
import { readJson, writeJson } from './json';

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

function makeRun(dir: string, config: unknown, seed: number): Run {
  const metricsPath = path.join(dir, 'metrics.json');
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
      fs.appendFileSync(path.join(dir, 'log.txt'), `${new Date().toISOString()} ${line}\n`);
      process.stdout.write(line + '\n');
    },
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
  const { root = 'runs', solution, config, configName, seed } = options;
  if (!Number.isInteger(seed)) throw new TypeError(`createRun: seed must be an integer, got ${seed}`);
  const id = options.runId ?? `${configName}-seed${seed}`;
  if (!ID.test(id)) throw new TypeError(`createRun: run id '${id}' may hold only letters, digits, '.', '_' and '-'`);
  const dir = path.join(root, solution, id);
  if (fs.existsSync(path.join(dir, 'config.json'))) return openRun(dir, { config, seed });
  fs.mkdirSync(dir, { recursive: true });
  writeJson(path.join(dir, 'config.json'), config);
  writeFileAtomic(path.join(dir, 'seed'), `${seed}\n`);
  return makeRun(dir, config, seed);
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
        'pass a new --run-id to start a separate run, or delete the folder to start over',
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
