/**
 * Argument checks shared by the training machinery. Every message names the
 * function and argument, then says what was expected and what was received,
 * because these options mostly come from config files that users edit by hand.
 */

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

export function fail(where: string, arg: string, expected: string, received: unknown): never {
  throw new RangeError(`${where}: ${arg}: expected ${expected}, received ${show(received)}`);
}

export function checkFinite(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, arg, 'a finite number', value);
  return value;
}

export function checkPositive(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(where, arg, 'a finite number > 0', value);
  return value;
}

export function checkNonNegative(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, arg, 'a finite number >= 0', value);
  return value;
}

export function checkInt(where: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(where, arg, `an integer >= ${min}`, value);
  return value;
}

/** A number in [lo, hi) (or [lo, hi] when `closed`). */
export function checkRange(where: string, arg: string, value: unknown, lo: number, hi: number, closed = false): number {
  const ok = typeof value === 'number' && value >= lo && (closed ? value <= hi : value < hi);
  if (!ok) fail(where, arg, `a number in [${lo}, ${hi}${closed ? ']' : ')'}`, value);
  return value as number;
}

export function checkOneOf<T extends string>(where: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(where, arg, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}
