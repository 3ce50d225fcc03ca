import * as fs from 'fs';
import { DataError } from './errors';

/** How a CSV column is stored once read. */
export type CsvColumnType = 'float32' | 'float64' | 'int32' | 'string';

/** The array a column of a given type is read into. */
export type CsvColumnArray<T extends CsvColumnType> = T extends 'float32'
  ? Float32Array
  : T extends 'float64'
    ? Float64Array
    : T extends 'int32'
      ? Int32Array
      : string[];

export type CsvColumn = Float32Array | Float64Array | Int32Array | string[];

export interface CsvReadOptions<S extends Record<string, CsvColumnType> = Record<string, CsvColumnType>> {
  /** Columns to read and the type of each; other columns are skipped (unless `defaultType` is set). */
  columns: S;
  /**
   * Type for header columns not named in `columns` (e.g. 'float32' for MoA's
   * 872 gene/cell columns). Unset: they are skipped.
   * @default undefined
   */
  defaultType?: CsvColumnType;
  /**
   * Throw a DataError when a column named in `columns` is not in the header.
   * When false, missing columns are simply absent from the result.
   * @default true
   */
  requireColumns?: boolean;
  /** Called after each chunk is parsed, for progress bars. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Bytes per read from disk.
   * @default 1048576 (1 MiB)
   */
  chunkSize?: number;
  /**
   * Where warnings go (e.g. a file that ends without a newline).
   * @default one line on stderr
   */
  onWarning?: (message: string) => void;
}

export interface CsvTable<S extends Record<string, CsvColumnType> = Record<string, CsvColumnType>> {
  /**
   * Columns by name. A numeric column may be a view on a slightly larger
   * buffer (up to 10% slack): use its byteOffset/byteLength, not `.buffer` alone.
   */
  columns: { [K in keyof S]: CsvColumnArray<S[K]> } & Record<string, CsvColumn>;
  nRows: number;
  /** The header as found in the file (all columns, in file order). */
  header: string[];
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const E_LOWER = 0x65;
const E_UPPER = 0x45;

/** Exact powers of ten: below 1e22 every one is representable, which the fast path needs. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Valid text for a float that the byte fast path leaves to parseFloat (long mantissas, nan, inf, spaces). */
const FLOAT_TEXT = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)\s*$/;
const INT_TEXT = /^\s*[+-]?\d+\s*$/;

const NOT_A_NUMBER = Symbol('not a number');

/**
 * Parse b[s..e) as a float. Clinger's fast path: with <= 15 significant
 * digits and a power of ten <= 22, mantissa / 10^k is a single correctly
 * rounded operation, so the result equals parseFloat's. Anything else goes to
 * parseFloat on the text, which is rare in real data.
 */
function parseFloatBytes(b: Buffer, s: number, e: number): number | typeof NOT_A_NUMBER {
  let i = s;
  let neg = false;
  const c0 = b[i];
  if (c0 === MINUS) {
    neg = true;
    i++;
  } else if (c0 === PLUS) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let any = false;
  let c = 0;
  while (i < e && (c = b[i] - ZERO) >= 0 && c <= 9) {
    mant = mant * 10 + c;
    if (mant !== 0) digits++;
    any = true;
    i++;
  }
  if (i < e && b[i] === DOT) {
    i++;
    while (i < e && (c = b[i] - ZERO) >= 0 && c <= 9) {
      mant = mant * 10 + c;
      if (mant !== 0) digits++;
      frac++;
      any = true;
      i++;
    }
  }
  let exp = 0;
  if (any && i < e && (b[i] === E_LOWER || b[i] === E_UPPER)) {
    i++;
    let eneg = false;
    if (b[i] === MINUS) {
      eneg = true;
      i++;
    } else if (b[i] === PLUS) i++;
    let expDigits = 0;
    while (i < e && (c = b[i] - ZERO) >= 0 && c <= 9 && expDigits < 6) {
      exp = exp * 10 + c;
      expDigits++;
      i++;
    }
    if (expDigits === 0) return slowFloat(b, s, e);
    if (eneg) exp = -exp;
  }
  if (i !== e || !any) return slowFloat(b, s, e);
  const p = exp - frac;
  if (digits > 15 || p < -22 || p > 22) return slowFloat(b, s, e);
  const v = p < 0 ? mant / POW10[-p] : mant * POW10[p];
  return neg ? -v : v;
}

