/*
 * Fused native kernel of the cohort trainer (lib/nn/native.ts compiles this
 * file with the system C compiler on first use and loads it with Deno.dlopen).
 *
 * kd_train trains `count` one-hidden-layer MLPs d-h-o (ReLU; h = 0 is one linear
 * layer) with full-batch Adam, one student after another. A student's first
 * layer stays in cache (the paper's 11-128-1 has 5.6 KB of W1) and the hidden
 * activations of a tile of ROWS rows live in a small buffer, so nothing of size
 * n x h is ever written to memory: per tile, z = x W1^T + b1, a = relu(z),
 * out = a W2^T + b2, the loss gradient g, then dz = (g W2) * relu'(z) and the
 * gradients dW1 += dz^T x, db1, dW2, db2. Adam follows torch.optim.Adam
 * (betas 0.9, 0.999, eps 1e-8, bias correction, no weight decay) in the same
 * order of operations as lib/nn/kernel.ts.
 *
 * Arithmetic: float32 forward/backward with float32 gradient sums (the compiler
 * may fuse multiply-adds), float64 loss sums, softmax and Adam. A student's
 * result depends only on its own inputs, never on `count` or its neighbours.
 *
 * Layout inside the kernel, per student (hp = h rounded up to a multiple of
 * JB; the padding units stay exactly 0 and never affect the others):
 *   W1T d x hp (input k, hidden j at k hp + j), b1 hp, W2 o x hp, b2 o.
 * With h = 0 the flat layout is used as is: W o x d, b o.
 * The caller passes and gets back PyTorch's flat order (see lib/nn/init.ts).
 */

#ifndef KD_VARIANT_BODY
#define KD_VARIANT_BODY

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

#define JB 16 /* hidden units per block: two 8-float vectors */
/* ROWS, the rows per tile, is set per variant: as many as the vector registers
   hold (AVX: 2 x ROWS accumulators of 16). A gradient sums its rows in row order
   whatever ROWS is, so ROWS changes the speed, never the result. */

static const double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

/* Problem shared by every student of one call. */
typedef struct {
  int n, np, d, h, hp, o, ce;
  const float *x;      /* h = 0 and dense: n x d */
  const float *y;      /* mse: n x o of this student */
  const int32_t *lab;  /* ce: n labels of this student */
  const float *coef;   /* np loss coefficients of this student (0 on padding) */
  /* Tiles of ROWS rows: tile t lists the columns goff[t] .. goff[t + 1] of
     gcol, and holds the values x - shift of its rows at gval[(goff[t] + kk)
     ROWS + r] (row r, kk-th listed column). Dense (h > 0 only; the dense
     linear pass reads x): every column, shift 0. Sparse: only the columns
     where some row of the tile differs from its column's shift. shift: NULL
     when dense. */
  const long *goff;
  const int32_t *gcol;
  const float *gval, *shift;
} Prob;

/* A call's row groups and column shifts (owned, freed after training). */
typedef struct {
  long *off;
  int32_t *col;
  float *val, *shift;
} Groups;

/* Sparse ("auto") when at most this share of the dense form's values remains. */
static const double SPARSE_SHARE = 0.5;

/* Column shifts: each column's majority value (a Boyer-Moore vote confirmed by
   a count), else 0. cand, votes: d scratch values each. */
static void kd_shifts(int n, int d, const float *x, float *shift, float *cand, long *votes) {
  for (int k = 0; k < d; k++) cand[k] = 0.0f, votes[k] = 0;
  for (int i = 0; i < n; i++) {
    const float *xi = x + (long)i * d;
    for (int k = 0; k < d; k++) {
      if (votes[k] == 0) cand[k] = xi[k], votes[k] = 1;
      else votes[k] += xi[k] == cand[k] ? 1 : -1;
    }
  }
  for (int k = 0; k < d; k++) votes[k] = 0;
  for (int i = 0; i < n; i++) {
    const float *xi = x + (long)i * d;
    for (int k = 0; k < d; k++) votes[k] += xi[k] == cand[k];
  }
  for (int k = 0; k < d; k++) shift[k] = 2 * votes[k] > n ? cand[k] : 0.0f;
}

