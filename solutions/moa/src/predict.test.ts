import { initBackend, tf } from '@repro/layers';
import { predictInputs } from './train';

beforeAll(() => initBackend({ backend: 'cpu', log: null }));

it('predictInputs gives the event loop a turn between batches (a SIGTERM is handled mid-prediction, not after it) and sigmoids logits', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
  const x = Float32Array.from({ length: 10 * 3 }, (_, i) => (i % 3) - 1);
  let turns = 0;
  const tick = () => {
    turns += 1;
    if (turns < 100) setImmediate(tick);
  };
  setImmediate(tick);
  const p = await predictInputs(model, { x: [x], rowShapes: [[3]] }, true, 2);
  // 5 batches of 2 rows: the ticker ran between them.
  expect(turns).toBeGreaterThanOrEqual(4);
  expect(p).toHaveLength(20);
  for (const v of p) expect(v).toBeCloseTo(0.5, 6); // each row sums to 0 -> logit 0 -> 0.5
  model.dispose();
});
