/**
 * A test helper independent of the library's own factorizations: the explicit
 * inverse of a small dense matrix by ml-matrix (LU with partial pivoting), to
 * check the closed forms against (X~^T X~)^-1 computed another way.
 *
 * @module
 */
import { inverse as mlInverse, Matrix } from "ml-matrix";

/** The inverse of a small dense, invertible matrix (rows of numbers), via ml-matrix. */
export function inverse(a: number[][]): number[][] {
  return mlInverse(new Matrix(a)).to2DArray();
}
