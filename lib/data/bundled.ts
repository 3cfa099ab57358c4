/**
 * Loaders for the five small data sets shipped in `data/`: Boston, Diabetes,
 * Digits, Wine and Breast Cancer. The files are scikit-learn 1.2.1's own
 * (data/README.md), so rows, feature order and labels equal scikit-learn's
 * `load_*` arrays.
 *
 * Every loader takes `{ dir }`, the folder holding the files (default: the
 * project's `data/`), and checks the file completely: row and column counts
 * against its header, every cell numeric, every label a valid class.
 *
 * @module
 */

import { bundledDataDir } from "../config.ts";
import type { ClassificationDataset, RegressionDataset } from "./dataset.ts";
import { selectColumns } from "./dataset.ts";
import { numericMatrix, parseRows, readDataText } from "./read_file.ts";

/** Where to read a bundled file from. */
export interface BundledOptions {
  /** Folder holding the data files; default the project's `data/` folder. */
  dir?: string;
}

function pathOf(file: string, opts: BundledOptions): string {
  const dir = opts.dir ?? bundledDataDir();
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`dir must be a folder path (a non-empty string), got ${dir}.`);
  }
  return `${dir.replace(/\/$/, "")}/${file}`;
}

/** Read the "n,d,..." first line of a scikit-learn data file. */
function header(rows: string[][], path: string): { n: number; d: number; names: string[] } {
  const first = rows[0] ?? [];
  const n = Number(first[0]), d = Number(first[1]);
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
    throw new Error(
      `the file "${path}" must start with a line "n_rows,n_features,..."; got ` +
        `"${first.join(",")}". The file may be damaged: restore it from the original.`,
    );
  }
  return { n, d, names: first.slice(2).filter((s) => s !== "") };
}

function checkRowCount(got: number, want: number, path: string): void {
  if (got !== want) {
    throw new Error(
      `the file "${path}" has ${got} data rows; its header says ${want}. ` +
        `The file may be damaged: restore it from the original.`,
    );
  }
}

/** Split a matrix whose last column is an integer label in [0, k) into x and y. */
function splitLabels(
  m: Float64Array,
  n: number,
  d: number,
  k: number,
  path: string,
  firstLine: number,
): { x: Float64Array; y: Int32Array } {
  const x = new Float64Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(m.subarray(i * (d + 1), i * (d + 1) + d), i * d);
    const label = m[i * (d + 1) + d];
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new Error(
        `the file "${path}" has label ${label} at line ${firstLine + i}; expected an ` +
          `integer class in [0, ${k - 1}].`,
      );
    }
    y[i] = label;
  }
  return { x, y };
}

/** Options of `loadBoston`. */
export interface BostonOptions extends BundledOptions {
  /**
   * Keep only the 11 numeric columns: drop CHAS (a 0/1 river dummy) and RAD (a
   * highway-access index), which OpenML stores as categorical; several of the
   * paper's scripts do this (docs/protocols.md, Sections 5.1 and 7.2). Default false.
   */
  numericOnly?: boolean;
}

/**
 * Boston house prices: 506 tracts, 13 features, target MEDV (median home
 * value in $1000s). Harrison & Rubinfeld (1978). Used in the paper's
 * Sections 4, 5 and 7.
 *
 * Ethical caveat: feature B is 1000 (Bk - 0.63)^2 with Bk the proportion of
 * Black residents; the data set encodes a racial assumption (data/README.md).
 *
 * @throws Error when the file is missing or malformed (wrong column count, a non-numeric cell).
 * @example
 * ```ts
 * const boston = await loadBoston();                        // 506 x 13
 * const numeric = await loadBoston({ numericOnly: true });  // 506 x 11
 * ```
 */
export async function loadBoston(opts: BostonOptions = {}): Promise<RegressionDataset> {
  const path = pathOf("boston_house_prices.csv", opts);
  const rows = parseRows(await readDataText(path, "the Boston data file"));
  const { n, d } = header(rows, path);
  if (d !== 13) {
    throw new Error(`the file "${path}" declares ${d} features on line 1; expected 13.`);
  }
  const names = rows[1] ?? [];
  if (names.length !== d + 1) {
    throw new Error(
      `the file "${path}" must have ${d + 1} column names on line 2; got ${names.length}.`,
    );
  }
  checkRowCount(rows.length - 2, n, path);
  const m = numericMatrix(rows.slice(2), d + 1, path, 3);
  let x: Float64Array = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x.set(m.subarray(i * (d + 1), i * (d + 1) + d), i * d);
    y[i] = m[i * (d + 1) + d];
  }
  let featureNames = names.slice(0, d);
  if (opts.numericOnly) {
    const keep = featureNames.map((_, j) => j).filter((j) =>
      featureNames[j] !== "CHAS" && featureNames[j] !== "RAD"
    );
    x = selectColumns(x, d, keep);
    featureNames = keep.map((j) => featureNames[j]);
  }
  return {
    name: opts.numericOnly
      ? "Boston house prices (numeric only: CHAS, RAD dropped)"
      : "Boston house prices",
    task: "regression",
    x,
    y,
    n,
    d: featureNames.length,
    featureNames,
    targetName: names[d],
    source: "data/boston_house_prices.csv (scikit-learn 1.2.1); Harrison & Rubinfeld (1978)",
  };
}

/** Options of `loadDiabetes`. */
export interface DiabetesOptions extends BundledOptions {
  /**
   * Scale as scikit-learn's `load_diabetes()` does by default: centre each
   * column and divide by (population std x sqrt(n)), so each column has unit
   * sum of squares. Default false: the raw values of the file.
   */
  scaled?: boolean;
}

