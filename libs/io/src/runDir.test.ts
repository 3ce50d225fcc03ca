import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRun, listRuns, openRun } from './runDir';

describe('run directories', () => {
  let root: string;
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'io-runs-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const config = { model: { layers: 3 }, train: { epochs: 2, lr: 0.001 } };

  it('creates <root>/<solution>/<config>-seed<seed> with config.json and seed', () => {
    const run = createRun({ root, solution: 'ion-switching', config, configName: 'default', seed: 42 });
    expect(run.id).toBe('default-seed42');
    expect(run.dir).toBe(path.join(root, 'ion-switching', 'default-seed42'));
    expect(JSON.parse(fs.readFileSync(path.join(run.dir, 'config.json'), 'utf8'))).toEqual(config);
    expect(fs.readFileSync(path.join(run.dir, 'seed'), 'utf8')).toBe('42\n');
    expect(fs.readdirSync(run.dir).sort()).toEqual(['config.json', 'seed']);
  });

  it('logs with ISO timestamps to log.txt and echoes to stdout', () => {
    const run = createRun({ root, solution: 's', config, configName: 'c', seed: 1 });
    run.log('epoch 1 loss 0.5');
    run.log('epoch 2 loss 0.4');
    const lines = fs.readFileSync(run.path('log.txt'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z epoch 1 loss 0\.5$/);
    expect(stdout).toHaveBeenCalledWith('epoch 2 loss 0.4\n');
  });

  it('merges metrics, saves JSON and makes nested paths', () => {
    const run = createRun({ root, solution: 's', config, configName: 'c', seed: 1 });
    run.writeMetrics({ f1: 0.9, fold0: 0.91 });
    expect(run.writeMetrics({ f1: 0.94 })).toEqual({ f1: 0.94, fold0: 0.91 });
    expect(JSON.parse(fs.readFileSync(run.path('metrics.json'), 'utf8'))).toEqual({ f1: 0.94, fold0: 0.91 });
    const p = run.saveJson('oof-summary', { n: 3 });
    expect(p).toBe(path.join(run.dir, 'oof-summary.json'));
    expect(run.saveJson('x.json', [1])).toBe(path.join(run.dir, 'x.json'));
    const nested = run.path('models', 'fold0', 'model.json');
    expect(fs.existsSync(path.dirname(nested))).toBe(true);
    expect(fs.readdirSync(run.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('resumes in the same folder when the config is the same (key order ignored)', () => {
    const a = createRun({ root, solution: 's', config, configName: 'c', seed: 3 });
    a.writeMetrics({ epoch: 5 });
    const reordered = { train: { lr: 0.001, epochs: 2 }, model: { layers: 3 } };
    const b = createRun({ root, solution: 's', config: reordered, configName: 'c', seed: 3 });
    expect(b.dir).toBe(a.dir);
    expect(b.readMetrics()).toEqual({ epoch: 5 });
  });

  it('refuses to resume when the config changed, naming the key and --run-id', () => {
    createRun({ root, solution: 's', config, configName: 'c', seed: 3 });
    const changed = { ...config, train: { epochs: 5, lr: 0.001 } };
    expect(() => createRun({ root, solution: 's', config: changed, configName: 'c', seed: 3 })).toThrow(
      /config\.json: the config changed since this run started \(train\.epochs: stored 2, now 5\); pass a new --run-id/,
    );
    const other = createRun({ root, solution: 's', config: changed, configName: 'c', seed: 3, runId: 'c-seed3-long' });
    expect(other.id).toBe('c-seed3-long');
  });

  it('openRun reopens a run, checks config and seed, and rejects non-runs', () => {
    const a = createRun({ root, solution: 's', config, configName: 'c', seed: 9 });
    const b = openRun(a.dir);
    expect(b.config).toEqual(config);
    expect(b.seed).toBe(9);
    expect(() => openRun(a.dir, { seed: 10 })).toThrow(/seed: the run was started with seed 9, now 10/);
    expect(() => openRun(a.dir, { config: {} })).toThrow(/the config changed/);
    expect(() => openRun(path.join(root, 'nothing'))).toThrow(/nothing: not a run directory \(expected config\.json in it\)/);
  });

  it('rejects unsafe run ids and non-integer seeds', () => {
    expect(() => createRun({ root, solution: 's', config, configName: 'c', seed: 1, runId: '../escape' })).toThrow(/run id '\.\.\/escape'/);
    expect(() => createRun({ root, solution: 's', config, configName: 'c', seed: 1.5 })).toThrow(/seed must be an integer, got 1\.5/);
  });

  it('lists runs of a solution with their seeds and metrics', () => {
    createRun({ root, solution: 's', config, configName: 'b', seed: 2 }).writeMetrics({ f1: 0.5 });
    createRun({ root, solution: 's', config, configName: 'a', seed: 1 });
    createRun({ root, solution: 'other', config, configName: 'a', seed: 1 });
    fs.mkdirSync(path.join(root, 's', 'not-a-run'));
    const runs = listRuns(root, 's');
    expect(runs.map((r) => r.id)).toEqual(['a-seed1', 'b-seed2']);
    expect(runs[1]).toEqual({ id: 'b-seed2', dir: path.join(root, 's', 'b-seed2'), seed: 2, metrics: { f1: 0.5 } });
    expect(listRuns(root, 'none')).toEqual([]);
  });
});