function slowFloat(b: Buffer, s: number, e: number): number | typeof NOT_A_NUMBER {
  const text = b.toString('latin1', s, e);
  return parseFloatText(text);
}

function parseFloatText(text: string): number | typeof NOT_A_NUMBER {
  if (!FLOAT_TEXT.test(text)) return NOT_A_NUMBER;
  const t = text.trim().toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return parseFloat(t);
}

/** Parse b[s..e) as an int32; NOT_A_NUMBER for anything else (including "3.0" and overflow). */
function parseIntBytes(b: Buffer, s: number, e: number): number | typeof NOT_A_NUMBER {
  let i = s;
  let neg = false;
  if (b[i] === MINUS) {
    neg = true;
    i++;
  } else if (b[i] === PLUS) i++;
  if (i >= e) return NOT_A_NUMBER;
  let v = 0;
  for (; i < e; i++) {
    const c = b[i] - ZERO;
    if (c < 0 || c > 9) return parseIntText(b.toString('latin1', s, e));
    v = v * 10 + c;
    if (v > 2147483648) return NOT_A_NUMBER;
  }
  v = neg ? -v : v;
  return v > 2147483647 ? NOT_A_NUMBER : v;
}

function parseIntText(text: string): number | typeof NOT_A_NUMBER {
  if (!INT_TEXT.test(text)) return NOT_A_NUMBER;
  const v = Number(text.trim());
  return v >= -2147483648 && v <= 2147483647 ? v : NOT_A_NUMBER;
}

/** How a field looks as a plain decimal number ([+-]digits[.digits]). */
interface PlainShape {
  intDigits: number;
  decimals: number;
  dot: boolean;
}

/** Whether b[s..e) is a plain decimal number; its shape goes to `out` (reused: no allocation per row). */
function scanPlain(b: Buffer, s: number, e: number, out: PlainShape): boolean {
  let i = s;
  if (i < e && (b[i] === MINUS || b[i] === PLUS)) i++;
  const i0 = i;
  while (i < e && b[i] >= ZERO && b[i] <= ZERO + 9) i++;
  out.intDigits = i - i0;
  out.dot = false;
  out.decimals = 0;
  if (i < e && b[i] === DOT) {
    out.dot = true;
    const d0 = ++i;
    while (i < e && b[i] >= ZERO && b[i] <= ZERO + 9) i++;
    out.decimals = i - d0;
  }
  return i === e && out.intDigits + out.decimals > 0;
}

/**
 * The shape of the last column's values over the complete rows of the file's
 * tail. A file cut short can only shorten the last field of its last line
 * (or drop whole fields, which the field count catches), so this column is
 * the only one whose shape is tracked: a few counters, nothing per row.
 */
interface LastColumnShape {
  rows: number;
  empty: number;
  /** Plain decimal numbers (see scanPlain). */
  plain: number;
  /** Plain numbers with a '.'. */
  dotted: number;
  /** Plain numbers ending in '.' ("5."). */
  bareDot: number;
  minDecimals: number;
  maxDecimals: number;
  minIntDigits: number;
  maxIntDigits: number;
  /**
   * A value like 2.7600: the writer pads to a fixed number of decimals
   * (shortest round-trip output never ends in 0 after 2+ decimals).
   */
  padded: boolean;
  /** First non-empty value, quoted in messages. */
  example: string;
}

/**
 * Rows of fixed-width numbers (no padding seen) before a shorter last value
 * counts as cut: by chance alone, 100 shortest-repr values rarely share one
 * width, so a legitimately shorter last value is not mistaken for a cut.
 */
const FIXED_WIDTH_MIN_ROWS = 100;

/**
 * The last column's shape is tracked over rows in the file's last 4 MiB
 * (thousands of rows; hundreds for MoA's 876 columns): enough to compare the
 * last line with, at no cost to the rest of a 5M-row file.
 */
const TAIL_BYTES = 4 << 20;

