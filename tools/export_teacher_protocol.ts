/**
 * Write a merged `gaussian_teachers` shard run (tools/merge.ts) as the small committed file
 * notebook 08 reads: where it ran (scale, commit, OpenBLAS kernel, shards, wall and shard
 * seconds) and its rows, nothing else.
 *
 * `deno run -A tools/export_teacher_protocol.ts DIR [OUT]` (DIR holds the shards and DIR/merged;
 * OUT defaults to data/runs/gaussian_teachers_paper/result.json). Run it in the environment the
 * shards ran in: the kernel is this process's.
 *
 * @module
 */
import { chooseOpenBlasCore, loadSgemm } from "../lib/blas.ts";
import { readResult } from "./sharding.ts";
import {
  TEACHER_PROTOCOL_RUN,
  type TeacherProtocolResult,
  type TeacherProtocolRun,
} from "../notebooks/08_gaussian_teachers.ts";

interface Manifest {
  experiment: string;
  scale: string;
  commit: string;
  dirty: boolean;
  shards: number;
  status: string;
  started: string;
  updated: string;
  seconds: number;
}

if (import.meta.main) {
  const [dir, out = TEACHER_PROTOCOL_RUN] = Deno.args;
  if (!dir) throw new Error("usage: export_teacher_protocol.ts DIR [OUT]");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".manifest.json")
  ).sort();
  const manifests = names.map((n) => JSON.parse(Deno.readTextFileSync(`${dir}/${n}`)) as Manifest);
  const m0 = manifests[0];
  if (
    !m0 || m0.experiment !== "gaussian_teachers" || manifests.length !== m0.shards ||
    manifests.some((m) => m.dirty || m.commit !== m0.commit || m.status !== "complete")
  ) {
    throw new Error(`${dir}: not ${m0?.shards ?? "N"} complete clean shards of gaussian_teachers`);
  }
  const result = await readResult(`${dir}/merged/result.json`) as TeacherProtocolResult;
  const c = result.config;
  const t0 = Math.min(...manifests.map((m) => Date.parse(m.started)));
  const t1 = Math.max(...manifests.map((m) => Date.parse(m.updated)));
  const run: TeacherProtocolRun = {
    experiment: "gaussian_teachers",
    scale: m0.scale,
    commit: m0.commit,
    kernel: loadSgemm() === null ? "none" : chooseOpenBlasCore(),
    shards: m0.shards,
    protocol: {
      ...{ seed: c.seed, splits: c.splits, teachers: c.teachers, teacherHidden: c.teacherHidden },
      ...{ teacherLayers: c.teacherLayers, teacherEpochs: c.teacherEpochs, teacherLr: c.teacherLr },
      ...{ teacherValidation: c.teacherValidation, teacherRefit: c.teacherRefit },
    },
    seconds: Math.round((t1 - t0) / 1000),
    shardSeconds: manifests.map((m) => Math.round(m.seconds)),
    rows: result.rows,
  };
  await Deno.mkdir(out.replace(/\/[^/]*$/, ""), { recursive: true });
  // One line per row: the file stays small and its diff shows the rows that changed.
  const { rows, ...head } = run;
  const text = JSON.stringify(head, null, 1).replace(/\n}$/, ',\n "rows": [\n') +
    rows.map((r) => "  " + JSON.stringify(r)).join(",\n") + "\n ]\n}\n";
  await Deno.writeTextFile(out, text);
  console.log(`wrote ${out}: ${run.rows.length} rows, ${run.seconds} s wall on ${run.kernel}`);
}
