import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from '../errors';
import {
  MOA_CELL_COLUMNS,
  MOA_CP_DOSES,
  MOA_CP_TIMES,
  MOA_CP_TYPES,
  MOA_FEATURE_COLUMNS,
  MOA_GENE_COLUMNS,
  MOA_KAGGLE,
  MOA_NONSCORED_TARGETS,
  MOA_SCORED_TARGETS,
  readMoaDrugs,
  readMoaFeatures,
  readMoaSubmission,
  readMoaTargets,
  writeMoaSubmission,
} from './moaFiles';

/** A feature row as CSV fields: value of g-j is row + j/1000, of c-k is -(row + k/100). */
function featureRow(id: string, type: string, time: string, dose: string, row: number): string[] {
  return [
    id,
    type,
    time,
    dose,
    ...MOA_GENE_COLUMNS.map((_, j) => (row + j / 1000).toFixed(4)),
    ...MOA_CELL_COLUMNS.map((_, k) => (-(row + k / 100)).toFixed(4)),
  ];
}

const ROWS = [
  featureRow('id_000644bb2', 'trt_cp', '24', 'D1', 0),
  featureRow('id_000779bfc', 'ctl_vehicle', '72', 'D2', 1),
  featureRow('id_000a6266a', 'trt_cp', '48', 'D2', 2),
];
const IDS = ROWS.map((r) => r[0]);

