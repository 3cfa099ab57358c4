/*
 * Native kernels of the language model (lib/llm/native.ts compiles this file
 * with the system C compiler on first use and loads it with Deno.dlopen).
 *
 * The model is lib/llm/model.ts's GPT-2 layout: token + position embeddings,
 * `L` pre-norm blocks (layer norm, causal multi-head attention, residual; layer
 * norm, GELU MLP 4x wide, residual), a final layer norm and the output head
 * tied to the token embedding. All parameters live in one float32 buffer in
 * gptParameterShapes order; the gradient buffer has the same layout.
 *
 * The matrix products call OpenBLAS's cblas_sgemm, opened here with dlopen
 * (kdl_init takes the library path). Everything else (layer norm, attention
 * with its softmax, GELU, cross-entropy, AdamW, the embedding scatter-add) is
 * a plain loop in this file, so no operand is copied between calls.
 *
 * Sequences are packed without padding: row r of a batch is one token of one
 * sequence; attention of a row reads only the keys of its own sequence at
 * positions <= its own. A row's result therefore does not depend on the other
 * rows of the batch (up to sgemm computing each row of a product the same way
 * whatever the number of rows, which OpenBLAS does: tests/llm/native_test.ts
 * checks batch-independence of sampling).
 *
 * Arithmetic is float32 throughout except the loss, the softmax sums of the
 * head, and the gradient norm (float64); GELU is computed as z·σ(2a), equal to
 * GPT-2's tanh form. Results agree with the tfjs path to
 * float32 rounding (about 1e-5 relative; tests state their tolerances), not
 * bit for bit.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The hot entry points are compiled three times (AVX-512, AVX2 + FMA, baseline
 * x86-64) from one always-inlined body, and each call picks by the CPU's
 * feature bits (kdl_cpu), so a cached library runs anywhere and the build needs
 * no CPU probing. (GCC's target_clones would pick by CPU model name, which
 * falls back to the baseline on CPUs it does not know, such as this machine's.)
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define KDL_X86 1
#define T512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define T256 __attribute__((target("avx2,fma")))
#endif
#define KDL_INLINE static inline __attribute__((always_inline))

int kdl_cpu(void);
static int cpu_level = -1;
static int level(void) {
  if (cpu_level < 0) cpu_level = kdl_cpu();
  return cpu_level;
}

typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *,
                        int, float, float *, int);
static sgemm_t SG = 0;
static char *(*CORENAME)(void) = 0;

/* OpenBLAS's name for the kernels it runs ("SkylakeX", "Haswell", "Prescott", ...), or "". */
const char *kdl_blas_core(void) { return CORENAME ? CORENAME() : ""; }

int kdl_version(void) { return 5; }

/*
 * What this CPU runs (x86-64 only, 0 elsewhere): 2 = AVX-512 (F, BW, DQ, VL),
 * 1 = AVX2 with FMA, 0 = neither. lib/llm/native.ts uses it to tell OpenBLAS
 * its core type where OpenBLAS's own detection falls back to the slow
 * generic ("Prescott") kernel on CPUs it does not know.
 */
int kdl_cpu(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return 2;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
  return 0;
}

/* Open OpenBLAS at `path` and find cblas_sgemm; 0 when it worked. */
int kdl_init(const char *path) {
  if (SG) return 0;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return 1;
  SG = (sgemm_t)dlsym(h, "cblas_sgemm");
  if (!SG) return 2;
  void (*nt)(int) = (void (*)(int))dlsym(h, "openblas_set_num_threads");
  if (nt) nt(1);
  CORENAME = (char *(*)(void))dlsym(h, "openblas_get_corename");
  return 0;
}

/* C (m x n) = op(A) op(B) + beta C, row-major. */
static void mm(int ta, int tb, int m, int n, int k, const float *a, const float *b, float beta,
               float *c) {
  if (m == 0 || n == 0) return;
  SG(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0f, a, ta ? m : k, b, tb ? k : n, beta, c, n);
}

typedef struct {
  int V, N, L, H, C;
} Cfg;

typedef struct {
  float *l1g, *l1b, *aw, *ab, *pw, *pb, *l2g, *l2b, *fw, *fb, *f2w, *f2b;
} Layer;

typedef struct {
  float *wte, *wpe, *lfg, *lfb;
  Layer *layer;
} Params;

/* Pointers into a flat buffer in gptParameterShapes order. */
static int layout(const Cfg *c, float *base, Params *p) {
  long C = c->C;
  p->layer = (Layer *)malloc(sizeof(Layer) * (c->L > 0 ? c->L : 1));
  if (!p->layer) return 1;
  p->wte = base;
  p->wpe = base + (long)c->V * C;
  float *q = p->wpe + (long)c->N * C;
  for (int l = 0; l < c->L; l++) {
    Layer *y = &p->layer[l];
    y->l1g = q; q += C;
    y->l1b = q; q += C;
    y->aw = q; q += 3 * C * C;
    y->ab = q; q += 3 * C;
    y->pw = q; q += C * C;
    y->pb = q; q += C;
    y->l2g = q; q += C;
    y->l2b = q; q += C;
    y->fw = q; q += 4 * C * C;
    y->fb = q; q += 4 * C;
    y->f2w = q; q += 4 * C * C;
    y->f2b = q; q += C;
  }
  p->lfg = q; q += C;
  p->lfb = q;
  return 0;
}

