/*
** unify.c: substitutions, unification, one-way matching, renaming apart.
**
** A substitution is an array of bindings in the order they were made (the
** trail): undo is truncation.  Small substitutions are searched by a linear
** scan from the newest binding; from IDX_MIN bindings of capacity on, the same
** allocation also carries an open-addressing index of positions, which undo
** never touches: a slot is trusted only if it points below n at a binding of
** the variable looked for, and the index is rebuilt once stale slots pile up.
**
** Everything walks terms with explicit stacks (an inline buffer on the C
** stack that spills to the context allocator), so terms of any depth are
** safe, and the common case of flat relational atoms allocates nothing.
** Shared subterms (the bank is a DAG) are visited once where it matters: the
** occurs check and lem_subst_apply keep a visited map, unification a set of
** pairs already unified, so that no input is exponential.
*/
#include "unify.h"

#include <string.h>

#define IDX_MIN 64u  /* capacity from which bindings carry a hash index */
#define SCAN_MAX 8u  /* with this many bindings or fewer, always scan */
#define SMALL 16u    /* subterms this small are not worth a visited mark */

/* ---- the substitution and its index ---- */

typedef struct idxhdr {
  uint32_t nslots; /* 4 * cap, a power of two */
  uint32_t used;   /* slots filled, stale ones included */
} idxhdr;

static size_t subst_bytes(uint32_t cap) {
  size_t n = (size_t)cap * sizeof(lem_binding);
  if (cap >= IDX_MIN) n += sizeof(idxhdr) + (size_t)cap * 4 * sizeof(uint32_t);
  return n;
}

static idxhdr *subst_idx(const lem_subst *s) {
  return s->cap >= IDX_MIN ? (idxhdr *)(void *)(s->b + s->cap) : NULL;
}

static inline uint32_t vhash(lem_term v) {
  v *= 0x9E3779B1u;
  return v ^ (v >> 15);
}

static void idx_insert(idxhdr *h, lem_term var, uint32_t pos) {
  uint32_t *sl = (uint32_t *)(void *)(h + 1), mask = h->nslots - 1;
  uint32_t i = vhash(var) & mask;
  while (sl[i]) i = (i + 1) & mask;
  sl[i] = pos + 1;
  h->used++;
}

static void idx_rebuild(lem_subst *s) {
  idxhdr *h = subst_idx(s);
  h->nslots = s->cap * 4;
  h->used = 0;
  memset(h + 1, 0, (size_t)h->nslots * sizeof(uint32_t));
  for (uint32_t i = 0; i < s->n; i++) idx_insert(h, s->b[i].var, i);
}

static lem_err subst_grow(lem_ctx *L, lem_subst *s) {
  uint32_t nc = s->cap ? s->cap * 2 : 8;
  if (s->cap >= (1u << 27))
    return lem_error(L, LEM_ELIMIT, "substitution too large");
  lem_binding *p = lem_realloc(L, s->b, s->b ? subst_bytes(s->cap) : 0,
                               subst_bytes(nc));
  if (!p) return LEM_ENOMEM;
  s->b = p;
  s->cap = nc;
  if (nc >= IDX_MIN) idx_rebuild(s);
  return LEM_OK;
}

void lem_subst_init(lem_subst *s) {
  s->b = NULL;
  s->n = s->cap = 0;
}

void lem_subst_free(lem_ctx *L, lem_subst *s) {
  if (s->b) lem_free(L, s->b, subst_bytes(s->cap));
  lem_subst_init(s);
}

static inline lem_term sget(const lem_subst *s, lem_term var) {
  uint32_t n = s->n;
  if (n <= SCAN_MAX || s->cap < IDX_MIN) {
    for (uint32_t i = n; i-- > 0;)
      if (s->b[i].var == var) return s->b[i].val;
    return LEM_NOTERM;
  }
  const idxhdr *h = subst_idx(s);
  const uint32_t *sl = (const uint32_t *)(const void *)(h + 1);
  uint32_t mask = h->nslots - 1, best = UINT32_MAX;
  for (uint32_t i = vhash(var) & mask; sl[i]; i = (i + 1) & mask) {
    uint32_t p = sl[i] - 1;
    if (p < n && s->b[p].var == var && (best == UINT32_MAX || p > best))
      best = p;
  }
  return best == UINT32_MAX ? LEM_NOTERM : s->b[best].val;
}

