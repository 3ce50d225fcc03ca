// Argument checks shared by the public functions (not exported from the index).

/** Render a received value for an error message. */
export function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function checkSignal(fn: string, name: string, x: unknown, minLength = 1): void {
  const len = (x as ArrayLike<number> | null)?.length;
  if (x == null || typeof len !== 'number') throw new TypeError(`${fn}: ${name} must be an array of numbers, received ${show(x)}`);
  if (len < minLength) throw new RangeError(`${fn}: ${name} must have at least ${minLength} samples, received length ${len}`);
}

export function checkInt(fn: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `${min}..${max}`;
    throw new RangeError(`${fn}: ${name} must be an integer ${range}, received ${show(v)}`);
  }
  return v;
}

export function checkPositive(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`${fn}: ${name} must be a finite number > 0, received ${show(v)}`);
  return v;
}

export function checkOneOf<T extends string>(fn: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new RangeError(`${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${show(v)}`);
  return v as T;
}