static const float LN_EPS = 1e-5f;

/* out = layer norm of each of R rows of x (width C); mean and rstd per row saved if non-null. */
KDL_INLINE void ln_fwd(int R, int C, const float *x, const float *g, const float *b, float *out,
                   float *mean, float *rstd) {
  for (int r = 0; r < R; r++) {
    const float *xr = x + (long)r * C;
    float m = 0;
    for (int i = 0; i < C; i++) m += xr[i];
    m /= C;
    float v = 0;
    for (int i = 0; i < C; i++) {
      float d = xr[i] - m;
      v += d * d;
    }
    v /= C;
    float s = 1.0f / sqrtf(v + LN_EPS);
    float *o = out + (long)r * C;
    for (int i = 0; i < C; i++) o[i] = (xr[i] - m) * s * g[i] + b[i];
    if (mean) mean[r] = m;
    if (rstd) rstd[r] = s;
  }
}

/* dx += LN backward of dy; dg, db accumulate. */
KDL_INLINE void ln_bwd(int R, int C, const float *x, const float *mean, const float *rstd,
                   const float *g, const float *dy, float *dx, float *dg, float *db) {
  for (int r = 0; r < R; r++) {
    const float *xr = x + (long)r * C, *dr = dy + (long)r * C;
    float m = mean[r], s = rstd[r];
    float a = 0, bsum = 0;
    for (int i = 0; i < C; i++) {
      float xh = (xr[i] - m) * s;
      float dxh = dr[i] * g[i];
      a += dxh;
      bsum += dxh * xh;
      dg[i] += dr[i] * xh;
      db[i] += dr[i];
    }
    a /= C;
    bsum /= C;
    float *o = dx + (long)r * C;
    for (int i = 0; i < C; i++) {
      float xh = (xr[i] - m) * s;
      o[i] += s * (dr[i] * g[i] - a - xh * bsum);
    }
  }
}

/*
 * e^x in float32 without a library call, so loops calling it vectorize: x =
 * n ln 2 + r with |r| <= ln2/2 (n by the 1.5·2^23 rounding trick, ln 2 split in
 * two parts), e^r by its degree-6 Taylor polynomial (relative error below
 * 2e-7 on that range, about 2 ulp), times 2^n built in the exponent bits.
 * Inputs are clamped to [-87, 88]: e^-87 ~ 1.6e-38 stands in for 0 (it only
 * ever enters sums next to numbers near 1) and e^88 does not overflow.
 */
KDL_INLINE float fexp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  float t = x * 1.44269504088896341f + 12582912.0f;
  float n = t - 12582912.0f;
  int32_t ti;
  memcpy(&ti, &t, 4);
  float r = x - n * 0.693145751953125f;
  r = r - n * 1.428606765330187e-06f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t e = (ti - 0x4B400000 + 127) << 23;
  float sc;
  memcpy(&sc, &e, 4);
  return p * sc;
}

/* Largest of n floats (16 running maxima, so the loop vectorizes). */
KDL_INLINE float vmax(const float *z, int n) {
  float m[16];
  for (int j = 0; j < 16; j++) m[j] = -INFINITY;
  int k = 0;
  for (; k + 16 <= n; k += 16)
    for (int j = 0; j < 16; j++) m[j] = z[k + j] > m[j] ? z[k + j] : m[j];
  float mx = -INFINITY;
  for (int j = 0; j < 16; j++) mx = m[j] > mx ? m[j] : mx;
  for (; k < n; k++) mx = z[k] > mx ? z[k] : mx;
  return mx;
}

