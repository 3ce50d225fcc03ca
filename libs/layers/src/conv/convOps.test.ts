import * as fs from 'fs';
import * as path from 'path';
import { initBackend, tf } from '../backend';
import { autoUsesStock, backendHasKernels, ConvImpl, CONV2D_GRAD_KERNELS, DEPTHWISE_GRAD_KERNELS } from './convUtil';
import { conv1dOp } from './conv1dOp';
import { conv2dOp, FUSED_CONV_ACTIVATIONS, pendingBackwardAliases, usesStockConv2dGrad } from './conv2dOp';
import { depthwiseConv2dOp, usesStockDepthwiseGrad } from './depthwiseConv2dOp';

interface Case {
  op: 'conv1d' | 'conv2d' | 'depthwise';
  dilation?: number;
  strides?: number;
  padding: 'same' | 'valid' | 'causal';
  xShape: number[];
  x: number[];
  wShape: number[];
  w: number[];
  yShape: number[];
  y: number[];
  r: number[];
  dx: number[];
  dw: number[];
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'conv.json'), 'utf8')) as { cases: Case[] };
const BACKENDS = ['wasm', 'cpu'] as const;

/** max |a-b| / (1 + |b|): float32 ops vs a float64 reference. */
function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

function describeCase(c: Case): string {
  const geo = c.op === 'conv1d' ? `d=${c.dilation}` : `s=${c.strides}`;
  return `${c.op} x[${c.xShape}] w[${c.wShape}] ${geo} ${c.padding}`;
}

function apply(c: Case, x: tf.Tensor, w: tf.Tensor, impl: ConvImpl): tf.Tensor {
  if (c.op === 'conv1d') return conv1dOp(x as tf.Tensor3D, w as tf.Tensor3D, { dilation: c.dilation, padding: c.padding, impl });
  const padding = c.padding as 'same' | 'valid';
  if (c.op === 'conv2d') return conv2dOp(x as tf.Tensor4D, w as tf.Tensor4D, { strides: c.strides, padding, impl });
  return depthwiseConv2dOp(x as tf.Tensor4D, w as tf.Tensor4D, { strides: c.strides, padding, impl });
}

function stock(c: Case, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (c.op === 'conv1d') {
    if (c.padding === 'causal') {
      const k = c.wShape[0];
      const xp = tf.pad(x, [[0, 0], [(k - 1) * c.dilation!, 0], [0, 0]]) as tf.Tensor3D;
      return tf.conv1d(xp, w as tf.Tensor3D, 1, 'valid', 'NWC', c.dilation);
    }
    return tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, c.padding, 'NWC', c.dilation);
  }
  const padding = c.padding as 'same' | 'valid';
  if (c.op === 'conv2d') return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides!, padding);
  return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides!, padding);
}

/** Which impls are differentiable for this case on the active backend. */
function implsFor(c: Case): ConvImpl[] {
  const impls: ConvImpl[] = ['custom', 'auto'];
  const dil = c.dilation ?? 1;
  const kernels = c.op === 'depthwise' ? DEPTHWISE_GRAD_KERNELS : CONV2D_GRAD_KERNELS;
  if (dil === 1 && backendHasKernels(kernels)) impls.push('stock');
  return impls;
}

