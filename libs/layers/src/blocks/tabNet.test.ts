import { initBackend, tf } from '../backend';
import { arrayBatchSource, binaryCrossentropy, SeededRng, trainModel, withPenalty } from '../train';
import { buildTabNet, TabNet, tabNet } from './tabNet';
import { BACKENDS, expectClose, Fixture, fixture, roundTrip, t } from './testing';

function rel(layer: TabNet, v: tf.LayerVariable): string {
  return v.originalName.slice(layer.name.length + 1);
}

/** A TabNet built for a fixture case, with the fixture's weights (and running statistics) loaded. */
function fixtureTabNet(c: Fixture) {
  const cfg = c.config;
  const built = buildTabNet({ ...cfg, lambdaSparse: 0 });
  const names = built.layer.weights.map((w) => rel(built.layer, w)).sort();
  expect(names).toEqual(Object.keys(c.weights).sort());
  for (const w of built.layer.weights) w.write(t(c.weights[rel(built.layer, w)]));
  return built;
}

/** Multi-label toy problem: label j = [x_j + x_{j+3} > 0] (+ noise features). */
function multiLabel(rows: number, seed: number) {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * 8);
  const y = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 8; j++) x[r * 8 + j] = rng.next() * 2 - 1;
    for (let j = 0; j < 3; j++) y[r * 3 + j] = x[r * 8 + j] + x[r * 8 + j + 3] > 0 ? 1 : 0;
  }
  return { x, y };
}

describe.each(BACKENDS)('TabNet on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it('inference forward, masks and sparsity equal the pytorch-tabnet reference (sparsemax / entmax15, nShared 0..2)', () => {
    for (const c of fixture().tabnet as Fixture[]) {
      const { model, layer } = fixtureTabNet(c);
      const x = t(c.x);
      const masks = layer.recordMasks(() => tf.dispose(model.predict(x)));
      const y = model.predict(x) as tf.Tensor;
      const what = `${c.config.maskType} nShared ${c.config.nShared}`;
      expectClose(y, c.evalOut, 1e-5, 2e-4, `${what} eval out`);
      masks.forEach((m, i) => expectClose(m, c.evalMasks[i], 1e-5, 1e-4, `${what} mask ${i}`));
      const s = layer.sparsityLoss();
      expect(Math.abs(s.dataSync()[0] - c.evalEntropy)).toBeLessThan(2e-4);
      tf.dispose([x, y, s, ...masks]);
      model.dispose();
    }
  });

  it('training forward (ghost batches), running statistics and gradients of sum(out*r) + 0.1*sparsity equal torch', () => {
    for (const c of fixture().tabnet as Fixture[]) {
      const { model, layer } = fixtureTabNet(c);
      const what = `${c.config.maskType} nShared ${c.config.nShared}`;
      const x = t(c.x);
      const r = t(c.r);
      let out: tf.Tensor | undefined;
      let sparsity = NaN;
      const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => {
        const o = model.apply(x, { training: true }) as tf.Tensor;
        out = tf.keep(o.clone());
        const s = layer.sparsityLoss();
        sparsity = s.dataSync()[0];
        return tf.add(tf.sum(tf.mul(o, r)), tf.mul(s, c.lossEntropyWeight)) as tf.Scalar;
      }, vars);
      expectClose(out!, c.trainOut, 1e-4, 5e-4, `${what} train out`);
      expect(Math.abs(sparsity - c.trainEntropy)).toBeLessThan(5e-4);
      for (const w of layer.weights) {
        const name = rel(layer, w);
        if (name.includes('moving')) expectClose(w.read(), c.trainMoving[name], 1e-5, 1e-4, `${what} ${name}`);
        else expectClose(grads[(w as unknown as { val: tf.Variable }).val.name], c.grads[name], 1e-4, 2e-3, `${what} grad ${name}`);
      }
      tf.dispose([x, r, out!, value, ...Object.values(grads)]);
      model.dispose();
    }
  });

  it('shapes, sparsity in [0, log(nFeatures)], addLoss = lambdaSparse * sparsity, save/load round trip', async () => {
    const { model, layer, sparsityLoss } = buildTabNet({ inputDim: 10, outputDim: 4, nD: 4, nA: 4, nSteps: 2, virtualBatchSize: 8, maskType: 'entmax15', lambdaSparse: 0.01, seed: 1 });
    expect(model.outputs[0].shape).toEqual([null, 4]);
    expect(layer.computeOutputShape([null, 10])).toEqual([null, 4]);
    const x = tf.randomNormal([20, 10], 0, 1, 'float32', 4);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor); // moves the running statistics off their initial values
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([20, 4]);
    const s = sparsityLoss();
    const sv = s.dataSync()[0];
    expect(sv).toBeGreaterThan(0);
    expect(sv).toBeLessThanOrEqual(Math.log(10) + 1e-5);
    const [penalty] = model.calculateLosses();
    expect(Math.abs(penalty.dataSync()[0] - 0.01 * sv)).toBeLessThan(1e-7);
    const loaded = await roundTrip(model);
    const y2 = loaded.predict(x) as tf.Tensor;
    expectClose(y2, y, 0, 0, 'round trip output');
    const l2 = loaded.layers.find((l) => l instanceof TabNet) as TabNet;
    expect(l2.getConfig()).toMatchObject({ outputDim: 4, nD: 4, nA: 4, nSteps: 2, virtualBatchSize: 8, maskType: 'entmax15', lambdaSparse: 0.01 });
    const s2 = l2.sparsityLoss();
    expect(Math.abs(s2.dataSync()[0] - sv)).toBeLessThan(1e-6);
    tf.dispose([x, y, y2, s, s2, penalty]);
    model.dispose();
    loaded.dispose();
  });
});