/* Σ a_i b_i over n, in 8 interleaved partial sums added in a fixed order (vectorizes). */
KDL_INLINE float dot(const float *a, const float *b, int n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += a[i + j] * b[i + j];
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

static const float GELU_K = 0.7978845608028654f; /* sqrt(2/pi) */
static const float GELU_A = 0.044715f;

/*
 * GPT-2's GELU 0.5 z (1 + tanh(a)), a = √(2/π)(z + 0.044715 z³), written as
 * z σ(2a) (the same function: 0.5(1 + tanh a) = σ(2a)), one expf, no cancellation.
 * Its derivative: σ + 2 z σ(1 − σ) a'.
 */
KDL_INLINE float gelu_sig(float z) {
  return 1.0f / (1.0f + fexp(-2.0f * GELU_K * (z + GELU_A * z * z * z)));
}

KDL_INLINE void add_bias(int R, int n, float *x, const float *b) {
  for (int r = 0; r < R; r++) {
    float *xr = x + (long)r * n;
    for (int i = 0; i < n; i++) xr[i] += b[i];
  }
}

KDL_INLINE void bias_grad(int R, int n, const float *dy, float *db) {
  for (int r = 0; r < R; r++) {
    const float *d = dy + (long)r * n;
    for (int i = 0; i < n; i++) db[i] += d[i];
  }
}

/*
 * Attention of one row: query q (head h) against keys/values at rows kbase +
 * j * kstride for j = 0..n-1 (n = position + 1); probabilities written to p (n
 * floats), output to y (D floats).
 */
KDL_INLINE void attend(int D, float scale, const float *q, const float *kv0, long kstride, int voff,
                   int n, float *p, float *y) {
  float mx = -INFINITY;
  for (int j = 0; j < n; j++) {
    float s = dot(q, kv0 + j * kstride, D) * scale;
    p[j] = s;
    if (s > mx) mx = s;
  }
  float sum = 0;
  for (int j = 0; j < n; j++) {
    p[j] = fexp(p[j] - mx);
    sum += p[j];
  }
  float inv = 1.0f / sum;
  for (int d = 0; d < D; d++) y[d] = 0;
  for (int j = 0; j < n; j++) {
    p[j] *= inv;
    const float *v = kv0 + j * kstride + voff;
    for (int d = 0; d < D; d++) y[d] += p[j] * v[d];
  }
}

/* ---------------------------------------------------------------- inference */

/*
 * One incremental forward pass. Row r is token ids[r] at position pos[r] of the
 * sequence in cache slot slot[r]; its key and value are written to the cache
 * (kc, vc: slots x L x N x C) and it attends to positions 0..pos[r] of its slot
 * (earlier rows of the same slot in this call included). Logits of rows
 * outrows[0..nout-1] go to logits (nout x V). Returns 0, or 1 when out of memory.
 */
KDL_INLINE int kdl_infer_impl(int V, int N, int L, int H, int C, float *params, int R, const int32_t *slot,
              const int32_t *ids, const int32_t *pos, float *kc, float *vc, int nout,
              const int32_t *outrows, float *logits) {
  Cfg cfg = {V, N, L, H, C};
  Params P;
  if (layout(&cfg, params, &P)) return 1;
  int D = C / H;
  float scale = 1.0f / sqrtf((float)D);
  float *x = malloc(sizeof(float) * R * C), *a = malloc(sizeof(float) * R * C);
  float *qkv = malloc(sizeof(float) * R * 3 * C), *y = malloc(sizeof(float) * R * C);
  float *u = malloc(sizeof(float) * R * 4 * C), *pr = malloc(sizeof(float) * N);
  float *hf = malloc(sizeof(float) * (nout > 0 ? nout : 1) * C);
  int rc = 0;
  if (!x || !a || !qkv || !y || !u || !pr || !hf) {
    rc = 1;
    goto done;
  }
  for (int r = 0; r < R; r++)
    for (int i = 0; i < C; i++)
      x[(long)r * C + i] = P.wte[(long)ids[r] * C + i] + P.wpe[(long)pos[r] * C + i];
  for (int l = 0; l < L; l++) {
    Layer *w = &P.layer[l];
    ln_fwd(R, C, x, w->l1g, w->l1b, a, 0, 0);
    mm(0, 0, R, 3 * C, C, a, w->aw, 0, qkv);
    add_bias(R, 3 * C, qkv, w->ab);
    for (int r = 0; r < R; r++) {
      long base = (((long)slot[r] * L + l) * N + pos[r]) * C;
      memcpy(kc + base, qkv + (long)r * 3 * C + C, sizeof(float) * C);
      memcpy(vc + base, qkv + (long)r * 3 * C + 2 * C, sizeof(float) * C);
    }
    for (int r = 0; r < R; r++) {
      long base = ((long)slot[r] * L + l) * N * C;
      for (int h = 0; h < H; h++) {
        /* keys and values sit in separate buffers: attend over K, then combine V. */
        const float *q = qkv + (long)r * 3 * C + h * D;
        int n = pos[r] + 1;
        float mx = -INFINITY;
        for (int j = 0; j < n; j++) {
          float s = dot(q, kc + base + (long)j * C + h * D, D) * scale;
          pr[j] = s;
          if (s > mx) mx = s;
        }
        float sum = 0;
        for (int j = 0; j < n; j++) {
          pr[j] = fexp(pr[j] - mx);
          sum += pr[j];
        }
        float inv = 1.0f / sum;
        float *yo = y + (long)r * C + h * D;
        for (int d = 0; d < D; d++) yo[d] = 0;
        for (int j = 0; j < n; j++) {
          float pj = pr[j] * inv;
          const float *v = vc + base + (long)j * C + h * D;
          for (int d = 0; d < D; d++) yo[d] += pj * v[d];
        }
      }
    }
    /* x += y Wp + bp */
    mm(0, 0, R, C, C, y, w->pw, 1.0f, x);
    add_bias(R, C, x, w->pb);
    ln_fwd(R, C, x, w->l2g, w->l2b, a, 0, 0);
    mm(0, 0, R, 4 * C, C, a, w->fw, 0, u);
    for (int r = 0; r < R; r++) {
      float *ur = u + (long)r * 4 * C;
      for (int i = 0; i < 4 * C; i++) {
        float z = ur[i] + w->fb[i];
        ur[i] = z * gelu_sig(z);
      }
    }
    mm(0, 0, R, C, 4 * C, u, w->f2w, 1.0f, x);
    add_bias(R, C, x, w->f2b);
  }
  for (int o = 0; o < nout; o++) memcpy(a + (long)o * C, x + (long)outrows[o] * C, sizeof(float) * C);
  ln_fwd(nout, C, a, P.lfg, P.lfb, hf, 0, 0);
  mm(0, 1, nout, V, C, hf, P.wte, 0, logits);
done:
  free(x);
  free(a);
  free(qkv);
  free(y);
  free(u);
  free(pr);
  free(hf);
  free(P.layer);
  return rc;
}

/* Copy cache slot `from` to slot `to` (positions 0..n-1 of every layer). */
void kdl_copy_slot(int L, int N, int C, float *kc, float *vc, int from, int to, int n) {
  for (int l = 0; l < L; l++) {
    long s = ((long)from * L + l) * N * C, d = ((long)to * L + l) * N * C;
    memcpy(kc + d, kc + s, sizeof(float) * n * C);
    memcpy(vc + d, vc + s, sizeof(float) * n * C);
  }
}

/* ----------------------------------------------------------------- training */

/*
 * Loss and gradient of the answer-only cross-entropy on a packed batch: S
 * sequences, sequence s at rows start[s]..start[s+1]-1 (positions 0..), token
 * ids ids[r]; the loss is the mean over the nsel rows sel[] of
 * -log softmax(head(row))[tgt[i]]. Gradients are written (not added) to grad,
 * laid out as params. Returns the loss, or NaN when out of memory.
 */
KDL_INLINE double kdl_loss_grad_impl(int V, int N, int L, int H, int C, float *params, float *grad, int S,
                     const int32_t *start, const int32_t *ids, int nsel, const int32_t *sel,
                     const int32_t *tgt, int ntot) {
  Cfg cfg = {V, N, L, H, C};
  Params P, G;
  int R = start[S];
  int D = C / H;
  float scale = 1.0f / sqrtf((float)D);
  double loss = NAN;
  if (layout(&cfg, params, &P)) return NAN;
  if (layout(&cfg, grad, &G)) {
    free(P.layer);
    return NAN;
  }
  long RC = (long)R * C;
  long attn = 0; /* probabilities: per sequence H x len x len */
  for (int s = 0; s < S; s++) {
    long n = start[s + 1] - start[s];
    attn += H * n * n;
  }
  /* per layer: xin, ln1, y, xmid, ln2 (RC each), qkv 3RC, u and g 4RC each, att; 4R stats */
  long per = 5 * RC + 3 * RC + 8 * RC + attn + 4L * R;
  float *act = malloc(sizeof(float) * (per * L + 3 * RC + 2L * R));
  float *logit = malloc(sizeof(float) * (long)(nsel > 0 ? nsel : 1) * V);
  float *hs = malloc(sizeof(float) * (long)(nsel > 0 ? nsel : 1) * C);
  float *dx = malloc(sizeof(float) * RC), *db = malloc(sizeof(float) * RC * 4);
  float *dbig = malloc(sizeof(float) * RC * 4), *dqkv = malloc(sizeof(float) * RC * 3);
  int32_t *posOf = malloc(sizeof(int32_t) * (R > 0 ? R : 1));
  if (!act || !logit || !hs || !dx || !db || !dbig || !dqkv || !posOf) goto done;
  for (int s = 0; s < S; s++)
    for (int r = start[s]; r < start[s + 1]; r++) posOf[r] = r - start[s];
#define LA(l) (act + (long)(l) * per)
#define XIN(l) (LA(l))
#define LN1(l) (LA(l) + RC)
#define YY(l) (LA(l) + 2 * RC)
#define XMID(l) (LA(l) + 3 * RC)
#define LN2(l) (LA(l) + 4 * RC)
#define QKV(l) (LA(l) + 5 * RC)
#define UU(l) (LA(l) + 8 * RC)
#define GG(l) (LA(l) + 12 * RC)
#define ATT(l) (LA(l) + 16 * RC)
#define ST(l) (LA(l) + 16 * RC + attn)
  float *xL = act + per * L, *hf = xL + RC, *stf = hf + RC; /* stf: mean R, rstd R */
  /* ---- forward */
  for (int r = 0; r < R; r++)
    for (int i = 0; i < C; i++)
      XIN(0)[(long)r * C + i] = P.wte[(long)ids[r] * C + i] + P.wpe[(long)posOf[r] * C + i];
  for (int l = 0; l < L; l++) {
    Layer *w = &P.layer[l];
    float *st = ST(l);
    float *xin = XIN(l), *xout = l + 1 < L ? XIN(l + 1) : xL;
    ln_fwd(R, C, xin, w->l1g, w->l1b, LN1(l), st, st + R);
    float *qkv = QKV(l);
    mm(0, 0, R, 3 * C, C, LN1(l), w->aw, 0, qkv);
    add_bias(R, 3 * C, qkv, w->ab);
    float *att = ATT(l);
    for (int s = 0; s < S; s++) {
      int s0 = start[s], n = start[s + 1] - s0;
      for (int h = 0; h < H; h++) {
        for (int i = 0; i < n; i++) {
          float *p = att + (long)h * n * n + (long)i * n;
          attend(D, scale, qkv + (long)(s0 + i) * 3 * C + h * D, qkv + (long)s0 * 3 * C + C + h * D,
                 3 * C, C, i + 1, p, YY(l) + (long)(s0 + i) * C + h * D);
          for (int j = i + 1; j < n; j++) p[j] = 0;
        }
      }
      att += (long)H * n * n;
    }
    float *xm = XMID(l);
    memcpy(xm, xin, sizeof(float) * RC);
    mm(0, 0, R, C, C, YY(l), w->pw, 1.0f, xm);
    add_bias(R, C, xm, w->pb);
    ln_fwd(R, C, xm, w->l2g, w->l2b, LN2(l), st + 2 * R, st + 3 * R);
    float *u = UU(l), *g = GG(l);
    mm(0, 0, R, 4 * C, C, LN2(l), w->fw, 0, u);
    for (int r = 0; r < R; r++) {
      float *ur = u + (long)r * 4 * C, *gr = g + (long)r * 4 * C;
      for (int i = 0; i < 4 * C; i++) {
        float z = ur[i] + w->fb[i];
        ur[i] = z;
        gr[i] = z * gelu_sig(z);
      }
    }
    memcpy(xout, xm, sizeof(float) * RC);
    mm(0, 0, R, C, 4 * C, g, w->f2w, 1.0f, xout);
    add_bias(R, C, xout, w->f2b);
  }
  ln_fwd(R, C, xL, P.lfg, P.lfb, hf, stf, stf + R);
  for (int i = 0; i < nsel; i++) memcpy(hs + (long)i * C, hf + (long)sel[i] * C, sizeof(float) * C);
  mm(0, 1, nsel, V, C, hs, P.wte, 0, logit);
  /* ---- loss and d logits */
  double total = 0;
  float invn = 1.0f / (float)(ntot > 0 ? ntot : 1);
  for (int i = 0; i < nsel; i++) {
    float *z = logit + (long)i * V;
    float mx = vmax(z, V);
    double sum = 0;
    float zt = z[tgt[i]];
    for (int k = 0; k < V; k++) z[k] = fexp(z[k] - mx);
    for (int k = 0; k < V; k++) sum += z[k];
    total += log(sum) - (double)(zt - mx);
    float sc = (float)(1.0 / sum) * invn;
    for (int k = 0; k < V; k++) z[k] *= sc;
    z[tgt[i]] -= invn;
  }
  loss = total;
  /* ---- backward */
  /* Weight gradients are written by sgemm with beta 0 (wte's first, by the head);
     zero only what is accumulated: wpe, biases and layer-norm parameters. */
  memset(G.wpe, 0, sizeof(float) * N * C);
  for (int l = 0; l < L; l++) {
    Layer *gw = &G.layer[l];
    memset(gw->l1g, 0, sizeof(float) * 2 * C);
    memset(gw->ab, 0, sizeof(float) * 3 * C);
    memset(gw->pb, 0, sizeof(float) * 3 * C); /* pb, l2g, l2b */
    memset(gw->fb, 0, sizeof(float) * 4 * C);
    memset(gw->f2b, 0, sizeof(float) * C);
  }
  memset(G.lfg, 0, sizeof(float) * 2 * C);
  mm(1, 0, V, C, nsel, logit, hs, 0, G.wte); /* dwte (head) = dlogitsᵀ hs */
  memset(db, 0, sizeof(float) * RC);         /* db: d hf, rows */
  mm(0, 0, nsel, C, V, logit, P.wte, 0, hs); /* hs now holds d hs */
  for (int i = 0; i < nsel; i++) {
    float *d = db + (long)sel[i] * C;
    for (int k = 0; k < C; k++) d[k] += hs[(long)i * C + k];
  }
  memset(dx, 0, sizeof(float) * RC);
  ln_bwd(R, C, xL, stf, stf + R, P.lfg, db, dx, G.lfg, G.lfb);
  /* dx: gradient of the residual stream at the output of layer l */
  for (int l = L - 1; l >= 0; l--) {
    Layer *w = &P.layer[l], *gw = &G.layer[l];
    float *st = ST(l);
    /* MLP branch: out = g W2 + b2 */
    bias_grad(R, C, dx, gw->f2b);
    mm(1, 0, 4 * C, C, R, GG(l), dx, 0, gw->f2w);
    mm(0, 1, R, 4 * C, C, dx, w->f2w, 0, dbig); /* d g */
    float *u = UU(l);
    for (long i = 0; i < 4 * RC; i++) {
      float z = u[i], sg = gelu_sig(z);
      float dg = sg + 2.0f * z * sg * (1.0f - sg) * GELU_K * (1.0f + 3.0f * GELU_A * z * z);
      dbig[i] *= dg;
    }
    bias_grad(R, 4 * C, dbig, gw->fb);
    mm(1, 0, C, 4 * C, R, LN2(l), dbig, 0, gw->fw);
    mm(0, 1, R, C, 4 * C, dbig, w->fw, 0, db); /* d ln2 */
    ln_bwd(R, C, XMID(l), st + 2 * R, st + 3 * R, w->l2g, db, dx, gw->l2g, gw->l2b);
    /* attention branch: xmid = xin + y Wp + bp; dx is now d xmid */
    bias_grad(R, C, dx, gw->pb);
    mm(1, 0, C, C, R, YY(l), dx, 0, gw->pw);
    mm(0, 1, R, C, C, dx, w->pw, 0, db); /* d y */
    memset(dqkv, 0, sizeof(float) * RC * 3);
    float *qkv = QKV(l), *att = ATT(l);
    for (int s = 0; s < S; s++) {
      int s0 = start[s], n = start[s + 1] - s0;
      for (int h = 0; h < H; h++) {
        for (int i = 0; i < n; i++) {
          const float *p = att + (long)h * n * n + (long)i * n;
          const float *dy = db + (long)(s0 + i) * C + h * D;
          const float *q = qkv + (long)(s0 + i) * 3 * C + h * D;
          float *dq = dqkv + (long)(s0 + i) * 3 * C + h * D;
          /* dP_j = dy·v_j; dv_j += P_j dy; dS_j = P_j (dP_j - Σ P dP) */
          float dp[N > 0 ? N : 1];
          float pdp = 0;
          for (int j = 0; j <= i; j++) {
            const float *v = qkv + (long)(s0 + j) * 3 * C + 2 * C + h * D;
            float *dv = dqkv + (long)(s0 + j) * 3 * C + 2 * C + h * D;
            float e = dot(dy, v, D);
            for (int d = 0; d < D; d++) dv[d] += p[j] * dy[d];
            dp[j] = e;
            pdp += p[j] * e;
          }
          for (int j = 0; j <= i; j++) {
            float ds = p[j] * (dp[j] - pdp) * scale;
            const float *k = qkv + (long)(s0 + j) * 3 * C + C + h * D;
            float *dk = dqkv + (long)(s0 + j) * 3 * C + C + h * D;
            for (int d = 0; d < D; d++) {
              dq[d] += ds * k[d];
              dk[d] += ds * q[d];
            }
          }
        }
      }
      att += (long)H * n * n;
    }
    bias_grad(R, 3 * C, dqkv, gw->ab);
    mm(1, 0, C, 3 * C, R, LN1(l), dqkv, 0, gw->aw);
    mm(0, 1, R, C, 3 * C, dqkv, w->aw, 0, db); /* d ln1 */
    ln_bwd(R, C, XIN(l), st, st + R, w->l1g, db, dx, gw->l1g, gw->l1b);
  }
  for (int r = 0; r < R; r++) {
    float *te = G.wte + (long)ids[r] * C, *pe = G.wpe + (long)posOf[r] * C;
    const float *d = dx + (long)r * C;
    for (int i = 0; i < C; i++) {
      te[i] += d[i];
      pe[i] += d[i];
    }
  }
done:
  free(act);
  free(logit);
  free(hs);
  free(dx);
  free(db);
  free(dbig);
  free(dqkv);
  free(posOf);
  free(P.layer);
  free(G.layer);
  return loss;
}

/* Σ g² in float64. */
KDL_INLINE double kdl_sumsq_impl(long n, const float *g) {
  double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) a[j] += (double)g[i + j] * g[i + j];
  double s = 0;
  for (; i < n; i++) s += (double)g[i] * g[i];
  for (int j = 0; j < 8; j++) s += a[j];
  return s;
}

