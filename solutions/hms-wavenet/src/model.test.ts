import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { modelDirHandler } from '@repro/io';
import { initBackend, tf } from '@repro/layers';
import { buildExtractor, buildModel, N_CHANNELS } from './model';
import type { WaveBlockSpec } from './config';

const BLOCKS: WaveBlockSpec[] = [[2, 3, 3], [4, 3, 2], [4, 3, 2], [8, 3, 1]];
const STEPS = 64;

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

function input(b: number, seed = 1): tf.Tensor3D {
  return tf.randomNormal([b, STEPS, N_CHANNELS], 0, 1, 'float32', seed) as tf.Tensor3D;
}

/** Swap two channels of [B, T, 8]. */
function swap(x: tf.Tensor3D, i: number, j: number): tf.Tensor3D {
  const order = Array.from({ length: 8 }, (_, k) => (k === i ? j : k === j ? i : k));
  return tf.gather(x, order, 2) as tf.Tensor3D;
}

describe('buildModel', () => {
  it('maps [B, steps, 8] to [B, 6] softmax rows', () => {
    const model = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 1 });
    const y = model.predict(input(3)) as tf.Tensor;
    expect(y.shape).toEqual([3, 6]);
    const v = y.arraySync() as number[][];
    for (const row of v) {
      expect(row.every((p) => p > 0 && p < 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    model.dispose();
  });

  it('has one extractor shared by the 8 channels (parameters: extractor + head)', () => {
    const model = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 1 });
    let s = 0;
    const extractor = buildExtractor(BLOCKS, STEPS, () => ++s);
    const last = BLOCKS[BLOCKS.length - 1][0];
    const head = 4 * last * 8 + 8 + 8 * 6 + 6;
    expect(model.countParams()).toBe(extractor.countParams() + head);
    model.dispose();
    extractor.dispose();
  });

  it('averages the two channels of a chain (swapping them changes nothing) but keeps chains apart', () => {
    const model = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 2 });
    const x = input(2, 5);
    const base = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const within = (model.predict(swap(x, 2, 3)) as tf.Tensor).arraySync() as number[][];
    const across = (model.predict(swap(x, 0, 2)) as tf.Tensor).arraySync() as number[][];
    for (let b = 0; b < 2; b++) for (let k = 0; k < 6; k++) expect(within[b][k]).toBeCloseTo(base[b][k], 6);
    const diff = Math.max(...across.flat().map((v, i) => Math.abs(v - base.flat()[i])));
    expect(diff).toBeGreaterThan(1e-6);
    model.dispose();
  });

  it('folding channels into the batch equals the seed applying the extractor to each slice', () => {
    const model = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 3 });
    const extractor = model.layers.find((l) => l.name === 'wavenet_extractor') as tf.LayersModel;
    const x = input(2, 7);
    // The seed: x_k = GAP(model2(inp[:, :, k:k+1])); z_chain = Average(x_2c, x_2c+1); Concatenate.
    const pooled = Array.from({ length: 8 }, (_, k) => tf.mean(extractor.predict(tf.slice(x, [0, 0, k], [-1, -1, 1])) as tf.Tensor, 1));
    const z = tf.concat([0, 1, 2, 3].map((c) => tf.div(tf.add(pooled[2 * c], pooled[2 * c + 1]), 2)), 1);
    const head = model.getLayer('head').apply(z) as tf.Tensor;
    const seed = (model.getLayer('probs').apply(head) as tf.Tensor).arraySync() as number[][];
    const ours = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    for (let b = 0; b < 2; b++) for (let k = 0; k < 6; k++) expect(ours[b][k]).toBeCloseTo(seed[b][k], 5);
    model.dispose();
  });

  it('is seeded, and saves/loads through modelDirHandler with its custom layers', async () => {
    const a = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 4 });
    const b = buildModel({ blocks: BLOCKS, headUnits: 8, steps: STEPS, seed: 4 });
    const x = input(2, 9);
    const pa = (a.predict(x) as tf.Tensor).dataSync();
    expect(Array.from((b.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(pa));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hms-wavenet-model-'));
    await a.save(modelDirHandler(dir));
    const loaded = await tf.loadLayersModel(modelDirHandler(dir));
    const pl = (loaded.predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < pa.length; i++) expect(pl[i]).toBeCloseTo(pa[i], 6);
    fs.rmSync(dir, { recursive: true, force: true });
    [a, b, loaded].forEach((m) => m.dispose());
  });
});
