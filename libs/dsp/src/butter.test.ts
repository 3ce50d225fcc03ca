import fx from './__fixtures__/filters.json';
import { butter } from './butter';
import { butterSos } from './butterSos';
import { expectClose, reportErrors, track } from './testing';

reportErrors();
type Cut = number | [number, number];
const opts = (c: { btype: string; fs: number | null }) => ({ btype: c.btype as 'low' | 'high' | 'band', fs: c.fs ?? undefined });

describe('butter', () => {
  // Tolerance 1e-10 relative to max(1, max |coef|).
  it.each(fx.butter.map((c) => [c.btype, c.order, JSON.stringify(c.cutoff), c] as const))(
    'matches scipy.signal.butter %s order %i cutoff %s (tol 1e-10)',
    (_t, _o, _c, c) => {
      const { b, a } = butter(c.order, c.cutoff as Cut, opts(c));
      track('butter', expectClose(b, c.b, 1e-10));
      track('butter', expectClose(a, c.a, 1e-10));
    },
  );

  it('names the bad parameter', () => {
    expect(() => butter(9, 10, { fs: 100 })).toThrow(/butter: order must be an integer 1\.\.8, received 9/);
    expect(() => butter(0, 10, { fs: 100 })).toThrow(/order must be an integer 1\.\.8, received 0/);
    expect(() => butter(2.5, 10, { fs: 100 })).toThrow(/received 2\.5/);
    expect(() => butter(2, 60, { fs: 100 })).toThrow(/butter: cutoff must be between 0 and fs\/2 = 50 \(exclusive\), received 60/);
    expect(() => butter(2, 1.5)).toThrow(/cutoff must be between 0 and 1 \(normalised\).*received 1\.5/);
    expect(() => butter(2, 10, { btype: 'band', fs: 100 })).toThrow(/cutoff must be \[low, high\] for btype 'band', received 10/);
    expect(() => butter(2, [20, 10], { btype: 'band', fs: 100 })).toThrow(/low < high, received \[20, 10\]/);
    expect(() => butter(2, [1, 2] as unknown as number, { fs: 100 })).toThrow(/cutoff must be a number for btype 'low'/);
    expect(() => butter(2, 10, { btype: 'bandstop' as 'band', fs: 100 })).toThrow(/btype must be one of 'low', 'high', 'band', received "bandstop"/);
    expect(() => butter(2, 10, { fs: -1 })).toThrow(/fs must be a finite number > 0, received -1/);
  });
});

describe('butterSos', () => {
  // Same sections in the same order as scipy's zpk2sos: tolerance 1e-10 per row.
  it.each(fx.sos.map((c) => [c.btype, c.order, JSON.stringify(c.cutoff), c] as const))(
    'matches scipy butter(output="sos") %s order %i cutoff %s (tol 1e-10)',
    (_t, _o, _c, c) => {
      const sos = butterSos(c.order, c.cutoff as Cut, opts(c));
      expect(sos).toHaveLength(c.sos.length);
      sos.forEach((row, i) => track('butterSos', expectClose(row, c.sos[i], 1e-10)));
    },
  );

  it('names the bad parameter', () => {
    expect(() => butterSos(9, 10, { fs: 100 })).toThrow(/butterSos: order must be an integer 1\.\.8, received 9/);
  });
});
