/*
** term.c: the term bank.
**
** Nodes sit in one array indexed by id; their children sit in chunked arenas
** that never move.  An open-addressing hash set of ids finds an existing node
** by (kind, sym, num, children), which is what makes terms hash-consed.
*/
#include "term.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KIDCHUNK (1u << LEM_KIDBITS) /* lem_terms per child chunk */

typedef lem_node node;

static const lem_term *kids_of(const lem_bank *B, const node *x) {
  return x->n ? B->chunks[x->kids >> LEM_KIDBITS] + (x->kids & (KIDCHUNK - 1))
              : NULL;
}

lem_bank *lem_bank_new(lem_ctx *L) {
  lem_bank *B = lem_calloc(L, sizeof *B);
  if (!B) return NULL;
  B->nslots = 4096;
  B->slots = lem_calloc(L, B->nslots * sizeof *B->slots);
  if (!B->slots || LEM_GROW(L, B->nodes, B->cap, 2048)) {
    lem_bank_free(L, B);
    return NULL;
  }
  return B;
}

void lem_bank_free(lem_ctx *L, lem_bank *B) {
  if (!B) return;
  for (uint32_t i = 0; i < B->nchunks; i++)
    lem_free(L, B->chunks[i], KIDCHUNK * sizeof(lem_term));
  lem_free(L, B->chunks, B->capchunks * sizeof *B->chunks);
  lem_free(L, B->slots, B->nslots * sizeof *B->slots);
  lem_free(L, B->nodes, B->cap * sizeof *B->nodes);
  lem_free(L, B, sizeof *B);
}

static uint32_t node_hash(lem_kind k, lem_sym sym, uint32_t num, uint32_t n,
                          const lem_term *kids) {
  uint32_t h = 0x811c9dc5u ^ (uint32_t)k;
  h = lem_hash_mix(h, sym);
  h = lem_hash_mix(h, num);
  h = lem_hash_mix(h, n);
  for (uint32_t i = 0; i < n; i++) h = lem_hash_mix(h, kids[i]);
  /* finalise (murmur3's fmix32): the combine above leaves the low bits,
     which pick the slot, poorly mixed, and linear probing then clusters */
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h ? h : 1;
}

/* x's num (see lem_node). */
static uint32_t node_num(const node *x) { return x->n ? 0 : x->numsize; }

static int node_eq(const lem_bank *B, const node *x, lem_kind k, lem_sym sym,
                   uint32_t num, uint32_t n, const lem_term *kids) {
  return x->kind == k && x->sym == sym && node_num(x) == num && x->n == n &&
         (n == 0 || memcmp(kids_of(B, x), kids, n * sizeof *kids) == 0);
}

/* x's hash, worked out again (nodes do not keep it). */
static uint32_t hash_of(const lem_bank *B, const node *x) {
  return node_hash((lem_kind)x->kind, x->sym, node_num(x), x->n,
                   kids_of(B, x));
}

uint32_t lem_term_hash(const lem_ctx *L, lem_term t) {
  return hash_of(L->bank, &L->bank->nodes[t]);
}

#define IDMASK ((1u << LEM_IDBITS) - 1)

/* A slot's entry for node id with hash h: h's top bits, then id. */
static uint32_t slot_entry(uint32_t h, uint32_t id) {
  return (h & ~IDMASK) | id;
}

static uint32_t *find_slot(lem_bank *B, uint32_t h, lem_kind k, lem_sym sym,
                           uint32_t num, uint32_t n, const lem_term *kids) {
  uint32_t mask = B->nslots - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t e = B->slots[i];
    if (!e) return &B->slots[i];
    if ((e & ~IDMASK) == (h & ~IDMASK) &&
        node_eq(B, &B->nodes[e & IDMASK], k, sym, num, n, kids))
      return &B->slots[i];
  }
}

/* The hash set for ids 1..count in n slots (a power of two, more than
** count), in place of the old one. */
static lem_err reslot(lem_ctx *L, lem_bank *B, uint32_t n) {
  uint32_t *ns = lem_calloc(L, (size_t)n * sizeof *ns);
  if (!ns) return LEM_ENOMEM;
  for (uint32_t id = 1; id <= B->count; id++) {
    uint32_t h = hash_of(B, &B->nodes[id]), i = h & (n - 1);
    while (ns[i]) i = (i + 1) & (n - 1);
    ns[i] = slot_entry(h, id);
  }
  lem_free(L, B->slots, B->nslots * sizeof *B->slots);
  B->slots = ns;
  B->nslots = n;
  return LEM_OK;
}

