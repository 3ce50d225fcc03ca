// Comparison helpers for the parity tests (not part of the public API).

/** Largest |actual - expected| divided by max(1, max |expected|): error relative to the reference's scale. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    err = Math.max(err, Number.isNaN(d) ? Infinity : d);
  }
  return err / scale;
}

/** Assert relErr below `tol` and return it (so tests can log the maximum seen). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): number {
  const e = relErr(actual, expected);
  expect(e).toBeLessThan(tol);
  return e;
}

/** Running maximum of errors per label, printed once per file when DSP_REPORT is set. */
export const maxErrors: Record<string, number> = {};
export function track(label: string, err: number): void {
  maxErrors[label] = Math.max(maxErrors[label] ?? 0, err);
}
export function reportErrors(): void {
  afterAll(() => {
    if (process.env.DSP_REPORT) console.log(JSON.stringify(maxErrors));
  });
}
