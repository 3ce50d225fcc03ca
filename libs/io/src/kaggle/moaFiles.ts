/**
 * The Mechanisms of Action (MoA, 2020) files in their real Kaggle layout:
 * column constants, loaders that check what they read, and the submission
 * writer. The synthetic generator (tools/synth/moa) writes with these
 * constants and the solution reads with these loaders, so both agree on the
 * layout by construction.
 *
 * Loaders never depend on the target names: they take them from each file's
 * header (the constants below are what the real files hold, and what the
 * generator writes).
 */
import * as fs from 'fs';
import { readCsvColumns, readCsvHeader } from '../csvRead';
import { writeCsv } from '../csvWrite';
import { DataError } from '../errors';
import { alignToSample, probabilityProblem, validateSubmissionCsv } from './submissionChecks';

/** File names of the competition's data folder. */
export const MOA_FILES = {
  trainFeatures: 'train_features.csv',
  trainTargetsScored: 'train_targets_scored.csv',
  trainTargetsNonscored: 'train_targets_nonscored.csv',
  trainDrug: 'train_drug.csv',
  testFeatures: 'test_features.csv',
  sampleSubmission: 'sample_submission.csv',
} as const;

/** Row counts and widths of the real files (kaggle-facts.md). */
export const MOA_KAGGLE = {
  trainRows: 23814,
  testRows: 3982,
  /** sig_id, cp_type, cp_time, cp_dose + 772 genes + 100 cells. */
  featureColumns: 876,
  genes: 772,
  cells: 100,
  scoredTargets: 206,
  nonscoredTargets: 402,
  /** Rows of the control drug (ctl_vehicle) in train / test. */
  trainCtlRows: 1866,
  testCtlRows: 358,
  /** Drugs with at most this many rows are kept whole in one fold by the drug-aware CV. */
  drugAwareThreshold: 18,
} as const;

/** cp_type values; the encoded `cpType` is the index (0 treated, 1 control). */
export const MOA_CP_TYPES = ['trt_cp', 'ctl_vehicle'] as const;
/** cp_time values in hours. */
export const MOA_CP_TIMES = [24, 48, 72] as const;
/** cp_dose values; the encoded `cpDose` is the index (0 low, 1 high). */
export const MOA_CP_DOSES = ['D1', 'D2'] as const;
/** The drug_id every ctl_vehicle row has in train_drug.csv. */
export const MOA_CTL_DRUG_ID = 'cacb2b860';

export const MOA_GENE_COLUMNS: readonly string[] = Array.from({ length: MOA_KAGGLE.genes }, (_, i) => `g-${i}`);
export const MOA_CELL_COLUMNS: readonly string[] = Array.from({ length: MOA_KAGGLE.cells }, (_, i) => `c-${i}`);
/** The 876 columns of train_features.csv / test_features.csv, in file order. */
export const MOA_FEATURE_COLUMNS: readonly string[] = ['sig_id', 'cp_type', 'cp_time', 'cp_dose', ...MOA_GENE_COLUMNS, ...MOA_CELL_COLUMNS];