describe('MoA files', () => {
  let dir: string;
  const write = (name: string, header: readonly string[], rows: string[][]): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
    return f;
  };
  const features = (): string => write('train_features.csv', MOA_FEATURE_COLUMNS, ROWS);
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-moa-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('constants', () => {
    it('describe the real layout: 876 feature columns, 206 + 402 targets, the real row counts', () => {
      expect(MOA_FEATURE_COLUMNS).toHaveLength(MOA_KAGGLE.featureColumns);
      expect(MOA_FEATURE_COLUMNS.slice(0, 6)).toEqual(['sig_id', 'cp_type', 'cp_time', 'cp_dose', 'g-0', 'g-1']);
      expect(MOA_FEATURE_COLUMNS[4 + 771]).toBe('g-771');
      expect(MOA_FEATURE_COLUMNS[4 + 772]).toBe('c-0');
      expect(MOA_FEATURE_COLUMNS[875]).toBe('c-99');
      expect(new Set(MOA_FEATURE_COLUMNS).size).toBe(876);
      expect(4 + MOA_KAGGLE.genes + MOA_KAGGLE.cells).toBe(876);
      expect(MOA_SCORED_TARGETS).toHaveLength(206);
      expect(MOA_NONSCORED_TARGETS).toHaveLength(402);
      expect(MOA_SCORED_TARGETS.slice(0, 3)).toEqual(['5-alpha_reductase_inhibitor', '11-beta-hsd1_inhibitor', 'acat_inhibitor']);
      expect(MOA_SCORED_TARGETS[205]).toBe('wnt_inhibitor');
      const all = [...MOA_SCORED_TARGETS, ...MOA_NONSCORED_TARGETS];
      expect(new Set(all).size).toBe(608);
      for (const n of all) expect(n).toMatch(/^[0-9a-z][0-9a-z_-]*$/);
      expect([MOA_KAGGLE.trainRows, MOA_KAGGLE.testRows]).toEqual([23814, 3982]);
      expect(MOA_CP_TYPES).toEqual(['trt_cp', 'ctl_vehicle']);
      expect(MOA_CP_TIMES).toEqual([24, 48, 72]);
      expect(MOA_CP_DOSES).toEqual(['D1', 'D2']);
    });
  });

  describe('readMoaFeatures', () => {
    it('reads ids, encodes the categorical columns and packs genes/cells row-major', async () => {
      const f = await readMoaFeatures(features());
      expect(f.nRows).toBe(3);
      expect(f.sigIds).toEqual(IDS);
      expect(f.header).toEqual(MOA_FEATURE_COLUMNS);
      expect(f.cpType).toEqual(Uint8Array.from([0, 1, 0]));
      expect(f.cpTime).toEqual(Int32Array.from([24, 72, 48]));
      expect(f.cpDose).toEqual(Uint8Array.from([0, 1, 1]));
      expect(f.raw).toEqual({ cpType: ['trt_cp', 'ctl_vehicle', 'trt_cp'], cpTime: ['24', '72', '48'], cpDose: ['D1', 'D2', 'D2'] });
      expect(f.genes).toBeInstanceOf(Float32Array);
      expect(f.genes).toHaveLength(3 * 772);
      expect(f.cells).toHaveLength(3 * 100);
      expect(f.genes[2 * 772 + 5]).toBe(Math.fround(2.005));
      expect(f.genes[771]).toBe(Math.fround(0.771));
      expect(f.cells[1 * 100 + 99]).toBe(Math.fround(-1.99));
      expect(f.featureNames).toHaveLength(872);
      expect(f.featureNames[772]).toBe('c-0');
    });

    it('reads columns by name whatever their order in the file', async () => {
      const order = [...MOA_FEATURE_COLUMNS].reverse();
      const idx = order.map((c) => MOA_FEATURE_COLUMNS.indexOf(c));
      const f = await readMoaFeatures(write('r.csv', order, ROWS.map((r) => idx.map((i) => r[i]))));
      const ref = await readMoaFeatures(features());
      expect(f.genes).toEqual(ref.genes);
      expect(f.cells).toEqual(ref.cells);
      expect(f.sigIds).toEqual(ref.sigIds);
    });

    it('names missing and extra columns', async () => {
      const keep = MOA_FEATURE_COLUMNS.map((_, i) => i).filter((i) => MOA_FEATURE_COLUMNS[i] !== 'g-5');
      const f = write('m.csv', [...keep.map((i) => MOA_FEATURE_COLUMNS[i]), 'foo'], ROWS.map((r) => [...keep.map((i) => r[i]), '1']));
      await expect(readMoaFeatures(f)).rejects.toThrow(DataError);
      await expect(readMoaFeatures(f)).rejects.toThrow(/m\.csv \(row 1\): expected the 876 MoA feature columns .*got 876: missing column 'g-5'; extra column 'foo'/);
    });

    it('names the row, column and text of a non-numeric value', async () => {
      const rows = ROWS.map((r) => [...r]);
      rows[1][MOA_FEATURE_COLUMNS.indexOf('c-7')] = 'abc';
      await expect(readMoaFeatures(write('n.csv', MOA_FEATURE_COLUMNS, rows))).rejects.toThrow(/n\.csv \(row 3, column 'c-7'\): .*got 'abc'/);
      rows[1][MOA_FEATURE_COLUMNS.indexOf('c-7')] = '';
      await expect(readMoaFeatures(write('e.csv', MOA_FEATURE_COLUMNS, rows))).rejects.toThrow(
        /e\.csv \(row 3, column 'c-7'\): expected a number, got an empty field/,
      );
    });

    it.each([
      ['cp_type', 'trt', /\(row 4, column 'cp_type'\): expected cp_type trt_cp or ctl_vehicle, got 'trt'/],
      ['cp_time', '36', /\(row 4, column 'cp_time'\): expected cp_time 24, 48 or 72, got '36'/],
      ['cp_time', '24.0', /\(row 4, column 'cp_time'\): expected cp_time 24, 48 or 72, got '24.0'/],
      ['cp_dose', 'D3', /\(row 4, column 'cp_dose'\): expected cp_dose D1 or D2, got 'D3'/],
    ])('refuses an unknown %s value (%s)', async (column, value, re) => {
      const rows = ROWS.map((r) => [...r]);
      rows[2][MOA_FEATURE_COLUMNS.indexOf(column)] = value;
      await expect(readMoaFeatures(write('c.csv', MOA_FEATURE_COLUMNS, rows))).rejects.toThrow(re);
    });

    it('refuses duplicate sig_ids and a missing file', async () => {
      const rows = [ROWS[0], ROWS[1], [...ROWS[2].slice(0, 1).map(() => IDS[0]), ...ROWS[2].slice(1)]];
      await expect(readMoaFeatures(write('d.csv', MOA_FEATURE_COLUMNS, rows))).rejects.toThrow(
        /\(row 4, column 'sig_id'\): sig_id 'id_000644bb2' appears again \(first at row 2\)/,
      );
      await expect(readMoaFeatures(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: file not found \(expected a MoA features CSV/);
    });
  });

  describe('readMoaTargets', () => {
    const names = ['made_up_a', 'made_up_b', 'made_up_c'];
    const targets = (ids: string[], values: string[][]): string => write('t.csv', ['sig_id', ...names], ids.map((id, i) => [id, ...values[i]]));
    const V = [
      ['0', '1', '0'],
      ['0', '0', '0'],
      ['1', '1', '0'],
    ];

    it('takes the target names from the header and returns a row-major 0/1 matrix', async () => {
      const t = await readMoaTargets(targets(IDS, V), IDS);
      expect(t.names).toEqual(names);
      expect(t.Y).toEqual(Float32Array.from([0, 1, 0, 0, 0, 0, 1, 1, 0]));
      expect(t.nRows).toBe(3);
    });

    it('names the first row whose sig_id differs from the features, with both ids', async () => {
      const swapped = [IDS[0], IDS[2], IDS[1]];
      await expect(readMoaTargets(targets(swapped, V), IDS)).rejects.toThrow(
        /t\.csv \(row 3, column 'sig_id'\): sig_id 'id_000a6266a' where the features have 'id_000779bfc'/,
      );
      await expect(readMoaTargets(targets(IDS.slice(0, 2), V), IDS)).rejects.toThrow(
        /t\.csv: has 2 data rows, expected 3 as in the features file; first missing sig_id 'id_000a6266a'/,
      );
    });

    it.each([
      ['2', /\(row 3, column 'made_up_b'\): expected a target of 0 or 1, got 2/],
      ['0.5', /\(row 3, column 'made_up_b'\): expected a target of 0 or 1, got 0\.5/],
      ['', /\(row 3, column 'made_up_b'\): expected a target of 0 or 1, got an empty field/],
      ['yes', /\(row 3, column 'made_up_b'\): expected a float32 number, got 'yes'/],
    ])('refuses a target of %j', async (value, re) => {
      const bad = V.map((r) => [...r]);
      bad[1][1] = value;
      await expect(readMoaTargets(targets(IDS, bad), IDS)).rejects.toThrow(re);
    });

    it('wants sig_id first', async () => {
      const f = write('s.csv', ['x', 'sig_id'], [['1', IDS[0]]]);
      await expect(readMoaTargets(f)).rejects.toThrow(/s\.csv \(row 1, column 'x'\): expected 'sig_id' as the first column, got 'x'/);
    });
  });

  describe('readMoaDrugs', () => {
    it('reads drug ids and checks the sig_ids against the features', async () => {
      const f = write('train_drug.csv', ['sig_id', 'drug_id'], IDS.map((id, i) => [id, ['b68db1d53', 'cacb2b860', 'b68db1d53'][i]]));
      const d = await readMoaDrugs(f, IDS);
      expect(d.drugIds).toEqual(['b68db1d53', 'cacb2b860', 'b68db1d53']);
      await expect(readMoaDrugs(f, [IDS[0], 'id_ffffffff0', IDS[2]])).rejects.toThrow(
        /\(row 3, column 'sig_id'\): sig_id 'id_000779bfc' where the features have 'id_ffffffff0'/,
      );
      const g = write('g.csv', ['sig_id', 'drug'], [[IDS[0], 'x']]);
      await expect(readMoaDrugs(g)).rejects.toThrow(/g\.csv \(row 1\): expected column 'drug_id'/);
    });
  });

  describe('writeMoaSubmission', () => {
    it("writes sample_submission's column order and reads back", async () => {
      const names = ['b', 'a', 'extra'];
      const P = Float64Array.from([0.1, 0.2, 0.9, 0.000012345678, 1, 0, 0.5, 0.25, 0.3]);
      const f = path.join(dir, 'submission.csv');
      await writeMoaSubmission(f, IDS, names, P, { columns: ['a', 'b'] });
      const lines = fs.readFileSync(f, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('sig_id,a,b');
      expect(lines[1]).toBe('id_000644bb2,0.2,0.1');
      expect(lines[2]).toBe('id_000779bfc,1,0.00001234568'); // 7 significant digits
      const back = await readMoaSubmission(f, IDS);
      expect(back.names).toEqual(['a', 'b']);
      expect(back.P[4]).toBeCloseTo(0.25, 7);
      await expect(writeMoaSubmission(f, IDS, names, P, { columns: ['a', 'zz'] })).rejects.toThrow(/needs column 'zz'/);
      await expect(writeMoaSubmission(f, IDS, names, P.subarray(1))).rejects.toThrow(/P has 8 values, expected .* = 3 x 3 = 9/);
      const bad = P.slice();
      bad[5] = 1.5;
      await expect(writeMoaSubmission(f, IDS, names, bad)).rejects.toThrow(/P row 1 \('id_000779bfc'\) column 'extra' is 1\.5/);
    });
  });
});