lem_term lem_subst_get(const lem_ctx *L, const lem_subst *s, lem_term var) {
  (void)L;
  return sget(s, var);
}

static inline lem_err sbind(lem_ctx *L, lem_subst *s, lem_term var,
                            lem_term val) {
  if (s->n == s->cap && subst_grow(L, s)) return LEM_ENOMEM;
  s->b[s->n].var = var;
  s->b[s->n].val = val;
  if (s->cap >= IDX_MIN) {
    idxhdr *h = subst_idx(s);
    if (h->used >= 2 * s->cap) idx_rebuild(s);
    idx_insert(h, var, s->n);
  }
  s->n++;
  return LEM_OK;
}

lem_err lem_subst_bind(lem_ctx *L, lem_subst *s, lem_term var, lem_term val) {
  return sbind(L, s, var, val);
}

/* Follow variable bindings from t.  A variable bound to itself (lem_match
** makes such bindings) ends the chain; a cyclic chain made by hand through
** lem_subst_bind is cut after s->n steps. */
static lem_term walk(const lem_ctx *L, const lem_subst *s, lem_term t) {
  for (uint32_t k = 0; k <= s->n && lem_term_kind(L, t) == LEM_VAR; k++) {
    lem_term v = sget(s, t);
    if (!v || v == t) break;
    t = v;
  }
  return t;
}

/* ---- scratch: a stack of ids and a map of 64-bit keys ---- */

typedef struct stk {
  lem_term *p;
  uint32_t n, cap;
  lem_term inl[128];
} stk;

static void stk_init(stk *st) {
  st->p = st->inl;
  st->n = 0;
  st->cap = 128;
}

static void stk_free(lem_ctx *L, stk *st) {
  if (st->p != st->inl) lem_free(L, st->p, (size_t)st->cap * sizeof *st->p);
  stk_init(st);
}

/* Make room for extra more entries.  LEM_OK or an error. */
static lem_err stk_room(lem_ctx *L, stk *st, uint32_t extra) {
  if ((uint64_t)st->n + extra <= st->cap) return LEM_OK;
  uint64_t nc = (uint64_t)st->cap * 2;
  while (nc < (uint64_t)st->n + extra) nc *= 2;
  if (nc > UINT32_MAX / 2)
    return lem_error(L, LEM_ELIMIT, "term too deep for the work stack");
  lem_term *q = lem_malloc(L, (size_t)nc * sizeof *q);
  if (!q) return LEM_ENOMEM;
  memcpy(q, st->p, (size_t)st->n * sizeof *q);
  if (st->p != st->inl) lem_free(L, st->p, (size_t)st->cap * sizeof *st->p);
  st->p = q;
  st->cap = (uint32_t)nc;
  return LEM_OK;
}

/* Push the children of x and y (same head) as pairs, first pair on top. */
static lem_err push_pairs(lem_ctx *L, stk *st, lem_term x, lem_term y) {
  uint32_t n = lem_term_nargs(L, x);
  lem_err e = stk_room(L, st, 2 * n);
  if (e) return e;
  const lem_term *xk = lem_term_args(L, x), *yk = lem_term_args(L, y);
  for (uint32_t i = n; i-- > 0;) {
    st->p[st->n++] = xk[i];
    st->p[st->n++] = yk[i];
  }
  return LEM_OK;
}

typedef struct kmap {  /* open addressing; key 0 means empty */
  uint64_t *k;
  uint32_t *v;
  uint32_t n, nslots;
  uint64_t ik[32];
  uint32_t iv[32];
} kmap;

/* The table is set up on the first put, so that callers that never need it
** (matching a flat atom) pay nothing. */
static void kmap_init(kmap *m) {
  m->k = NULL;
  m->v = NULL;
  m->n = m->nslots = 0;
}

