import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { modelDirHandler } from '@repro/io';
import { batchNormLayers, tf } from '@repro/layers';
import { buildModel, loadPretrained, predictRows, setPriorHead } from './model';

const small = { variant: 'b0' as const, widthScale: 0.1, dropRate: 0.1, dropConnectRate: 0.2, bnMomentum: 0.9, weights: '', priorHead: false, pooling: 'avg' as const };

describe('model', () => {
  it('gives 6 logits; predictRows returns softmax rows in the requested order', async () => {
    const m = buildModel(small, 16, 16, 3);
    expect(m.outputs[0].shape).toEqual([null, 6]);
    expect(batchNormLayers(m).every((l) => l.momentum === 0.9)).toBe(true);
    expect(batchNormLayers(m).every((l) => (l as unknown as { epsilon: number }).epsilon === 1e-3)).toBe(true);
    const x = Float32Array.from({ length: 3 * 256 }, (_, i) => Math.sin(i));
    const p = await predictRows(m, x, 16, 16, [2, 0], 1);
    const q = await predictRows(m, x, 16, 16, [0, 2], 2);
    expect(Array.from(p.subarray(0, 6)).map((v) => v.toFixed(5))).toEqual(Array.from(q.subarray(6, 12)).map((v) => v.toFixed(5)));
    for (let i = 0; i < 2; i++) expect(p.subarray(i * 6, i * 6 + 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    m.dispose();
  });

  it('loads backbone weights from a local model.json and names the config file when they do not fit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-eff-w-'));
    const a = buildModel(small, 16, 16, 1);
    await a.save(modelDirHandler(dir));
    const b = buildModel(small, 16, 16, 2);
    expect(await loadPretrained(b, path.join(dir, 'model.json'), 'cfg.json')).toMatch(/loaded \d+ weights/);
    const stem = (m: tf.LayersModel) => Array.from(m.getLayer('stem_conv').getWeights()[0].dataSync());
    expect(stem(b)).toEqual(stem(a));
    const wide = buildModel({ ...small, widthScale: 0.5 }, 16, 16, 2);
    await expect(loadPretrained(wide, path.join(dir, 'model.json'), 'cfg.json')).rejects.toThrow(/cfg\.json: model\.weights .*shape mismatches/s);
    [a, b, wide].forEach((m) => m.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("B4 is timm's efficientnet_b4: BN epsilon 1e-5, and the layer computes with it", () => {
    const m = buildModel({ ...small, variant: 'b4' }, 16, 16, 3, 3);
    const bns = batchNormLayers(m);
    expect(bns.every((l) => (l as unknown as { epsilon: number }).epsilon === 1e-5)).toBe(true);
    // Fresh moving statistics (mean 0, variance 1, gamma 1, beta 0): inference gives x / sqrt(1 + eps).
    const bn = bns[0] as unknown as tf.layers.Layer;
    const c = (bn.getWeights()[0].shape[0] as number);
    const y = tf.tidy(() => (bn.apply(tf.fill([1, 1, 1, c], 1000), { training: false }) as tf.Tensor).dataSync()[0]);
    expect(y).toBeCloseTo(1000 / Math.sqrt(1 + 1e-5), 3);
    m.dispose();
  });

  it('setPriorHead makes every image predict the prior', async () => {
    const m = buildModel(small, 16, 16, 5);
    const prior = [0.4, 0.2, 0.1, 0.1, 0.15, 0.05];
    setPriorHead(m, prior);
    const x = Float32Array.from({ length: 3 * 256 }, (_, i) => Math.cos(i * 0.7) * 3);
    const p = await predictRows(m, x, 16, 16, [0, 1, 2], 3);
    for (let i = 0; i < 3 * 6; i++) expect(p[i]).toBeCloseTo(prior[i % 6], 6);
    m.dispose();
  });
});
