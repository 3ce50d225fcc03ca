import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCliArgs } from './cliArgs';
import { DataError } from './errors';
import { loadSolutionConfig } from './solutionCli';

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