/** The 206 scored targets, in the order of train_targets_scored.csv and sample_submission.csv. */
export const MOA_SCORED_TARGETS: readonly string[] = [
  '5-alpha_reductase_inhibitor', '11-beta-hsd1_inhibitor', 'acat_inhibitor', 'acetylcholine_receptor_agonist',
  'acetylcholine_receptor_antagonist', 'acetylcholinesterase_inhibitor', 'adenosine_receptor_agonist',
  'adenosine_receptor_antagonist', 'adenylyl_cyclase_activator', 'adrenergic_receptor_agonist',
  'adrenergic_receptor_antagonist', 'akt_inhibitor', 'aldehyde_dehydrogenase_inhibitor', 'alk_inhibitor',
  'ampk_activator', 'analgesic', 'androgen_receptor_agonist', 'androgen_receptor_antagonist', 'anesthetic_-_local',
  'angiogenesis_inhibitor', 'angiotensin_receptor_antagonist', 'anti-inflammatory', 'antiarrhythmic', 'antibiotic',
  'anticonvulsant', 'antifungal', 'antihistamine', 'antimalarial', 'antioxidant', 'antiprotozoal', 'antiviral',
  'apoptosis_stimulant', 'aromatase_inhibitor', 'atm_kinase_inhibitor', 'atp-sensitive_potassium_channel_antagonist',
  'atp_synthase_inhibitor', 'atpase_inhibitor', 'atr_kinase_inhibitor', 'aurora_kinase_inhibitor',
  'autotaxin_inhibitor', 'bacterial_30s_ribosomal_subunit_inhibitor', 'bacterial_50s_ribosomal_subunit_inhibitor',
  'bacterial_antifolate', 'bacterial_cell_wall_synthesis_inhibitor', 'bacterial_dna_gyrase_inhibitor',
  'bacterial_dna_inhibitor', 'bacterial_membrane_integrity_inhibitor', 'bcl_inhibitor', 'bcr-abl_inhibitor',
  'benzodiazepine_receptor_agonist', 'beta_amyloid_inhibitor', 'bromodomain_inhibitor', 'btk_inhibitor',
  'calcineurin_inhibitor', 'calcium_channel_blocker', 'cannabinoid_receptor_agonist',
  'cannabinoid_receptor_antagonist', 'carbonic_anhydrase_inhibitor', 'casein_kinase_inhibitor', 'caspase_activator',
  'catechol_o_methyltransferase_inhibitor', 'cc_chemokine_receptor_antagonist', 'cck_receptor_antagonist',
  'cdk_inhibitor', 'chelating_agent', 'chk_inhibitor', 'chloride_channel_blocker', 'cholesterol_inhibitor',
  'cholinergic_receptor_antagonist', 'coagulation_factor_inhibitor', 'corticosteroid_agonist',
  'cyclooxygenase_inhibitor', 'cytochrome_p450_inhibitor', 'dihydrofolate_reductase_inhibitor',
  'dipeptidyl_peptidase_inhibitor', 'diuretic', 'dna_alkylating_agent', 'dna_inhibitor', 'dopamine_receptor_agonist',
  'dopamine_receptor_antagonist', 'egfr_inhibitor', 'elastase_inhibitor', 'erbb2_inhibitor',
  'estrogen_receptor_agonist', 'estrogen_receptor_antagonist', 'faah_inhibitor', 'farnesyltransferase_inhibitor',
  'fatty_acid_receptor_agonist', 'fgfr_inhibitor', 'flt3_inhibitor', 'focal_adhesion_kinase_inhibitor',
  'free_radical_scavenger', 'fungal_squalene_epoxidase_inhibitor', 'gaba_receptor_agonist',
  'gaba_receptor_antagonist', 'gamma_secretase_inhibitor', 'glucocorticoid_receptor_agonist', 'glutamate_inhibitor',
  'glutamate_receptor_agonist', 'glutamate_receptor_antagonist', 'gonadotropin_receptor_agonist', 'gsk_inhibitor',
  'hcv_inhibitor', 'hdac_inhibitor', 'histamine_receptor_agonist', 'histamine_receptor_antagonist',
  'histone_lysine_demethylase_inhibitor', 'histone_lysine_methyltransferase_inhibitor', 'hiv_inhibitor',
  'hmgcr_inhibitor', 'hsp_inhibitor', 'igf-1_inhibitor', 'ikk_inhibitor', 'imidazoline_receptor_agonist',
  'immunosuppressant', 'insulin_secretagogue', 'insulin_sensitizer', 'integrin_inhibitor', 'jak_inhibitor',
  'kit_inhibitor', 'laxative', 'leukotriene_inhibitor', 'leukotriene_receptor_antagonist', 'lipase_inhibitor',
  'lipoxygenase_inhibitor', 'lxr_agonist', 'mdm_inhibitor', 'mek_inhibitor', 'membrane_integrity_inhibitor',
  'mineralocorticoid_receptor_antagonist', 'monoacylglycerol_lipase_inhibitor', 'monoamine_oxidase_inhibitor',
  'monopolar_spindle_1_kinase_inhibitor', 'mtor_inhibitor', 'mucolytic_agent', 'neuropeptide_receptor_antagonist',
  'nfkb_inhibitor', 'nicotinic_receptor_agonist', 'nitric_oxide_donor', 'nitric_oxide_production_inhibitor',
  'nitric_oxide_synthase_inhibitor', 'norepinephrine_reuptake_inhibitor', 'nrf2_activator',
  'opioid_receptor_agonist', 'opioid_receptor_antagonist', 'orexin_receptor_antagonist', 'p38_mapk_inhibitor',
  'p-glycoprotein_inhibitor', 'parp_inhibitor', 'pdgfr_inhibitor', 'pdk_inhibitor', 'phosphodiesterase_inhibitor',
  'phospholipase_inhibitor', 'pi3k_inhibitor', 'pkc_inhibitor', 'potassium_channel_activator',
  'potassium_channel_antagonist', 'ppar_receptor_agonist', 'ppar_receptor_antagonist',
  'progesterone_receptor_agonist', 'progesterone_receptor_antagonist', 'prostaglandin_inhibitor',
  'prostanoid_receptor_antagonist', 'proteasome_inhibitor', 'protein_kinase_inhibitor',
  'protein_phosphatase_inhibitor', 'protein_synthesis_inhibitor', 'protein_tyrosine_kinase_inhibitor',
  'radiopaque_medium', 'raf_inhibitor', 'ras_gtpase_inhibitor', 'retinoid_receptor_agonist',
  'retinoid_receptor_antagonist', 'rho_associated_kinase_inhibitor', 'ribonucleoside_reductase_inhibitor',
  'rna_polymerase_inhibitor', 'serotonin_receptor_agonist', 'serotonin_receptor_antagonist',
  'serotonin_reuptake_inhibitor', 'sigma_receptor_agonist', 'sigma_receptor_antagonist',
  'smoothened_receptor_antagonist', 'sodium_channel_inhibitor', 'sphingosine_receptor_agonist', 'src_inhibitor',
  'steroid', 'syk_inhibitor', 'tachykinin_antagonist', 'tgf-beta_receptor_inhibitor', 'thrombin_inhibitor',
  'thymidylate_synthase_inhibitor', 'tlr_agonist', 'tlr_antagonist', 'tnf_inhibitor', 'topoisomerase_inhibitor',
  'transient_receptor_potential_channel_antagonist', 'tropomyosin_receptor_kinase_inhibitor', 'trpv_agonist',
  'trpv_antagonist', 'tubulin_inhibitor', 'tyrosine_kinase_inhibitor', 'ubiquitin_specific_protease_inhibitor',
  'vegfr_inhibitor', 'vitamin_b', 'vitamin_d_receptor_agonist', 'wnt_inhibitor',
];