/*
 * One AdamW update as lib/llm/adamw.ts (torch.optim.AdamW): with g ← g·clip,
 * m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p·(1 − lr·wd) where decayed;
 * p ← p − (lr/c1) · m / (√(v/c2) + eps). hp = {lr, β1, β2, eps, wd, clip, c1, c2}.
 */
KDL_INLINE void kdl_adamw_impl(long n, float *p, const float *g, float *m, float *v, const uint8_t *decayed,
               const double *hp) {
  float lr = (float)hp[0], b1 = (float)hp[1], b2 = (float)hp[2], eps = (float)hp[3];
  float wd = (float)hp[4], clip = (float)hp[5], c1 = (float)hp[6], c2 = (float)hp[7];
  float ob1 = 1.0f - b1, ob2 = 1.0f - b2, step = lr / c1, keep = 1.0f - lr * wd;
  for (long i = 0; i < n; i++) {
    float gi = clip == 1.0f ? g[i] : g[i] * clip;
    float mi = m[i] * b1 + gi * ob1;
    float vi = v[i] * b2 + gi * gi * ob2;
    m[i] = mi;
    v[i] = vi;
    float base = (decayed[i] && wd > 0) ? p[i] * keep : p[i];
    p[i] = base - (mi / (sqrtf(vi / c2) + eps)) * step;
  }
}

