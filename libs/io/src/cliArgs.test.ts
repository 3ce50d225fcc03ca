import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deepMerge, listConfigs, loadConfig, parseCliArgs, takeFlag } from './cliArgs';

describe('parseCliArgs', () => {
  it('has defaults', () => {
    expect(parseCliArgs([], {})).toEqual({ config: 'default', backend: 'auto', fresh: false, scale: 'default', overrides: {}, positional: [] });
  });

  it('takes the backend from TFJS_BACKEND unless --backend is given, and rejects an unknown one naming the variable', () => {
    expect(parseCliArgs([], { TFJS_BACKEND: 'webgpu' }).backend).toBe('webgpu');
    expect(parseCliArgs(['--backend', 'cpu'], { TFJS_BACKEND: 'webgpu' }).backend).toBe('cpu');
    expect(() => parseCliArgs([], { TFJS_BACKEND: 'gpu' })).toThrow("TFJS_BACKEND: expected one of auto, tensorflow, webgpu, wasm, cpu, got 'gpu'");
  });

  it('parses the known flags in both --k v and --k=v forms', () => {
    const a = parseCliArgs(['--config', 'wavenet-small', '--backend=wasm', '--seed', '7', '--run-id', 'r1', '--data-dir=/d', '--scale', 'smoke']);
    expect(a).toMatchObject({ config: 'wavenet-small', backend: 'wasm', seed: 7, runId: 'r1', dataDir: '/d', scale: 'smoke' });
    expect(parseCliArgs(['--seed=-3']).seed).toBe(-3);
    expect(parseCliArgs(['--max-steps', '2']).maxSteps).toBe(2);
  });

  it('keeps other flags as overrides, parsing numbers and booleans', () => {
    const a = parseCliArgs(['--train.epochs', '3', '--lr=1e-3', '--name', 'abc', '--verbose', '--fast=false', '--shift', '-2', 'extra']);
    expect(a.overrides).toEqual({ 'train.epochs': 3, lr: 0.001, name: 'abc', verbose: true, fast: false, shift: -2 });
    expect(a.positional).toEqual(['extra']);
  });

  it('rejects bad values naming the flag and the accepted values', () => {
    expect(() => parseCliArgs(['--backend', 'gpu'])).toThrow("--backend: expected one of auto, tensorflow, webgpu, wasm, cpu, got 'gpu'");
    expect(() => parseCliArgs(['--scale=huge'])).toThrow("--scale: expected one of smoke, default, kaggle, got 'huge'");
    expect(() => parseCliArgs(['--seed', '1.5'])).toThrow("--seed: expected an integer, got '1.5'");
    expect(() => parseCliArgs(['--seed', 'x'])).toThrow(/--seed: expected an integer/);
    expect(() => parseCliArgs(['--max-steps', '0'])).toThrow("--max-steps: expected a positive integer (optimizer steps per member and fold), got '0'");
    expect(() => parseCliArgs(['--config'])).toThrow('--config: expected a config name after it, got nothing');
    expect(() => parseCliArgs(['--backend', '--seed', '1'])).toThrow(/--backend: expected one of .* after it, got nothing/);
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays and never mutates its inputs', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const frozen = JSON.stringify(base);
    const out = deepMerge(base, { a: { c: [3] }, e: true });
    expect(out).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
    expect(JSON.stringify(base)).toBe(frozen);
    (out.a as { b: number }).b = 99;
    expect(base.a.b).toBe(1);
  });
});