/**
 * The 402 non-scored targets. The real names are not reproduced here: these
 * are plausible stand-ins built from target stems and actions (sorted, and
 * disjoint from the scored names). Nothing reads them by name.
 */
export const MOA_NONSCORED_TARGETS: readonly string[] = buildNonscoredNames();

function buildNonscoredNames(): string[] {
  const stems = [
    'abc_transporter', 'abl', 'ace', 'acetylcholine_release', 'adenosine_deaminase', 'adenosine_kinase', 'adenylyl_cyclase',
    'adp_receptor', 'ahr', 'aldose_reductase', 'alpha_mannosidase', 'amylin_receptor', 'androgen_biosynthesis', 'apelin_receptor',
    'arachidonate', 'arginase', 'atp_citrate_lyase', 'bace', 'bcl2', 'beta_catenin', 'bradykinin_receptor', 'brd4',
    'calcium_sensing_receptor', 'calmodulin', 'camp', 'carboxypeptidase', 'cathepsin', 'ccr5', 'cdc25', 'cftr', 'chemokine_receptor',
    'choline_kinase', 'cxcr', 'cysteine_protease', 'dna_methyltransferase', 'dopamine_transporter', 'eif2', 'endothelin_receptor',
    'ephrin', 'erk', 'fxr', 'g_protein', 'galectin', 'ghrelin_receptor', 'glucagon_receptor', 'glucokinase', 'glutaminase',
    'glycine_transporter', 'gpr', 'guanylate_cyclase', 'heme_oxygenase', 'hedgehog', 'hif', 'hsp90', 'il_receptor',
    'imp_dehydrogenase', 'jnk', 'kainate_receptor', 'kinesin', 'lrrk2', 'lpa_receptor', 'map_kinase', 'matrix_metalloprotease',
    'melatonin_receptor', 'met', 'mglur', 'mitochondrial_complex_i', 'myosin', 'nampt', 'neprilysin', 'notch', 'nuclear_receptor',
    'pka', 'plk', 'purinergic_receptor', 'rar', 'rock', 'sirt', 'sodium_potassium_atpase', 'sphingosine_kinase', 'stat',
    'telomerase', 'thyroid_hormone_receptor', 'tie2', 'tlr4', 'tnf_receptor', 'trpa1', 'tyrosinase', 'urease',
    'vasopressin_receptor', 'xanthine_oxidase',
  ];
  const actions = ['inhibitor', 'activator', 'agonist', 'antagonist', 'modulator', 'stimulant', 'inverse_agonist', 'expression_enhancer', 'blocker', 'ligand'];
  const scored = new Set(MOA_SCORED_TARGETS);
  const out = new Set<string>();
  for (let round = 0; out.size < MOA_KAGGLE.nonscoredTargets; round++) {
    for (let k = 0; k < stems.length && out.size < MOA_KAGGLE.nonscoredTargets; k++) {
      const name = `${stems[k]}_${actions[(k + 3 * round) % actions.length]}`;
      if (!scored.has(name)) out.add(name);
    }
  }
  return [...out].sort();
}