/* ---------------------------------------------------------------- dispatch */

#ifdef KDL_X86
T512 static int kdl_infer_512(int V, int N, int L, int H, int C, float *params, int R, const int32_t *slot, const int32_t *ids, const int32_t *pos, float *kc, float *vc, int nout, const int32_t *outrows, float *logits) { return kdl_infer_impl(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits); }
T256 static int kdl_infer_256(int V, int N, int L, int H, int C, float *params, int R, const int32_t *slot, const int32_t *ids, const int32_t *pos, float *kc, float *vc, int nout, const int32_t *outrows, float *logits) { return kdl_infer_impl(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits); }
#endif
static int kdl_infer_def(int V, int N, int L, int H, int C, float *params, int R, const int32_t *slot, const int32_t *ids, const int32_t *pos, float *kc, float *vc, int nout, const int32_t *outrows, float *logits) { return kdl_infer_impl(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits); }
static int infer_one(int V, int N, int L, int H, int C, float *params, int R, const int32_t *slot, const int32_t *ids, const int32_t *pos, float *kc, float *vc, int nout, const int32_t *outrows, float *logits) {
#ifdef KDL_X86
  int c = level();
  if (c == 2) return kdl_infer_512(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits);
  if (c == 1) return kdl_infer_256(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits);
#endif
  return kdl_infer_def(V, N, L, H, C, params, R, slot, ids, pos, kc, vc, nout, outrows, logits);
}