static void kmap_free(lem_ctx *L, kmap *m) {
  if (m->k && m->k != m->ik) {
    lem_free(L, m->k, (size_t)m->nslots * sizeof *m->k);
    lem_free(L, m->v, (size_t)m->nslots * sizeof *m->v);
  }
  kmap_init(m);
}

static inline uint32_t khash(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return (uint32_t)k;
}

/* The slot of key (found, or the empty one where it would go). */
static uint32_t kmap_slot(const kmap *m, uint64_t key) {
  uint32_t mask = m->nslots - 1, i = khash(key) & mask;
  while (m->k[i] && m->k[i] != key) i = (i + 1) & mask;
  return i;
}

static int kmap_get(const kmap *m, uint64_t key, uint32_t *val) {
  if (!m->k) return 0;
  uint32_t i = kmap_slot(m, key);
  if (!m->k[i]) return 0;
  if (val) *val = m->v[i];
  return 1;
}

static lem_err kmap_put(lem_ctx *L, kmap *m, uint64_t key, uint32_t val) {
  if (!m->k) {
    m->k = m->ik;
    m->v = m->iv;
    m->nslots = 32;
    memset(m->ik, 0, sizeof m->ik);
  }
  uint32_t i = kmap_slot(m, key);
  if (m->k[i]) {
    m->v[i] = val;
    return LEM_OK;
  }
  if ((m->n + 1) * 2 > m->nslots) {
    uint32_t ns = m->nslots * 2;
    if (ns == 0) return lem_error(L, LEM_ELIMIT, "visited map too large");
    uint64_t *nk = lem_calloc(L, (size_t)ns * sizeof *nk);
    uint32_t *nv = nk ? lem_malloc(L, (size_t)ns * sizeof *nv) : NULL;
    if (!nv) {
      lem_free(L, nk, (size_t)ns * sizeof *nk);
      return LEM_ENOMEM;
    }
    kmap old = *m;
    m->k = nk;
    m->v = nv;
    m->nslots = ns;
    for (uint32_t j = 0; j < old.nslots; j++)
      if (old.k[j]) {
        uint32_t t = kmap_slot(m, old.k[j]);
        m->k[t] = old.k[j];
        m->v[t] = old.v[j];
      }
    if (old.k != m->ik) {
      lem_free(L, old.k, (size_t)old.nslots * sizeof *old.k);
      lem_free(L, old.v, (size_t)old.nslots * sizeof *old.v);
    }
    i = kmap_slot(m, key);
  }
  m->k[i] = key;
  m->v[i] = val;
  m->n++;
  return LEM_OK;
}

/* ---- apply ---- */

/* The common cases without the walk: a variable whose chain of bindings
** ends in a ground term, and a node (a flat atom) whose children are each
** ground or such a variable.  The result is the walk's, made by the same
** lem_mk call.  LEM_NOTERM: the walk must decide (or out of memory, when
** *err is set). */
enum { FLAT_MAX = 16 };

static lem_term apply_flat(lem_ctx *L, const lem_subst *s, lem_term t,
                           int *err) {
  if (lem_term_kind(L, t) == LEM_VAR) {
    lem_term v = walk(L, s, t);
    return lem_term_ground(L, v) ? v : LEM_NOTERM;
  }
  uint32_t n = lem_term_nargs(L, t);
  if (n > FLAT_MAX) return LEM_NOTERM;
  const lem_term *k = lem_term_args(L, t);
  lem_term nk[FLAT_MAX];
  for (uint32_t i = 0; i < n; i++) {
    nk[i] = k[i];
    if (lem_term_ground(L, k[i])) continue;
    if (lem_term_kind(L, k[i]) != LEM_VAR) return LEM_NOTERM;
    nk[i] = walk(L, s, k[i]);
    if (!lem_term_ground(L, nk[i])) return LEM_NOTERM;
  }
  lem_term r = lem_mk(L, lem_term_kind(L, t), lem_term_sym(L, t),
                      lem_term_num(L, t), n, nk);
  *err = !r;
  return r;
}