/* The groups of R rows of x (see Prob); rows from n on count as equal to the
   shift. shift NULL: every column, values x. Fills goff (G + 1 offsets) and,
   when gcol is not NULL, gcol and gval; returns the listed columns in all. */
static long kd_groups(int n, int d, int R, const float *x, const float *shift, long *goff,
                      int32_t *gcol, float *gval) {
  const int G = (n + R - 1) / R;
  long e = 0;
  goff[0] = 0;
  for (int t = 0; t < G; t++) {
    for (int k = 0; k < d; k++) {
      int any = shift == NULL;
      for (int r = 0; r < R && !any; r++) {
        const long i = (long)t * R + r;
        any = i < n && x[i * d + k] != shift[k];
      }
      if (!any) continue;
      if (gcol) {
        gcol[e] = k;
        for (int r = 0; r < R; r++) {
          const long i = (long)t * R + r;
          gval[e * R + r] = i < n ? x[i * d + k] - (shift ? shift[k] : 0.0f) : 0.0f;
        }
      }
      e++;
    }
    goff[t + 1] = e;
  }
  return e;
}

/* Internal index of flattened (PyTorch-order) parameter i. */
static long internal_index(int d, int h, int hp, int o, long i) {
  if (h == 0) return i;
  if (i < (long)h * d) return (i % d) * hp + i / d;
  i -= (long)h * d;
  if (i < h) return (long)d * hp + i;
  i -= h;
  if (i < (long)o * h) return (long)d * hp + hp + (i / h) * hp + i % h;
  i -= (long)o * h;
  return (long)d * hp + hp + (long)o * hp + i;
}