static lem_err rehash(lem_ctx *L, lem_bank *B) {
  uint32_t n2 = B->nslots * 2;
  if (n2 == 0) return lem_error(L, LEM_ELIMIT, "term bank full");
  return reslot(L, B, n2);
}

/* Copy n (>= 1, at most KIDCHUNK) children into the chunks; *at is where
** (lem_node.kids). */
static lem_err store_kids(lem_ctx *L, lem_bank *B, uint32_t n,
                          const lem_term *kids, uint32_t *at) {
  if (!B->nchunks || KIDCHUNK - B->used < n) {
    if (B->nchunks == UINT32_MAX >> LEM_KIDBITS)
      return lem_error(L, LEM_ELIMIT, "term bank full");
    if (LEM_GROW(L, B->chunks, B->capchunks, B->nchunks + 1)) return LEM_ENOMEM;
    lem_term *c = lem_malloc(L, KIDCHUNK * sizeof *c);
    if (!c) return LEM_ENOMEM;
    B->chunks[B->nchunks++] = c;
    B->used = 0;
  }
  *at = (B->nchunks - 1) << LEM_KIDBITS | B->used;
  memcpy(B->chunks[B->nchunks - 1] + B->used, kids, n * sizeof *kids);
  B->used += n;
  return LEM_OK;
}

lem_term lem_mk(lem_ctx *L, lem_kind k, lem_sym sym, uint32_t num, uint32_t n,
                const lem_term *kids) {
  lem_bank *B = L->bank;
  if (n > LEM_MAXARGS) {
    lem_error(L, LEM_ELIMIT, "too many arguments (%u)", n);
    return LEM_NOTERM;
  }
  if (n && num) {
    lem_error(L, LEM_EINVAL, "lem_mk: num %u on a node with children", num);
    return LEM_NOTERM;
  }
  for (uint32_t i = 0; i < n; i++)
    if (kids[i] == LEM_NOTERM || kids[i] > B->count) {
      lem_error(L, LEM_EINVAL, "lem_mk: invalid child id %u", kids[i]);
      return LEM_NOTERM;
    }
  uint32_t h = node_hash(k, sym, num, n, kids);
  uint32_t *slot = find_slot(B, h, k, sym, num, n, kids);
  if (*slot) return *slot & IDMASK;
  if ((B->count + 1) * 4 >= B->nslots * 3) {
    if (rehash(L, B)) return LEM_NOTERM;
    slot = find_slot(B, h, k, sym, num, n, kids);
  }
  if (B->count >= IDMASK) {
    lem_error(L, LEM_ELIMIT, "term bank full");
    return LEM_NOTERM;
  }
  if (LEM_GROW(L, B->nodes, B->cap, B->count + 2)) return LEM_NOTERM;
  uint32_t at = 0;
  if (n && store_kids(L, B, n, kids, &at)) return LEM_NOTERM;
  uint32_t id = ++B->count;
  node *x = &B->nodes[id];
  x->kind = (uint8_t)k;
  x->ground = k != LEM_VAR;
  x->n = (uint16_t)n;
  x->sym = sym;
  x->kids = at;
  uint64_t size = 1;
  for (uint32_t i = 0; i < n; i++) {
    const node *c = &B->nodes[kids[i]];
    x->ground &= c->ground;
    size += c->n ? c->numsize : 1;
  }
  x->numsize = n ? (size > UINT32_MAX ? UINT32_MAX : (uint32_t)size) : num;
  *slot = slot_entry(h, id);
  return id;
}

lem_term lem_mk_var(lem_ctx *L, lem_sym name, uint32_t num) {
  return lem_mk(L, LEM_VAR, name, num, 0, NULL);
}
lem_term lem_mk_const(lem_ctx *L, lem_sym name) {
  return lem_mk(L, LEM_CONST, name, 0, 0, NULL);
}
lem_term lem_mk_app(lem_ctx *L, lem_sym f, uint32_t n, const lem_term *args) {
  return lem_mk(L, LEM_APP, f, 0, n, args);
}
lem_term lem_mk_rel(lem_ctx *L, lem_sym r, uint32_t n, const lem_term *args) {
  return lem_mk(L, LEM_REL, r, 0, n, args);
}
lem_term lem_mk_and(lem_ctx *L, lem_term a, lem_term b) {
  lem_term k[2] = {a, b};
  return lem_mk(L, LEM_AND, 0, 0, 2, k);
}
lem_term lem_mk_not(lem_ctx *L, lem_term a) {
  return lem_mk(L, LEM_NOT, 0, 0, 1, &a);
}