export interface MoaFeatures {
  file: string;
  nRows: number;
  /** The header as found in the file. */
  header: string[];
  sigIds: string[];
  /** Index into MOA_CP_TYPES: 0 trt_cp, 1 ctl_vehicle. */
  cpType: Uint8Array;
  /** Hours: 24, 48 or 72. */
  cpTime: Int32Array;
  /** Index into MOA_CP_DOSES: 0 D1, 1 D2. */
  cpDose: Uint8Array;
  /** The three categorical columns as written in the file. */
  raw: { cpType: string[]; cpTime: string[]; cpDose: string[] };
  /** Row-major nRows x 772, columns g-0..g-771 (whatever their order in the file). */
  genes: Float32Array;
  /** Row-major nRows x 100, columns c-0..c-99. */
  cells: Float32Array;
  geneNames: readonly string[];
  cellNames: readonly string[];
  /** Names of the numeric features: geneNames then cellNames (the columns of [genes | cells]). */
  featureNames: string[];
}

export interface MoaTargets {
  file: string;
  nRows: number;
  sigIds: string[];
  /** Target names in file order (taken from the header, never assumed). */
  names: string[];
  /** Row-major nRows x names.length, each 0 or 1. */
  Y: Float32Array;
}

export interface MoaDrugs {
  file: string;
  nRows: number;
  sigIds: string[];
  drugIds: string[];
}

export interface MoaSubmission {
  file: string;
  nRows: number;
  sigIds: string[];
  names: string[];
  /** Row-major nRows x names.length, each in [0, 1]. */
  P: Float32Array;
}

export interface MoaReadOptions {
  /** Called as the file is read (bytes read so far, file size). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Data rows are numbered as in an editor: the header is row 1, the first data row is row 2. */
const fileRow = (i: number): number => i + 2;

function checkExists(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new DataError(file, `file not found (expected ${what})`);
}

function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function checkNoDuplicateColumns(file: string, header: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new DataError(file, `column '${name}' appears more than once in the header`, { row: 1, column: name });
    seen.add(name);
  }
}