/* Frames of the apply walk live in stk as triples (term, next child, base of
** its results on the value stack). */
lem_term lem_subst_apply(lem_ctx *L, const lem_subst *s, lem_term t) {
  if (t == LEM_NOTERM) return LEM_NOTERM;
  if (s->n == 0 || lem_term_ground(L, t)) return t;
  int err = 0;
  lem_term flat = apply_flat(L, s, t, &err);
  if (flat || err) return flat;
  stk fr, val;
  kmap memo; /* term -> result; result 0 while the term is in progress */
  stk_init(&fr);
  stk_init(&val);
  kmap_init(&memo);
  lem_term res = LEM_NOTERM;
  if (stk_room(L, &fr, 3)) goto out;
  fr.p[0] = t, fr.p[1] = 0, fr.p[2] = 0, fr.n = 3;
  while (fr.n) {
    lem_term *f = &fr.p[fr.n - 3];
    lem_term u = f[0];
    lem_term r = LEM_NOTERM;
    uint32_t got;
    if (f[1] == 0) { /* first visit */
      if (lem_term_ground(L, u)) {
        r = u;
      } else if (kmap_get(&memo, u, &got)) {
        if (!got) {
          lem_error(L, LEM_EINVAL, "lem_subst_apply: cyclic substitution");
          goto out;
        }
        r = got;
      } else if (lem_term_kind(L, u) == LEM_VAR) {
        lem_term v = sget(s, u);
        if (!v || v == u) {
          r = u;
        } else {
          if (kmap_put(L, &memo, u, 0) || stk_room(L, &fr, 3)) goto out;
          f = &fr.p[fr.n - 3];
          f[1] = 1, f[2] = val.n;
          fr.p[fr.n] = v, fr.p[fr.n + 1] = 0, fr.p[fr.n + 2] = 0;
          fr.n += 3;
          continue;
        }
      } else {
        if (lem_term_size(L, u) > SMALL && kmap_put(L, &memo, u, 0)) goto out;
        f[1] = 1, f[2] = val.n;
      }
      if (r) goto push;
    }
    if (lem_term_kind(L, u) == LEM_VAR) { /* its value is computed */
      r = val.p[--val.n];
      if (kmap_put(L, &memo, u, r)) goto out;
      goto push;
    }
    uint32_t n = lem_term_nargs(L, u);
    if (f[1] - 1 < n) { /* descend into the next child */
      lem_term c = lem_term_args(L, u)[f[1] - 1];
      f[1]++;
      if (stk_room(L, &fr, 3)) goto out;
      fr.p[fr.n] = c, fr.p[fr.n + 1] = 0, fr.p[fr.n + 2] = 0;
      fr.n += 3;
      continue;
    }
    {
      const lem_term *k = lem_term_args(L, u);
      lem_term *nk = val.p + f[2];
      if (n == 0 || memcmp(k, nk, n * sizeof *k) == 0)
        r = u;
      else if (!(r = lem_mk(L, lem_term_kind(L, u), lem_term_sym(L, u),
                            lem_term_num(L, u), n, nk)))
        goto out;
      val.n = f[2];
      if (lem_term_size(L, u) > SMALL && kmap_put(L, &memo, u, r)) goto out;
    }
  push:
    fr.n -= 3;
    if (stk_room(L, &val, 1)) goto out;
    val.p[val.n++] = r;
  }
  res = val.p[0];
out:
  stk_free(L, &fr);
  stk_free(L, &val);
  kmap_free(L, &memo);
  return res;
}

/* ---- unification ---- */

static int same_head(const lem_ctx *L, lem_term x, lem_term y) {
  return lem_term_kind(L, x) == lem_term_kind(L, y) &&
         lem_term_sym(L, x) == lem_term_sym(L, y) &&
         lem_term_num(L, x) == lem_term_num(L, y) &&
         lem_term_nargs(L, x) == lem_term_nargs(L, y);
}

