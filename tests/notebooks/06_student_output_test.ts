/**
 * Section 6.1's step module (notebooks/06_student_output_uncertainty.ts) at a tiny
 * configuration: Wine (3 runs) and Digits (1 run), 30 epochs, two init seeds, a two-variant
 * investigation on Wine; the sweep's units; bad configurations. The notebook's tables, figures
 * and claims are checked on its smoke run (06_notebook_test.ts).
 */
import {
  runStudentOutput,
  type StudentOutputConfig,
  studentOutputConfig,
  type StudentOutputResult,
  studentOutputUnits,
} from "../../notebooks/06_student_output_uncertainty.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";

function tiny(seeds = 2): StudentOutputConfig {
  const c = studentOutputConfig("smoke");
  c.sets = [
    { name: "Wine", seeds, splitSeeds: 3 },
    { name: "Digits", seeds, splitSeeds: 1 },
  ];
  c.protocol.epochs = 30;
  c.resamples = 100;
  c.investigate = {
    sets: ["Wine"],
    seeds: 2,
    variants: c.investigate.variants.filter((v) => v.key === "lbfgs" || v.key === "scaler-train"),
  };
  return c;
}

const quiet = { progress: false as const };
let cached: StudentOutputResult | undefined;
async function run(): Promise<StudentOutputResult> {
  cached ??= await runStudentOutput(tiny(), quiet);
  return cached;
}

Deno.test("Section 6.1, tiny: students agree with their teachers and keep their accuracy", async () => {
  const r = await run();
  assertEquals(r.pairs.map((p) => `${p.set}/${p.family}`), [
    "Wine/logistic",
    "Wine/NN",
    "Digits/logistic",
    "Digits/NN",
  ]);
  for (const p of r.pairs) {
    for (const s of p.seeds) {
      // The paper's qualitative claim, stable even at 30 epochs: the student learns the
      // teacher's labels, so it predicts the same class on most test inputs and its accuracy is
      // within a few points (measured minimum agreement here: above 90%; bound 85%).
      assert(s.agreement >= 85, `${p.set} ${p.family}: agreement ${s.agreement}%`);
      assert(Math.abs(s.teacher.accuracy - s.student.accuracy) <= 10);
      for (const g of s.rows) {
        if (g.teacher.count > 0) assert(g.teacher.mean >= 0 && g.teacher.std >= 0);
      }
    }
    assertEquals(p.seeds.length, 2);
  }
  // Wine has three runs, Digits one; run r: split seed 1 + r, init seed 1 + 2r; run 0 is the
  // headline run (the reference split, the first init seed).
  assertEquals(r.pairs[0].splits.map((s) => [s.splitSeed, s.initSeed]), [[1, 1], [2, 3], [3, 5]]);
  assertEquals(r.pairs[0].splits[0].hT, r.pairs[0].seeds[0].teacher.groups.all.mean);
  assertEquals(r.pairs[0].splits[0].teacher, r.pairs[0].seeds[0].teacher.groups);
  // The runs differ from one another (own init and split): the SE over them is not zero.
  const h = r.pairs[0].splits.map((s) => s.hS);
  assert(new Set(h).size === 3, `${h}`);
  assertEquals(r.pairs[2].splits.length, 1);
  // Reliability bins only for test sets of at least 300 inputs: Digits (360), not Wine (36).
  assertEquals(r.pairs.map((p) => p.reliability.length), [0, 0, 2, 2]);
  // Each model's ECE (the reliability figure's header) is its bins' count-weighted gap
  // |accuracy - confidence|, summed here from the bins; 1e-12: rounding of the two sums.
  for (const { bins, ece } of r.pairs.flatMap((p) => p.reliability)) {
    const n = bins.reduce((a, b) => a + b.count, 0);
    const gap = bins.filter((b) => b.count > 0)
      .reduce((a, b) => a + b.count * Math.abs(b.accuracy - b.confidence), 0) / n;
    assert(Math.abs(ece - gap) < 1e-12 && ece > 0 && ece < 1, `ECE ${ece}, from the bins ${gap}`);
  }
});