/*
 * The kernel is compiled twice from the section after #else: with AVX and FMA
 * enabled (x86-64 only; chosen at run time when the CPU has both) and plain.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("avx,fma")
#define FN(name) name##_avx
#define ROWS 5
#include __FILE__
#undef ROWS
#undef FN
#pragma GCC pop_options
#define KD_HAVE_AVX 1
#elif defined(__x86_64__) && defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx,fma"))), apply_to = function)
#define FN(name) name##_avx
#define ROWS 5
#include __FILE__
#undef ROWS
#undef FN
#pragma clang attribute pop
#define KD_HAVE_AVX 1
#endif
#define FN(name) name##_generic
#define ROWS 4
#include __FILE__
#undef ROWS
#undef FN

/* 1 when this CPU runs the AVX + FMA variant, 0 for the plain one. */
int kd_variant(void) {
#ifdef KD_HAVE_AVX
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

/*
 * Train `count` students. Returns 0, or -1 when memory runs out.
 *   x: n x d shared inputs; loss_kind 0 = mse (y: n x o per student, ystride
 *   floats between students, 0 when shared), 1 = cross-entropy (labels: n per
 *   student, lstride between students); coef: n loss coefficients w_i / sum w
 *   per student (cstride, 0 when shared); params: count x P flat parameters,
 *   the init on entry and the trained values on return; losses: count x epochs
 *   (loss before each update); final_loss: count; track: T flat indices whose
 *   values after each epoch go to traj (count x T x (epochs + 1)).
 *   inputs: 0 dense, 1 sparse (see Prob), 2 sparse when at most SPARSE_SHARE
 *   of the entries the passes would read remain. Returns 0 (dense) or 1
 *   (sparse) when trained, -1 when memory runs out.
 */
int kd_train(int n, int d, int h, int o, int loss_kind, int count, int epochs, double lr,
             const float *x, const float *y, long ystride, const int32_t *labels, long lstride,
             const float *coef, long cstride, float *params, float *losses, float *final_loss,
             const int32_t *track, int T, float *traj, int inputs) {
  static int avx = -1;
  if (avx < 0) avx = kd_variant();
#ifdef KD_HAVE_AVX
  if (avx) return train_avx(n, d, h, o, loss_kind, count, epochs, lr, x, y, ystride, labels, lstride, coef, cstride, params, losses, final_loss, track, T, traj, inputs);
#endif
  return train_generic(n, d, h, o, loss_kind, count, epochs, lr, x, y, ystride, labels, lstride, coef, cstride, params, losses, final_loss, track, T, traj, inputs);
}

/* Version tag checked by the loader (bump when the signature changes). */
int kd_version(void) { return 3; }

#else /* KD_VARIANT_BODY: one variant of the kernel, names suffixed by FN */

static inline v8 FN(ld)(const float *p) {
  v8 v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void FN(st)(float *p, v8 v) { memcpy(p, &v, sizeof v); }
static inline v8 FN(relu)(v8 z) {
  const v8 zero = {0};
  return (v8)((v8i)z & (z > zero));
}
static inline v8 FN(mask_pos)(v8 v, v8 a) {
  const v8 zero = {0};
  return (v8)((v8i)v & (a > zero));
}
static inline float FN(hsum)(v8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}


/* Loss value and the gradient with respect to the outputs of one row. */
static inline double FN(row_loss)(const Prob *p, int i, const float *out, float *g) {
  const int o = p->o;
  const double c = p->coef[i];
  if (i >= p->n) {
    for (int q = 0; q < o; q++) g[q] = 0.0f;
    return 0.0;
  }
  if (!p->ce && o == 1) {
    const double r = (double)out[0] - (double)p->y[i];
    g[0] = (float)(2.0 * c * r);
    return c * r * r;
  }
  if (!p->ce) {
    double l = 0.0;
    for (int q = 0; q < o; q++) {
      const double r = (double)out[q] - (double)p->y[i * o + q];
      l += r * r;
      g[q] = (float)((2.0 * c * r) / o);
    }
    return (c * l) / o;
  }
  double mx = -INFINITY, se = 0.0;
  for (int q = 0; q < o; q++) if (out[q] > mx) mx = out[q];
  for (int q = 0; q < o; q++) se += exp((double)out[q] - mx);
  const double lse = mx + log(se);
  const int label = p->lab[i];
  for (int q = 0; q < o; q++) {
    g[q] = (float)(c * (exp((double)out[q] - lse) - (q == label ? 1.0 : 0.0)));
  }
  return c * (lse - (double)out[label]);
}

/* Body of pass_hidden (below) for a given number of outputs o. */
static inline __attribute__((always_inline)) double FN(pass_hidden_o)(
    const Prob *p, const float *th, float *grad, float *A, float *G, float *out, v8 *oacc,
    float *base, const int o) {
  const int d = p->d, hp = p->hp;
  const float *W1T = th, *b1 = th + d * hp, *W2 = b1 + hp, *b2 = W2 + o * hp;
  float *gW1T = grad, *gb1 = grad ? grad + d * hp : NULL;
  float *gW2 = grad ? gb1 + hp : NULL, *gb2 = grad ? gW2 + o * hp : NULL;
  /* With shifts, x = shift + s: the shift's share of x W1^T joins the bias. */
  const float *bz = b1;
  if (p->shift) {
    for (int j = 0; j < hp; j++) {
      double acc = b1[j];
      for (int k = 0; k < d; k++) acc += (double)p->shift[k] * W1T[(long)k * hp + j];
      base[j] = (float)acc;
    }
    bz = base;
  }
  double loss = 0.0;
  for (int i0 = 0, t = 0; i0 < p->np; i0 += ROWS, t++) {
    /* The tile's listed columns tc[0 .. cnt) and their values xv[kk ROWS + r]. */
    const int32_t *tc = p->gcol + (p->shift ? p->goff[t] : 0);
    const int cnt = (int)(p->goff[t + 1] - p->goff[t]);
    const float *xv = p->gval + p->goff[t] * ROWS;
    /* Forward: A (ROWS x hp) = relu(x W1^T + b1), and per row and output the
       vector partial sums oacc of a W2^T (one horizontal sum per output). */
    for (int q = 0; q < ROWS * o; q++) oacc[q] = (v8){0};
    for (int jb = 0; jb < hp; jb += JB) {
      const v8 bl = FN(ld)(bz + jb), bh = FN(ld)(bz + jb + 8);
      v8 al[ROWS], ah[ROWS];
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) al[r] = bl, ah[r] = bh;
      for (int kk = 0; kk < cnt; kk++) {
        const float *w = W1T + (long)tc[kk] * hp + jb;
        const v8 wl = FN(ld)(w), wh = FN(ld)(w + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
          const float xr = xv[kk * ROWS + r];
          al[r] += xr * wl;
          ah[r] += xr * wh;
        }
      }
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        al[r] = FN(relu)(al[r]);
        ah[r] = FN(relu)(ah[r]);
        FN(st)(A + r * hp + jb, al[r]);
        FN(st)(A + r * hp + jb + 8, ah[r]);
      }
      for (int q = 0; q < o; q++) {
        const v8 wl = FN(ld)(W2 + q * hp + jb), wh = FN(ld)(W2 + q * hp + jb + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) oacc[r * o + q] += al[r] * wl + ah[r] * wh;
      }
    }
    /* Outputs, loss and its gradient G (ROWS x o). */
    for (int r = 0; r < ROWS; r++) {
      for (int q = 0; q < o; q++) out[q] = b2[q] + FN(hsum)(oacc[r * o + q]);
      loss += FN(row_loss)(p, i0 + r, out, G + r * o);
    }
    if (!grad) continue;
    for (int r = 0; r < ROWS; r++) {
      for (int q = 0; q < o; q++) gb2[q] += G[r * o + q];
    }
    /* Backward, block by block of hidden units. */
    for (int jb = 0; jb < hp; jb += JB) {
      v8 dl[ROWS], dh[ROWS];
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) dl[r] = (v8){0}, dh[r] = (v8){0};
      for (int q = 0; q < o; q++) {
        const v8 wl = FN(ld)(W2 + q * hp + jb), wh = FN(ld)(W2 + q * hp + jb + 8);
        float *gw = gW2 + q * hp + jb;
        v8 gl = FN(ld)(gw), gh = FN(ld)(gw + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
          const float g = G[r * o + q];
          dl[r] += g * wl;
          dh[r] += g * wh;
          gl += g * FN(ld)(A + r * hp + jb);
          gh += g * FN(ld)(A + r * hp + jb + 8);
        }
        FN(st)(gw, gl);
        FN(st)(gw + 8, gh);
      }
      v8 sl = FN(ld)(gb1 + jb), sh = FN(ld)(gb1 + jb + 8);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        dl[r] = FN(mask_pos)(dl[r], FN(ld)(A + r * hp + jb));
        dh[r] = FN(mask_pos)(dh[r], FN(ld)(A + r * hp + jb + 8));
        sl += dl[r];
        sh += dh[r];
      }
      FN(st)(gb1 + jb, sl);
      FN(st)(gb1 + jb + 8, sh);
      for (int kk = 0; kk < cnt; kk++) {
        float *gw = gW1T + (long)tc[kk] * hp + jb;
        v8 gl = FN(ld)(gw), gh = FN(ld)(gw + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
          const float xr = xv[kk * ROWS + r];
          gl += xr * dl[r];
          gh += xr * dh[r];
        }
        FN(st)(gw, gl);
        FN(st)(gw + 8, gh);
      }
    }
  }
  /* dW1 = sum_i dz_i (shift + s_i)^T: the shift's part is shift_k db1. */
  if (grad && p->shift) {
    for (int k = 0; k < d; k++) {
      const float c = p->shift[k];
      if (c == 0.0f) continue;
      float *gw = gW1T + (long)k * hp;
      for (int j = 0; j < hp; j++) gw[j] += c * gb1[j];
    }
  }
  return loss;
}