/** Why the last value (b[s..e), the file's unterminated last field) looks cut short, or undefined. */
function lastValueProblem(st: LastColumnShape, b: Buffer, s: number, e: number, numericSink: boolean, p: PlainShape): string | undefined {
  if (st.rows === 0) return undefined; // nothing to compare with
  if (b[s] === QUOTE) return undefined; // a cut inside quotes leaves the quote open, caught elsewhere
  const others = `the ${st.rows} row${st.rows === 1 ? '' : 's'} before it${st.example ? ` (e.g. '${st.example}')` : ''}`;
  if (s === e) return st.empty === 0 ? `expected a value as in ${others}, got an empty field` : undefined;
  const text = b.toString('utf8', s, Math.min(e, s + 60));
  const numeric = st.plain > 0 && st.plain === st.rows - st.empty;
  if (!numeric) return undefined;
  if (!scanPlain(b, s, e, p)) {
    // Only for numeric columns: in a text column a non-number may be legitimate.
    return numericSink && !FLOAT_TEXT.test(b.toString('latin1', s, e)) ? `expected a number as in ${others}, got '${text}'` : undefined;
  }
  if (p.dot && p.decimals === 0 && st.bareDot === 0) return `expected digits after the '.' as in ${others}, got '${text}'`;
  const d = st.minDecimals;
  if (d >= 1 && st.maxDecimals === d && p.decimals < d && (st.padded || st.plain >= FIXED_WIDTH_MIN_ROWS)) {
    return `expected a number with ${d} decimals as in ${others}, got '${text}'`;
  }
  const k = st.minIntDigits;
  if (st.dotted === 0 && !p.dot && k >= 2 && st.maxIntDigits === k && p.intDigits < k && st.plain >= FIXED_WIDTH_MIN_ROWS) {
    return `expected an integer with ${k} digits as in ${others}, got '${text}'`;
  }
  return undefined;
}

const CUT_SHORT =
  '; the file ends without a newline, so it was probably cut short while copying: copy it again ' +
  '(if this last line really is complete, end the file with a newline)';

/** A column being filled; numeric buffers grow by doubling. */
interface Sink {
  name: string;
  type: CsvColumnType;
  num: Float32Array | Float64Array | Int32Array | null;
  str: string[] | null;
}

function newNumeric(type: CsvColumnType, n: number): Float32Array | Float64Array | Int32Array {
  return type === 'float32' ? new Float32Array(n) : type === 'float64' ? new Float64Array(n) : new Int32Array(n);
}

/** Decode a quoted field b[s..e) (quotes included), turning "" into ". */
function unquote(b: Buffer, s: number, e: number): string {
  const inner = b.toString('utf8', s + 1, e - 1);
  return inner.includes('"') ? inner.replace(/""/g, '"') : inner;
}

/**
 * Where the field starting at `s` ends (index of its delimiter, or `len`),
 * or -1 when a quoted field is still open at the end of the buffer.
 */
function fieldEnd(b: Buffer, s: number, len: number, eof: boolean): number {
  if (s < len && b[s] === QUOTE) {
    let i = s + 1;
    for (;;) {
      i = b.indexOf(QUOTE, i);
      if (i < 0 || i >= len) return -1;
      if (i + 1 < len && b[i + 1] === QUOTE) {
        i += 2;
        continue;
      }
      if (i + 1 >= len) return eof ? len : -1; // can't tell "" from " before more data arrives
      // Text after the closing quote up to the delimiter is kept (lenient, like pandas).
      let j = i + 1;
      while (j < len && b[j] !== COMMA && b[j] !== LF && b[j] !== CR) j++;
      return j;
    }
  }
  let i = s;
  while (i < len) {
    const c = b[i];
    if (c === COMMA || c === LF || c === CR) return i;
    i++;
  }
  return len;
}

/** Split one header line into names. */
function parseHeader(b: Buffer, file: string): { names: string[]; next: number } | null {
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 BOM
  const names: string[] = [];
  for (;;) {
    const e = fieldEnd(b, i, b.length, false);
    if (e < 0) return null;
    names.push(b[i] === QUOTE ? unquote(b, i, e).trim() : b.toString('utf8', i, e).trim());
    if (e >= b.length) return null; // header line not finished in this buffer
    if (b[e] === COMMA) {
      i = e + 1;
      continue;
    }
    let next = e;
    if (b[next] === CR) next++;
    if (next < b.length && b[next] === LF) next++;
    else if (next >= b.length) return null;
    if (names.length === 1 && names[0] === '') throw new DataError(file, 'expected a CSV header line, got an empty first line', { row: 1 });
    return { names, next };
  }
}

/** Read only the header of a CSV file (column names, in file order). */
export async function readCsvHeader(file: string): Promise<string[]> {
  checkFile(file);
  const fd = await fs.promises.open(file, 'r');
  try {
    let buf = Buffer.alloc(0);
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await fd.read(chunk, 0, chunk.length, null);
      const eof = bytesRead === 0;
      buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
      // Pretend a newline at EOF so a header-only file without one still parses.
      const h = parseHeader(eof ? Buffer.concat([buf, Buffer.from('\n')]) : buf, file);
      if (h) return h.names;
      if (eof) throw new DataError(file, 'expected a CSV header line, got an empty file');
    }
  } finally {
    await fd.close();
  }
}

