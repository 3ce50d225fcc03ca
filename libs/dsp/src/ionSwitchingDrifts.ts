export interface DriftSegment {
  dataset: 'train' | 'test';
  /** First row (0-indexed, inclusive). */
  start: number;
  /** Last row + 1. */
  end: number;
  shape: 'halfSine' | 'linear';
  /** halfSine: drift = amplitude * sin(pi * (row - start) / period); linear: approximate slope per row. */
  amplitude: number;
  /** halfSine period in rows (one batch). */
  period?: number;
  note: string;
}

/**
 * Known synthetic drifts of Kaggle's "University of Liverpool - Ion Switching" data (10 kHz,
 * batches of 500,000 rows), from the competition's public analysis:
 * - train batches 7..10 (1-indexed; rows 3.0M..5.0M) each carry 5 * sin(pi * i / 500000), i = row within batch;
 * - train batch 2's first 100k rows (rows 500,000..600,000) carry a near-linear drift of about 0.3 per 10 s (3e-6 per row);
 * - test rows 1.0M..1.5M carry the same half-sine.
 * Remove each with fitHalfSineDrift / fitLinearDrift on that slice (no labels needed) and removeDrift.
 */
export function ionSwitchingDrifts(): DriftSegment[] {
  const B = 500000;
  const sine = (dataset: 'train' | 'test', start: number, note: string): DriftSegment => ({
    dataset,
    start,
    end: start + B,
    shape: 'halfSine',
    amplitude: 5,
    period: B,
    note,
  });
  return [
    { dataset: 'train', start: B, end: B + 100000, shape: 'linear', amplitude: 3e-6, note: 'train batch 2, first 100k rows: ~0.3 per 10 s' },
    sine('train', 6 * B, 'train batch 7'),
    sine('train', 7 * B, 'train batch 8'),
    sine('train', 8 * B, 'train batch 9'),
    sine('train', 9 * B, 'train batch 10'),
    sine('test', 2 * B, 'test rows 1.0M..1.5M'),
  ];
}