describe('TabNet training (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: null });
  });

  test.each([
    ['addLoss (lambdaSparse in the layer)', false],
    ['withPenalty(sparsityLoss)', true],
  ] as const)('trainModel lowers BCE on a small multi-label problem: %s', async (_name, viaPenalty) => {
    const { x, y } = multiLabel(192, 11);
    const bce = binaryCrossentropy({ fromLogits: true });
    let tabnetModel: ReturnType<typeof buildTabNet> | undefined;
    const before = tf.memory().numTensors;
    const bceOf = (m: tf.LayersModel) =>
      tf.tidy(() => bce(tf.tensor2d(y, [192, 3]), m.predict(tf.tensor2d(x, [192, 8])) as tf.Tensor).dataSync()[0]);
    let initial = NaN;
    const lambda = 1e-2;
    const { model, history } = await trainModel({
      createModel: () => {
        tabnetModel = buildTabNet({ inputDim: 8, outputDim: 3, nD: 8, nA: 8, nSteps: 3, virtualBatchSize: 16, lambdaSparse: viaPenalty ? 0 : lambda, seed: 3 });
        initial = bceOf(tabnetModel.model);
        return tabnetModel.model;
      },
      loss: viaPenalty ? withPenalty(bce, () => tabnetModel!.sparsityLoss(), { weight: lambda }) : bce,
      optimizer: () => tf.train.adam(0.02),
      trainBatches: arrayBatchSource({ x, xShape: [192, 8], y, yShape: [192, 3], batchSize: 48, shuffle: true, seed: 1 }),
      epochs: 8,
      seed: 1,
      log: null,
      progress: false,
    });
    const final = bceOf(model);
    expect(final).toBeLessThan(0.8 * initial);
    expect(history[7].loss).toBeLessThan(history[0].loss);
    // The recorded training loss includes lambda * sparsity (> plain BCE of the same batches on average).
    const s = tabnetModel!.sparsityLoss();
    expect(s.dataSync()[0]).toBeGreaterThan(0);
    s.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2); // at most the kept sparsity scalar
  });
});

describe('TabNet arguments', () => {
  it('names the argument, expected and received', () => {
    expect(() => tabNet({ outputDim: 0 })).toThrow(/TabNet: outputDim: expected an integer >= 1, received 0/);
    expect(() => tabNet({ outputDim: 2, gamma: 0.5 })).toThrow(/TabNet: gamma: expected a number in \[1, Infinity\), received 0.5/);
    expect(() => tabNet({ outputDim: 2, maskType: 'softmax' as 'sparsemax' })).toThrow(/maskType: expected one of 'sparsemax', 'entmax15', received 'softmax'/);
    expect(() => tabNet({ outputDim: 2, nShared: 0, nIndependent: 0 })).toThrow(/nIndependent \+ nShared: expected at least 1 GLU layer/);
    expect(() => buildTabNet({ inputDim: 0, outputDim: 2 })).toThrow(/buildTabNet: inputDim: expected an integer >= 1, received 0/);
  });
});