function checkUniqueSigIds(file: string, sigIds: readonly string[]): void {
  const first = new Map<string, number>();
  for (let i = 0; i < sigIds.length; i++) {
    const id = sigIds[i];
    if (id === '') throw new DataError(file, 'expected a sig_id, got an empty field', { row: fileRow(i), column: 'sig_id' });
    const at = first.get(id);
    if (at !== undefined) {
      throw new DataError(file, `sig_id '${id}' appears again (first at row ${fileRow(at)}); expected unique sig_ids`, { row: fileRow(i), column: 'sig_id' });
    }
    first.set(id, i);
  }
}

/**
 * The sig_ids of a targets/drug/submission file must be the features' sig_ids
 * in the same order: name the first row where they part.
 */
function checkSameSigIds(file: string, got: readonly string[], expected: readonly string[]): void {
  const n = Math.min(got.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== expected[i]) {
      throw new DataError(
        file,
        `sig_id '${got[i]}' where the features have '${expected[i]}' (data row ${i + 1}); ` +
          'expected the same sig_ids in the same order as the features file',
        { row: fileRow(i), column: 'sig_id' },
      );
    }
  }
  if (got.length !== expected.length) {
    const extra = got.length > expected.length ? `; first extra sig_id '${got[n]}'` : `; first missing sig_id '${expected[n]}'`;
    throw new DataError(file, `has ${got.length} data rows, expected ${expected.length} as in the features file${extra}`);
  }
}

/**
 * Read train_features.csv or test_features.csv. The header must hold exactly
 * the 876 expected columns (any order); every g-/c- value must be a number,
 * cp_type one of trt_cp/ctl_vehicle, cp_time 24/48/72, cp_dose D1/D2.
 */
export async function readMoaFeatures(file: string, options: MoaReadOptions = {}): Promise<MoaFeatures> {
  checkExists(file, 'a MoA features CSV (train_features.csv or test_features.csv)');
  const header = await readCsvHeader(file);
  checkNoDuplicateColumns(file, header);
  const have = new Set(header);
  const want = new Set(MOA_FEATURE_COLUMNS);
  const missing = MOA_FEATURE_COLUMNS.filter((c) => !have.has(c));
  const extra = header.filter((c) => !want.has(c));
  if (missing.length || extra.length) {
    const parts = [
      missing.length ? `missing column${missing.length > 1 ? 's' : ''} ${listNames(missing)}` : '',
      extra.length ? `extra column${extra.length > 1 ? 's' : ''} ${listNames(extra)}` : '',
    ].filter(Boolean);
    throw new DataError(
      file,
      `expected the ${MOA_FEATURE_COLUMNS.length} MoA feature columns (sig_id, cp_type, cp_time, cp_dose, g-0..g-771, c-0..c-99), ` +
        `got ${header.length}: ${parts.join('; ')}`,
      { row: 1 },
    );
  }
  const table = await readCsvColumns(file, {
    columns: { sig_id: 'string', cp_type: 'string', cp_time: 'string', cp_dose: 'string' },
    defaultType: 'float32',
    onProgress: options.onProgress,
  });
  const n = table.nRows;
  const cols = table.columns;
  const sigIds = cols.sig_id;
  checkUniqueSigIds(file, sigIds);

  const cpType = new Uint8Array(n);
  const cpTime = new Int32Array(n);
  const cpDose = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = MOA_CP_TYPES.indexOf(cols.cp_type[i] as (typeof MOA_CP_TYPES)[number]);
    if (t < 0) throw new DataError(file, `expected cp_type trt_cp or ctl_vehicle, got '${cols.cp_type[i]}'`, { row: fileRow(i), column: 'cp_type' });
    cpType[i] = t;
    const h = Number(cols.cp_time[i]);
    if (!/^\s*\d+\s*$/.test(cols.cp_time[i]) || !(MOA_CP_TIMES as readonly number[]).includes(h)) {
      throw new DataError(file, `expected cp_time 24, 48 or 72, got '${cols.cp_time[i]}'`, { row: fileRow(i), column: 'cp_time' });
    }
    cpTime[i] = h;
    const d = MOA_CP_DOSES.indexOf(cols.cp_dose[i] as (typeof MOA_CP_DOSES)[number]);
    if (d < 0) throw new DataError(file, `expected cp_dose D1 or D2, got '${cols.cp_dose[i]}'`, { row: fileRow(i), column: 'cp_dose' });
    cpDose[i] = d;
  }

  const pack = (names: readonly string[]): Float32Array => {
    const w = names.length;
    const out = new Float32Array(n * w);
    for (let j = 0; j < w; j++) {
      const col = cols[names[j]] as Float32Array;
      for (let i = 0; i < n; i++) {
        const v = col[i];
        if (v !== v) throw new DataError(file, 'expected a number, got an empty field or NaN', { row: fileRow(i), column: names[j] });
        out[i * w + j] = v;
      }
    }
    return out;
  };
  const genes = pack(MOA_GENE_COLUMNS);
  const cells = pack(MOA_CELL_COLUMNS);
  return {
    file,
    nRows: n,
    header: table.header,
    sigIds,
    cpType,
    cpTime,
    cpDose,
    raw: { cpType: cols.cp_type, cpTime: cols.cp_time, cpDose: cols.cp_dose },
    genes,
    cells,
    geneNames: MOA_GENE_COLUMNS,
    cellNames: MOA_CELL_COLUMNS,
    featureNames: [...MOA_GENE_COLUMNS, ...MOA_CELL_COLUMNS],
  };
}

