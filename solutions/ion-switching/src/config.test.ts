import * as path from 'path';
import { DataError, loadConfig } from '@repro/io';
import { featureCount, validateConfig, type IonSwitchingConfig } from './config';

const dir = path.resolve(__dirname, '..');

describe('configs', () => {
  it.each(['smoke', 'default', 'default-wavenet', 'kaggle', 'kaggle-variants'])('%s is valid and feeds the seed its 19 features (+ 11 HMM posteriors in default and smoke)', (name) => {
    const c = validateConfig(loadConfig<IonSwitchingConfig>(dir, name, {}), name);
    const hmm = name.startsWith('default') || name === 'smoke';
    expect([c.features.hmm.enabled, c.features.hmm.asInput, c.ensemble.hmm]).toEqual([hmm, hmm, hmm]);
    expect(featureCount(c)).toBe(hmm ? 30 : 19);
    // the first member is "the model"; kaggle and default train the write-up's one model, smoke two so that ensemble has a blend
    const first = { 'default-wavenet': 'wavenet', 'kaggle-variants': 'cbr' }[name] ?? 'cgtw';
    expect(c.train.members[0]).toBe(first);
    expect(c.train.members.length).toBe({ smoke: 2, 'kaggle-variants': 4 }[name] ?? 1);
  });

  it('all configs normalise the signal (the write-up); only default and smoke also z-score all 19 inputs (ours)', () => {
    for (const name of ['default', 'smoke', 'base', 'kaggle']) {
      const f = loadConfig<IonSwitchingConfig>(dir, name, {}).features;
      expect([name, f.normaliseSignal, f.standardise]).toEqual([name, true, name === 'default' || name === 'smoke']);
    }
  });

  it('train.checkpoint best-f1 needs the per-epoch validation and no applied SWA average', () => {
    const c = loadConfig<IonSwitchingConfig>(dir, 'kaggle', {});
    expect(() => validateConfig({ ...c, train: { ...c.train, validateEachEpoch: false } }, 'k.json')).toThrow(/k\.json.*'best-f1' needs train\.validateEachEpoch true/);
    expect(() => validateConfig({ ...c, train: { ...c.train, swa: { ...c.train.swa, apply: true } } }, 'k.json')).toThrow(/cannot be used with an applied SWA average/);
    expect(() => validateConfig({ ...c, train: { ...c.train, checkpoint: 'best' as 'last' } }, 'k.json')).toThrow(/train\.checkpoint must be 'last' or 'best-f1', got "best"/);
    // averaging and applying stays possible, with the last epoch's weights averaged in
    expect(validateConfig({ ...c, train: { ...c.train, checkpoint: 'last', swa: { ...c.train.swa, apply: true, startFraction: 0.8 } } }, 'k.json').train.swa.apply).toBe(true);
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
    const hmm = c.features.hmm;
    expect(() => validateConfig({ ...c, features: { ...c.features, hmm: { ...hmm, enabled: false } } }, 'x.json')).toThrow(/features\.hmm\.asInput needs features\.hmm\.enabled true/);
    expect(() => validateConfig({ ...c, features: { ...c.features, hmm: { ...hmm, iterations: 0 } } }, 'x.json')).toThrow(/features\.hmm\.iterations must be an integer >= 1, got 0/);
    expect(() => validateConfig({ ...c, clean: { ...c.clean, normalise: false } }, 'x.json')).toThrow(/features\.hmm needs clean\.normalise true/);
    expect(() => validateConfig({ ...c, ensemble: { ...c.ensemble, hmm: 1 as unknown as boolean } }, 'x.json')).toThrow(/ensemble\.hmm must be true or false, got 1/);
  });
});