#ifdef KDL_X86
T512 static double kdl_loss_grad_512(int V, int N, int L, int H, int C, float *params, float *grad, int S, const int32_t *start, const int32_t *ids, int nsel, const int32_t *sel, const int32_t *tgt, int ntot) { return kdl_loss_grad_impl(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot); }
T256 static double kdl_loss_grad_256(int V, int N, int L, int H, int C, float *params, float *grad, int S, const int32_t *start, const int32_t *ids, int nsel, const int32_t *sel, const int32_t *tgt, int ntot) { return kdl_loss_grad_impl(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot); }
#endif
static double kdl_loss_grad_def(int V, int N, int L, int H, int C, float *params, float *grad, int S, const int32_t *start, const int32_t *ids, int nsel, const int32_t *sel, const int32_t *tgt, int ntot) { return kdl_loss_grad_impl(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot); }
static double loss_grad_one(int V, int N, int L, int H, int C, float *params, float *grad, int S, const int32_t *start, const int32_t *ids, int nsel, const int32_t *sel, const int32_t *tgt, int ntot) {
#ifdef KDL_X86
  int c = level();
  if (c == 2) return kdl_loss_grad_512(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot);
  if (c == 1) return kdl_loss_grad_256(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot);
#endif
  return kdl_loss_grad_def(V, N, L, H, C, params, grad, S, start, ids, nsel, sel, tgt, ntot);
}

