import { initBackend, tf } from '../backend';
import { MultiHeadAttention, multiHeadAttention } from './multiHeadAttention';
import { BACKENDS, expectClose, fixture, roundTrip, t } from './testing';

/** Fixture weight name -> layer weight name. */
const NAMES: Record<string, string> = {
  wq: 'qs_kernel',
  wk: 'ks_kernel',
  wv: 'vs_kernel',
  wo: 'w_o_kernel',
  bo: 'w_o_bias',
  gamma: 'ln_gamma',
  beta: 'ln_beta',
};

function weightByName(layer: tf.layers.Layer, name: string): tf.LayerVariable {
  const w = layer.weights.find((v) => v.originalName.endsWith(`/${name}`));
  if (!w) throw new Error(`no weight ${name} in ${layer.weights.map((v) => v.originalName)}`);
  return w;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fixtureLayer(c: any): { layer: MultiHeadAttention; inputs: tf.Tensor[] } {
  const layer = multiHeadAttention({ nHead: c.nHead, dModel: c.dModel, dK: c.dK, dV: c.dV, dropout: 0.1, temper: c.scale });
  const q = t(c.q);
  const inputs = c.self ? [q, q, q] : [q, t(c.k), t(c.v)];
  layer.apply(inputs); // builds
  for (const [k, name] of Object.entries(NAMES)) weightByName(layer, name).write(t(c.weights[k]));
  return { layer, inputs };
}

describe.each(BACKENDS)('MultiHeadAttention on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it('forward (output, attention) equals the Keras-transformer reference (torch) with the same weights', () => {
    for (const c of fixture().mha) {
      tf.tidy(() => {
        const { layer, inputs } = fixtureLayer(c);
        const [out, attn] = layer.apply(inputs) as tf.Tensor[];
        expectClose(out, c.out, 1e-5, 1e-4, `${c.name} output`);
        expectClose(attn, c.attn, 1e-6, 1e-4, `${c.name} attention [nHead*B, Tq, Tk]`);
        layer.dispose();
      });
    }
  });

  it('gradients w.r.t. inputs and every weight equal torch autograd', () => {
    for (const c of fixture().mha) {
      tf.tidy(() => {
        const { layer, inputs } = fixtureLayer(c);
        const r = t(c.r);
        const ra = t(c.ra);
        const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
          const [out, attn] = layer.apply(c.self ? [q, q, q] : [q, k, v]) as tf.Tensor[];
          return tf.add(tf.sum(tf.mul(out, r)), tf.sum(tf.mul(attn, ra))) as tf.Scalar;
        };
        const [dq, dk, dv] = tf.grads(f)(inputs);
        expectClose(dq, c.dq, 1e-5, 1e-4, `${c.name} dq`);
        if (!c.self) {
          expectClose(dk, c.dk, 1e-5, 1e-4, `${c.name} dk`);
          expectClose(dv, c.dv, 1e-5, 1e-4, `${c.name} dv`);
        }
        const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
        const { grads } = tf.variableGrads(() => f(inputs[0], inputs[1], inputs[2]), vars);
        for (const [k, name] of Object.entries(NAMES)) {
          const v = weightByName(layer, name);
          expectClose(grads[(v as unknown as { val: tf.Variable }).val.name], c.dweights[k], 1e-5, 1e-4, `${c.name} d${k}`);
        }
        layer.dispose();
      });
    }
  });

  it('trains: a few Adam steps lower an MSE loss and move every weight; dropout only in training', () => {
    const input = tf.input({ shape: [6, 8] });
    const mha = multiHeadAttention({ nHead: 2, dModel: 8, dK: 4, dV: 4, dropout: 0.1, seed: 1 });
    const [h] = mha.apply([input, input, input]) as tf.SymbolicTensor[];
    const pooled = tf.layers.globalAveragePooling1d({}).apply(h) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.randomNormal([16, 6, 8], 0, 1, 'float32', 5);
    const y = tf.tidy(() => tf.tanh(tf.sum(tf.slice(x, [0, 0, 0], [-1, 3, 1]), 1)));
    const before = mha.getWeights().map((w) => w.dataSync().slice());
    const loss = (training: boolean) => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x, { training }) as tf.Tensor, y))) as tf.Scalar);
    const l0 = loss(false).dataSync()[0];
    const opt = tf.train.adam(0.02);
    for (let i = 0; i < 15; i++) opt.minimize(() => loss(true), true)?.dispose();
    const l1 = loss(false).dataSync()[0];
    expect(l1).toBeLessThan(0.7 * l0);
    mha.getWeights().forEach((w, i) => {
      const a = w.dataSync();
      expect({ i, moved: a.some((v, j) => Math.abs(v - before[i][j]) > 1e-4) }).toEqual({ i, moved: true });
    });
    // Inference is deterministic; training applies dropout.
    const p = () => tf.tidy(() => mha.apply([x, x, x]) as tf.Tensor[]);
    const [a1] = p();
    const [a2] = p();
    expectClose(a1, a2, 0, 0, 'inference deterministic');
    const [b1] = tf.tidy(() => mha.apply([x, x, x], { training: true }) as tf.Tensor[]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a1, b1))).dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([x, y, a1, a2, b1]);
    opt.dispose();
    model.dispose();
  });

  it('save/load round trip (withSaveHandler + fromMemory) gives identical outputs and config', async () => {
    const input = tf.input({ shape: [5, 8] });
    const other = tf.input({ shape: [7, 3] });
    const mha = multiHeadAttention({ nHead: 4, dModel: 8, dK: 2, dV: 3, dropout: 0.1, temper: 'dK', attentionLayout: 'split', seed: 3 });
    const [o, a] = mha.apply([input, other, other]) as tf.SymbolicTensor[];
    expect(o.shape).toEqual([null, 5, 8]);
    expect(a.shape).toEqual([null, 4, 5, 7]);
    const model = tf.model({ inputs: [input, other], outputs: [o, a] });
    const xs = [tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1), tf.randomNormal([2, 7, 3], 0, 1, 'float32', 2)];
    const want = model.predict(xs) as tf.Tensor[];
    const loaded = await roundTrip(model);
    const got = loaded.predict(xs) as tf.Tensor[];
    expectClose(got[0], want[0], 0, 0, 'output');
    expectClose(got[1], want[1], 0, 0, 'attention');
    expect(loaded.layers.find((l) => l instanceof MultiHeadAttention)!.getConfig()).toMatchObject({
      nHead: 4, dModel: 8, dK: 2, dV: 3, dropout: 0.1, temper: 'dK', attentionLayout: 'split', useNorm: true,
    });
    tf.dispose([...xs, ...want, ...got]);
    model.dispose();
    loaded.dispose();
  });

  it("attentionLayout 'split' is the flat attention regrouped [batch, nHead, Tq, Tk]; rows sum to 1", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 9);
      const flat = multiHeadAttention({ nHead: 2, dModel: 6, dK: 3, dV: 3, seed: 4 });
      const split = multiHeadAttention({ nHead: 2, dModel: 6, dK: 3, dV: 3, seed: 4, attentionLayout: 'split' });
      const [of, af] = flat.apply(x) as tf.Tensor[];
      const [os, as] = split.apply(x) as tf.Tensor[];
      expect(af.shape).toEqual([6, 4, 4]);
      expectClose(os, of, 0, 0, 'same output');
      expectClose(as, tf.transpose(tf.reshape(af, [2, 3, 4, 4]), [1, 0, 2, 3]), 0, 0, 'regrouped');
      expectClose(tf.sum(af, -1), tf.ones([6, 4]), 1e-5, 0, 'softmax rows');
    });
  });
});

describe('MultiHeadAttention arguments', () => {
  it('names the argument, expected and received', () => {
    const base = { nHead: 2, dModel: 8, dK: 4, dV: 4 };
    expect(() => multiHeadAttention({ ...base, nHead: 0 })).toThrow(/MultiHeadAttention: nHead: expected an integer >= 1, received 0/);
    expect(() => multiHeadAttention({ ...base, dropout: 1 })).toThrow(/dropout: expected a number in \[0, 1\), received 1/);
    expect(() => multiHeadAttention({ ...base, temper: 'x' as 'dK' })).toThrow(/temper: expected one of 'dModel', 'dK', received 'x'/);
    expect(() => multiHeadAttention(undefined as never)).toThrow(/MultiHeadAttention: args: expected an options object/);
    expect(() => multiHeadAttention(base).apply(tf.input({ shape: [5, 6] }))).toThrow(/q shape: expected last dimension dModel = 8/);
  });
});
