import { movingAverage } from './movingAverage';

describe('movingAverage', () => {
  it('equals the brute-force mean of the samples within the centred window, shrinking at the edges', () => {
    const x = Array.from({ length: 23 }, (_, i) => Math.sin(i * 1.7) * 3 + i * 0.1);
    for (const w of [1, 2, 5, 8, 23, 40]) {
      const got = movingAverage(x, w);
      const before = Math.floor((w - 1) / 2);
      const after = w - 1 - before;
      for (let i = 0; i < x.length; i++) {
        const part = x.slice(Math.max(0, i - before), Math.min(x.length, i + after + 1));
        expect(got[i]).toBeCloseTo(part.reduce((a, b) => a + b, 0) / part.length, 12);
      }
    }
  });

  it('keeps a linear trend unchanged away from the edges and rejects a bad window', () => {
    const x = Array.from({ length: 100 }, (_, i) => 2 * i - 5);
    const got = movingAverage(x, 11);
    for (let i = 5; i < 95; i++) expect(got[i]).toBeCloseTo(x[i], 10);
    expect(() => movingAverage(x, 0)).toThrow(/positive integer/);
  });
});
