// Section 6.1 (lib/experiments/student_output.ts) at a tiny configuration: Wine (3 runs) and
// Digits (1 run), 30 epochs, two init seeds, a two-variant investigation on Wine; and the claims'
// rules on synthetic runs, where the verdict must be able to go either way.
import {
  entropyBarsFigure,
  entropyCells,
  entropyComparisonTable,
  paperTable,
  reliabilityFigure,
  runStudentOutput,
  studentOutputClaims,
  type StudentOutputConfig,
  studentOutputConfig,
  studentOutputFindings,
  type StudentOutputResult,
  verdictSummary,
} from "../../lib/experiments/mod.ts";
import { powerGuard, requiredZ } from "../../lib/report/claims.ts";
import { applyHolm, claimDirection, claimMatches } from "../../lib/report/claims.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

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
  // Every cell of the paper's tables: 4 pairs x 2 roles x 3 groups, each with the paper's value.
  const cells = entropyCells(r);
  assertEquals(cells.length, 24);
  const wineStudent = cells.find((c) =>
    c.set === "Wine" && c.family === "NN" && c.role === "student" && c.group === "All"
  )!;
  assertEquals(wineStudent.paper, { mean: 0.043, std: 0.121, n: 36 });
  // Margin 0.2 x the paper's All-group std; ours the mean over the 3 runs.
  assertAlmostEquals(wineStudent.margin, 0.2 * 0.121, 1e-15);
  const p = r.pairs.find((x) => x.set === "Wine" && x.family === "NN")!;
  assertAlmostEquals(wineStudent.runs.mean, p.splits.reduce((a, s) => a + s.hS, 0) / 3, 1e-12);
  assertEquals(wineStudent.runs.n, 3);
  assert(wineStudent.movers !== undefined);
});

Deno.test("Section 6.1: 'Significant?' is '—' for groups under minGroup inputs, else the interval rule", () => {
  const g = (mean: number, std: number, count: number) => ({ mean, std, count });
  const groups = (a: ReturnType<typeof g>, c: ReturnType<typeof g>, i: ReturnType<typeof g>) => ({
    all: a,
    correct: c,
    incorrect: i,
  });
  const t = groups(g(0.2, 0.1, 10), g(0.1, 0.01, 8), g(0.9, 0, 2));
  const s = groups(g(0.21, 0.1, 10), g(0.5, 0.01, 7), g(0.1, 0, 3));
  const result = {
    config: tiny(),
    investigation: [],
    seconds: 0,
    pairs: [{
      set: "Wine",
      family: "logistic",
      dataName: "Wine",
      protocolLine: "",
      nTrain: 40,
      nTest: 10,
      classes: 3,
      splits: [],
      reliability: [],
      seconds: 0,
      seeds: [{
        teacher: { accuracy: 80, groups: t },
        student: { accuracy: 70, groups: s },
        agreement: 90,
        paired: { diff: 0, se: 1, low: 0, high: 0, pT: 1, pW: 1 },
        rows: [
          { group: "All", teacher: t.all, student: s.all, significant: false },
          { group: "Correct", teacher: t.correct, student: s.correct, significant: true },
          { group: "Incorrect", teacher: t.incorrect, student: s.incorrect, significant: true },
        ],
      }],
    }],
  } as unknown as StudentOutputResult;
  const table = paperTable(result, "logistic");
  // Incorrect: the teacher has 2 inputs (< 3), so no verdict even though the intervals are disjoint.
  assertEquals(table.rows.map((r) => r.significant), ["No", "Yes", "—"]);
  assert(String(table.caption).includes("init seed 1"), String(table.caption));
});

Deno.test("Section 6.1: a pair with one run gets no verdict, and says why", async () => {
  const c = tiny(1);
  c.sets = [{ name: "Wine", seeds: 1, splitSeeds: 1 }];
  c.investigate = { ...c.investigate, sets: [] };
  const r = await runStudentOutput(c, quiet);
  const claims = studentOutputClaims(r);
  for (
    const k of [
      "wine-nn-student-entropy-all",
      "wine-nn-student-accuracy",
      "wine-nn-teacher-student-all",
    ]
  ) {
    const claim = claims.find((x) => x.id === k)!;
    assertEquals(claim.verdict, "not testable here", k);
    assert(claim.rule.includes("1 run(s)"), claim.rule);
  }
  assertEquals(claims.find((x) => x.id === "wine-nn-test-size")!.verdict, "identity check");
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
  d.sets[1].spreadRows = 2.5;
  await assertRejects(() => runStudentOutput(d, quiet), RangeError, '"Digits".spreadRows');
});