lem_term lem_mk_all(lem_ctx *L, uint32_t nvars, const lem_term *vars,
                    lem_term prem, lem_term concl) {
  lem_term small[16], *k = small;
  if (nvars > LEM_MAXARGS - 2) {
    lem_error(L, LEM_ELIMIT, "too many bound variables (%u)", nvars);
    return LEM_NOTERM;
  }
  for (uint32_t i = 0; i < nvars; i++)
    if (vars[i] == LEM_NOTERM || vars[i] > L->bank->count ||
        lem_term_kind(L, vars[i]) != LEM_VAR) {
      lem_error(L, LEM_EINVAL, "lem_mk_all: bound item %u is not a variable",
                i);
      return LEM_NOTERM;
    }
  if (nvars + 2 > 16 && !(k = lem_malloc(L, (nvars + 2) * sizeof *k)))
    return LEM_NOTERM;
  if (nvars) memcpy(k, vars, nvars * sizeof *k);
  k[nvars] = prem;
  k[nvars + 1] = concl;
  lem_term t = lem_mk(L, LEM_ALL, 0, 0, nvars + 2, k);
  if (k != small) lem_free(L, k, (nvars + 2) * sizeof *k);
  return t;
}

lem_term lem_mk_andn(lem_ctx *L, uint32_t n, const lem_term *fs) {
  if (n == 0) {
    lem_error(L, LEM_EINVAL, "lem_mk_andn: empty conjunction");
    return LEM_NOTERM;
  }
  lem_term t = fs[n - 1];
  for (uint32_t i = n - 1; i-- > 0 && t;) t = lem_mk_and(L, fs[i], t);
  return t;
}

int lem_term_occurs(const lem_ctx *L, lem_term t, lem_term u) {
  if (t == u) return 1;
  const lem_term *a = lem_term_args(L, t);
  for (uint32_t i = 0, n = lem_term_nargs(L, t); i < n; i++)
    if (lem_term_occurs(L, a[i], u)) return 1;
  return 0;
}

lem_term lem_term_map(lem_ctx *L, lem_term t,
                      lem_term (*f)(void *ud, lem_term child), void *ud) {
  uint32_t n = lem_term_nargs(L, t);
  if (n == 0) return t;
  lem_term small[16], *k = small;
  if (n > 16 && !(k = lem_malloc(L, n * sizeof *k))) return LEM_NOTERM;
  const lem_term *a = lem_term_args(L, t);
  int changed = 0;
  lem_term r = t;
  for (uint32_t i = 0; i < n; i++) {
    if (!(k[i] = f(ud, a[i]))) {
      r = LEM_NOTERM;
      goto out;
    }
    changed |= k[i] != a[i];
  }
  if (changed)
    r = lem_mk(L, lem_term_kind(L, t), lem_term_sym(L, t), lem_term_num(L, t),
               n, k);
out:
  if (k != small) lem_free(L, k, n * sizeof *k);
  return r;
}

lem_term lem_fresh_var(lem_ctx *L, lem_sym name) {
  if (L->fresh == UINT32_MAX) {
    lem_error(L, LEM_ELIMIT, "out of fresh variables");
    return LEM_NOTERM;
  }
  return lem_mk_var(L, name, ++L->fresh);
}

#define N(t) (&L->bank->nodes[(t)])
uint32_t lem_bank_count(const lem_ctx *L) { return L->bank->count; }

lem_bank_mark lem_bank_save(const lem_ctx *L) {
  const lem_bank *B = L->bank;
  return (lem_bank_mark){B->count, B->nchunks, B->used};
}

lem_err lem_bank_release(lem_ctx *L, lem_bank_mark m) {
  lem_bank *B = L->bank;
  int known = m.count <= B->count && m.nchunks <= B->nchunks &&
              m.used <= KIDCHUNK &&
              (m.nchunks < B->nchunks || m.used <= B->used);
  if (!known)
    return lem_error(L, LEM_EINVAL, "lem_bank_release: not a mark of this "
                     "bank's past");
  if (m.count == B->count) return LEM_OK;
  uint32_t count = B->count, n = 4096;
  B->count = m.count;
  while ((B->count + 1) * 4 >= n * 3) n *= 2; /* the size lem_mk grows to */
  if (reslot(L, B, n)) {
    B->count = count;
    return LEM_ENOMEM;
  }
  while (B->nchunks > m.nchunks)
    lem_free(L, B->chunks[--B->nchunks], KIDCHUNK * sizeof(lem_term));
  B->used = m.used;
  uint32_t cap = 2048;
  while (cap < m.count + 2) cap *= 2;
  if (cap < B->cap) {
    node *nn = lem_realloc(L, B->nodes, B->cap * sizeof *nn, cap * sizeof *nn);
    if (nn) B->nodes = nn, B->cap = cap; /* else keep the larger array */
  }
  return LEM_OK;
}

