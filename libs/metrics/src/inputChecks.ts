/** Shared argument checks: each error names the function, the parameter, what was expected and what was received. */

/** Throws unless `n` is a positive integer. */
export function checkPositiveInteger(fn: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer (received ${n})`);
  }
}

/** Throws unless both arrays are non-empty and of equal length. */
export function checkSameLength(fn: string, aName: string, a: ArrayLike<number>, bName: string, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new RangeError(`${fn}: ${aName} has ${a.length} values but ${bName} has ${b.length} (expected equal lengths)`);
  }
  if (a.length === 0) throw new RangeError(`${fn}: ${aName} is empty (expected at least one sample)`);
}

/** Throws unless the array is a whole number of `nCols`-wide rows; returns the row count. */
export function rowCount(fn: string, name: string, a: ArrayLike<number>, nCols: number): number {
  if (a.length % nCols !== 0) {
    throw new RangeError(`${fn}: ${name} has ${a.length} values, not a multiple of ${nCols} columns`);
  }
  return a.length / nCols;
}

/**
 * Throws unless every value is an integer class label. Like sklearn, which refuses
 * "continuous" targets: un-rounded regression outputs would otherwise each become a class.
 */
export function checkIntegerLabels(fn: string, name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i])) {
      throw new RangeError(`${fn}: ${name}[${i}] is ${a[i]} (expected an integer class label)`);
    }
  }
}

/** Throws unless every value is a number in [0, 1]; `at` formats the position for the message. */
export function checkUnitInterval(fn: string, name: string, a: ArrayLike<number>, at: (i: number) => string = (i) => `[${i}]`): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    // Written so that NaN fails too.
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(`${fn}: ${name}${at(i)} is ${v} (expected a probability in [0, 1])`);
    }
  }
}
