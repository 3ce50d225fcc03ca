import { initBackend, tf } from '../backend';
import {
  AveragePooling1DChannelsFirst,
  averagePooling1dChannelsFirst,
  MaxPooling1DChannelsFirst,
  maxPooling1dChannelsFirst,
} from './channelsFirstPooling';
import { BACKENDS, expectClose, fixture, roundTrip, t } from './testing';

describe.each(BACKENDS)('channels-first pooling on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  it('forward and gradient equal the numpy Keras channels_first reference (pool/stride cases)', () => {
    for (const c of fixture().pool) {
      tf.tidy(() => {
        const x = t(c.x);
        const r = t(c.r);
        for (const [kind, make] of [
          ['max', () => maxPooling1dChannelsFirst({ poolSize: c.poolSize, strides: c.strides })],
          ['avg', () => averagePooling1dChannelsFirst({ poolSize: c.poolSize, strides: c.strides })],
        ] as const) {
          const layer = make();
          expectClose(layer.apply(x) as tf.Tensor, c[kind], 1e-6, 1e-6, `${kind} y pool ${c.poolSize}/${c.strides}`);
          const dx = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(layer.apply(z) as tf.Tensor, r)))(x);
          expectClose(dx, c[kind === 'max' ? 'dmax' : 'davg'], 1e-6, 1e-6, `${kind} dx pool ${c.poolSize}/${c.strides}`);
        }
      });
    }
  });

  it('defaults (pool 2, stride 2) pool the LAST axis: [B, T, C] -> [B, T, floor(C/2)], symbolic and concrete', async () => {
    const input = tf.input({ shape: [4, 7] });
    const mx = new MaxPooling1DChannelsFirst().apply(input) as tf.SymbolicTensor;
    const av = new AveragePooling1DChannelsFirst().apply(input) as tf.SymbolicTensor;
    expect(mx.shape).toEqual([null, 4, 3]);
    expect(av.shape).toEqual([null, 4, 3]);
    const model = tf.model({ inputs: input, outputs: tf.layers.concatenate().apply([mx, av]) as tf.SymbolicTensor });
    const x = tf.tensor3d([[[1, 5, 2, 2, 9, 0, 7], [0, 0, 0, 0, 0, 0, 0], [-1, -2, -3, -4, -5, -6, -7], [3, 3, 3, 3, 3, 3, 3]]]);
    const y = model.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([5, 2, 9, 3, 2, 4.5, 0, 0, 0, 0, 0, 0, -1, -3, -5, -1.5, -3.5, -5.5, 3, 3, 3, 3, 3, 3]);
    const loaded = await roundTrip(model);
    expectClose(loaded.predict(x) as tf.Tensor, y, 0, 0, 'round trip');
    expect(loaded.layers[1].getConfig()).toMatchObject({ poolSize: 2, strides: 2, padding: 'valid' });
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });
});

describe('channels-first pooling arguments', () => {
  it('names the argument, expected and received', () => {
    expect(() => maxPooling1dChannelsFirst({ poolSize: 0 })).toThrow(/MaxPooling1DChannelsFirst: poolSize: expected an integer >= 1, received 0/);
    expect(() => averagePooling1dChannelsFirst({ strides: 1.5 })).toThrow(/AveragePooling1DChannelsFirst: strides: expected an integer >= 1, received 1.5/);
    expect(() => maxPooling1dChannelsFirst({ padding: 'same' as 'valid' })).toThrow(/padding: expected one of 'valid', received 'same'/);
    expect(() => maxPooling1dChannelsFirst().apply(tf.input({ shape: [3] }))).toThrow(/input shape: expected rank 3/);
    expect(() => maxPooling1dChannelsFirst({ poolSize: 4 }).apply(tf.input({ shape: [5, 3] }))).toThrow(/last dimension >= poolSize 4/);
  });
});