#ifdef KDL_X86
T512 static void kdl_adamw_512(long n, float *p, const float *g, float *m, float *v, const uint8_t *decayed, const double *hp) { return kdl_adamw_impl(n, p, g, m, v, decayed, hp); }
T256 static void kdl_adamw_256(long n, float *p, const float *g, float *m, float *v, const uint8_t *decayed, const double *hp) { return kdl_adamw_impl(n, p, g, m, v, decayed, hp); }
#endif
static void kdl_adamw_def(long n, float *p, const float *g, float *m, float *v, const uint8_t *decayed, const double *hp) { return kdl_adamw_impl(n, p, g, m, v, decayed, hp); }
void kdl_adamw(long n, float *p, const float *g, float *m, float *v, const uint8_t *decayed, const double *hp) {
#ifdef KDL_X86
  int c = level();
  if (c == 2) return kdl_adamw_512(n, p, g, m, v, decayed, hp);
  if (c == 1) return kdl_adamw_256(n, p, g, m, v, decayed, hp);
#endif
  return kdl_adamw_def(n, p, g, m, v, decayed, hp);
}

#ifdef KDL_X86
T512 static double kdl_sumsq_512(long n, const float *g) { return kdl_sumsq_impl(n, g); }
T256 static double kdl_sumsq_256(long n, const float *g) { return kdl_sumsq_impl(n, g); }
#endif
static double kdl_sumsq_def(long n, const float *g) { return kdl_sumsq_impl(n, g); }
double kdl_sumsq(long n, const float *g) {
#ifdef KDL_X86
  int c = level();
  if (c == 2) return kdl_sumsq_512(n, g);
  if (c == 1) return kdl_sumsq_256(n, g);
#endif
  return kdl_sumsq_def(n, g);
}

/* ------------------------------------------------------------------ threads */

typedef struct {
  int V, N, L, H, C, R, nout, rc;
  float *params, *kc, *vc, *logits;
  const int32_t *slot, *ids, *pos;
  int32_t *outrows;
} InferJob;

static void *infer_run(void *arg) {
  InferJob *j = (InferJob *)arg;
  j->rc = infer_one(j->V, j->N, j->L, j->H, j->C, j->params, j->R, j->slot, j->ids, j->pos, j->kc,
                    j->vc, j->nout, j->outrows, j->logits);
  return 0;
}

/*
 * kdl_infer on up to `threads` threads. Rows must come grouped by slot and
 * outrows ascending; the rows are cut into contiguous chunks at slot
 * boundaries (no slot is split), one per thread. Slots never read each other,
 * so the split changes nothing but the speed.
 */
