import * as fs from 'fs';
import * as path from 'path';
import { DataError } from './errors';

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const SCALES = ['smoke', 'default', 'kaggle'] as const;
export type Scale = (typeof SCALES)[number];

export type OverrideValue = string | number | boolean;

export interface CliArgs {
  /** @default 'default' */
  config: string;
  /** @default 'auto' */
  backend: BackendChoice;
  seed?: number;
  runId?: string;
  dataDir?: string;
  /** `--fresh`: delete the run folder's earlier results and start over instead of resuming. */
  fresh: boolean;
  /** @default 'default' */
  scale: Scale;
  /**
   * `--max-steps N`: N optimizer steps per trainModel call (member, fold, seed, stage), then the rest
   * of the pipeline as usual, and a projection of the full recipe's training time.
   */
  maxSteps?: number;
  /** Every other `--key value` / `--key=value` (numbers and true/false parsed; a bare `--flag` is true). */
  overrides: Record<string, OverrideValue>;
  /** Arguments that are not flags, in order. */
  positional: string[];
}

/** "3" -> 3, "1e-3" -> 0.001, "true" -> true; anything else stays text. */
function parseValue(text: string): OverrideValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return Number(text);
  return text;
}

function oneOf<T extends string>(flag: string, value: string, accepted: readonly T[]): T {
  if (!accepted.includes(value as T)) {
    throw new Error(`--${flag}: expected one of ${accepted.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/**
 * Parse a solution CLI's arguments (without `node` and the script, i.e.
 * `process.argv.slice(2)`).
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  // --backend wins; else TFJS_BACKEND (as `TFJS_BACKEND=webgpu nx run <solution>:train`); else auto.
  const envBackend = env.TFJS_BACKEND?.trim();
  if (envBackend && !BACKENDS.includes(envBackend as BackendChoice)) {
    throw new Error(`TFJS_BACKEND: expected one of ${BACKENDS.join(', ')}, got '${envBackend}'`);
  }
  const out: CliArgs = { config: 'default', backend: (envBackend as BackendChoice) || 'auto', fresh: false, scale: 'default', overrides: {}, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !/^--[A-Za-z]/.test(argv[i + 1])) value = argv[++i];
    if (key === '') throw new Error(`'${arg}': expected a flag name after --`);
    const need = (what: string): string => {
      if (value === undefined) throw new Error(`--${key}: expected ${what} after it, got nothing`);
      return value;
    };
    switch (key) {
      case 'config':
        out.config = need('a config name');
        break;
      case 'backend':
        out.backend = oneOf(key, need(`one of ${BACKENDS.join(', ')}`), BACKENDS);
        break;
      case 'scale':
        out.scale = oneOf(key, need(`one of ${SCALES.join(', ')}`), SCALES);
        break;
      case 'seed': {
        const v = need('an integer');
        if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) {
          throw new Error(`--seed: expected an integer, got '${v}'`);
        }
        out.seed = Number(v);
        break;
      }
      case 'run-id':
        out.runId = need('a run id');
        break;
      case 'max-steps': {
        const v = need('a positive integer');
        if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
          throw new Error(`--max-steps: expected a positive integer (optimizer steps per member and fold), got '${v}'`);
        }
        out.maxSteps = Number(v);
        break;
      }
      case 'data-dir':
        out.dataDir = need('a directory');
        break;
      case 'fresh':
        // A bare switch: a following word that is not true/false is not its value.
        if (value !== undefined && value !== 'true' && value !== 'false') {
          if (eq >= 0) throw new Error(`--fresh: expected no value (or true/false), got '${value}'`);
          i--;
          value = undefined;
        }
        out.fresh = value !== 'false';
        break;
      default:
        out.overrides[key] = value === undefined ? true : parseValue(value);
    }
  }
  return out;
}

/**
 * Removes a solution's own flag (one that is not a config key, e.g. `--runs-dir`)
 * from the parsed overrides and returns its value as a string, so that the
 * overrides left can be applied to the config. A flag given without a value is
 * an error: these flags all take one.
 */
export function takeFlag(overrides: Record<string, OverrideValue>, name: string): string | undefined {
  const v = overrides[name];
  delete overrides[name];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') throw new Error(`--${name}: expected a value after it`);
  return String(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. Inputs are not mutated. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isObject(base) || !isObject(over)) return structuredClone(over) as T;
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out as T;
}

export interface LoadConfigOptions {
  /**
   * Accept overrides for keys the config does not have. Off by default so a
   * typo (`--train.epoch 3`) fails instead of being silently ignored.
   * @default false
   */
  allowNewKeys?: boolean;
}

/** Names of the configs in `<solutionDir>/configs`. */
export function listConfigs(solutionDir: string): string[] {
  const dir = path.join(solutionDir, 'configs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function readConfigFile(solutionDir: string, name: string, chain: string[]): Record<string, unknown> {
  const file = path.join(solutionDir, 'configs', `${name}.json`);
  if (!/^[A-Za-z0-9._-]+$/.test(name) || !fs.existsSync(file)) {
    const available = listConfigs(solutionDir);
    const via = chain.length ? ` (extended by ${chain[chain.length - 1]})` : '';
    throw new DataError(file, `unknown config '${name}'${via}; available: ${available.join(', ') || 'none'}`);
  }
  if (chain.includes(name)) throw new DataError(file, `'extends' forms a cycle: ${[...chain, name].join(' -> ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new DataError(file, `expected a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  const { extends: parent, ...own } = raw;
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw new DataError(file, `'extends' must be a config name, got ${JSON.stringify(parent)}`);
  return deepMerge(readConfigFile(solutionDir, parent, [...chain, name]), own);
}

/** Set `dotted.key` in `config` (a fresh copy), keeping the type of the value it replaces. */
function applyOverride(config: Record<string, unknown>, key: string, value: OverrideValue, file: string, allowNew: boolean): void {
  const parts = key.split('.');
  let node: Record<string, unknown> = config;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (next === undefined && allowNew) node[parts[i]] = {};
    else if (!isObject(next)) {
      throw new DataError(file, `override --${key}: '${parts.slice(0, i + 1).join('.')}' is not a section of the config (keys there: ${Object.keys(node).join(', ')})`);
    }
    node = node[parts[i]] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (!(last in node)) {
    if (!allowNew) {
      throw new DataError(file, `override --${key}: the config has no key '${last}' there (keys there: ${Object.keys(node).join(', ')})`);
    }
    node[last] = value;
    return;
  }
  const old = node[last];
  if (typeof old === 'string') node[last] = String(value);
  else if (typeof old === 'number' && typeof value !== 'number') {
    throw new DataError(file, `override --${key}: expected a number (the config has ${old}), got '${value}'`);
  } else if (typeof old === 'boolean' && typeof value !== 'boolean') {
    throw new DataError(file, `override --${key}: expected true or false, got '${value}'`);
  } else if (isObject(old) || Array.isArray(old)) {
    throw new DataError(file, `override --${key}: '${key}' is a ${Array.isArray(old) ? 'list' : 'section'}; override one of its keys instead`);
  } else node[last] = value;
}

/**
 * Read `<solutionDir>/configs/<name>.json`, resolve `"extends": "<other>"`
 * (deep merge, child wins) and apply dotted overrides such as
 * `{ 'train.epochs': 3 }` from `--train.epochs 3`.
 */
export function loadConfig<T = Record<string, unknown>>(
  solutionDir: string,
  name: string,
  overrides: Record<string, OverrideValue> = {},
  options: LoadConfigOptions = {},
): T {
  const config = readConfigFile(solutionDir, name, []);
  const file = path.join(solutionDir, 'configs', `${name}.json`);
  for (const [k, v] of Object.entries(overrides)) applyOverride(config, k, v, file, options.allowNewKeys ?? false);
  return config as T;
}
