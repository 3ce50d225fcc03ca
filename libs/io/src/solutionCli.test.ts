import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCliArgs } from './cliArgs';
import { DataError } from './errors';
import { loadSolutionConfig, runSolutionCli, type SolutionCli, type SolutionContext } from './solutionCli';

describe('loadSolutionConfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'solution-cli-'));
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'configs'));
    fs.writeFileSync(path.join(dir, 'configs', 'base.json'), JSON.stringify({ data: { dir: 'data/x' }, train: { epochs: 3, lr: 0.1 } }));
    fs.writeFileSync(path.join(dir, 'configs', 'small.json'), JSON.stringify({ extends: 'base', train: { epochs: 1 } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  type C = { data: { dir: string }; train: { epochs: number; lr: number } };

  it('loads --config with its overrides and --data-dir, then hands it to the validator with the file', () => {
    const args = parseCliArgs(['train', '--config', 'small', '--data-dir', '/elsewhere', '--train.lr', '0.5']);
    const seen: string[] = [];
    const { config, configFile } = loadSolutionConfig<C>(dir, args, args.overrides, (c, file) => (seen.push(file), c));
    expect(config).toEqual({ data: { dir: '/elsewhere' }, train: { epochs: 1, lr: 0.5 } });
    expect(configFile).toBe(path.join(dir, 'configs', 'small.json'));
    expect(seen).toEqual([configFile]);
  });

  it("passes on the validator's error and an unknown override's", () => {
    const args = parseCliArgs(['--config', 'small', '--train.momentum', '0.9']);
    expect(() => loadSolutionConfig<C>(dir, args, args.overrides, (c) => c)).toThrow(DataError);
    const ok = parseCliArgs(['--config', 'base']);
    expect(() =>
      loadSolutionConfig<C>(dir, ok, ok.overrides, () => {
        throw new DataError('base.json', 'train.epochs too large');
      }),
    ).toThrow(/base\.json.*train\.epochs too large/);
  });
});

describe('runSolutionCli', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'solution-cli-run-'));
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'configs'));
    fs.writeFileSync(path.join(dir, 'configs', 'default.json'), JSON.stringify({ data: { dir: 'data/x' }, train: { epochs: 3 } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  type C = { data: { dir: string }; train: { epochs: number } };
  type Seen = Partial<SolutionContext<C, string>> & { target: string };

  function cli(seen: Seen[], backends: string[]): SolutionCli<C, string> {
    const target = (name: string) => async (ctx: Partial<SolutionContext<C, string>>) => void seen.push({ ...ctx, target: name });
    return {
      name: 'demo',
      cliPath: '/x/cli.ts',
      resolveConfig: (args, overrides) => loadSolutionConfig<C>(dir, args, overrides, (c) => c),
      initBackend: async ({ backend }) => (backends.push(backend), `info:${backend}`),
      targets: { train: target('train'), infer: target('infer') },
      plainTargets: { ensemble: target('ensemble') },
      foldWorker: { flags: { 'run-dir': 'DIR', fold: 'K' }, run: async (f, info) => void seen.push({ target: `worker ${f['run-dir']} ${f.fold} ${info}` }) },
    };
  }

  it('hands a target the config, the common flags and --members; --runs-dir and --members are not config keys', async () => {
    const seen: Seen[] = [];
    const backends: string[] = [];
    const argv = ['train', '--seed', '7', '--runs-dir', '/r', '--members', 'a, b', '--train.epochs', '1', '--backend', 'cpu'];
    await runSolutionCli(cli(seen, backends), argv);
    expect(seen).toEqual([
      { target: 'train', config: { data: { dir: 'data/x' }, train: { epochs: 1 } }, configName: 'default', configFile: path.join(dir, 'configs', 'default.json'), seed: 7, runId: undefined, fresh: false, runsRoot: '/r', backend: 'cpu', cliPath: '/x/cli.ts', members: ['a', 'b'], flags: {}, argv, backendInfo: 'info:cpu' },
    ]);
    // A plain target starts no backend; the seed defaults to 42, the runs root to REPRO_RUNS_DIR, then `runs`.
    const env = process.env.REPRO_RUNS_DIR;
    delete process.env.REPRO_RUNS_DIR;
    try {
      await runSolutionCli(cli(seen, backends), ['ensemble']);
    } finally {
      if (env !== undefined) process.env.REPRO_RUNS_DIR = env;
    }
    expect(seen[1]).toMatchObject({ target: 'ensemble', seed: 42, runsRoot: 'runs' });
    expect('backendInfo' in seen[1]).toBe(false);
    expect(backends).toEqual(['cpu']);
  });

  it("takes the solution's own flags out of the config overrides, and reads its older runs-dir variable after REPRO_RUNS_DIR", async () => {
    const seen: Seen[] = [];
    const own = { ...cli(seen, []), flags: ['member', 'out'], runsDirEnv: 'DEMO_RUNS_DIR' };
    const saved = [process.env.REPRO_RUNS_DIR, process.env.DEMO_RUNS_DIR];
    delete process.env.REPRO_RUNS_DIR;
    process.env.DEMO_RUNS_DIR = '/old';
    try {
      await runSolutionCli(own, ['ensemble', '--member', 'dense', '--train.epochs', '2']);
    } finally {
      if (saved[0] !== undefined) process.env.REPRO_RUNS_DIR = saved[0];
      if (saved[1] !== undefined) process.env.DEMO_RUNS_DIR = saved[1];
      else delete process.env.DEMO_RUNS_DIR;
    }
    expect(seen[0]).toMatchObject({ target: 'ensemble', flags: { member: 'dense', out: undefined }, runsRoot: '/old', config: { train: { epochs: 2 } } });
  });

  it('names the targets when given another, and the fold-worker flags when one is missing', async () => {
    const seen: Seen[] = [];
    await expect(runSolutionCli(cli(seen, []), ['bogus'])).rejects.toThrow("demo: expected a target (train, infer, ensemble), got 'bogus'");
    await expect(runSolutionCli(cli(seen, []), [])).rejects.toThrow("demo: expected a target (train, infer, ensemble), got ''");
    await expect(runSolutionCli(cli(seen, []), ['fold-worker', '--run-dir', 'd'])).rejects.toThrow('fold-worker: expected --run-dir DIR --fold K');
    await expect(runSolutionCli(cli(seen, []), ['fold-worker', '--run-dir', 'd', '--fold', 'x'])).rejects.toThrow('fold-worker: expected --run-dir DIR --fold K');
    await runSolutionCli(cli(seen, []), ['fold-worker', '--run-dir', 'd', '--fold', '1', '--backend', 'wasm']);
    expect(seen).toEqual([{ target: 'worker d 1 info:wasm' }]);
  });
});