/* Does v occur in t under s?  1 yes, 0 no, -1 error. */
static int occurs(lem_ctx *L, const lem_subst *s, lem_term v, lem_term t) {
  if (lem_term_ground(L, t)) return 0;
  if (t == v) return 1;
  stk st;
  kmap seen;
  stk_init(&st);
  kmap_init(&seen);
  int r = 0;
  st.p[st.n++] = t;
  while (st.n) {
    lem_term u = st.p[--st.n];
    if (lem_term_ground(L, u)) continue;
    if (lem_term_kind(L, u) == LEM_VAR) {
      if (u == v) {
        r = 1;
        break;
      }
      lem_term w = sget(s, u);
      if (!w || w == u || kmap_get(&seen, u, NULL)) continue;
      if (kmap_put(L, &seen, u, 1) || stk_room(L, &st, 1)) {
        r = -1;
        break;
      }
      st.p[st.n++] = w;
      continue;
    }
    if (lem_term_size(L, u) > SMALL) {
      if (kmap_get(&seen, u, NULL)) continue;
      if (kmap_put(L, &seen, u, 1)) {
        r = -1;
        break;
      }
    }
    uint32_t n = lem_term_nargs(L, u);
    if (stk_room(L, &st, n)) {
      r = -1;
      break;
    }
    memcpy(st.p + st.n, lem_term_args(L, u), n * sizeof(lem_term));
    st.n += n;
  }
  stk_free(L, &st);
  kmap_free(L, &seen);
  return r;
}

int lem_unify(lem_ctx *L, lem_subst *s, lem_term a, lem_term b) {
  uint32_t mark = s->n;
  stk st;
  kmap done; /* pairs of big subterms already unified */
  stk_init(&st);
  kmap_init(&done);
  int r = 1;
  st.p[0] = a, st.p[1] = b, st.n = 2;
  while (st.n && r == 1) {
    lem_term y = walk(L, s, st.p[--st.n]);
    lem_term x = walk(L, s, st.p[--st.n]);
    if (x == y) continue;
    int xv = lem_term_kind(L, x) == LEM_VAR, yv = lem_term_kind(L, y) == LEM_VAR;
    if (xv || yv) {
      lem_term v = xv ? x : y, w = xv ? y : x;
      int o = occurs(L, s, v, w);
      if (o) r = o > 0 ? 0 : -1;
      else if (sbind(L, s, v, w)) r = -1;
      continue;
    }
    if ((lem_term_ground(L, x) && lem_term_ground(L, y)) || !same_head(L, x, y)) {
      r = 0;
      continue;
    }
    if (lem_term_size(L, x) > SMALL || lem_term_size(L, y) > SMALL) {
      uint64_t key = (uint64_t)x << 32 | y;
      if (kmap_get(&done, key, NULL)) continue;
      if (kmap_put(L, &done, key, 1)) {
        r = -1;
        continue;
      }
    }
    if (push_pairs(L, &st, x, y)) r = -1;
  }
  stk_free(L, &st);
  kmap_free(L, &done);
  if (r != 1) lem_subst_undo(s, mark);
  return r;
}

/* ---- matching ---- */

/* Is apply(s, u) == w?  For a bound value that is not ground (rare: the
** caller mixed unification and matching in one s).  1, 0 or -1. */
static int eq_resolved(lem_ctx *L, const lem_subst *s, lem_term u,
                       lem_term w) {
  stk st;
  stk_init(&st);
  int r = 1;
  st.p[0] = u, st.p[1] = w, st.n = 2;
  while (st.n && r == 1) {
    lem_term y = st.p[--st.n];
    lem_term x = walk(L, s, st.p[--st.n]);
    if (x == y && lem_term_ground(L, x)) continue;
    if (lem_term_kind(L, x) == LEM_VAR) {
      if (x != y) r = 0;
      continue;
    }
    if (lem_term_ground(L, x) || !same_head(L, x, y)) {
      r = 0;
      continue;
    }
    if (push_pairs(L, &st, x, y)) r = -1;
  }
  stk_free(L, &st);
  return r;
}