int kdl_infer(int threads, int V, int N, int L, int H, int C, float *params, int R,
              const int32_t *slot, const int32_t *ids, const int32_t *pos, float *kc, float *vc,
              int nout, const int32_t *outrows, float *logits) {
  if (threads < 1) threads = 1;
  if (threads > 16) threads = 16;
  InferJob job[16];
  pthread_t th[16];
  int32_t *shifted = malloc(sizeof(int32_t) * (nout > 0 ? nout : 1));
  if (!shifted) return 1;
  int r0 = 0, o0 = 0, n = 0;
  for (int t = 0; t < threads && r0 < R; t++) {
    int r1 = t == threads - 1 ? R : (int)((long)R * (t + 1) / threads);
    if (r1 <= r0) r1 = r0 + 1;
    while (r1 < R && slot[r1] == slot[r1 - 1]) r1++;
    int o1 = o0;
    while (o1 < nout && outrows[o1] < r1) {
      shifted[o1] = outrows[o1] - r0;
      o1++;
    }
    job[n] = (InferJob){V, N, L, H, C, r1 - r0, o1 - o0, 0, params, kc, vc, logits + (long)o0 * V,
                        slot + r0, ids + r0, pos + r0, shifted + o0};
    n++;
    r0 = r1;
    o0 = o1;
  }
  int started[16] = {0};
  for (int t = 1; t < n; t++) started[t] = pthread_create(&th[t], 0, infer_run, &job[t]) == 0;
  infer_run(&job[0]);
  int rc = job[0].rc;
  for (int t = 1; t < n; t++) {
    if (started[t]) pthread_join(th[t], 0);
    else infer_run(&job[t]);
    if (job[t].rc) rc = job[t].rc;
  }
  free(shifted);
  return rc;
}

typedef struct {
  int V, N, L, H, C, S, nsel, ntot;
  float *params, *grad;
  int32_t *start, *sel;
  const int32_t *ids, *tgt;
  double loss;
} GradJob;

static void *grad_run(void *arg) {
  GradJob *j = (GradJob *)arg;
  j->loss = loss_grad_one(j->V, j->N, j->L, j->H, j->C, j->params, j->grad, j->S, j->start, j->ids,
                          j->nsel, j->sel, j->tgt, j->ntot);
  return 0;
}

/*
 * Loss and gradient of a packed batch (see kdl_loss_grad_impl), the S
 * sequences cut into `parts` contiguous groups of about equal rows. Each group's
 * gradient is computed on its own (groups spread over `threads` threads; group
 * p > 0 into scratch + (p - 1) P) and the groups are summed in order 0, 1, ...,
 * so the result depends on `parts`, never on `threads`. Returns the mean loss
 * over the nsel counted rows, or NaN when out of memory.
 */
double kdl_loss_grad(int threads, int parts, int V, int N, int L, int H, int C, float *params,
                     float *grad, float *scratch, int S, const int32_t *start, const int32_t *ids,
                     int nsel, const int32_t *sel, const int32_t *tgt) {
  if (parts < 1) parts = 1;
  if (parts > 16) parts = 16;
  if (parts > S) parts = S;
  if (threads < 1) threads = 1;
  if (threads > parts) threads = parts;
  long P = (long)V * C + (long)N * C + (long)L * (12L * C * C + 13L * C) + 2L * C;
  int R = start[S];
  GradJob job[16];
  int32_t *buf = malloc(sizeof(int32_t) * (S + 1 + parts + (nsel > 0 ? nsel : 1)));
  if (!buf) return NAN;
  int32_t *st = buf, *sl = buf + S + 1 + parts;
  int s0 = 0, k0 = 0, n = 0;
  int32_t *stp = st;
  for (int p = 0; p < parts && s0 < S; p++) {
    int s1 = s0 + 1;
    long want = (long)R * (p + 1) / parts;
    if (p == parts - 1) s1 = S;
    else
      while (s1 < S - (parts - 1 - p) && start[s1] < want) s1++;
    int r0 = start[s0], r1 = start[s1];
    for (int s = s0; s <= s1; s++) stp[s - s0] = start[s] - r0;
    int k1 = k0;
    while (k1 < nsel && sel[k1] < r1) {
      sl[k1] = sel[k1] - r0;
      k1++;
    }
    job[n] = (GradJob){V, N, L, H, C, s1 - s0, k1 - k0, nsel, params,
                       n == 0 ? grad : scratch + (long)(n - 1) * P, stp, sl + k0, ids + r0,
                       tgt + k0, 0};
    n++;
    stp += s1 - s0 + 1;
    s0 = s1;
    k0 = k1;
  }
  pthread_t th[16];
  int started[16] = {0};
  for (int t = 1; t < threads && t < n; t++) started[t] = pthread_create(&th[t], 0, grad_run, &job[t]) == 0;
  grad_run(&job[0]);
  for (int t = threads; t < n; t++) grad_run(&job[t]); /* groups beyond the threads, on this one */
  for (int t = 1; t < threads && t < n; t++) {
    if (started[t]) pthread_join(th[t], 0);
    else grad_run(&job[t]);
  }
  double total = 0;
  int bad = 0;
  for (int t = 0; t < n; t++) {
    total += job[t].loss;
    if (isnan(job[t].loss)) bad = 1;
  }
  for (int t = 1; t < n; t++) {
    const float *g = scratch + (long)(t - 1) * P;
    for (long i = 0; i < P; i++) grad[i] += g[i];
  }
  free(buf);
  return bad ? NAN : total / (nsel > 0 ? nsel : 1);
}