Deno.test("Section 6.1, tiny: claims have unique ids and stated rules; figure specs match their snapshots", async () => {
  const r = await run();
  const claims = studentOutputClaims(r);
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length);
  for (const c of claims) assert(c.rule.length > 0 && c.verdict.length > 0, c.id);
  // Per pair: the test-set size, 2 accuracies, 6 entropy cells, 3 teacher-student contrasts.
  assertEquals(claims.length, 4 * 12);
  assertEquals(claims.filter((c) => c.id.endsWith("-accuracy")).length, 8);
  assertEquals(claims.filter((c) => /-entropy-(all|correct|incorrect)$/.test(c.id)).length, 24);
  assertEquals(claims.filter((c) => c.id.includes("-teacher-student-")).length, 12);
  for (const c of claims) {
    if (c.verdict === "not testable here") continue;
    assert(c.evidence, c.id);
    if (c.verdict === "identity check") continue;
    // Every tested claim: its rule recorded, the SE over runs.
    assert(
      c.test && /runs \(init x split seeds\)/.test(c.test.seOver),
      `${c.id}: ${c.test?.seOver}`,
    );
  }
  // Digits has one run: none of its claims gets a verdict except the identity check.
  for (const c of claims.filter((c) => c.id.startsWith("digits-"))) {
    assertEquals(
      c.verdict,
      c.id.endsWith("-test-size") ? "identity check" : "not testable here",
      c.id,
    );
  }
  const f = studentOutputFindings(r);
  assertEquals(f.pairs, 4);
  assertEquals(f.runs, [{ set: "Wine", runs: 3 }, { set: "Digits", runs: 1 }]);
  const t = entropyComparisonTable(r);
  assertEquals(t.rows.length, 4 * 4); // per pair: accuracy and 3 groups
  assert(String(t.note).includes("SE over runs"));
  await assertSnapshot("06_fig9_entropy_nn", entropyBarsFigure(r, "NN").spec);
  await assertSnapshot("06_reliability_logistic", reliabilityFigure(r, "logistic").spec);
});

/** A synthetic result: Digits NN, `runs` runs whose group means are given per run. */
function synthetic(
  hT: (r: number) => number,
  hS: (r: number) => number,
  runs = 6,
): StudentOutputResult {
  const g = (mean: number, count: number) => ({ mean, std: 0.1, count });
  const groups = (h: number) => ({
    all: g(h, 360),
    correct: g(h * 0.8, 350),
    incorrect: g(h * 5, 10),
  });
  const splits = Array.from({ length: runs }, (_, r) => ({
    splitSeed: 1 + r,
    initSeed: 1 + 2 * r,
    accT: 97.22 + (r % 2 ? 0.1 : -0.1),
    accS: 97.22 + (r % 2 ? -0.1 : 0.1),
    hT: hT(r),
    hS: hS(r),
    teacher: groups(hT(r)),
    student: groups(hS(r)),
  }));
  const seed0 = {
    teacher: { accuracy: splits[0].accT, groups: splits[0].teacher },
    student: { accuracy: splits[0].accS, groups: splits[0].student },
    agreement: 99,
    paired: { diff: 0, se: 1, low: 0, high: 0, pT: 1, pW: 1 },
    rows: [],
  };
  const config = tiny();
  config.sets = [{ name: "Digits", seeds: 1, splitSeeds: runs }];
  return {
    config,
    investigation: [],
    seconds: 0,
    cpuSeconds: null,
    pairs: [{
      set: "Digits",
      family: "NN",
      dataName: "Digits",
      protocolLine: "",
      nTrain: 1437,
      nTest: 360,
      classes: 10,
      seeds: [seed0],
      splits,
      reliability: [],
      seconds: 0,
    }],
  } as unknown as StudentOutputResult;
}

Deno.test("Section 6.1 rules go either way: an entropy near the paper's is reproduced, far from it differs", () => {
  const wobble = (r: number) => (r % 2 ? 1 : -1) * 0.001;
  // Paper (NN, Digits, All): teacher 0.035, student 0.044; margin 0.2 x 0.127 = 0.0254.
  const near = applyHolm(
    studentOutputClaims(synthetic((r) => 0.035 + wobble(r), (r) => 0.044 + wobble(r))),
  );
  const far = applyHolm(
    studentOutputClaims(synthetic((r) => 0.135 + wobble(r), (r) => 0.044 + wobble(r))),
  );
  const at = (cs: typeof near, id: string) => cs.find((c) => c.id === id)!;
  assertEquals(at(near, "digits-nn-teacher-entropy-all").verdict, "reproduced");
  assertEquals(at(far, "digits-nn-teacher-entropy-all").verdict, "differs");
  // Teacher − student, paired within runs: -0.009 is within the margin, +0.091 is not.
  assertEquals(at(near, "digits-nn-teacher-student-all").verdict, "reproduced");
  assertEquals(at(far, "digits-nn-teacher-student-all").verdict, "differs");
  // The test's numbers: ours the mean over the 6 runs, SE = SD / sqrt(6), the paper's one run
  // adds that SD; the margin as stated.
  const t = at(near, "digits-nn-teacher-entropy-all").test!;
  const sd = Math.sqrt(6 * 0.001 ** 2 / 5);
  assertAlmostEquals(t.estimate, 0.035, 1e-12);
  assertAlmostEquals(t.se, Math.hypot(sd / Math.sqrt(6), sd), 1e-12);
  assertAlmostEquals(t.margin!, 0.2 * 0.127, 1e-15);
  assertEquals(t.reference, 0.035);
  // Accuracy: 97.22 ± 0.1 over runs against the paper's 97.22 within 1 point.
  assertEquals(at(near, "digits-nn-teacher-accuracy").verdict, "reproduced");
  // The verdict summary reads the decided claims.
  const v = verdictSummary(far, synthetic((r) => 0.135 + wobble(r), (r) => 0.044 + wobble(r)));
  assert(
    v.differLines.some((l) => l.startsWith("Digits, NN: teacher mean entropy, All")),
    v.differLines.join("\n"),
  );
});

