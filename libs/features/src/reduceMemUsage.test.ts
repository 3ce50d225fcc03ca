import { reduceMemUsage } from './reduceMemUsage';

describe('reduceMemUsage', () => {
  it('picks the smallest lossless type per column and reports bytes', () => {
    const n = 100;
    const labels = Float64Array.from({ length: n }, (_, i) => i % 11); // 0..10
    const signed = Float64Array.from({ length: n }, (_, i) => (i % 2 ? -100 : 100));
    const mid = Array.from({ length: n }, (_, i) => i * 300); // up to 29,700
    const big = Float64Array.from({ length: n }, (_, i) => i * 100000);
    const signal = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3.7);
    const huge = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1e300 : 0.5));
    const tiny = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1e-40 : 0.5));
    const withNaN = Float64Array.from({ length: n }, (_, i) => (i === 0 ? NaN : i));
    const { columns, report } = reduceMemUsage({ labels, signed, mid, big, signal, huge, tiny, withNaN });
    expect(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.constructor.name]))).toEqual({
      labels: 'Uint8Array',
      signed: 'Int8Array',
      mid: 'Int16Array',
      big: 'Int32Array',
      signal: 'Float32Array',
      huge: 'Float64Array',
      tiny: 'Float64Array',
      withNaN: 'Float32Array',
    });
    expect(Array.from(columns.labels)).toEqual(Array.from(labels));
    expect(Array.from(columns.mid)).toEqual(mid);
    for (let i = 0; i < n; i++) expect(Math.abs(columns.signal[i] - signal[i])).toBeLessThanOrEqual(Math.abs(signal[i]) * 2 ** -24);
    expect(report.beforeBytes).toBe(8 * n * 8);
    expect(report.afterBytes).toBe(n * (1 + 1 + 2 + 4 + 4 + 8 + 8 + 4));
    expect(report.perColumn.mid).toEqual({ from: 'Array', to: 'Int16Array', beforeBytes: 800, afterBytes: 200 });
  });

  it('names the bad column', () => {
    expect(() => reduceMemUsage({ x: 'abc' as unknown as number[] })).toThrow(/reduceMemUsage: column "x" must be a Float64Array/);
  });
});
