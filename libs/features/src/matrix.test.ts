import { createMatrix, getColumn, hstack, matrixFromRows, matrixToRows, selectColumns, setColumn } from './matrix';

describe('matrix helpers', () => {
  const m = matrixFromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it('reads, writes and selects columns row-major', () => {
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(getColumn(m, 1))).toEqual([2, 5]);
    expect(matrixToRows(selectColumns(m, [2, 0]))).toEqual([
      [3, 1],
      [6, 4],
    ]);
    const c = createMatrix(2, 2, 'float32');
    setColumn(c, 1, [7, 8]);
    expect(c.data).toBeInstanceOf(Float32Array);
    expect(matrixToRows(c)).toEqual([
      [0, 7],
      [0, 8],
    ]);
  });

  it('hstacks side by side, float32 only when every input is', () => {
    const f32 = createMatrix(2, 1, 'float32');
    const s = hstack([m, f32]);
    expect(s.data).toBeInstanceOf(Float64Array);
    expect(matrixToRows(s)).toEqual([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
    ]);
    expect(hstack([f32, f32]).data).toBeInstanceOf(Float32Array);
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => getColumn(m, 3)).toThrow(/getColumn: column index must be an integer in \[0, 2\], received 3/);
    expect(() => setColumn(m, 0, [1])).toThrow(/setColumn: values has 1 entries, expected 2/);
    expect(() => hstack([m, createMatrix(3, 1)])).toThrow(/hstack: matrices\[1\] has 3 rows, expected 2/);
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(/matrixFromRows: row 1 has 1 values, expected 2/);
  });
});
