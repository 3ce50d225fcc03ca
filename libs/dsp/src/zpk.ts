// Complex zero/pole/gain algebra for the Butterworth design, transcribed from
// scipy.signal (buttap, lp2*_zpk, bilinear_zpk, zpk2tf, zpk2sos) so that
// results match scipy's to rounding: no JS library implements these steps.

/** Complex number as [re, im]. */
export type C = [number, number];

export interface Zpk {
  z: C[];
  p: C[];
  k: number;
}

export const cadd = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
export const csub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
export const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
export const cscale = (a: C, s: number): C => [a[0] * s, a[1] * s];
export const cabs = (a: C): number => Math.hypot(a[0], a[1]);
export function cdiv(a: C, b: C): C {
  // Smith's algorithm, as numpy uses, to avoid overflow.
  if (Math.abs(b[0]) >= Math.abs(b[1])) {
    const r = b[1] / b[0];
    const d = b[0] + b[1] * r;
    return [(a[0] + a[1] * r) / d, (a[1] - a[0] * r) / d];
  }
  const r = b[0] / b[1];
  const d = b[0] * r + b[1];
  return [(a[0] * r + a[1]) / d, (a[1] * r - a[0]) / d];
}
export function csqrt(a: C): C {
  const r = cabs(a);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, a[1] < 0 || Object.is(a[1], -0) ? -im : im];
}
const cprod = (xs: C[]): C => xs.reduce((acc, x) => cmul(acc, x), [1, 0] as C);

/** scipy.signal.buttap: analog prototype poles on the unit circle, no zeros. */
export function buttap(n: number): Zpk {
  const p: C[] = [];
  for (let m = -n + 1; m < n; m += 2) {
    const th = (Math.PI * m) / (2 * n);
    p.push([-Math.cos(th), -Math.sin(th)]);
  }
  return { z: [], p, k: 1 };
}

export function lp2lpZpk({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((x) => cscale(x, wo)), p: p.map((x) => cscale(x, wo)), k: k * wo ** degree };
}