Deno.test("Section 6.1, tiny: the same seed gives identical rows, and seed 0 does not depend on the cohort size", async () => {
  const a = await run();
  const b = await runStudentOutput(tiny(), quiet);
  assertEquals(b.pairs.map((p) => p.seeds), a.pairs.map((p) => p.seeds));
  assertEquals(b.investigation, a.investigation);
  const one = await runStudentOutput({
    ...tiny(1),
    investigate: { ...tiny().investigate, sets: [] },
  }, quiet);
  // The same student trained alone or in a cohort of two: the same predictions, and entropies
  // equal up to float32 round-off (the engine tiles a cohort's products differently by its size;
  // measured differences ~1e-8 relative, bound 1e-5).
  for (let i = 0; i < one.pairs.length; i++) {
    const x = one.pairs[i].seeds[0], y = a.pairs[i].seeds[0];
    for (const role of ["teacher", "student"] as const) {
      assertEquals(x[role].accuracy, y[role].accuracy);
      for (const g of ["all", "correct", "incorrect"] as const) {
        assertEquals(x[role].groups[g].count, y[role].groups[g].count);
        if (x[role].groups[g].count === 0) continue;
        const u = x[role].groups[g].mean, v = y[role].groups[g].mean;
        assert(Math.abs(u - v) <= 1e-5 * Math.max(1e-3, Math.abs(v)), `${role} ${g}: ${u} vs ${v}`);
      }
    }
    assertEquals(x.agreement, y.agreement);
  }
});

Deno.test("Section 6.1, tiny: the investigation keeps the reference first and changes one choice per row", async () => {
  const r = await run();
  assertEquals(r.investigation.map((x) => `${x.family}/${x.variant}`), [
    "logistic/reference",
    "logistic/lbfgs",
    "logistic/scaler-train",
    "NN/reference",
    "NN/scaler-train",
  ]);
  const lbfgs = r.investigation[1];
  assertEquals(lbfgs.seeds, 1); // deterministic fit: one stands for every seed
  assertEquals(lbfgs.sdT, 0);
  // The reference row is the pair's first init seeds, averaged.
  const ref = r.investigation[3], nn = r.pairs[1];
  assertEquals(ref.seeds, 2);
  assertEquals(
    ref.hT,
    (nn.seeds[0].teacher.groups.all.mean + nn.seeds[1].teacher.groups.all.mean) / 2,
  );
});

Deno.test("Section 6.1: the sweep's units, a large set's headline run first and then one unit per further run", () => {
  const units = studentOutputUnits(studentOutputConfig("default"));
  const key = (u: (typeof units)[number]) =>
    `${u.kind} ${u.set} ${u.family}${"run" in u ? ` ${u.run}` : ""}`;
  // The large sets' headline runs (networks first), their 4 further runs each, then the small
  // sets' whole pairs, then the investigation (Wine, Breast Cancer, Digits).
  assertEquals(units.slice(0, 6).map(key), [
    "first MNIST NN",
    "first Covertype NN",
    "first MNIST logistic",
    "first Covertype logistic",
    "run MNIST NN 1",
    "run MNIST NN 2",
  ]);
  assertEquals(units.filter((u) => u.kind === "run").length, 4 * 4);
  assertEquals(units.slice(20, 26).map(key), [
    "pair Wine logistic",
    "pair Wine NN",
    "pair Breast Cancer logistic",
    "pair Breast Cancer NN",
    "pair Digits logistic",
    "pair Digits NN",
  ]);
  // Variants: 7 per logistic pair (no widths), 8 per NN pair (no L-BFGS), 3 data sets.
  assertEquals(units.slice(26).length, 3 * 15);
  assert(units.slice(26).every((u) => u.kind === "variant"));
});

Deno.test("runStudentOutput refuses a malformed configuration before any training", async () => {
  const c = tiny();
  c.sets[0].seeds = 0;
  await assertRejects(
    () => runStudentOutput(c, quiet),
    RangeError,
    "seeds must be an integer >= 1",
  );
  const e = tiny();
  e.protocol.epochs = 2.5;
  await assertRejects(() => runStudentOutput(e, quiet), RangeError, "protocol.epochs");
  const d = tiny();
  d.sets[1].rows = 2.5;
  await assertRejects(() => runStudentOutput(d, quiet), RangeError, '"Digits".rows');
  const i = tiny();
  i.investigate.seeds = 0;
  await assertRejects(() => runStudentOutput(i, quiet), RangeError, "investigate.seeds");
});
