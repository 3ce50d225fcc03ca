import { ResourceError } from '@repro/io';
import { initBackend } from '../backend';
import { explainBackendOom } from './outOfMemory';

beforeAll(() => initBackend({ backend: 'wasm', log: null }));

it("turns the wasm backend's bare out-of-memory errors into a message naming the step, the shapes and what to do", () => {
  // What EfficientNet-B0 at 8 x 512 x 256 x 3 gave on wasm (tfjs' transpose inside a mean).
  for (const raw of [Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' }), new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), new Error('Aborted(OOM)'), new Error('Aborted(). Build with -sASSERTIONS for more info.')]) {
    const e = explainBackendOom(raw, 'in training step 1 (epoch 1, batch 1: inputs [8,512,256,3])') as Error;
    expect(e).toBeInstanceOf(ResourceError);
    expect(e.message).toMatch(/^the wasm backend ran out of memory in training step 1 \(epoch 1, batch 1: inputs \[8,512,256,3\]\) \(its heap is one WebAssembly memory of at most 4 GiB; ".+"\): make the batch smaller .* \(--backend cpu, or a GPU backend\)$/);
  }
  const other = new Error('shapes do not match');
  expect(explainBackendOom(other, 'x')).toBe(other);
});
