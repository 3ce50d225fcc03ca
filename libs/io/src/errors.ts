/**
 * Errors for bad input. Each names the file (and row/column where known),
 * what was expected and what was found, so a user can fix the input without
 * reading our code.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    /** The file (or directory) the problem is in. */
    readonly file: string,
    /** What is wrong, including what was expected and what was received. */
    readonly problem: string,
    /** Row (1-based, header = row 1) or column the problem is at, when known. */
    readonly where?: { row?: number; column?: string },
  ) {
    const at = [
      where?.row !== undefined ? `row ${where.row}` : '',
      where?.column !== undefined ? `column '${where.column}'` : '',
    ]
      .filter(Boolean)
      .join(', ');
    super(`${file}${at ? ` (${at})` : ''}: ${problem}`);
  }
}

/** A target whose pipeline is not implemented yet: refuse loudly, never fake success. */
export class NotBuiltYetError extends Error {
  override name = 'NotBuiltYetError';
}

/**
 * Used by solution CLIs until their pipeline lands: prints one line and exits
 * non-zero so that nx (and CI) see a failure, not a fake success.
 */
export function notBuiltYet(solution: string, target: string, issue: number): never {
  process.stderr.write(`${solution}:${target} is not built yet (see issue #${issue})\n`);
  process.exit(2);
}