lem_err lem_bank_release_keep(lem_ctx *L, lem_bank_mark m,
                              lem_term *const *roots, uint32_t n) {
  lem_bank *B = L->bank;
  if (m.count > B->count) return lem_bank_release(L, m); /* the error */
  uint32_t base = m.count, span = B->count - m.count;
  for (uint32_t i = 0; i < n; i++)
    if (*roots[i] == LEM_NOTERM || *roots[i] > B->count)
      return lem_error(L, LEM_EINVAL, "lem_bank_release_keep: root %u is no "
                       "term", i);
  if (!span) return LEM_OK;
  /* keep[i]: term base + 1 + i is reached (1), later its new id; children
     are older than parents, so one sweep down marks all that is reached,
     and one sweep up makes them again children first */
  uint32_t *keep = lem_calloc(L, (size_t)span * sizeof *keep);
  if (!keep) return LEM_ENOMEM;
  for (uint32_t i = 0; i < n; i++)
    if (*roots[i] > base) keep[*roots[i] - base - 1] = 1;
  size_t nkids = 0;
  uint32_t nkeep = 0;
  for (uint32_t i = span; i-- > 0;) {
    if (!keep[i]) continue;
    const node *x = &B->nodes[base + 1 + i];
    nkeep++;
    nkids += x->n;
    const lem_term *xk = kids_of(B, x);
    for (uint32_t k = 0; k < x->n; k++)
      if (xk[k] > base) keep[xk[k] - base - 1] = 1;
  }
  /* their nodes, with children by old id, out of the bank's arenas */
  node *saved = nkeep ? lem_malloc(L, nkeep * sizeof *saved) : NULL;
  lem_term *kids = nkids ? lem_malloc(L, nkids * sizeof *kids) : NULL;
  lem_term *nv = n ? lem_malloc(L, n * sizeof *nv) : NULL;
  lem_err e = (nkeep && !saved) || (nkids && !kids) || (n && !nv)
                  ? LEM_ENOMEM : LEM_OK;
  for (uint32_t i = 0, j = 0, o = 0; !e && i < span; i++) {
    if (!keep[i]) continue;
    saved[j] = B->nodes[base + 1 + i];
    if (saved[j].n)
      memcpy(kids + o, kids_of(B, &saved[j]), saved[j].n * sizeof *kids);
    saved[j].kids = (uint32_t)o; /* now: where in kids */
    o += saved[j++].n;
  }
  if (!e) e = lem_bank_release(L, m);
  /* made again, oldest first: each child is made before its parents */
  for (uint32_t i = 0, j = 0; !e && i < span; i++) {
    if (!keep[i]) continue;
    node *x = &saved[j++];
    lem_term *k = x->n ? kids + x->kids : NULL;
    for (uint32_t c = 0; c < x->n; c++)
      if (k[c] > base) k[c] = keep[k[c] - base - 1];
    lem_term t = lem_mk(L, (lem_kind)x->kind, x->sym, node_num(x), x->n, k);
    if (!t) e = L->err ? L->err : LEM_ENOMEM;
    keep[i] = t;
  }
  /* all read before any is written: two roots may be one lem_term */
  for (uint32_t i = 0; !e && i < n; i++)
    nv[i] = *roots[i] > base ? keep[*roots[i] - base - 1] : *roots[i];
  for (uint32_t i = 0; !e && i < n; i++) *roots[i] = nv[i];
  lem_free(L, nv, n * sizeof *nv);
  lem_free(L, kids, nkids * sizeof *kids);
  lem_free(L, saved, nkeep * sizeof *saved);
  lem_free(L, keep, (size_t)span * sizeof *keep);
  return e;
}

int lem_bank_check(const lem_ctx *L) {
  lem_bank *B = L->bank;
  for (uint32_t id = 1; id <= B->count; id++) {
    const node *x = &B->nodes[id];
    if (x->kind < LEM_VAR || x->kind > LEM_ALL) return 0;
    const lem_term *xk = kids_of(B, x);
    for (uint32_t i = 0; i < x->n; i++)
      if (xk[i] == 0 || xk[i] >= id) return 0;
    uint32_t h = hash_of(B, x);
    if (*find_slot(B, h, x->kind, x->sym, node_num(x), x->n, xk) !=
        slot_entry(h, id))
      return 0;
  }
  return 1;
}
#undef N

/* ---- byte buffers ---- */