/** sig_id + numeric columns named by the header, as a row-major matrix. */
async function readSigIdMatrix(
  file: string,
  what: string,
  check: (v: number, i: number, name: string) => void,
  options: MoaReadOptions,
): Promise<{ sigIds: string[]; names: string[]; M: Float32Array; nRows: number }> {
  checkExists(file, what);
  const header = await readCsvHeader(file);
  checkNoDuplicateColumns(file, header);
  if (header[0] !== 'sig_id') {
    throw new DataError(file, `expected 'sig_id' as the first column, got '${header[0]}'`, { row: 1, column: header[0] });
  }
  const names = header.slice(1);
  if (!names.length) throw new DataError(file, 'expected sig_id followed by target columns, got only sig_id', { row: 1 });
  const table = await readCsvColumns(file, { columns: { sig_id: 'string' }, defaultType: 'float32', onProgress: options.onProgress });
  const n = table.nRows;
  const w = names.length;
  const M = new Float32Array(n * w);
  for (let j = 0; j < w; j++) {
    const col = table.columns[names[j]] as Float32Array;
    for (let i = 0; i < n; i++) {
      check(col[i], i, names[j]);
      M[i * w + j] = col[i];
    }
  }
  return { sigIds: table.columns.sig_id, names, M, nRows: n };
}

/**
 * Read train_targets_scored.csv / train_targets_nonscored.csv: sig_id then
 * one 0/1 column per target (names from the header). With `sigIds` (the
 * features' sig_ids), the rows must match them one for one, in order.
 */
export async function readMoaTargets(file: string, sigIds?: readonly string[], options: MoaReadOptions = {}): Promise<MoaTargets> {
  const r = await readSigIdMatrix(
    file,
    'a MoA targets CSV (sig_id + one 0/1 column per target)',
    (v, i, name) => {
      if (v !== 0 && v !== 1) {
        throw new DataError(file, `expected a target of 0 or 1, got ${Number.isNaN(v) ? 'an empty field or NaN' : String(v)}`, {
          row: fileRow(i),
          column: name,
        });
      }
    },
    options,
  );
  checkUniqueSigIds(file, r.sigIds);
  if (sigIds) checkSameSigIds(file, r.sigIds, sigIds);
  return { file, nRows: r.nRows, sigIds: r.sigIds, names: r.names, Y: r.M };
}

/** Read a submission (or sample_submission.csv): sig_id then one probability column per scored target. */
export async function readMoaSubmission(file: string, sigIds?: readonly string[], options: MoaReadOptions = {}): Promise<MoaSubmission> {
  const r = await readSigIdMatrix(
    file,
    'a MoA submission CSV (sig_id + one probability column per scored target)',
    (v, i, name) => {
      if (!(v >= 0 && v <= 1)) {
        throw new DataError(file, `expected a probability in [0, 1], got ${Number.isNaN(v) ? 'an empty field or NaN' : String(v)}`, {
          row: fileRow(i),
          column: name,
        });
      }
    },
    options,
  );
  checkUniqueSigIds(file, r.sigIds);
  if (sigIds) checkSameSigIds(file, r.sigIds, sigIds);
  return { file, nRows: r.nRows, sigIds: r.sigIds, names: r.names, P: r.M };
}

