import * as tf from '@tensorflow/tfjs';
import { loadDanfo } from './danfo';

describe('loadDanfo', () => {
  it('loads danfojs-node after our tfjs without the duplicate-registration warnings', () => {
    expect(tf.version.tfjs).toBe('4.22.0'); // ours is loaded first, as in the solutions
    // Control: a plain require (in a separate module registry) does print them, so this test can fail.
    const raw: string[] = [];
    const rawSpy = jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void raw.push(a.map(String).join(' ')));
    try {
      jest.isolateModules(() => require('danfojs-node'));
    } finally {
      rawSpy.mockRestore();
    }
    expect(raw.filter((l) => /^The kernel '\w+' for backend 'cpu' is already registered$/.test(l)).length).toBeGreaterThan(100);
    expect(raw.some((l) => /^Platform node has already been set/.test(l))).toBe(true);

    const seen: string[] = [];
    const original = console.warn;
    const spy = jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void seen.push(a.map(String).join(' ')));
    let dfd;
    try {
      dfd = loadDanfo();
    } finally {
      spy.mockRestore();
    }
    expect(console.warn).toBe(original);
    const noisy = seen.filter((l) => /already registered|has already been set/.test(l));
    expect(noisy).toEqual([]);
    expect(typeof dfd.DataFrame).toBe('function');
    expect(loadDanfo()).toBe(dfd); // cached
  });

  it('restores console.warn and passes other warnings through', () => {
    const seen: string[] = [];
    const spy = jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void seen.push(a.map(String).join(' ')));
    try {
      loadDanfo();
      console.warn('a real warning');
      console.warn("The kernel 'Foo' for backend 'cpu' is already registered");
    } finally {
      spy.mockRestore();
    }
    // After loading, nothing is filtered any more.
    expect(seen).toEqual(['a real warning', "The kernel 'Foo' for backend 'cpu' is already registered"]);
  });

  it('computes a groupby mean', () => {
    const dfd = loadDanfo();
    const df = new dfd.DataFrame({ batch: [0, 0, 1, 1, 1], signal: [1, 3, 2, 4, 9] });
    const mean = df.groupby(['batch']).col(['signal']).mean();
    expect(mean.columns).toEqual(['batch', 'signal_mean']);
    expect(mean.column('batch').values).toEqual([0, 1]);
    expect(mean.column('signal_mean').values).toEqual([2, 5]);
  });
});
