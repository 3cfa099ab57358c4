/**
 * The Boston linear setting shared by the theory tests of Sections 4 and 7:
 * all 13 features and the target standardized on the FULL data before the
 * split (as the paper's code does), scikit-learn's 80/20 split with the given
 * seed (42 for Section 4.2, 404 / 102 rows; 1 for Section 7.2), and an OLS
 * teacher fitted to the training targets.
 *
 * @module
 */
import { fitOls, type LinearFit, predictOls } from "../../lib/linear/ols.ts";
import {
  loadBoston,
  sklearnTrainTestSplit,
  standardize,
  take,
  takeRows,
} from "../../lib/data/mod.ts";

/** The split design, targets and linear teacher of {@link bostonSetting}. */
export interface BostonSetting {
  /** Features (13). */
  readonly d: number;
  /** Training rows. */
  readonly n: number;
  /** Test rows. */
  readonly m: number;
  /** Training design, row-major n x d. */
  readonly xTrain: Float64Array;
  /** Standardized training targets. */
  readonly yTrain: Float64Array;
  /** Test design, row-major m x d. */
  readonly xTest: Float64Array;
  /** Standardized test targets. */
  readonly yTest: Float64Array;
  /** OLS of yTrain on xTrain (with intercept). */
  readonly teacher: LinearFit;
  /** The teacher's outputs on the training inputs. */
  readonly teacherTrain: Float64Array;
  /** The teacher's outputs on the test inputs. */
  readonly teacherTest: Float64Array;
}

/** Boston standardized on the full data, split 80/20 with `randomState`, with an OLS teacher. */
export async function bostonSetting(randomState: number): Promise<BostonSetting> {
  const boston = await loadBoston();
  const d = boston.d;
  const xAll = standardize(boston.x, d).z, yAll = standardize(boston.y, 1).z;
  const split = sklearnTrainTestSplit(boston.n, { testSize: 0.2, randomState });
  const xTrain = takeRows(xAll, d, split.train), yTrain = take(yAll, split.train);
  const xTest = takeRows(xAll, d, split.test), yTest = take(yAll, split.test);
  const teacher = fitOls(xTrain, d, yTrain);
  return {
    d,
    n: yTrain.length,
    m: yTest.length,
    xTrain,
    yTrain,
    xTest,
    yTest,
    teacher,
    teacherTrain: predictOls(xTrain, teacher),
    teacherTest: predictOls(xTest, teacher),
  };
}