/** Read train_drug.csv (sig_id, drug_id); with `sigIds`, rows must match the features' one for one. */
export async function readMoaDrugs(file: string, sigIds?: readonly string[], options: MoaReadOptions = {}): Promise<MoaDrugs> {
  checkExists(file, 'train_drug.csv (sig_id, drug_id)');
  const table = await readCsvColumns(file, { columns: { sig_id: 'string', drug_id: 'string' }, onProgress: options.onProgress });
  const { sig_id, drug_id } = table.columns;
  checkUniqueSigIds(file, sig_id);
  for (let i = 0; i < table.nRows; i++) {
    if (drug_id[i] === '') throw new DataError(file, 'expected a drug_id, got an empty field', { row: fileRow(i), column: 'drug_id' });
  }
  if (sigIds) checkSameSigIds(file, sig_id, sigIds);
  return { file, nRows: table.nRows, sigIds: sig_id, drugIds: drug_id };
}

/** sample_submission.csv: the header, sig_ids and their order every submission must have. */
export interface MoaSampleSubmission {
  file: string;
  /** The header as found: sig_id, then the target columns. */
  header: string[];
  /** The target columns, in order (the header without sig_id). */
  columns: string[];
  sigIds: string[];
}

/**
 * Read sample_submission.csv: sig_id first, then target columns (each once), each sig_id once.
 * Its values are not read (Kaggle's are all 0.5, and only the layout matters).
 */
export async function readMoaSampleSubmission(file: string, options: MoaReadOptions = {}): Promise<MoaSampleSubmission> {
  checkExists(file, "Kaggle's sample_submission.csv (sig_id + one column per scored target; the submission must have its sig_ids and columns, in its order)");
  const header = await readCsvHeader(file);
  checkNoDuplicateColumns(file, header);
  if (header[0] !== 'sig_id') throw new DataError(file, `expected 'sig_id' as the first column, got '${header[0]}'`, { row: 1, column: header[0] });
  if (header.length < 2) throw new DataError(file, 'expected sig_id followed by target columns, got only sig_id', { row: 1 });
  const table = await readCsvColumns(file, { columns: { sig_id: 'string' }, onProgress: options.onProgress });
  checkUniqueSigIds(file, table.columns.sig_id);
  return { file, header, columns: header.slice(1), sigIds: table.columns.sig_id };
}

/**
 * A test features file's sig_ids against sample_submission.csv's: the same sig_ids, each once.
 * Returns the test row of each sample row (the order to write the submission in), or null when
 * the features are already in the sample's order.
 */
export function moaSubmissionOrder(test: Pick<MoaFeatures, 'file' | 'sigIds'>, sample: MoaSampleSubmission): Int32Array | null {
  return alignToSample({ file: test.file, column: 'sig_id', ids: test.sigIds }, { file: sample.file, column: 'sig_id', ids: sample.sigIds });
}

/** The rows of a features table in `order` (e.g. sample_submission's, from moaSubmissionOrder). */
export function selectMoaFeatureRows(f: MoaFeatures, order: ArrayLike<number> | null): MoaFeatures {
  if (!order) return f;
  const pick = <T>(a: ArrayLike<T>): T[] => Array.from(order, (i) => a[i]);
  const rows = <T extends Float32Array | Uint8Array | Int32Array>(a: T, w: number): T => {
    const out = new (a.constructor as { new (n: number): T })(order.length * w);
    for (let j = 0; j < order.length; j++) out.set(a.subarray(order[j] * w, (order[j] + 1) * w), j * w);
    return out;
  };
  return {
    ...f,
    nRows: order.length,
    sigIds: pick(f.sigIds),
    cpType: rows(f.cpType, 1),
    cpTime: rows(f.cpTime, 1),
    cpDose: rows(f.cpDose, 1),
    raw: { cpType: pick(f.raw.cpType), cpTime: pick(f.raw.cpTime), cpDose: pick(f.raw.cpDose) },
    genes: rows(f.genes, f.geneNames.length),
    cells: rows(f.cells, f.cellNames.length),
  };
}