/* A pattern variable that meets itself in the target is bound to itself
** (target variables are constants), which apply and walk read as "maps to
** itself".  Sharing variables between pattern and target otherwise makes
** bindings such as x -> f(x), which lem_subst_apply reports as cyclic. */
int lem_match(lem_ctx *L, lem_subst *s, lem_term pat, lem_term target) {
  uint32_t mark = s->n;
  stk st;
  kmap done; /* pairs of big subterms already matched */
  stk_init(&st);
  kmap_init(&done);
  int r = 1;
  st.p[0] = pat, st.p[1] = target, st.n = 2;
  while (st.n) {
    lem_term t = st.p[--st.n];
    lem_term p = st.p[--st.n];
    if (lem_term_ground(L, p)) {
      if (p != t) goto fail;
      continue;
    }
    if (lem_term_kind(L, p) == LEM_VAR) {
      lem_term v = sget(s, p);
      if (!v) {
        if (sbind(L, s, p, t)) goto err;
        continue;
      }
      if (v == t) continue;
      if (v == p || lem_term_ground(L, v)) goto fail;
      int e = eq_resolved(L, s, v, t);
      if (e < 0) goto err;
      if (!e) goto fail;
      continue;
    }
    if (!same_head(L, p, t)) goto fail;
    if (lem_term_size(L, p) > SMALL) {
      uint64_t key = (uint64_t)p << 32 | t;
      if (kmap_get(&done, key, NULL)) continue;
      if (kmap_put(L, &done, key, 1)) goto err;
    }
    uint32_t n = lem_term_nargs(L, p);
    if (stk_room(L, &st, 2 * n)) goto err;
    const lem_term *pk = lem_term_args(L, p), *tk = lem_term_args(L, t);
    for (uint32_t i = n; i-- > 0;) {
      st.p[st.n++] = pk[i];
      st.p[st.n++] = tk[i];
    }
  }
  goto out;
fail:
  r = 0;
  goto undo;
err:
  r = -1;
undo:
  lem_subst_undo(s, mark);
out:
  stk_free(L, &st);
  kmap_free(L, &done);
  return r;
}

/* ---- variables and renaming ---- */

uint32_t lem_term_vars(lem_ctx *L, lem_term t, lem_term **vars,
                       uint32_t *cap) {
  stk st;
  kmap seen;
  stk_init(&st);
  kmap_init(&seen);
  uint32_t cnt = 0;
  st.p[st.n++] = t;
  while (st.n) {
    lem_term u = st.p[--st.n];
    if (lem_term_ground(L, u)) continue;
    if (lem_term_kind(L, u) == LEM_VAR) {
      if (kmap_get(&seen, u, NULL)) continue;
      if (kmap_put(L, &seen, u, 1) || LEM_GROW(L, *vars, *cap, cnt + 1))
        goto err;
      (*vars)[cnt++] = u;
      continue;
    }
    if (lem_term_size(L, u) > SMALL) {
      if (kmap_get(&seen, u, NULL)) continue;
      if (kmap_put(L, &seen, u, 1)) goto err;
    }
    uint32_t n = lem_term_nargs(L, u);
    if (stk_room(L, &st, n)) goto err;
    const lem_term *k = lem_term_args(L, u);
    for (uint32_t i = n; i-- > 0;) st.p[st.n++] = k[i];
  }
  stk_free(L, &st);
  kmap_free(L, &seen);
  return cnt;
err:
  stk_free(L, &st);
  kmap_free(L, &seen);
  return UINT32_MAX;
}

/* Variables s already binds keep their binding (so several terms renamed
** with one s are renamed consistently); the others get fresh variables. */
lem_term lem_rename_apart(lem_ctx *L, lem_term t, lem_subst *s) {
  uint32_t mark = s->n, cap = 0;
  lem_term *vars = NULL, r = LEM_NOTERM;
  uint32_t n = lem_term_vars(L, t, &vars, &cap);
  if (n == UINT32_MAX) goto out;
  for (uint32_t i = 0; i < n; i++) {
    if (sget(s, vars[i])) continue;
    lem_term f = lem_fresh_var(L, lem_term_sym(L, vars[i]));
    if (!f || sbind(L, s, vars[i], f)) goto out;
  }
  r = lem_subst_apply(L, s, t);
out:
  if (!r) lem_subst_undo(s, mark);
  lem_free(L, vars, (size_t)cap * sizeof *vars);
  return r;
}