export function lp2hpZpk({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const zh = z.map((x) => cdiv([wo, 0], x));
  const ph = p.map((x) => cdiv([wo, 0], x));
  for (let i = 0; i < degree; i++) zh.push([0, 0]);
  const g = cdiv(cprod(z.map((x) => cscale(x, -1))), cprod(p.map((x) => cscale(x, -1))));
  return { z: zh, p: ph, k: k * g[0] };
}

export function lp2bpZpk({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const split = (xs: C[]): C[] => {
    const lp = xs.map((x) => cscale(x, bw / 2));
    const roots = lp.map((x) => csqrt(csub(cmul(x, x), [wo * wo, 0])));
    return [...lp.map((x, i) => cadd(x, roots[i])), ...lp.map((x, i) => csub(x, roots[i]))];
  };
  const zb = split(z);
  for (let i = 0; i < degree; i++) zb.push([0, 0]);
  return { z: zb, p: split(p), k: k * bw ** degree };
}

export function bilinearZpk({ z, p, k }: Zpk, fs: number): Zpk {
  const fs2: C = [2 * fs, 0];
  const degree = p.length - z.length;
  const zz = z.map((x) => cdiv(cadd(fs2, x), csub(fs2, x)));
  const pz = p.map((x) => cdiv(cadd(fs2, x), csub(fs2, x)));
  for (let i = 0; i < degree; i++) zz.push([-1, 0]);
  const g = cdiv(cprod(z.map((x) => csub(fs2, x))), cprod(p.map((x) => csub(fs2, x))));
  return { z: zz, p: pz, k: k * g[0] };
}

/** numpy.poly: monic polynomial with the given roots (real part; roots come in conjugate pairs). */
export function poly(roots: C[]): Float64Array {
  let a: C[] = [[1, 0]];
  for (const r of roots) {
    const next: C[] = a.map(() => [0, 0] as C).concat([[0, 0]]);
    for (let i = 0; i < a.length; i++) {
      next[i] = cadd(next[i], a[i]);
      next[i + 1] = csub(next[i + 1], cmul(a[i], r));
    }
    a = next;
  }
  return Float64Array.from(a, (c) => c[0]);
}

/** scipy.signal.zpk2tf for a single filter. */
export function zpk2tf({ z, p, k }: Zpk): { b: Float64Array; a: Float64Array } {
  const b = poly(z).map((v) => v * k);
  return { b, a: poly(p) };
}

const isReal = (c: C): boolean => c[1] === 0;

/** scipy.signal._filter_design._cplxreal: complex roots with positive imaginary part (sorted) and real roots (sorted). */
function cplxreal(zIn: C[]): { zc: C[]; zr: C[] } {
  const tol = 100 * Number.EPSILON;
  // np.lexsort((abs(z.imag), z.real)): by real part, then |imag|; stable.
  const z = zIn
    .map((c, i) => ({ c, i }))
    .sort((u, v) => u.c[0] - v.c[0] || Math.abs(u.c[1]) - Math.abs(v.c[1]) || u.i - v.i)
    .map((u) => u.c);
  const zr: C[] = [];
  const rest: C[] = [];
  for (const c of z) (Math.abs(c[1]) <= tol * cabs(c) ? zr : rest).push(c);
  const zp = rest.filter((c) => c[1] > 0);
  const zn = rest.filter((c) => c[1] < 0);
  if (zp.length !== zn.length) throw new Error('zpk2sos: array contains complex value with no matching conjugate');
  // Within runs of (nearly) equal real part, order by |imag| so conjugates line up.
  const sortRuns = (xs: C[]): void => {
    let s = 0;
    while (s < xs.length) {
      let e = s + 1;
      while (e < xs.length && xs[e][0] - xs[e - 1][0] <= tol * cabs(xs[e - 1])) e++;
      if (e - s > 1) {
        const chunk = xs.slice(s, e).sort((u, v) => Math.abs(u[1]) - Math.abs(v[1]));
        xs.splice(s, e - s, ...chunk);
      }
      s = e;
    }
  };
  sortRuns(zp);
  sortRuns(zn);
  const zc = zp.map((c, i): C => [(c[0] + zn[i][0]) / 2, (c[1] - zn[i][1]) / 2]);
  return { zc, zr: zr.map((c): C => [c[0], 0]) };
}

/** scipy's _nearest_real_complex_idx. */
function nearestIdx(fro: C[], to: C, which: 'any' | 'real' | 'complex'): number {
  const order = fro.map((c, i) => ({ d: cabs(csub(c, to)), i })).sort((u, v) => u.d - v.d || u.i - v.i).map((u) => u.i);
  if (which === 'any') return order[0];
  const found = order.find((i) => (which === 'real' ? isReal(fro[i]) : !isReal(fro[i])));
  if (found === undefined) throw new Error(`zpk2sos: no ${which} zero left to pair`);
  return found;
}

function singleSection(z: C[], p: C[]): Float64Array {
  const sos = new Float64Array(6);
  const b = poly(z);
  const a = poly(p);
  sos.set(b, 3 - b.length);
  sos.set(a, 6 - a.length);
  return sos;
}

/** scipy.signal.zpk2sos(z, p, k, pairing='nearest') for digital filters. */
export function zpk2sos(zpk: Zpk): Float64Array[] {
  let z = zpk.z.slice();
  let p = zpk.p.slice();
  const k = zpk.k;
  while (p.length < z.length) p.push([0, 0]);
  while (z.length < p.length) z.push([0, 0]);
  const nSections = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) {
    p.push([0, 0]);
    z.push([0, 0]);
  }
  const cz = cplxreal(z);
  const cp = cplxreal(p);
  z = [...cz.zc, ...cz.zr];
  p = [...cp.zc, ...cp.zr];
  const idxWorst = (xs: C[]): number => {
    let best = 0;
    for (let i = 1; i < xs.length; i++) if (Math.abs(1 - cabs(xs[i])) < Math.abs(1 - cabs(xs[best]))) best = i;
    return best;
  };
  const take = (xs: C[], i: number): C => xs.splice(i, 1)[0];
  const sos: Float64Array[] = new Array(nSections);
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(p, idxWorst(p));
    const nRealP = p.filter(isReal).length;
    if (isReal(p1) && nRealP === 0) {
      const z1 = take(z, nearestIdx(z, p1, 'real'));
      sos[si] = singleSection([z1, [0, 0]], [p1, [0, 0]]);
    } else if (p.length + 1 === z.length && !isReal(p1) && nRealP === 1 && z.filter(isReal).length === 1) {
      const z1 = take(z, nearestIdx(z, p1, 'complex'));
      sos[si] = singleSection([z1, [z1[0], -z1[1]]], [p1, [p1[0], -p1[1]]]);
    } else {
      let p2: C;
      if (isReal(p1)) {
        const realIdx = p.map((c, i) => (isReal(c) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, realIdx[idxWorst(realIdx.map((i) => p[i]))]);
      } else {
        p2 = [p1[0], -p1[1]];
      }
      if (z.length > 0) {
        const z1 = take(z, nearestIdx(z, p1, 'any'));
        if (!isReal(z1)) {
          sos[si] = singleSection([z1, [z1[0], -z1[1]]], [p1, p2]);
        } else if (z.length > 0) {
          const z2 = take(z, nearestIdx(z, p1, 'real'));
          sos[si] = singleSection([z1, z2], [p1, p2]);
        } else {
          sos[si] = singleSection([z1], [p1, p2]);
        }
      } else {
        sos[si] = singleSection([], [p1, p2]);
      }
    }
  }
  for (let j = 0; j < 3; j++) sos[0][j] *= k;
  return sos;
}
