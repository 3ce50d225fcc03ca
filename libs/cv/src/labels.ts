/** Labels, groups or ids: all numbers or all strings. */
export type Labels = ArrayLike<number> | readonly string[];

/** Integer codes for labels, plus how many distinct labels there are. */
export interface EncodedLabels {
  codes: Int32Array;
  nClasses: number;
}

function checkLabels(fn: string, name: string, labels: Labels): 'number' | 'string' {
  if (labels.length === 0) return 'number';
  const kind = typeof labels[0];
  if (kind !== 'number' && kind !== 'string') {
    throw new TypeError(`${fn}: ${name} must hold numbers or strings, received ${kind} at index 0`);
  }
  for (let i = 0; i < labels.length; i++) {
    const x = labels[i];
    if (typeof x !== kind) {
      throw new TypeError(`${fn}: ${name} must be all numbers or all strings, received ${typeof x} at index ${i} after ${kind}s`);
    }
    if (kind === 'number' && Number.isNaN(x)) {
      throw new RangeError(`${fn}: ${name} must not hold NaN, received NaN at index ${i}`);
    }
  }
  return kind;
}

/** Codes in order of first appearance (what StratifiedKFold uses). */
export function encodeByAppearance(fn: string, name: string, labels: Labels): EncodedLabels {
  checkLabels(fn, name, labels);
  const seen = new Map<number | string, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const x = labels[i];
    let c = seen.get(x);
    if (c === undefined) {
      c = seen.size;
      seen.set(x, c);
    }
    codes[i] = c;
  }
  return { codes, nClasses: seen.size };
}

/**
 * Codes in sorted order of the distinct labels, like np.unique's
 * return_inverse: numbers ascending, strings by Unicode code point (numpy's
 * order; JS's default sort compares UTF-16 units, which differs above U+FFFF).
 */
export function encodeSorted(fn: string, name: string, labels: Labels): EncodedLabels & { values: Array<number | string> } {
  const kind = checkLabels(fn, name, labels);
  const distinct = Array.from(new Set(Array.from(labels as ArrayLike<number | string>)));
  if (kind === 'number') (distinct as number[]).sort((x, y) => x - y);
  else (distinct as string[]).sort(compareCodePoints);
  const index = new Map<number | string, number>(distinct.map((x, i) => [x, i]));
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) codes[i] = index.get(labels[i])!;
  return { codes, nClasses: distinct.length, values: distinct };
}

function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0)!);
  const cb = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}
