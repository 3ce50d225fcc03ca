/**
 * Parity tolerance for floating-point metrics: 1e-12 relative to the reference value. Observed
 * differences are at most a few ulps (~3e-16 relative, from libm `log` differences); the bound
 * leaves headroom for other platforms while still catching any change of formula, clip or
 * averaging order of effect.
 */
export const PARITY_RTOL = 1e-12;

export function expectClose(actual: number, expected: number, rtol = PARITY_RTOL): void {
  const err = Math.abs(actual - expected);
  if (!(err <= rtol * Math.abs(expected))) {
    throw new Error(`expected ${actual} to be within ${rtol} (relative) of ${expected}; off by ${err}`);
  }
}
