import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { fingerprintDataDir } from './fingerprint';
import { checkTrainedOn, createRun, failRuns, listRuns, openRun } from './runDir';
import { unlockRunDir } from './runLock';

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
    expect(fs.readdirSync(run.dir).sort()).toEqual(['config.json', 'lock', 'seed']);
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
      /config\.json: the config changed since this run started \(train\.epochs: stored 2, now 5\); pass --run-id NEW to start a separate run, or --fresh/
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

describe('run inputs, --fresh, failures', () => {
  let root: string;
  let data: string;
  let stdout: jest.SpyInstance;
  const config = { a: 1 };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'io-runs-'));
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'io-data-'));
    fs.writeFileSync(path.join(data, 'train.csv'), 'time,signal\n0.0001,-1.6842\n');
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  });
  const inputs = (code = 'v1') => ({ data: fingerprintDataDir(data), code });
  const opts = (extra: object = {}) => ({ root, solution: 's', config, configName: 'c', seed: 1, log: () => {}, ...extra });

  it('resumes only when the data and code are the ones it was made from', () => {
    const run = createRun(opts({ inputs: inputs() }));
    fs.writeFileSync(run.path('fold_0', 'DONE'), '');
    unlockRunDir(run.dir);
    expect(createRun(opts({ inputs: inputs() })).dir).toBe(run.dir);
    unlockRunDir(run.dir);
    // Replaced in place: same size, other bytes.
    fs.writeFileSync(path.join(data, 'train.csv'), 'time,signal\n0.0001,-1.6843\n');
    expect(() => createRun(opts({ inputs: inputs() }))).toThrow(/made from other inputs than now \(data changed: train\.csv changed content.*pass --fresh/);
    expect(() => createRun(opts({ inputs: { ...inputs(), code: 'v2' } }))).toThrow(/code changed: version v1 -> v2/);
  });

  it('refuses to resume a run that has no record of its inputs', () => {
    const run = createRun(opts());
    unlockRunDir(run.dir);
    expect(() => createRun(opts({ inputs: inputs() }))).toThrow(/no record of the data and code.*--fresh/);
  });

  it('--fresh deletes the earlier results and starts over', () => {
    const run = createRun(opts({ inputs: inputs() }));
    fs.writeFileSync(run.path('fold_0', 'DONE'), '');
    unlockRunDir(run.dir);
    fs.writeFileSync(path.join(data, 'train.csv'), 'time,signal\n0.0001,-2.6842\n');
    const said: string[] = [];
    const again = createRun(opts({ inputs: inputs(), fresh: true, log: (l: string) => said.push(l) }));
    expect(fs.existsSync(again.path('fold_0', 'DONE'))).toBe(false);
    expect(said.join('\n')).toMatch(/--fresh: deleted the earlier run/);
    unlockRunDir(again.dir);
  });

  it('after a failure removes a run folder it created that holds no result, and logs the error in one that does', () => {
    const skeleton = createRun(opts({ runId: 'empty', inputs: inputs() }));
    skeleton.log('started');
    const working = createRun(opts({ runId: 'working' }));
    fs.writeFileSync(working.path('members', 'a', 'oof.npy'), 'x');
    const removed = failRuns(new Error('train.csv: bad row'));
    expect(removed).toEqual([skeleton.dir]);
    expect(fs.existsSync(skeleton.dir)).toBe(false);
    expect(fs.readFileSync(path.join(working.dir, 'log.txt'), 'utf8')).toMatch(/FAILED: train\.csv: bad row/);
    unlockRunDir(working.dir);
  });

  it('removes temp files left by a killed writer, keeps those of live processes', () => {
    const run = createRun(opts());
    unlockRunDir(run.dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], {}).pid!;
    const stale = path.join(run.dir, 'members', `.oof.npy.tmp-${dead}-1`);
    const live = path.join(run.dir, `.metrics.json.tmp-${process.pid}-9`);
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'half');
    fs.writeFileSync(live, 'mine');
    createRun(opts());
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    unlockRunDir(run.dir);
  });

  it('infer accepts a new test set but not other training data', () => {
    const run = createRun(opts({ inputs: inputs() }));
    unlockRunDir(run.dir);
    fs.writeFileSync(path.join(data, 'test.csv'), 'time,signal\n9.0001,1\n');
    fs.writeFileSync(path.join(data, 'sample_submission.csv'), 'time,open_channels\n9.0001,0\n');
    expect(() => checkTrainedOn(run, data)).not.toThrow();
    fs.writeFileSync(path.join(data, 'train.csv'), 'time,signal\n0.0001,-1.6843\n');
    expect(() => checkTrainedOn(run, data)).toThrow(/trained on other data than .* holds now \(train\.csv changed content.*train again \(--fresh\)/);
  });
});
