// fitLogisticLbfgs (lib/experiments/logistic_lbfgs.ts), scikit-learn's default LogisticRegression
// as Section 6.1's investigation uses it (moved here from the Section 6.1 experiment's tests).
import { fitLogisticLbfgs, predictLogistic } from "../../lib/experiments/logistic_lbfgs.ts";
import { assert } from "../assert.ts";

Deno.test("fitLogisticLbfgs reaches the penalised optimum: the gradient, computed here, vanishes", () => {
  // Three overlapping classes along two features (not separable, so the optimum is finite).
  const n = 60, d = 2, C = 3, x: number[] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push(c + Math.sin(7 * i), (c === 1 ? 1 : 0) + Math.cos(5 * i));
    y.push(c);
  }
  for (const cReg of [1, 0.1]) {
    const m = fitLogisticLbfgs(x, n, d, y, C, { c: cReg, tol: 1e-8, maxIter: 500 });
    assert(m.converged, `C = ${cReg}: not converged in ${m.iterations} iterations`);
    const p = predictLogistic(m, x, n);
    // Gradient of (1/n) sum CE + |W|^2 / (2 C n), written out independently of the solver.
    const gw = new Float64Array(d * C), gb = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) {
        const r = (p[i * C + k] - (y[i] === k ? 1 : 0)) / n;
        gb[k] += r;
        for (let j = 0; j < d; j++) gw[j * C + k] += x[i * d + j] * r;
      }
    }
    for (let j = 0; j < d * C; j++) gw[j] += m.w[j] / (cReg * n);
    for (const v of [...gw, ...gb]) assert(Math.abs(v) < 1e-6, `C = ${cReg}: gradient ${v}`);
  }
  // A stronger penalty (smaller C) shrinks the weights.
  const norm = (cReg: number) =>
    fitLogisticLbfgs(x, n, d, y, C, { c: cReg, tol: 1e-8, maxIter: 500 }).w.reduce(
      (s, v) => s + v * v,
      0,
    );
  assert(norm(0.1) < norm(1));
});
