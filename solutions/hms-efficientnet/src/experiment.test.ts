import { cellConfig, cellName, resultTable, type ExperimentRow } from './experiment';
import { validateConfig, type HmsEfficientnetConfig } from './config';
import { loadConfig } from '@repro/io';
import * as path from 'path';

const config = loadConfig<HmsEfficientnetConfig>(path.resolve(__dirname, '..'), 'default', {});

describe('experiment grid', () => {
  it('a cell switches the inputs and variant and uses the experiment folds/epochs, one stage', () => {
    const c = cellConfig(config, 'b4', [false, true, true]);
    expect([c.inputs.useKaggleSpectrograms, c.inputs.useEegSpectrograms, c.inputs.useWaveletSpectrograms]).toEqual([false, true, true]);
    expect(c.model.variant).toBe('b4');
    expect([c.train.folds, c.train.foldsToTrain, c.train.epochs]).toEqual([config.experiment.folds, config.experiment.folds, config.experiment.epochs]);
    expect(c.train.twoStage.enabled).toBe(false);
    expect(c.data.balanced).toEqual({ enabled: true, perClass: config.experiment.balancedPerClass });
    expect(config.model.variant).toBe('b0'); // the base config is not changed
    expect(cellName('b4', [false, true, true])).toBe('b4-kaggle0-eeg1-wavelet1');
  });

  it('the base config lists the seed seven combinations', () => {
    expect(config.experiment.combinations).toHaveLength(7);
    expect(new Set(config.experiment.combinations.map((c) => c.join())).size).toBe(7);
  });

  it('the table groups by model in config order, sorts by CV and bolds each model best', () => {
    // Sorted by the write-up's get_result ("CV Result"); Kaggle's KL is the last column.
    const row = (variant: string, combination: [boolean, boolean, boolean], getResult: number, cvKL: number): ExperimentRow => ({ variant, model: variant === 'b0' ? 'tf_efficientnet_b0' : 'efficientnet_b4', combination, getResult, cvKL, baselineKL: 1, baselineGetResult: 1, run: '' });
    const t = resultTable([row('b4', [true, false, false], 1.3, 0.9), row('b0', [true, true, true], 1.28, 0.95), row('b0', [true, false, false], 1.2792, 0.97), row('b4', [false, true, false], 1.2, 1.1)], ['b0', 'b4']);
    const lines = t.trim().split('\n').slice(2);
    expect(lines).toEqual([
      '| **tf_efficientnet_b0** | **True** | **False** | **False** | **1.2792** | **0.9700** |',
      '| tf_efficientnet_b0 | True | True | True | 1.2800 | 0.9500 |',
      '| **efficientnet_b4** | **False** | **True** | **False** | **1.2000** | **1.1000** |',
      '| efficientnet_b4 | True | False | False | 1.3000 | 0.9000 |',
    ]);
  });
});

describe('configs', () => {
  it.each(['smoke', 'default', 'kaggle'])('%s loads and validates', (name) => {
    const c = loadConfig<HmsEfficientnetConfig>(path.resolve(__dirname, '..'), name, {});
    expect(() => validateConfig(c, `${name}.json`)).not.toThrow();
  });

  it('rejects a config with every input switched off', () => {
    const c = loadConfig<HmsEfficientnetConfig>(path.resolve(__dirname, '..'), 'smoke', {
      'inputs.useKaggleSpectrograms': false,
      'inputs.useEegSpectrograms': false,
      'inputs.useWaveletSpectrograms': false,
    });
    expect(() => validateConfig(c, 'smoke.json')).toThrow(/smoke\.json: inputs: at least one of/);
  });
});
