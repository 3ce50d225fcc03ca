import { median } from './median';

describe('median', () => {
  it('is the middle value, or the mean of the two middle values (numpy.median)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median(Float32Array.from([4, -1, 10, 2]))).toBe(3);
    expect(median([5])).toBe(5);
    expect(() => median([])).toThrow(/empty/);
  });

  it('with maxSamples takes every k-th value of a long input', () => {
    // 0..9 with every 5th value: 0 and 5; an exact median of all would be 4.5
    const x = Array.from({ length: 10 }, (_, i) => i);
    expect(median(x, 2)).toBe(2.5);
    expect(median(x, 10)).toBe(4.5);
    expect(median(x, 100)).toBe(4.5);
  });
});