describe.each(BACKENDS)('conv ops on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, log: null });
  });

  test('the backend is the one asked for', () => {
    expect(tf.getBackend()).toBe(backend);
  });

  test('auto picks the custom gradient on wasm (no backprop kernels) and cpu (measured faster)', () => {
    expect(backendHasKernels(CONV2D_GRAD_KERNELS)).toBe(backend !== 'wasm');
    expect(backendHasKernels(DEPTHWISE_GRAD_KERNELS)).toBe(backend !== 'wasm');
    expect(usesStockConv2dGrad('auto', [1, 1])).toBe(false);
    expect(usesStockDepthwiseGrad('auto', [1, 1])).toBe(false);
    expect(usesStockConv2dGrad('stock', [1, 1])).toBe(true);
    expect(usesStockConv2dGrad('custom', [1, 1])).toBe(false);
    // Elsewhere (e.g. tfjs-node) auto is stock exactly when the kernels exist and dilation is 1.
    expect(autoUsesStock(CONV2D_GRAD_KERNELS, [1, 1], 'cpu')).toBe(false);
    expect(autoUsesStock([], [1, 1], 'tensorflow')).toBe(true);
    expect(autoUsesStock([], [1, 2], 'tensorflow')).toBe(false);
    expect(autoUsesStock(['NoSuchKernel'], [1, 1], 'tensorflow')).toBe(false);
  });

  test.each(FIXTURE.cases.map((c) => [describeCase(c), c] as const))('%s: forward and gradients match PyTorch float64', (_name, c) => {
    const x = tf.tensor(c.x, c.xShape);
    const w = tf.tensor(c.w, c.wShape);
    const r = tf.tensor(c.r, c.yShape);
    const ref = stock(c, x, w);
    expect(ref.shape).toEqual(c.yShape);
    expect(maxRelErr(ref.dataSync(), c.y)).toBeLessThan(1e-5);
    for (const impl of implsFor(c)) {
      const before = tf.memory().numTensors;
      const y = apply(c, x, w, impl);
      expect(y.shape).toEqual(c.yShape);
      // Forward equals the stock tfjs op and the float64 reference.
      expect(maxRelErr(y.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(apply(c, xi, wi, impl), r)))([x, w]);
      expect(dx.shape).toEqual(c.xShape);
      expect(dw.shape).toEqual(c.wShape);
      const ex = maxRelErr(dx.dataSync(), c.dx);
      const ew = maxRelErr(dw.dataSync(), c.dw);
      if (ex >= 1e-4 || ew >= 1e-4) throw new Error(`${impl}: dx err ${ex}, dW err ${ew}`);
      tf.dispose([y, dx, dw]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, w, r, ref]);
  });

  test('dilated conv1d gradients equal central differences (independent of the fixture)', () => {
    const x = tf.randomNormal([2, 11, 2], 0, 1, 'float32', 1) as tf.Tensor3D;
    const w = tf.randomNormal([3, 2, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
    const r = tf.randomNormal([2, 11, 3], 0, 1, 'float32', 3);
    const loss = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(conv1dOp(xi as tf.Tensor3D, wi as tf.Tensor3D, { dilation: 3, padding: 'same', impl: 'custom' }), r));
    const [dx, dw] = tf.grads(loss)([x, w]);
    const eps = 1e-2;
    for (const [t, g, which] of [[x, dx, 0], [w, dw, 1]] as const) {
      const vals = t.dataSync().slice();
      const ga = g.dataSync();
      for (let i = 0; i < vals.length; i += 3) {
        const at = (v: number) => {
          const p = vals.slice();
          p[i] = v;
          const pt = tf.tensor(p, t.shape);
          const out = tf.tidy(() => (which === 0 ? loss(pt, w) : loss(x, pt)).dataSync()[0]);
          pt.dispose();
          return out;
        };
        const num = (at(vals[i] + eps) - at(vals[i] - eps)) / (2 * eps);
        expect(Math.abs(num - ga[i])).toBeLessThan(1e-2 * (1 + Math.abs(num)));
      }
    }
    tf.dispose([x, w, r, dx, dw]);
  });

  test.each(FUSED_CONV_ACTIVATIONS.map((a) => [a] as const))(
    'fused bias + %s: forward and gradients (x, kernel, bias) equal conv, then add, then the stock activation',
    (act) => {
      const stockAct = (t: tf.Tensor) => (act === 'linear' ? t : (tf[act] as (x: tf.Tensor) => tf.Tensor)(t));
      const x1 = tf.randomNormal([2, 13, 3], 0, 1, 'float32', 11);
      const w1 = tf.randomNormal([3, 3, 4], 0, 0.7, 'float32', 12);
      const x2 = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 13);
      const w2 = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 14);
      // Shifted so relu/relu6/elu see both signs and relu6 saturates somewhere.
      const b = tf.tensor1d([0.3, -0.2, 3.5, 0.05]);
      const cases: [string, (x: tf.Tensor, w: tf.Tensor, bb?: tf.Tensor1D, a?: typeof act) => tf.Tensor, tf.Tensor, tf.Tensor][] = [
        ['conv1d d=2 causal', (x, w, bb, a) => conv1dOp(x as tf.Tensor3D, w as tf.Tensor3D, { dilation: 2, padding: 'causal', impl: 'custom', bias: bb, activation: a }), x1, w1],
        ['conv2d s=2 same', (x, w, bb, a) => conv2dOp(x as tf.Tensor4D, w as tf.Tensor4D, { strides: 2, padding: 'same', impl: 'custom', bias: bb, activation: a }), x2, w2],
        ['conv2d 1x1', (x, w, bb, a) => conv2dOp(x as tf.Tensor4D, w as tf.Tensor4D, { impl: 'custom', bias: bb, activation: a }), x2, w2.slice([1, 1, 0, 0], [1, 1, 3, 4])],
      ];
      for (const [name, op, x, w] of cases) {
        const r = tf.randomNormal(op(x, w).shape, 0, 1, 'float32', 15);
        const fusedY = op(x, w, b, act);
        const refY = stockAct(tf.add(op(x, w), b));
        expect(maxRelErr(fusedY.dataSync(), refY.dataSync())).toBeLessThan(1e-5);
        const gf = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(op(xi, wi, bi as tf.Tensor1D, act), r)))([x, w, b]);
        const gr = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(stockAct(tf.add(op(xi, wi), bi)), r)))([x, w, b]);
        gf.forEach((g, i) => {
          const err = maxRelErr(g.dataSync(), gr[i].dataSync());
          if (!(err < 1e-4)) throw new Error(`${name} ${act}: gradient ${['x', 'kernel', 'bias'][i]} err ${err}`);
        });
        // A sanity bound that the check can fail: the bias gradient is not all zeros.
        expect(tf.max(tf.abs(gf[2])).dataSync()[0]).toBeGreaterThan(1e-3);
      }
      expect(pendingBackwardAliases()).toBe(0);
    },
  );

  test('a conv off the differentiated path keeps no aliases beyond the next recording session', () => {
    const x = tf.randomNormal([1, 9, 2]) as tf.Tensor3D;
    const w = tf.randomNormal([3, 2, 2]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const f = (wi: tf.Tensor) => {
      // The second conv depends on no differentiated input: its backward never runs.
      const unused = conv1dOp(x, w, { padding: 'same', impl: 'custom' });
      return tf.add(tf.sum(conv1dOp(x, wi as tf.Tensor3D, { padding: 'same', impl: 'custom' })), tf.mul(tf.sum(unused), 0));
    };
    for (let i = 0; i < 3; i++) {
      const g = tf.grad(f)(w);
      g.dispose();
      expect(pendingBackwardAliases()).toBeLessThanOrEqual(3);
    }
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(3);
    tf.dispose([x, w]);
  });

  test('the comparison can fail: a wrong gradient (kernel not flipped) is rejected', () => {
    const c = FIXTURE.cases.find((k) => k.op === 'conv1d' && k.padding === 'causal')!;
    const x = tf.tensor(c.x, c.xShape);
    const w = tf.tensor(c.w, c.wShape);
    const r = tf.tensor(c.r, c.yShape);
    // dx of a causal conv computed with the unflipped kernel: plausible shape, wrong values.
    const wrong = tf.conv1d(tf.pad(r, [[0, 0], [0, (c.wShape[0] - 1) * c.dilation!], [0, 0]]) as tf.Tensor3D, w.transpose([0, 2, 1]) as tf.Tensor3D, 1, 'valid', 'NWC', c.dilation);
    expect(wrong.shape).toEqual(c.xShape);
    expect(maxRelErr(wrong.dataSync(), c.dx)).toBeGreaterThan(1e-2);
    tf.dispose([x, w, r, wrong]);
  });

  test('rank-2 conv1d and rank-3 conv2d inputs are accepted and squeezed back', () => {
    const y1 = conv1dOp(tf.ones([5, 2]) as tf.Tensor2D, tf.ones([3, 2, 4]) as tf.Tensor3D, { padding: 'same' });
    expect(y1.shape).toEqual([5, 4]);
    const y2 = conv2dOp(tf.ones([5, 6, 2]) as tf.Tensor3D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, { padding: 'same', strides: 2 });
    expect(y2.shape).toEqual([3, 3, 4]);
    const y3 = depthwiseConv2dOp(tf.ones([5, 6, 2]) as tf.Tensor3D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, { padding: 'valid' });
    expect(y3.shape).toEqual([3, 4, 2]);
  });

  test('argument errors name the argument, expected and received', () => {
    const x = tf.ones([1, 5, 2]) as tf.Tensor3D;
    const w = tf.ones([3, 2, 4]) as tf.Tensor3D;
    expect(() => conv1dOp(x, w, { dilation: 0 })).toThrow(/dilation must be an integer >= 1, received 0/);
    expect(() => conv1dOp(x, w, { padding: 'full' as never })).toThrow(/padding must be one of 'same'\|'valid'\|'causal', received "full"/);
    expect(() => conv1dOp(x, tf.ones([3, 3, 4]) as tf.Tensor3D)).toThrow(/x has 2 channels but kernel expects inChannels 3/);
    expect(() => conv1dOp(x, w, { dilation: 3 })).toThrow(/input length 5 is smaller than the dilated kernel 7/);
    expect(() => conv2dOp(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, { strides: 2, dilations: 2 })).toThrow(/cannot both exceed 1/);
    expect(() => depthwiseConv2dOp(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 2]) as tf.Tensor4D)).toThrow(/depth multiplier 1/);
  });
});
