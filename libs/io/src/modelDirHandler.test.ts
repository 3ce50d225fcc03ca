import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors';
import { modelDirHandler } from './modelDirHandler';

describe('modelDirHandler', () => {
  let dir: string;
  beforeAll(async () => {
    tf.env().set('IS_TEST', true); // quiets the "install our node backend" banner
    await tf.setBackend('cpu');
  });
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-model-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function smallModel(): tf.Sequential {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return m;
  }

  it('saves model.json + weights.bin and loads a model with identical predictions', async () => {
    const m = smallModel();
    const target = path.join(dir, 'fold0');
    const res = await m.save(modelDirHandler(target));
    expect(fs.readdirSync(target).sort()).toEqual(['model.json', 'weights.bin']);
    expect(res.modelArtifactsInfo.weightDataBytes).toBe((4 * 8 + 8 + 8 * 3 + 3) * 4);
    expect(fs.statSync(path.join(target, 'weights.bin')).size).toBe(res.modelArtifactsInfo.weightDataBytes);

    const json = JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'));
    // The tfjs-node file:// layout: one manifest group pointing at weights.bin.
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.format).toBe('layers-model');

    const loaded = await tf.loadLayersModel(modelDirHandler(target));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
    const a = (m.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    // Also loadable through the model.json path, as tfjs-node's file:// is.
    const again = await tf.loadLayersModel(modelDirHandler(path.join(target, 'model.json')));
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(a));
  });

  it('overwrites an earlier save atomically, leaving no temp files', async () => {
    const target = path.join(dir, 'm');
    await smallModel().save(modelDirHandler(target));
    const m2 = smallModel();
    await m2.save(modelDirHandler(target));
    expect(fs.readdirSync(target).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await tf.loadLayersModel(modelDirHandler(target));
    const x = tf.ones([1, 4]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m2.predict(x) as tf.Tensor).dataSync()));
  });

  it('reads multi-shard weight manifests (as written by the tfjs converter)', async () => {
    const m = smallModel();
    const target = path.join(dir, 'sharded');
    await m.save(modelDirHandler(target));
    const json = JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'));
    const all = fs.readFileSync(path.join(target, 'weights.bin'));
    fs.writeFileSync(path.join(target, 'group1-shard1of2.bin'), all.subarray(0, 100));
    fs.writeFileSync(path.join(target, 'group1-shard2of2.bin'), all.subarray(100));
    json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    fs.writeFileSync(path.join(target, 'model.json'), JSON.stringify(json));
    fs.rmSync(path.join(target, 'weights.bin'));
    const loaded = await tf.loadLayersModel(modelDirHandler(target));
    const x = tf.ones([2, 4]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
  });

  it('gives DataErrors for a missing directory, missing model.json and truncated weights', async () => {
    const missing = path.join(dir, 'nope');
    await expect(modelDirHandler(missing).load!()).rejects.toThrow(DataError);
    await expect(modelDirHandler(missing).load!()).rejects.toThrow(/nope: model directory not found \(expected a directory holding model\.json and weights\.bin\)/);
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'empty', 'other.txt'), '');
    await expect(modelDirHandler(path.join(dir, 'empty')).load!()).rejects.toThrow(/model\.json: not found .*holds: other\.txt/);
    const target = path.join(dir, 't');
    await smallModel().save(modelDirHandler(target));
    fs.truncateSync(path.join(target, 'weights.bin'), 50);
    await expect(modelDirHandler(target).load!()).rejects.toThrow(/weights are truncated: the manifest needs 268 bytes, the files hold 50/);
  });
});