function checkFile(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new DataError(file, 'file not found (expected a CSV file)');
  }
  if (!st.isFile()) throw new DataError(file, 'expected a CSV file, got a directory or special file');
}

/**
 * Stream a CSV file into typed columns. Memory is the columns plus one chunk:
 * numeric fields are parsed from the bytes, never turned into strings.
 * Rows are numbered as in a text editor's view of the file: header = row 1.
 */
export async function readCsvColumns<S extends Record<string, CsvColumnType>>(
  file: string,
  options: CsvReadOptions<S>,
): Promise<CsvTable<S>> {
  checkFile(file);
  const totalBytes = fs.statSync(file).size;
  const requireColumns = options.requireColumns ?? true;
  const chunkSize = options.chunkSize ?? 1 << 20;

  let header: string[] | null = null;
  let sinkOf: (Sink | null)[] = []; // by field position
  const sinks: Sink[] = [];
  let cap = 0;
  let nRows = 0;
  let bytesRead = 0;
  let carry: Buffer | null = null;

  const setup = (names: string[]): void => {
    header = names;
    const wanted = Object.keys(options.columns);
    const missing = wanted.filter((c) => !names.includes(c));
    if (missing.length && requireColumns) {
      throw new DataError(
        file,
        `expected column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}, ` +
          `but the header has: ${names.join(', ')}`,
        { row: 1 },
      );
    }
    sinkOf = names.map((name, i) => {
      if (names.indexOf(name) !== i) return null; // duplicate name: first one wins
      const type = (options.columns as Record<string, CsvColumnType>)[name] ?? options.defaultType;
      if (!type) return null;
      if (!['float32', 'float64', 'int32', 'string'].includes(type)) {
        throw new TypeError(`readCsvColumns: column '${name}' has unknown type '${type}' (expected float32, float64, int32 or string)`);
      }
      const sink: Sink = { name, type, num: null, str: type === 'string' ? [] : null };
      sinks.push(sink);
      return sink;
    });
  };

  /**
   * Grow numeric columns to hold row `needed - 1`. The first size comes from
   * sampling the file, later ones from the bytes consumed so far, so a
   * 5M-row file is allocated about once rather than doubled (doubling would
   * briefly need 3x the final memory).
   */
  const ensure = (needed: number, b: Buffer, pos: number): void => {
    if (needed <= cap) return;
    const projected =
      nRows === 0
        ? estimatedRows
        : Math.ceil((nRows / Math.max(1, bytesRead - (b.length - pos))) * totalBytes * 1.03);
    const next = Math.max(needed, projected + 1024, Math.ceil(cap * 1.25));
    for (const s of sinks) {
      if (!s.num && s.type !== 'string') s.num = newNumeric(s.type, next);
      else if (s.num) {
        const grown = newNumeric(s.type, next);
        grown.set(s.num);
        s.num = grown;
      }
    }
    cap = next;
  };

  const fail = (problem: string, row: number, column?: string): never => {
    throw new DataError(file, problem, column === undefined ? { row } : { row, column });
  };
  const warn = options.onWarning ?? ((m: string) => void process.stderr.write(`${m}\n`));

  const shape: LastColumnShape = {
    rows: 0,
    empty: 0,
    plain: 0,
    dotted: 0,
    bareDot: 0,
    minDecimals: Infinity,
    maxDecimals: -1,
    minIntDigits: Infinity,
    maxIntDigits: -1,
    padded: false,
    example: '',
  };
  const scratch: PlainShape = { intDigits: 0, decimals: 0, dot: false };
  /** Row number of a last line that had no newline after it (0: none). */
  let unterminatedRow = 0;
  /** Whether the rows being parsed are in the file's tail (see TAIL_BYTES). */
  let tracking = totalBytes <= TAIL_BYTES;

  /** Count the last field b[s..e) of a complete row into `shape`. */
  const noteLast = (b: Buffer, s: number, e: number): void => {
    const st = shape;
    st.rows++;
    if (s < e && b[s] === QUOTE) {
      s++;
      if (e > s && b[e - 1] === QUOTE) e--;
    }
    if (s >= e) {
      st.empty++;
      return;
    }
    if (!st.example) st.example = b.toString('utf8', s, Math.min(e, s + 40));
    if (!scanPlain(b, s, e, scratch)) return;
    st.plain++;
    const d = scratch.decimals;
    if (scratch.dot) {
      st.dotted++;
      if (d === 0) st.bareDot++;
      else if (d >= 2 && b[e - 1] === ZERO) st.padded = true;
    }
    if (d < st.minDecimals) st.minDecimals = d;
    if (d > st.maxDecimals) st.maxDecimals = d;
    const k = scratch.intDigits;
    if (k < st.minIntDigits) st.minIntDigits = k;
    if (k > st.maxIntDigits) st.maxIntDigits = k;
  };

  /**
   * The file ends inside this line (no newline after it): field f, b[s..e),
   * is the last one in the file. Refuse it when it looks cut short.
   */
  const checkLastLine = (b: Buffer, s: number, e: number, f: number, row: number): void => {
    const nFields = sinkOf.length;
    if (f < nFields - 1) fail(`expected ${nFields} fields as in the header, got ${f + 1}${CUT_SHORT}`, row, header![f + 1]);
    const sink = sinkOf[f];
    const problem = lastValueProblem(shape, b, s, e, !!sink && sink.type !== 'string', scratch);
    if (problem) fail(`${problem}${CUT_SHORT}`, row, header![f]);
    unterminatedRow = row;
  };

  /**
   * Parse complete records in b[pos..); returns where the first incomplete
   * record starts (to be carried over to the next chunk).
   */
  const parseRecords = (b: Buffer, pos: number, eof: boolean): number => {
    const len = b.length;
    const nFields = sinkOf.length;
    while (pos < len) {
      // Blank lines (e.g. a trailing one) are skipped.
      const c0 = b[pos];
      if (c0 === LF) {
        pos++;
        continue;
      }
      if (c0 === CR && (pos + 1 < len ? b[pos + 1] === LF : eof)) {
        pos += pos + 1 < len ? 2 : 1;
        continue;
      }
      if (c0 === CR && !eof) return pos;
      const rowStart = pos;
      const row = nRows + 2;
      if (nRows >= cap) ensure(nRows + 1, b, pos);
      let f = 0;
      let s = pos;
      let lastS = 0;
      let lastE = 0;
      for (;;) {
        const e = fieldEnd(b, s, len, eof);
        if (e < 0) {
          if (!eof) return rowStart;
          const open = 'a quoted field is never closed (expected a closing ")';
          fail(b[len - 1] === LF || b[len - 1] === CR ? open : open + CUT_SHORT, row, header![f]);
        }
        if (e >= len && !eof) return rowStart;
        if (f >= nFields) fail(`expected ${nFields} fields as in the header, got more`, row);
        // Before store: a cut number gets this message, not a parse error.
        if (e >= len) checkLastLine(b, s, e, f, row);
        const sink = sinkOf[f];
        if (sink) store(sink, b, s, e, row);
        lastS = s;
        lastE = e;
        f++;
        if (e < len && b[e] === COMMA) {
          s = e + 1;
          continue;
        }
        // End of record: e is CR/LF or end of data.
        if (f !== nFields) fail(`expected ${nFields} fields as in the header, got ${f}`, row);
        pos = e;
        if (pos < len && b[pos] === CR) {
          if (pos + 1 >= len && !eof) return rowStart; // maybe CRLF split across chunks
          pos++;
        }
        if (pos < len && b[pos] === LF) pos++;
        break;
      }
      if (tracking) noteLast(b, lastS, lastE);
      nRows++;
    }
    return pos;
  };

  const store = (sink: Sink, b: Buffer, s: number, e: number, row: number): void => {
    if (sink.str) {
      // Indexed, not pushed: a record cut by a chunk boundary is parsed again.
      sink.str[nRows] = b[s] === QUOTE ? unquote(b, s, e) : b.toString('utf8', s, e);
      return;
    }
    const arr = sink.num!;
    const quoted = b[s] === QUOTE;
    if (s === e || (quoted && e - s === 2)) {
      if (sink.type === 'int32') fail(`expected an int32, got an empty field`, row, sink.name);
      arr[nRows] = NaN;
      return;
    }
    let v: number | typeof NOT_A_NUMBER;
    if (quoted) {
      const t = unquote(b, s, e);
      v = sink.type === 'int32' ? parseIntText(t) : parseFloatText(t);
    } else v = sink.type === 'int32' ? parseIntBytes(b, s, e) : parseFloatBytes(b, s, e);
    if (v === NOT_A_NUMBER) {
      const text = b.toString('utf8', s, Math.min(e, s + 60));
      fail(`expected ${sink.type === 'int32' ? 'an int32' : `a ${sink.type} number`}, got '${text}'`, row, sink.name);
    }
    arr[nRows] = v as number;
  };

  // One reused buffer laid out as [unparsed tail of the previous chunk | new bytes]:
  // no per-chunk allocations, so memory stays at the columns plus this buffer.
  let work = Buffer.allocUnsafe(Math.max(2 * chunkSize, 64));
  let kept = 0; // bytes at the start of `work` carried over from the last chunk
  const fh = await fs.promises.open(file, 'r');
  const estimatedRows = await estimateRows(fh, totalBytes);
  try {
    for (;;) {
      if (work.length - kept < chunkSize) {
        // A record longer than a chunk: grow.
        const bigger = Buffer.allocUnsafe(Math.max(work.length * 2, kept + chunkSize));
        work.copy(bigger, 0, 0, kept);
        work = bigger;
      }
      const { bytesRead: n } = await fh.read(work, kept, chunkSize, null);
      if (n === 0) break;
      bytesRead += n;
      if (totalBytes - bytesRead <= TAIL_BYTES) tracking = true;
      const b = work.subarray(0, kept + n);
      let pos = 0;
      if (!header) {
        const h = parseHeader(b, file);
        if (!h) {
          kept = b.length;
          continue;
        }
        setup(h.names);
        pos = h.next;
      }
      const end = parseRecords(b, pos, false);
      kept = b.length - end;
      if (kept > 0) work.copy(work, 0, end, b.length);
      options.onProgress?.(bytesRead, totalBytes);
    }
  } finally {
    await fh.close();
  }
  carry = kept > 0 ? work.subarray(0, kept) : null;
  if (!header) {
    if (!carry || !carry.length) throw new DataError(file, 'expected a CSV header line, got an empty file');
    const h = parseHeader(Buffer.concat([carry, Buffer.from('\n')]), file);
    setup(h!.names);
    if (carry[carry.length - 1] !== CR) unterminatedRow = 1; // nothing to compare a cut header with
    carry = null;
  }
  if (carry && carry.length) parseRecords(carry, 0, true);
  if (unterminatedRow) {
    const seen =
      unterminatedRow === 1
        ? ' and has no rows after its header'
        : `; its last line has all ${sinkOf.length} fields and no value that looks cut short, so it is read`;
    warn(`${file} (row ${unterminatedRow}): warning: the file does not end with a newline${seen}; if the file was copied, check that the copy is complete`);
  }
  for (const s of sinks) if (!s.num && !s.str) s.num = newNumeric(s.type, 0); // header-only file

  const columns: Record<string, CsvColumn> = {};
  for (const s of sinks) {
    // Small pre-sizing slack (the usual case) is kept as a view rather than
    // copied: a copy would briefly double the memory of a 5M-row column.
    const num = s.num!;
    columns[s.name] = s.str ?? (num.length === nRows ? num : num.length - nRows <= num.length * 0.1 ? num.subarray(0, nRows) : num.slice(0, nRows));
  }
  return { columns: columns as CsvTable<S>['columns'], nRows, header: header! };
}

/**
 * Rows in the file, from line lengths in five 64 KiB samples spread over it
 * (row length drifts: Ion Switching's time column grows from 6 to 8 chars).
 */
async function estimateRows(fh: fs.promises.FileHandle, size: number): Promise<number> {
  const n = 64 * 1024;
  const buf = Buffer.allocUnsafe(n);
  let bytes = 0;
  let lines = 0;
  for (const at of [0, 0.25, 0.5, 0.75, 1]) {
    const start = Math.max(0, Math.min(size - n, Math.floor(size * at)));
    const { bytesRead } = await fh.read(buf, 0, n, start);
    bytes += bytesRead;
    lines += countLines(buf, 0, bytesRead);
  }
  return Math.ceil((lines / Math.max(1, bytes)) * size * 1.02) + 16;
}

/** Number of LFs in b[s..e) (at least 1). */
function countLines(b: Buffer, s: number, e: number): number {
  let n = 0;
  let i = b.indexOf(LF, s);
  while (i >= 0 && i < e) {
    n++;
    i = b.indexOf(LF, i + 1);
  }
  return Math.max(n, 1);
}
