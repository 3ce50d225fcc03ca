import { adamW, initBackend, tf } from '@repro/layers';
import * as path from 'path';
import { loadConfig } from '@repro/io';
import type { MoaConfig } from '../config';
import { buildCnn1dModel, SEED001_CNN1D } from './cnn1d';
import { buildDenseModel, SEED001_DENSE } from './dense';
import { buildMemberModel } from './index';
import { FreezingOptimizer, blockVariableNames, buildTransferModel, copyLowerBlocks, frozenBlocksAt } from './transfer';

const smoke = loadConfig<MoaConfig>(path.join(__dirname, '..', '..'), 'smoke');

function trainableCount(m: tf.LayersModel): number {
  return m.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('member models', () => {
  it("dense: seed 001's two-head network, parameter for parameter", () => {
    const m = buildDenseModel({ ...SEED001_DENSE, seed: 0 });
    expect(m.countParams()).toBe(1384292);
    expect(trainableCount(m)).toBe(1376866);
    expect(m.inputs.map((i) => i.shape)).toEqual([[null, 60], [null, 887]]);
    const y = m.predict([tf.zeros([3, 60]), tf.zeros([3, 887])]) as tf.Tensor;
    expect(y.shape).toEqual([3, 206]);
    const v = y.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    m.dispose();
  });

  it("cnn1d: seed 001's 1D-CNN (872 x 1 -> 870x32 -> 868x16 -> 866x8 -> 2048 -> 1048 -> 206)", () => {
    const m = buildCnn1dModel({ ...SEED001_CNN1D, seed: 0 });
    expect(m.countParams()).toBe(16556110);
    expect(m.getLayer('flat1').outputShape).toEqual([null, 6928]);
    m.dispose();
    const small = buildMemberModel('cnn1d', smoke, [[872, 1]], 206, 0);
    const y = small.predict(tf.randomNormal([2, 872, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 206]);
    small.dispose();
  });

  it('tabnet and transfer: full feature set in, 206 logits out', () => {
    for (const kind of ['tabnet', 'transfer'] as const) {
      const m = buildMemberModel(kind, smoke, [[50]], 206, 0);
      const y = m.predict(tf.randomNormal([4, 50])) as tf.Tensor;
      expect(y.shape).toEqual([4, 206]);
      m.dispose();
    }
  });

  it('transfer: weight norm starts at w = v, and the top block is replaced for fine-tuning', () => {
    const pre = buildTransferModel({ inputDim: 10, outputDim: 7, hidden: [8, 6], dropout: [0.1, 0.1], seed: 1 });
    const top = pre.getLayer('dense3');
    const [v, g] = top.getWeights();
    expect(Array.from(g.dataSync())).toEqual(Array.from(tf.norm(v, 'euclidean', 0).dataSync()).map((x) => expect.closeTo(x, 5)));
    const fine = buildTransferModel({ inputDim: 10, outputDim: 4, hidden: [8, 6], dropout: [0.1, 0.1], seed: 2 });
    copyLowerBlocks(pre, fine, [8, 6]);
    expect(fine.getLayer('dense2').getWeights()[0].dataSync()).toEqual(pre.getLayer('dense2').getWeights()[0].dataSync());
    expect(fine.getLayer('dense3').getWeights()[0].shape).toEqual([6, 4]);
    pre.dispose();
    fine.dispose();
  });

  it("transfer: blocks unfreeze one at a time from the top (the kernel's FineTuneScheduler)", () => {
    // 23 epochs, 5 blocks: 4 epochs per step; epoch 0 trains only the new top block
    expect(frozenBlocksAt(0, 23, 5)).toEqual([1, 2, 3, 4]);
    expect(frozenBlocksAt(3, 23, 5)).toEqual([1, 2, 3, 4]);
    expect(frozenBlocksAt(4, 23, 5)).toEqual([1, 2, 3]);
    expect(frozenBlocksAt(12, 23, 5)).toEqual([1]);
    expect(frozenBlocksAt(16, 23, 5)).toEqual([]);
    expect(frozenBlocksAt(1, 2, 4)).toEqual([1, 2]); // fewer epochs than blocks: one step per epoch
  });

  it('FreezingOptimizer leaves frozen variables untouched and updates the rest', () => {
    const m = buildTransferModel({ inputDim: 5, outputDim: 3, hidden: [4], dropout: [0], seed: 3 });
    const frozen = new Set(blockVariableNames(m, 1));
    const opt = new FreezingOptimizer(adamW({ learningRate: 0.1, weightDecay: 0 }), 1, (epoch) => (epoch === 0 ? frozen : new Set()));
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = vars.map((v) => v.dataSync().slice());
    const x = tf.randomNormal([8, 5]);
    const step = () => {
      const { grads } = tf.variableGrads(() => tf.mean(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
    };
    step();
    vars.forEach((v, i) => {
      const same = v.dataSync().every((x, j) => x === before[i][j]);
      expect(same).toBe(frozen.has(v.name));
    });
    step(); // epoch 1: nothing frozen
    const k = vars.indexOf(m.getLayer('dense1').trainableWeights[0].read() as tf.Variable);
    expect(frozen.has(vars[k].name)).toBe(true);
    expect(vars[k].dataSync().some((x, j) => x !== before[k][j])).toBe(true);
    m.dispose();
  });
});
