import { DataError, listConfigs, loadConfig } from '@repro/io';
import * as path from 'path';
import { MoaConfig, validateConfig } from './config';

const dir = path.join(__dirname, '..');
const load = (name: string, overrides = {}) => validateConfig(loadConfig<MoaConfig>(dir, name, overrides), name);

describe('configs', () => {
  it('has base, smoke, default and kaggle, all valid', () => {
    expect(listConfigs(dir)).toEqual(['base', 'default', 'kaggle', 'smoke']);
    for (const name of listConfigs(dir)) expect(() => load(name)).not.toThrow();
  });

  it("kaggle holds the seeds' settings", () => {
    const c = load('kaggle');
    expect(c.members).toEqual(['dense', 'cnn1d', 'tabnet', 'transfer']);
    expect(c.features).toMatchObject({ nQuantiles: 100, fitOn: 'train+test', pcaGenes: 600, pcaCells: 50 });
    expect(c.dense).toMatchObject({ pcaGenes: 50, pcaCells: 10, epochs: 50, batchSize: 128, folds: 7, learningRate: 1e-4, decay: 1e-4, labelSmoothing: 0.001, priorBias: false });
    expect(c.dense.widths1).toEqual([512, 256]);
    expect(c.dense.widths2).toEqual([512, 512, 256, 256]);
    expect(c.cnn1d).toMatchObject({ epochs: 20, batchSize: 300, folds: 6, learningRate: 1e-4, filters: [32, 16, 8], denseWidths: [2048, 1048] });
    expect(c.tabnet).toMatchObject({ epochs: 200, batchSize: 1024, folds: 13 });
    expect(c.transfer).toMatchObject({ epochs: 23, pretrainEpochs: 23, unfreeze: true, folds: 7 });
  });

  it('rejects a misspelt override and a bad member list', () => {
    expect(() => load('smoke', { 'dense.epoch': 3 })).toThrow(DataError);
    expect(() => load('smoke', { 'dense.epochs': 0 })).toThrow(/dense.epochs/);
    const c = loadConfig<MoaConfig>(dir, 'smoke');
    expect(() => validateConfig({ ...c, members: ['dense', 'xgboost' as never] }, 'smoke')).toThrow(/unknown member 'xgboost'/);
    expect(() => validateConfig({ ...c, dense: { ...c.dense, pcaGenes: 999 } }, 'smoke')).toThrow(/dense.pcaGenes/);
  });
});
