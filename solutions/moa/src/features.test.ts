import { loadConfig } from '@repro/io';
import * as path from 'path';
import { MoaConfig } from './config';
import { applyFeatureState, fitFeatureState, memberInputs, selectInputRows } from './features';
import { fakeFeatures } from './testing';

const config = loadConfig<MoaConfig>(path.join(__dirname, '..'), 'smoke');

describe('feature pipeline on a small matrix', () => {
  const train = fakeFeatures(60, 1);
  const test = fakeFeatures(20, 2);
  const state = fitFeatureState(train, test, config.features);
  const fs = applyFeatureState(state, train);

  it('fits on train+test (seed 004) and records the training columns', () => {
    expect(state.fittedOnRows).toBe(80);
    expect(state.columns).toEqual(train.header);
    const trainOnly = fitFeatureState(train, test, { ...config.features, fitOn: 'train' });
    expect(trainOnly.fittedOnRows).toBe(60);
  });

  it('RankGauss maps every feature to roughly standard normal scores, whatever its scale', () => {
    // raw genes have mean 0.5, sd 2; after RankGauss each column is ~N(0, 1)
    let sum = 0;
    let sq = 0;
    for (const v of fs.rankGauss) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / fs.rankGauss.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.sqrt(sq / fs.rankGauss.length - mean * mean)).toBeGreaterThan(0.8);
    expect(Math.sqrt(sq / fs.rankGauss.length - mean * mean)).toBeLessThan(1.3);
    // monotone per column: the rank order of the raw values is kept
    const j = 5;
    const order = (a: Float32Array) => Array.from({ length: 60 }, (_, i) => i).sort((x, y) => a[x * 872 + j] - a[y * 872 + j]);
    expect(order(fs.rankGauss)).toEqual(order(fs.raw));
  });

  it('builds every block with the documented widths', () => {
    expect(fs.widths.pcaGenes).toBe(config.features.pcaGenes);
    expect(fs.widths.pcaCells).toBe(config.features.pcaCells);
    expect(fs.widths.clusters).toBe(config.features.kmeans.genes + config.features.kmeans.cells + config.features.kmeans.pca);
    expect(fs.stats.length).toBe(60 * 15);
    expect(fs.categorical.length).toBe(60 * 5);
    // one-hot blocks: each row has exactly one 1 per clustering and one per categorical
    for (let i = 0; i < 60; i++) {
      const row = fs.clusters.subarray(i * fs.widths.clusters, (i + 1) * fs.widths.clusters);
      expect(row.reduce((a, b) => a + b, 0)).toBe(3);
      expect(fs.categorical.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBe(2);
    }
    // variance threshold keeps at most the 872 + PCA columns
    expect(fs.widths.selected).toBeLessThanOrEqual(872 + fs.widths.pcaGenes + fs.widths.pcaCells);
    expect(fs.widths.selected).toBeGreaterThan(800);
  });

  it('re-applies a stored state (JSON round trip) to the same numbers', () => {
    const again = applyFeatureState(JSON.parse(JSON.stringify(state)), train);
    expect(again.selected).toEqual(fs.selected);
    expect(again.clusters).toEqual(fs.clusters);
  });

  it('gives each member its inputs', () => {
    const d = memberInputs('dense', fs, config);
    expect(d.rowShapes).toEqual([[config.dense.pcaGenes + config.dense.pcaCells], [887]]);
    expect(d.x[1].length).toBe(60 * 887);
    const c = memberInputs('cnn1d', fs, config);
    expect(c.rowShapes).toEqual([[872, 1]]);
    expect(c.x[0]).toBe(config.cnn1d.input === 'raw' ? fs.raw : fs.rankGauss);
    const t = memberInputs('transfer', fs, config);
    expect(t.rowShapes[0][0]).toBe(fs.widths.selected + fs.widths.clusters + 15 + 5);
    // tabnet (seed 001): 3 codes + 872 + every PC + one label per clustering + 15, nothing filtered
    const tab = memberInputs('tabnet', fs, config);
    expect(tab.rowShapes[0][0]).toBe(3 + 872 + fs.widths.pcaGenes + fs.widths.pcaCells + 3 + 15);
    expect(memberInputs('tabnet', fs, { ...config, tabnet: { ...config.tabnet, inputs: 'seed004' } }).rowShapes).toEqual(t.rowShapes);
    const sub = selectInputRows(d, Int32Array.from([3, 7]));
    expect(Array.from(sub.x[1].subarray(887, 2 * 887))).toEqual(Array.from(d.x[1].subarray(7 * 887, 8 * 887)));
  });
});
