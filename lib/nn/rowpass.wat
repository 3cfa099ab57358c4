;; Fused row pass of the cohort trainer for the hot case: one regression output
;; (o = 1, MSE) and a hidden width h that is a multiple of 4, in WebAssembly SIMD
;; (f32x4). Same arithmetic as kernel.ts's rowPass, four hidden units at a time.
;; Compiled to rowpass_wasm.ts by `deno run -A tools/build_rowpass.ts`.
;;
;; All pointers are byte offsets into the imported memory. Layout (float32 unless noted):
;;   Z     n x C   on entry X W1; on exit the hidden gradient dZ (backward) or H
;;   b1    C       w2  C       b2  count
;;   y     target of student s, row i at y + 4 (s yStride + i)   (yStride 0: shared)
;;   coef  count x n   the loss weight of row i for student s, w_si / sum_i w_si
;;   gb1   C, gw2 C, gb2 count: gradients, accumulated (the caller zeroes them)
;;   loss  count float64: the weighted loss, accumulated (the caller zeroes it)
(module
  (import "env" "memory" (memory 1))
  (func (export "passMse1")
    (param $n i32) (param $count i32) (param $h i32) (param $C i32)
    (param $Z i32) (param $b1 i32) (param $w2 i32) (param $b2 i32)
    (param $y i32) (param $yStride i32) (param $coef i32)
    (param $gb1 i32) (param $gw2 i32) (param $gb2 i32) (param $loss i32)
    (param $backward i32)
    (local $i i32) (local $s i32) (local $j i32)
    (local $base i32) (local $pb i32) (local $hb i32)
    (local $a v128) (local $acc v128) (local $gv v128) (local $zero v128)
    (local $yhat f32) (local $r f64) (local $cs f64) (local $g f32) (local $at i32)
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $hb (i32.shl (local.get $h) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.const 0))
        (block $studentsDone
          (loop $students
            (br_if $studentsDone (i32.ge_u (local.get $s) (local.get $count)))
            ;; base = Z + 4 (i C + s h); pb = 4 s h
            (local.set $pb (i32.mul (local.get $s) (local.get $hb)))
            (local.set $base
              (i32.add (local.get $Z)
                (i32.add (i32.shl (i32.mul (local.get $i) (local.get $C)) (i32.const 2))
                  (local.get $pb))))
            ;; forward: H = relu(Z + b1), yhat = b2 + H . w2
            (local.set $acc (local.get $zero))
            (local.set $j (i32.const 0))
            (block $fwdDone
              (loop $fwd
                (br_if $fwdDone (i32.ge_u (local.get $j) (local.get $hb)))
                (local.set $a
                  (f32x4.max
                    (f32x4.add
                      (v128.load (i32.add (local.get $base) (local.get $j)))
                      (v128.load (i32.add (local.get $b1) (i32.add (local.get $pb) (local.get $j)))))
                    (local.get $zero)))
                (v128.store (i32.add (local.get $base) (local.get $j)) (local.get $a))
                (local.set $acc
                  (f32x4.add (local.get $acc)
                    (f32x4.mul (local.get $a)
                      (v128.load (i32.add (local.get $w2) (i32.add (local.get $pb) (local.get $j)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $fwd)))
            (local.set $yhat
              (f32.add
                (f32.load (i32.add (local.get $b2) (i32.shl (local.get $s) (i32.const 2))))
                (f32.add
                  (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                  (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
            (local.set $r
              (f64.sub (f64.promote_f32 (local.get $yhat))
                (f64.promote_f32
                  (f32.load (i32.add (local.get $y)
                    (i32.shl (i32.add (i32.mul (local.get $s) (local.get $yStride)) (local.get $i))
                      (i32.const 2)))))))
            (local.set $cs
              (f64.promote_f32
                (f32.load (i32.add (local.get $coef)
                  (i32.shl (i32.add (i32.mul (local.get $s) (local.get $n)) (local.get $i))
                    (i32.const 2))))))
            (local.set $at (i32.add (local.get $loss) (i32.shl (local.get $s) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.add (f64.load (local.get $at))
                (f64.mul (local.get $cs) (f64.mul (local.get $r) (local.get $r)))))
            (if (local.get $backward)
              (then
                (local.set $g
                  (f32.demote_f64 (f64.mul (f64.mul (f64.const 2) (local.get $cs)) (local.get $r))))
                (local.set $gv (f32x4.splat (local.get $g)))
                (local.set $at (i32.add (local.get $gb2) (i32.shl (local.get $s) (i32.const 2))))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (local.get $g)))
                (local.set $j (i32.const 0))
                (block $bwdDone
                  (loop $bwd
                    (br_if $bwdDone (i32.ge_u (local.get $j) (local.get $hb)))
                    (local.set $a (v128.load (i32.add (local.get $base) (local.get $j))))
                    ;; gw2 += H g
                    (local.set $at (i32.add (local.get $gw2) (i32.add (local.get $pb) (local.get $j))))
                    (v128.store (local.get $at)
                      (f32x4.add (v128.load (local.get $at))
                        (f32x4.mul (local.get $a) (local.get $gv))))
                    ;; dZ = g w2 where H > 0, else 0
                    (local.set $a
                      (v128.and
                        (f32x4.mul (local.get $gv)
                          (v128.load (i32.add (local.get $w2) (i32.add (local.get $pb) (local.get $j)))))
                        (f32x4.gt (local.get $a) (local.get $zero))))
                    (v128.store (i32.add (local.get $base) (local.get $j)) (local.get $a))
                    ;; gb1 += dZ
                    (local.set $at (i32.add (local.get $gb1) (i32.add (local.get $pb) (local.get $j))))
                    (v128.store (local.get $at)
                      (f32x4.add (v128.load (local.get $at)) (local.get $a)))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $bwd)))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $students)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
  )
)