/*
 * One pass over all rows for a student with h > 0: returns the loss; when
 * `grad` is not NULL, writes the gradient (internal layout) there. oacc holds
 * ROWS x o vectors; o = 1 gets its own copy so its sums stay in registers.
 */
static double FN(pass_hidden)(const Prob *p, const float *th, float *grad, float *A, float *G,
                              float *out, v8 *oacc, float *base) {
  if (p->o == 1) {
    v8 acc[ROWS];
    return FN(pass_hidden_o)(p, th, grad, A, G, out, acc, base, 1);
  }
  return FN(pass_hidden_o)(p, th, grad, A, G, out, oacc, base, p->o);
}

/* One pass for h = 0 (one linear layer, flat layout W o x d, b o). */
static double FN(pass_linear)(const Prob *p, const float *th, float *grad, float *out, float *g) {
  const int d = p->d, o = p->o;
  const float *W = th, *b = th + o * d;
  double loss = 0.0;
  for (int i = 0; i < p->n; i++) {
    const float *xi = p->x + i * d;
    for (int q = 0; q < o; q++) {
      float acc = b[q];
      for (int k = 0; k < d; k++) acc += W[q * d + k] * xi[k];
      out[q] = acc;
    }
    loss += FN(row_loss)(p, i, out, g);
    if (!grad) continue;
    for (int q = 0; q < o; q++) {
      float *gw = grad + q * d;
      for (int k = 0; k < d; k++) gw[k] += g[q] * xi[k];
      grad[o * d + q] += g[q];
    }
  }
  return loss;
}