describe('loadConfig', () => {
  let sol: string;
  const write = (name: string, obj: unknown): void => {
    fs.writeFileSync(path.join(sol, 'configs', `${name}.json`), typeof obj === 'string' ? obj : JSON.stringify(obj));
  };
  beforeEach(() => {
    sol = fs.mkdtempSync(path.join(os.tmpdir(), 'io-cfg-'));
    fs.mkdirSync(path.join(sol, 'configs'));
    write('default', { model: { name: 'wavenet', channels: 64, dilations: [1, 2, 4] }, train: { epochs: 100, lr: 0.001, amp: false } });
    write('small', { extends: 'default', model: { channels: 16 }, train: { epochs: 5 } });
    write('tiny', { extends: 'small', train: { epochs: 1 } });
  });
  afterEach(() => fs.rmSync(sol, { recursive: true, force: true }));

  it('reads a config and resolves extends chains with a deep merge', () => {
    expect(loadConfig(sol, 'tiny')).toEqual({
      model: { name: 'wavenet', channels: 16, dilations: [1, 2, 4] },
      train: { epochs: 1, lr: 0.001, amp: false },
    });
    // The base is read fresh: loading a child never changes what the parent loads as.
    expect(loadConfig(sol, 'default')).toMatchObject({ model: { channels: 64 }, train: { epochs: 100 } });
  });

  it('applies dotted overrides from the command line, keeping types', () => {
    const { overrides } = parseCliArgs(['--train.epochs', '3', '--model.name', '123', '--train.amp', 'true']);
    const c = loadConfig<{ train: { epochs: number; amp: boolean }; model: { name: string } }>(sol, 'small', overrides);
    expect(c.train.epochs).toBe(3);
    expect(c.train.amp).toBe(true);
    expect(c.model.name).toBe('123');
    expect(loadConfig(sol, 'small')).toMatchObject({ train: { epochs: 5 } });
  });

  it('rejects overrides for unknown keys (typos) unless allowNewKeys', () => {
    expect(() => loadConfig(sol, 'default', { 'train.epoch': 3 })).toThrow(
      /override --train\.epoch: the config has no key 'epoch' there \(keys there: epochs, lr, amp\)/,
    );
    expect(() => loadConfig(sol, 'default', { 'optim.lr': 3 })).toThrow(/'optim' is not a section of the config/);
    expect(() => loadConfig(sol, 'default', { 'train.epochs': 'many' })).toThrow(/override --train\.epochs: expected a number \(the config has 100\), got 'many'/);
    expect(() => loadConfig(sol, 'default', { model: 1 })).toThrow(/'model' is a section/);
    expect(loadConfig(sol, 'default', { 'optim.lr': 3, fold: 0 }, { allowNewKeys: true })).toMatchObject({ optim: { lr: 3 }, fold: 0 });
  });

  it('lists the available configs when the name is unknown', () => {
    expect(listConfigs(sol)).toEqual(['default', 'small', 'tiny']);
    expect(() => loadConfig(sol, 'big')).toThrow(/big\.json: unknown config 'big'; available: default, small, tiny/);
    write('broken', { extends: 'nope' });
    expect(() => loadConfig(sol, 'broken')).toThrow(/unknown config 'nope' \(extended by broken\); available: broken, default/);
  });

  it('rejects extends cycles and invalid JSON', () => {
    write('a', { extends: 'b' });
    write('b', { extends: 'a' });
    expect(() => loadConfig(sol, 'a')).toThrow(/'extends' forms a cycle: a -> b -> a/);
    write('bad', '{"x": ');
    expect(() => loadConfig(sol, 'bad')).toThrow(/bad\.json: not valid JSON/);
    write('list', [1, 2]);
    expect(() => loadConfig(sol, 'list')).toThrow(/list\.json: expected a JSON object, got an array/);
  });
});

describe('takeFlag', () => {
  it('removes the flag from the overrides and returns its value as a string', () => {
    const { overrides } = parseCliArgs(['--runs-dir', '/tmp/r', '--train.epochs', '3', '--member', '7']);
    expect(takeFlag(overrides, 'runs-dir')).toBe('/tmp/r');
    expect(takeFlag(overrides, 'member')).toBe('7');
    expect(takeFlag(overrides, 'absent')).toBeUndefined();
    expect(overrides).toEqual({ 'train.epochs': 3 });
  });

  it('refuses a flag given without a value', () => {
    const { overrides } = parseCliArgs(['--runs-dir']);
    expect(() => takeFlag(overrides, 'runs-dir')).toThrow('--runs-dir: expected a value after it');
  });
});
