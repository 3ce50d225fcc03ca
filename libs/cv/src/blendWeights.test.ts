import { blendPredictions, optimizeBlendWeights } from './blendWeights';

const mse = (target: Float32Array) => (p: Float32Array) => p.reduce((s, v, i) => s + (v - target[i]) ** 2, 0) / p.length;

describe('optimizeBlendWeights', () => {
  it('recovers the mixing weights of a target that is an exact blend', () => {
    const a = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 50 }, (_, i) => Math.cos(i * 0.7));
    const c = Float32Array.from({ length: 50 }, (_, i) => (i % 7) / 7);
    const target = blendPredictions([a, b, c], [0.2, 0.5, 0.3]);
    const r = optimizeBlendWeights([a, b, c], mse(target));
    expect(Array.from(r.weights).map((w) => Number(w.toFixed(3)))).toEqual([0.2, 0.5, 0.3]);
    expect(r.score).toBeLessThan(1e-8);
  });

  it('keeps weights non-negative, summing to 1, and never worse than the best member', () => {
    const target = Float32Array.from({ length: 40 }, (_, i) => i / 40);
    const good = Float32Array.from(target, (v) => v + 0.01);
    const bad = Float32Array.from(target, (v) => 1 - v);
    const r = optimizeBlendWeights([bad, good], mse(target));
    expect(r.weights.every((w) => w >= 0)).toBe(true);
    expect(r.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(r.score).toBeLessThanOrEqual(Math.min(...r.memberScores));
    expect(r.weights[1]).toBeGreaterThan(0.9);
  });

  it('checks its inputs', () => {
    expect(() => optimizeBlendWeights([], () => 0)).toThrow(/at least one prediction array/);
    expect(() => blendPredictions([new Float32Array(3), new Float32Array(2)], [0.5, 0.5])).toThrow(/member 1 has 2 values, member 0 has 3/);
  });
});