/*
 * One pass for h = 0 over tiles of ROWS rows with shifts (see Prob):
 *   out_i = b + W shift + sum over the tile's listed columns k of s_ik W[:, k],
 *   dW[:, k] = sum_i s_ik g_i + shift_k db,
 * with W transposed into WT (d x op, op: o rounded up to 16, so a column of W
 * is two whole vectors) and its gradient gathered in gWT the same way; each
 * listed column's two vectors serve the tile's ROWS rows. base: op floats,
 * G: ROWS x op floats.
 */
static double FN(pass_linear_sparse)(const Prob *p, const float *th, float *grad, float *WT,
                                     float *gWT, float *base, float *out, float *G) {
  const int d = p->d, o = p->o, op = (o + 15) / 16 * 16;
  const float *W = th, *b = th + (long)o * d;
  memset(WT, 0, sizeof(float) * (size_t)d * op);
  for (int q = 0; q < o; q++) {
    double acc = b[q];
    for (int k = 0; k < d; k++) {
      WT[(long)k * op + q] = W[(long)q * d + k];
      acc += (double)p->shift[k] * W[(long)q * d + k];
    }
    base[q] = (float)acc;
  }
  for (int q = o; q < op; q++) base[q] = 0.0f;
  memset(G, 0, sizeof(float) * (size_t)ROWS * op);
  if (grad) memset(gWT, 0, sizeof(float) * (size_t)d * op);
  double loss = 0.0;
  for (int i0 = 0, t = 0; i0 < p->np; i0 += ROWS, t++) {
    const int32_t *tc = p->gcol + p->goff[t];
    const int cnt = (int)(p->goff[t + 1] - p->goff[t]);
    const float *xv = p->gval + p->goff[t] * ROWS;
    for (int qb = 0; qb < op; qb += 16) {
      v8 al[ROWS], ah[ROWS];
      const v8 bl = FN(ld)(base + qb), bh = FN(ld)(base + qb + 8);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) al[r] = bl, ah[r] = bh;
      for (int kk = 0; kk < cnt; kk++) {
        const float *w = WT + (long)tc[kk] * op + qb;
        const v8 wl = FN(ld)(w), wh = FN(ld)(w + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
          const float xr = xv[kk * ROWS + r];
          al[r] += xr * wl;
          ah[r] += xr * wh;
        }
      }
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        FN(st)(G + r * op + qb, al[r]);
        FN(st)(G + r * op + qb + 8, ah[r]);
      }
    }
    /* G holds the outputs; replace each row's by its loss gradient. */
    for (int r = 0; r < ROWS; r++) {
      for (int q = 0; q < o; q++) out[q] = G[r * op + q];
      loss += FN(row_loss)(p, i0 + r, out, G + r * op);
    }
    if (!grad) continue;
    for (int r = 0; r < ROWS; r++) {
      for (int q = 0; q < o; q++) grad[(long)o * d + q] += G[r * op + q];
    }
    for (int qb = 0; qb < op; qb += 16) {
      v8 gl[ROWS], gh[ROWS];
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        gl[r] = FN(ld)(G + r * op + qb);
        gh[r] = FN(ld)(G + r * op + qb + 8);
      }
      for (int kk = 0; kk < cnt; kk++) {
        float *gw = gWT + (long)tc[kk] * op + qb;
        v8 sl = FN(ld)(gw), sh = FN(ld)(gw + 8);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
          const float xr = xv[kk * ROWS + r];
          sl += xr * gl[r];
          sh += xr * gh[r];
        }
        FN(st)(gw, sl);
        FN(st)(gw + 8, sh);
      }
    }
  }
  if (grad) {
    const float *gb = grad + (long)o * d;
    for (int q = 0; q < o; q++) {
      for (int k = 0; k < d; k++) {
        grad[(long)q * d + k] += gWT[(long)k * op + q] + p->shift[k] * gb[q];
      }
    }
  }
  return loss;
}