lem_err lem_buf_add(lem_ctx *L, lem_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->len + n + 1) nc *= 2;
    char *p = lem_realloc(L, b->p, b->cap, nc);
    if (!p) return LEM_ENOMEM;
    b->p = p;
    b->cap = nc;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
  return LEM_OK;
}

lem_err lem_buf_puts(lem_ctx *L, lem_buf *b, const char *s) {
  return lem_buf_add(L, b, s, strlen(s));
}

lem_err lem_buf_printf(lem_ctx *L, lem_buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return lem_error(L, LEM_EINVAL, "bad format");
  if ((size_t)n < sizeof tmp) return lem_buf_add(L, b, tmp, (size_t)n);
  char *big = lem_malloc(L, (size_t)n + 1);
  if (!big) return LEM_ENOMEM;
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  lem_err e = lem_buf_add(L, b, big, (size_t)n);
  lem_free(L, big, (size_t)n + 1);
  return e;
}

void lem_buf_free(lem_ctx *L, lem_buf *b) {
  lem_free(L, b->p, b->cap);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* ---- printing ---- */

static lem_err print_list(lem_ctx *L, const lem_term *a, uint32_t n,
                          lem_buf *b);

static lem_err print_rec(lem_ctx *L, lem_term t, lem_buf *b) {
  lem_err e = LEM_OK;
  const lem_term *k = lem_term_args(L, t);
  uint32_t n = lem_term_nargs(L, t);
  lem_sym y = lem_term_sym(L, t);
  switch (lem_term_kind(L, t)) {
    case LEM_VAR:
      e = lem_buf_add(L, b, lem_sym_name(L, y), lem_sym_len(L, y));
      if (!e && lem_term_num(L, t))
        e = lem_buf_printf(L, b, "'%u", lem_term_num(L, t));
      return e;
    case LEM_CONST:
      return lem_buf_add(L, b, lem_sym_name(L, y), lem_sym_len(L, y));
    case LEM_APP:
      if ((e = lem_buf_add(L, b, lem_sym_name(L, y), lem_sym_len(L, y))) ||
          (e = lem_buf_add(L, b, "(", 1)))
        return e;
      for (uint32_t i = 0; i < n && !e; i++) {
        if (i) e = lem_buf_add(L, b, ",", 1);
        if (!e) e = print_rec(L, k[i], b);
      }
      return e ? e : lem_buf_add(L, b, ")", 1);
    case LEM_REL:
      if ((e = lem_buf_add(L, b, "(", 1)) ||
          (e = lem_buf_add(L, b, lem_sym_name(L, y), lem_sym_len(L, y))) ||
          (e = print_list(L, k, n, b)))
        return e;
      return lem_buf_add(L, b, ")", 1);
    case LEM_AND:
      if ((e = lem_buf_add(L, b, "(&", 2)) || (e = print_rec(L, k[0], b)) ||
          (e = print_rec(L, k[1], b)))
        return e;
      return lem_buf_add(L, b, ")", 1);
    case LEM_NOT:
      if ((e = lem_buf_add(L, b, "!", 1))) return e;
      return print_rec(L, k[0], b);
    case LEM_ALL:
      if ((e = lem_buf_add(L, b, "(>", 2)) || (e = print_list(L, k, n - 2, b)) ||
          (e = print_rec(L, k[n - 2], b)) || (e = print_rec(L, k[n - 1], b)))
        return e;
      return lem_buf_add(L, b, ")", 1);
  }
  return lem_error(L, LEM_EINVAL, "lem_term_print: bad node %u", t);
}

static lem_err print_list(lem_ctx *L, const lem_term *a, uint32_t n,
                          lem_buf *b) {
  lem_err e = lem_buf_add(L, b, "[", 1);
  for (uint32_t i = 0; i < n && !e; i++) {
    if (i) e = lem_buf_add(L, b, ",", 1);
    if (!e) e = print_rec(L, a[i], b);
  }
  return e ? e : lem_buf_add(L, b, "]", 1);
}

lem_err lem_term_print(lem_ctx *L, lem_term t, lem_buf *b) {
  if (t == LEM_NOTERM || t > lem_bank_count(L))
    return lem_error(L, LEM_EINVAL, "lem_term_print: invalid id %u", t);
  return print_rec(L, t, b);
}

char *lem_term_str(lem_ctx *L, lem_term t) {
  lem_buf b = {0};
  if (lem_term_print(L, t, &b)) {
    lem_buf_free(L, &b);
    return NULL;
  }
  char *s = lem_strndup(L, b.p ? b.p : "", b.len);
  lem_buf_free(L, &b);
  return s;
}