Deno.test("powerGuard: a test whose margin is too few SEs for its family gets no verdict, from margin and SE alone", () => {
  const eq = (id: string, margin: number, se: number, ours: number) =>
    claimMatches({
      section: "x",
      id,
      claim: id,
      paper: 0,
      ours,
      se,
      seOver: "5 runs",
      margin,
      marginWhy: "test",
      evidence: "e",
    });
  const dir = claimDirection({
    section: "x",
    id: "d",
    claim: "d",
    ours: 1,
    se: 1,
    seOver: "5 runs",
    direction: "greater",
    evidence: "e",
  });
  // Three tests and a direction: z needed among 4 = Φ⁻¹(1 − 0.05 / 8) ≈ 2.50.
  assertAlmostEquals(requiredZ(4), 2.4977, 1e-4);
  const g = powerGuard([
    eq("a", 10, 1, 0),
    eq("b", 2, 1, 0),
    eq("c", 2, 1, 50),
    eq("e", 5, 1, 50),
    dir,
  ]);
  // b and c (margin 2 SE) go, whatever their estimate; a, e and the direction stay; the family
  // shrinks to 3, whose bar is Φ⁻¹(1 − 0.05 / 6) ≈ 2.39.
  assertEquals(g.map((c) => c.verdict === "not testable here"), [false, true, true, false, false]);
  assert(g[1].rule.includes("underpowered") && g[1].rule.includes("3 tested claims"), g[1].rule);
  assertEquals([g[1].ours, g[1].se], [0, 1]);
  // Every kept equivalence can flip both ways: moved onto the paper it is reproduced.
  const kept = g.filter((c) => c.test);
  const onto = applyHolm(
    kept.map((c) => c.test!.kind === "direction" ? c : { ...c, test: { ...c.test!, estimate: 0 } }),
  );
  assertEquals(onto.filter((c) => c.test!.kind !== "direction").map((c) => c.verdict), [
    "reproduced",
    "reproduced",
  ]);
});

Deno.test("Section 6.1, tiny: a spread draw keeps the headline run on every row, and its runs give no verdict", async () => {
  const c = tiny();
  c.sets = [{ name: "Digits", seeds: 2, splitSeeds: 3, spreadRows: 600 }];
  c.investigate = { ...c.investigate, sets: [] };
  const r = await runStudentOutput(c, quiet);
  const base = (await run()).pairs;
  for (const family of ["logistic", "NN"] as const) {
    const p = r.pairs.find((x) => x.family === family)!;
    // The headline: one init seed on all 1,797 digits, the same run as the first seed without a
    // draw, up to float32 round-off (a cohort of one against one of two; bound 1e-5).
    assertEquals([p.seeds.length, p.nTrain + p.nTest], [1, 1797]);
    const same = base.find((x) => x.set === "Digits" && x.family === family)!.seeds[0];
    for (const role of ["teacher", "student"] as const) {
      assertEquals(p.seeds[0][role].accuracy, same[role].accuracy);
      const u = p.seeds[0][role].groups.all.mean, v = same[role].groups.all.mean;
      assert(Math.abs(u - v) <= 1e-5 * Math.abs(v), `${family} ${role}: ${u} vs ${v}`);
    }
    assertEquals(p.spreadOn!.rows, 600);
    assertEquals(p.splits.length, 3);
    assertEquals(p.splits[0].hT, p.spreadOn!.seeds[0].teacher.groups.all.mean);
  }
  // A draw's entropy is not the full data's: no cell of a drawn pair gets a verdict.
  for (const cl of studentOutputClaims(r).filter((x) => !x.id.endsWith("-test-size"))) {
    assertEquals(cl.verdict, "not testable here", cl.id);
    assert(cl.rule.includes("600-row draw"), `${cl.id}: ${cl.rule}`);
  }
  assert(paperTable(r, "NN").note!.includes("600 rows drawn"));
});