/**
 * Diabetes: 442 patients, 10 baseline features (age, sex, bmi, bp, s1..s6),
 * target a measure of disease progression one year later. Efron et al. (2004).
 * Not in the paper; a second real regression set without Boston's problems.
 *
 * @throws Error when a file is missing or malformed.
 * @example
 * ```ts
 * const diabetes = await loadDiabetes(); // 442 x 10, raw units
 * ```
 */
export async function loadDiabetes(opts: DiabetesOptions = {}): Promise<RegressionDataset> {
  const xPath = pathOf("diabetes_data_raw.csv.gz", opts);
  const yPath = pathOf("diabetes_target.csv.gz", opts);
  const d = 10;
  const xRows = parseRows(await readDataText(xPath, "the Diabetes data file"), "whitespace");
  const yRows = parseRows(await readDataText(yPath, "the Diabetes target file"), "whitespace");
  const x = numericMatrix(xRows, d, xPath);
  const y = numericMatrix(yRows, 1, yPath);
  const n = xRows.length;
  if (yRows.length !== n) {
    throw new Error(
      `the target file "${yPath}" has ${yRows.length} rows; expected ${n}, one per row of "${xPath}".`,
    );
  }
  if (opts.scaled) {
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i * d + j];
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (x[i * d + j] - mean) ** 2;
      const norm = Math.sqrt(ss / n) * Math.sqrt(n);
      for (let i = 0; i < n; i++) x[i * d + j] = (x[i * d + j] - mean) / norm;
    }
  }
  return {
    name: opts.scaled ? "Diabetes (scaled as scikit-learn)" : "Diabetes",
    task: "regression",
    x,
    y,
    n,
    d,
    featureNames: ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"],
    targetName: "progression",
    source: "data/diabetes_*.csv.gz (scikit-learn 1.2.1); Efron et al. (2004)",
  };
}

/**
 * Digits: 1,797 8x8 images of handwritten digits, 64 features (pixel counts
 * 0..16, row by row), classes 0..9. UCI Optical Recognition of Handwritten
 * Digits (Alpaydin & Kaynak, 1998). Used in the paper's Section 6.
 *
 * @throws Error when the file is missing or malformed.
 */
export async function loadDigits(opts: BundledOptions = {}): Promise<ClassificationDataset> {
  const path = pathOf("digits.csv.gz", opts);
  const rows = parseRows(await readDataText(path, "the Digits data file"));
  const d = 64, n = rows.length;
  const { x, y } = splitLabels(numericMatrix(rows, d + 1, path), n, d, 10, path, 1);
  const featureNames: string[] = [];
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) featureNames.push(`pixel_${r}_${c}`);
  return {
    name: "Digits",
    task: "classification",
    x,
    y,
    n,
    d,
    featureNames,
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    source: "data/digits.csv.gz (scikit-learn 1.2.1); UCI, Alpaydin & Kaynak (1998)",
  };
}

/** A scikit-learn classification file: "n,d,class names" then rows with the label last. */
async function loadLabelled(
  file: string,
  what: string,
  expectD: number,
  opts: BundledOptions,
): Promise<{ x: Float64Array; y: Int32Array; n: number; d: number; classes: string[] }> {
  const path = pathOf(file, opts);
  const rows = parseRows(await readDataText(path, what));
  const { n, d, names } = header(rows, path);
  if (d !== expectD) {
    throw new Error(`the file "${path}" declares ${d} features on line 1; expected ${expectD}.`);
  }
  checkRowCount(rows.length - 1, n, path);
  if (names.length < 2) {
    throw new Error(`the file "${path}" must name at least 2 classes on line 1.`);
  }
  const m = numericMatrix(rows.slice(1), d + 1, path, 2);
  return { ...splitLabels(m, n, d, names.length, path, 2), n, d, classes: names };
}

/**
 * Wine: 178 wines from three cultivars, 13 chemical features, classes
 * class_0..class_2. UCI Wine (Forina et al., 1991). Used in the paper's Section 6.
 *
 * @throws Error when the file is missing or malformed.
 */
export async function loadWine(opts: BundledOptions = {}): Promise<ClassificationDataset> {
  const r = await loadLabelled("wine_data.csv", "the Wine data file", 13, opts);
  return {
    name: "Wine",
    task: "classification",
    ...r,
    featureNames: [
      "alcohol",
      "malic_acid",
      "ash",
      "alcalinity_of_ash",
      "magnesium",
      "total_phenols",
      "flavanoids",
      "nonflavanoid_phenols",
      "proanthocyanins",
      "color_intensity",
      "hue",
      "od280/od315_of_diluted_wines",
      "proline",
    ],
    source: "data/wine_data.csv (scikit-learn 1.2.1); UCI, Forina et al. (1991)",
  };
}

/**
 * Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features (mean,
 * standard error and worst value of ten nucleus measurements), classes
 * 0 = malignant, 1 = benign. Wolberg et al. (1995). Used in the paper's Section 6.
 *
 * @throws Error when the file is missing or malformed.
 */
export async function loadBreastCancer(
  opts: BundledOptions = {},
): Promise<ClassificationDataset> {
  const r = await loadLabelled("breast_cancer.csv", "the Breast Cancer data file", 30, opts);
  const measures = [
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave points",
    "symmetry",
    "fractal dimension",
  ];
  return {
    name: "Breast Cancer",
    task: "classification",
    ...r,
    featureNames: [
      ...measures.map((m) => `mean ${m}`),
      ...measures.map((m) => `${m} error`),
      ...measures.map((m) => `worst ${m}`),
    ],
    source: "data/breast_cancer.csv (scikit-learn 1.2.1); UCI, Wolberg et al. (1995)",
  };
}