/* One pass of the right kind; sc: the sparse passes' scratch (2 d op + hp + (ROWS + 1) op floats). */
static double FN(pass)(const Prob *p, const float *th, float *grad, float *A, float *G, float *out,
                       float *g, v8 *oacc, float *sc) {
  if (p->h > 0) return FN(pass_hidden)(p, th, grad, A, G, out, oacc, sc);
  if (p->shift) {
    const long op = (p->o + 15) / 16 * 16, dO = (long)p->d * op;
    return FN(pass_linear_sparse)(p, th, grad, sc, sc + dO, sc + 2 * dO, out, sc + 2 * dO + op);
  }
  return FN(pass_linear)(p, th, grad, out, g);
}

/* torch.optim.Adam's step on len parameters, float64 arithmetic, float32 storage. */
static void FN(adam)(float *restrict th, float *restrict m, float *restrict v,
                 const float *restrict gr, long len, double step_size, double bc2) {
  for (long i = 0; i < len; i++) {
    const double gi = gr[i];
    const float mi = (float)(m[i] + (gi - m[i]) * (1.0 - BETA1));
    const float vi = (float)(v[i] * BETA2 + (1.0 - BETA2) * gi * gi);
    m[i] = mi;
    v[i] = vi;
    th[i] = (float)(th[i] - (step_size * mi) / (sqrt((double)vi) / bc2 + EPS));
  }
}

static void FN(free_groups)(Groups *q) {
  free(q->off), free(q->col), free(q->val), free(q->shift);
  q->off = NULL, q->col = NULL, q->val = NULL, q->shift = NULL;
}

/*
 * The row groups the passes read (see Prob): tiles of ROWS rows (the dense
 * linear pass reads x itself).
 * Sparse when inputs is 1, or 2 and at most SPARSE_SHARE of the (group,
 * column) values remain. Returns 1 sparse, 0 dense, -1 out of memory.
 */
static int FN(groups)(int n, int np, int d, int h, const float *x, int inputs, Groups *q) {
  const int R = ROWS, Gn = np / ROWS;
  memset(q, 0, sizeof *q);
  if (inputs != 0) {
    q->shift = malloc(sizeof(float) * (size_t)d);
    float *cand = malloc(sizeof(float) * (size_t)d);
    long *votes = malloc(sizeof(long) * (size_t)d);
    q->off = malloc(sizeof(long) * (size_t)(Gn + 1));
    if (!q->shift || !cand || !votes || !q->off) return free(cand), free(votes), FN(free_groups)(q), -1;
    kd_shifts(n, d, x, q->shift, cand, votes);
    free(cand), free(votes);
    const long e = kd_groups(n, d, R, x, q->shift, q->off, NULL, NULL);
    if (inputs == 1 || (double)e <= SPARSE_SHARE * (double)Gn * d) {
      q->col = malloc(sizeof(int32_t) * (size_t)(e > 0 ? e : 1));
      q->val = malloc(sizeof(float) * (size_t)(e > 0 ? e * R : 1));
      if (!q->col || !q->val) return FN(free_groups)(q), -1;
      kd_groups(n, d, R, x, q->shift, q->off, q->col, q->val);
      return 1;
    }
    FN(free_groups)(q);
  }
  if (h == 0) return 0;
  /* Dense tiles: every column (gcol is the identity, tile t's values at t d ROWS). */
  q->off = malloc(sizeof(long) * (size_t)(Gn + 1));
  q->col = malloc(sizeof(int32_t) * (size_t)d);
  q->val = malloc(sizeof(float) * (size_t)np * d);
  if (!q->off || !q->col || !q->val) return FN(free_groups)(q), -1;
  for (int k = 0; k < d; k++) q->col[k] = k;
  for (int t = 0; t <= Gn; t++) q->off[t] = (long)t * d;
  for (int t = 0; t < Gn; t++) {
    for (int k = 0; k < d; k++) {
      for (int r = 0; r < ROWS; r++) {
        const long i = (long)t * ROWS + r;
        q->val[((long)t * d + k) * ROWS + r] = i < n ? x[i * d + k] : 0.0f;
      }
    }
  }
  return 0;
}

