import { DataError } from './errors';

describe('DataError', () => {
  it('names the file, row and column in its message', () => {
    const e = new DataError('train.csv', "expected a number, got 'abc'", { row: 7, column: 'signal' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DataError');
    expect(e.message).toBe("train.csv (row 7, column 'signal'): expected a number, got 'abc'");
    expect(new DataError('a.json', 'bad').message).toBe('a.json: bad');
  });
});