/**
 * Check a written submission as Kaggle would (see validateSubmissionCsv): the header and sig_ids
 * (in order) of `expected` (sample_submission.csv, or just these), a probability in [0, 1] in
 * every target column. `shownAs` names the file in errors (the final name of a temp file).
 */
export async function validateMoaSubmission(file: string, expected: { header: readonly string[]; ids: readonly string[]; source: string }, shownAs = file): Promise<void> {
  const names = expected.header;
  await validateSubmissionCsv(file, shownAs, {
    header: names,
    ids: expected.ids,
    source: expected.source,
    canonicalId: (text) => (text === '' ? undefined : text),
    idWhat: 'a sig_id',
    checkRow: (fields) => {
      for (let j = 1; j < fields.length; j++) {
        const problem = probabilityProblem(fields[j]);
        if (problem) return { column: names[j], problem };
      }
      return undefined;
    },
  });
}

export interface MoaSubmissionOptions {
  /**
   * Target columns in the order the submission must have (sample_submission.csv's
   * header without sig_id). Every one must be in `names`; names not listed
   * (e.g. non-scored targets a model also predicts) are left out.
   * @default sample's columns, else names, as given
   */
  columns?: readonly string[];
  /**
   * sample_submission.csv: the written file must have its header and its sig_ids in its order
   * (pass the rows in that order: moaSubmissionOrder). Unset: the sig_ids given, in their order.
   */
  sample?: MoaSampleSubmission;
}

/** Probabilities as short text: 7 significant digits, no trailing zeros. */
function probabilityText(v: number | string): string {
  const x = v as number;
  return x === 0 || x === 1 ? String(x) : String(Number(x.toPrecision(7)));
}

/**
 * Write a submission: sig_id then one column per target, in sample_submission's
 * column order (`options.columns`). `P` is row-major sigIds.length x names.length.
 * The written file is re-read and checked (validateMoaSubmission) before it gets its name.
 */
export async function writeMoaSubmission(
  file: string,
  sigIds: readonly string[],
  names: readonly string[],
  P: ArrayLike<number>,
  options: MoaSubmissionOptions = {},
): Promise<void> {
  const n = sigIds.length;
  const w = names.length;
  if (P.length !== n * w) {
    throw new RangeError(`writeMoaSubmission: P has ${P.length} values, expected sigIds.length x names.length = ${n} x ${w} = ${n * w}`);
  }
  const { sample } = options;
  const columns = options.columns ?? sample?.columns ?? names;
  if (sample && (columns.length !== sample.columns.length || columns.some((c, j) => c !== sample.columns[j]))) {
    throw new RangeError(`writeMoaSubmission: options.columns differ from the columns of ${sample.file} (expected the sample's columns, in its order)`);
  }
  const at = new Map(names.map((name, j) => [name, j]));
  const missing = columns.filter((c) => !at.has(c));
  if (missing.length) {
    throw new RangeError(`writeMoaSubmission: the submission needs column${missing.length > 1 ? 's' : ''} ${listNames(missing)}, not among the ${w} predicted names`);
  }
  const out = columns.map((name) => {
    const j = at.get(name)!;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = P[i * w + j];
      if (!(v >= 0 && v <= 1)) {
        throw new RangeError(`writeMoaSubmission: P row ${i} ('${sigIds[i]}') column '${name}' is ${v} (expected a probability in [0, 1])`);
      }
      values[i] = v;
    }
    return { name, values, format: probabilityText };
  });
  const expected = sample
    ? { header: sample.header, ids: sample.sigIds, source: sample.file }
    : { header: ['sig_id', ...columns], ids: sigIds, source: 'the predictions' };
  await writeCsv(file, [{ name: 'sig_id', values: sigIds }, ...out], { validate: (tmp) => validateMoaSubmission(tmp, expected, file) });
}
