import * as path from 'path';
import { DataError, loadConfig } from '@repro/io';
import { featureCount, validateConfig, type IonSwitchingConfig } from './config';

const dir = path.resolve(__dirname, '..');

describe('configs', () => {
  it.each(['smoke', 'default', 'default-wavenet', 'kaggle'])('%s is valid and feeds the seed its 19 features', (name) => {
    const c = validateConfig(loadConfig<IonSwitchingConfig>(dir, name, {}), name);
    expect(featureCount(c)).toBe(19);
    // the first member is "the model"; smoke and kaggle train several so that ensemble has a blend
    expect(c.train.members[0]).toBe(name === 'default-wavenet' ? 'wavenet' : 'cgtw');
    expect(c.train.members.length).toBeGreaterThanOrEqual(name.startsWith('default') ? 1 : 2);
  });

  it('default z-scores the model inputs; base and kaggle keep the seed\'s raw features', () => {
    expect(loadConfig<IonSwitchingConfig>(dir, 'default', {}).features.standardise).toBe(true);
    expect(loadConfig<IonSwitchingConfig>(dir, 'base', {}).features.standardise).toBe(false);
    expect(loadConfig<IonSwitchingConfig>(dir, 'kaggle', {}).features.standardise).toBe(false);
  });

  it('kaggle keeps the seed sizes: 4000-sample sequences folded by 8, 5 folds, 110 epochs, batch 16, lr 0.0015', () => {
    const c = loadConfig<IonSwitchingConfig>(dir, 'kaggle', {});
    expect(c.sequence).toEqual({ length: 4000, fold: 8 });
    expect([c.train.folds, c.train.epochs, c.train.batchSize, c.train.lr]).toEqual([5, 110, 16, 0.0015]);
    expect(c.members.cgtw.widths).toEqual({});
    expect(c.features.lags).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(c.features.rfc.window).toBe(20);
  });

  it('rejects mistakes with the file and the field named', () => {
    const c = loadConfig<IonSwitchingConfig>(dir, 'smoke', {});
    expect(() => validateConfig({ ...c, sequence: { length: 401, fold: 8 } }, 'smoke.json')).toThrow(DataError);
    expect(() => validateConfig({ ...c, sequence: { length: 401, fold: 8 } }, 'smoke.json')).toThrow(/smoke\.json.*sequence\.length \(401\) must be a positive multiple of sequence\.fold \(8\)/);
    expect(() => validateConfig({ ...c, train: { ...c.train, members: ['nope'] } }, 'x.json')).toThrow(/train\.members names 'nope'/);
    const bad = { ...c, members: { ...c.members, cgtw: { widths: { gru2: 8, dModel: 12 }, dropout: 0.2 } } };
    expect(() => validateConfig(bad, 'x.json')).toThrow(/members\.cgtw\.widths: .*dModel \(12\) must equal 2 \* gru2 \(16\)/);
    expect(() => validateConfig({ ...c, ensemble: { ...c.ensemble, forest: 'yes' as unknown as boolean } }, 'x.json')).toThrow(/x\.json.*ensemble\.forest must be true or false, got "yes"/);
    expect(() => validateConfig({ ...c, ensemble: { ...c.ensemble, jointRounds: -1 } }, 'x.json')).toThrow(/ensemble\.jointRounds must be an integer >= 0, got -1/);
  });
});