static int FN(train)(int n, int d, int h, int o, int loss_kind, int count, int epochs, double lr,
             const float *x, const float *y, long ystride, const int32_t *labels, long lstride,
             const float *coef, long cstride, float *params, float *losses, float *final_loss,
             const int32_t *track, int T, float *traj, int inputs) {
  const int hp = h > 0 ? (h + JB - 1) / JB * JB : 0;
  const int np = (n + ROWS - 1) / ROWS * ROWS;
  const long P = h > 0 ? (long)h * d + h + (long)o * h + o : (long)o * d + o;
  const long Pi = h > 0 ? (long)d * hp + hp + (long)o * hp + o : P;
  Groups gr0;
  const int sparse = FN(groups)(n, np, d, h, x, inputs, &gr0);
  if (sparse < 0) return -1;
  const long xfl = h == 0 && !sparse ? (long)n * d : 0; /* x for the dense linear pass */
  const long op = (o + 15) / 16 * 16;
  const long sfl = 2L * d * op + hp + (ROWS + 1) * op + 16; /* the sparse passes' scratch */
  const long bytes = 4 * ((long)8 * ROWS * o + xfl + np + 4 * Pi + (long)ROWS * (hp + o) + 2 * o + sfl + 64) + 8 * P;
  char *mem = aligned_alloc(64, (size_t)((bytes + 63) / 64 * 64));
  if (!mem) return FN(free_groups)(&gr0), -1;
  memset(mem, 0, (size_t)bytes);
  v8 *oacc = (v8 *)mem;
  float *xp = (float *)mem + 8L * ROWS * o, *cp = xp + xfl;
  float *th = cp + np, *gr = th + Pi, *m = gr + Pi, *v = m + Pi;
  float *A = v + Pi, *G = A + (long)ROWS * hp, *out = G + (long)ROWS * o, *g = out + o;
  float *sc = g + o;
  long *map = (long *)(((uintptr_t)(sc + sfl) + 7) & ~(uintptr_t)7);
  if (xfl) memcpy(xp, x, sizeof(float) * (size_t)n * d);
  for (long i = 0; i < P; i++) map[i] = internal_index(d, h, hp, o, i);
  Prob p = {n, np, d, h, hp, o, loss_kind == 1, xp, NULL, NULL, cp,
            gr0.off, gr0.col, gr0.val, sparse ? gr0.shift : NULL};
  for (int s = 0; s < count; s++) {
    p.y = y ? y + ystride * s : NULL;
    p.lab = labels ? labels + lstride * s : NULL;
    memcpy(cp, coef + cstride * s, sizeof(float) * (size_t)n);
    float *flat = params + P * s;
    memset(th, 0, sizeof(float) * (size_t)Pi);
    memset(m, 0, sizeof(float) * (size_t)Pi);
    memset(v, 0, sizeof(float) * (size_t)Pi);
    for (long i = 0; i < P; i++) th[map[i]] = flat[i];
    float *tr = traj + (long)T * (epochs + 1) * s;
    for (int t = 0; t < T; t++) tr[(long)t * (epochs + 1)] = th[map[track[t]]];
    for (int e = 0; e < epochs; e++) {
      memset(gr, 0, sizeof(float) * (size_t)Pi);
      const double l = FN(pass)(&p, th, gr, A, G, out, g, oacc, sc);
      losses[(long)epochs * s + e] = (float)l;
      const int step = e + 1;
      const double step_size = lr / (1.0 - pow(BETA1, step));
      const double bc2 = sqrt(1.0 - pow(BETA2, step));
      FN(adam)(th, m, v, gr, Pi, step_size, bc2);
      for (int t = 0; t < T; t++) tr[(long)t * (epochs + 1) + step] = th[map[track[t]]];
    }
    final_loss[s] = (float)FN(pass)(&p, th, NULL, A, G, out, g, oacc, sc);
    for (long i = 0; i < P; i++) flat[i] = th[map[i]];
  }
  free(mem);
  FN(free_groups)(&gr0);
  return sparse;
}

#endif /* KD_VARIANT_BODY */
