/*
** canon.c: canonical forms of formulas (see canon.h) and shape hashes.
**
** Two formulas are equivalent when a bijection of their variables (the kept
** ones fixed), a permutation of the operands of every (flattened) & and of
** every bound list make them identical.  lem_canon picks, in each class, the
** member whose serialisation is least, and builds it in the bank.  The
** algorithm:
**
**  1. Copy the formula into a private tree, flattening nested & into n-ary
**     nodes; variables become dense indices, symbols ranks (sorted by name,
**     so the result does not depend on interning order).
**  2. Static keys: a 64-bit hash of every node that ignores variable names
**     and operand order, refined twice Weisfeiler-Lehman style (a variable's
**     colour hashes the contexts of all its occurrences).  Operands and
**     bound lists are sorted by key.  Keys are invariant, so sorting by them
**     restricts the candidates to an equally invariant set; a collision only
**     costs search time, never correctness.
**  3. Search: serialise the tree depth first into tokens, numbering each
**     variable at its first occurrence (a quantifier's list is serialised
**     after its body, and lists it as kept variables by rank, then numbered
**     ones by number, then new ones).  At an & node the next operand must
**     come from the group of least key among those left; when that group
**     has several candidates the search branches, with branch-and-bound
**     against the least complete serialisation found so far.  Candidates
**     that are provably interchangeable are tried once: the same subterm
**     twice, and "local" operands (whose variables occur nowhere else) with
**     equal canonical forms of their own, computed recursively.
**  4. Build the least serialisation in the bank: & right-nested, variables
**     renamed _0, _1, ... in order of first occurrence in the printed form
**     (numbers used by kept variables named _k are skipped).
**
** Bound: the search stops branching after CANON_BUDGET steps (tokens emitted
** plus decisions), finishing the current branch greedily, and returns the
** least complete serialisation seen.  The result is then still an
** equivalent representative of the input, but two exotic equivalent inputs
** (highly symmetric ones, far beyond eight operands per &) may then get
** different ids.  Within the budget the result is exact: equivalent
** formulas get the same id, and since the result is always equivalent to
** the input, inequivalent formulas never do.
**
** A variable's identity is its (name, number): a name bound by an inner
** quantifier that is also used outside it is the same variable there.
*/
#include "canon.h"

#include <stdlib.h>
#include <string.h>

#define CANON_BUDGET (1u << 23) /* search steps per lem_canon call */
#define CANON_MAXNODES (1u << 22) /* tree nodes (DAGs are expanded) */
#define CANON_MAXREC 8u          /* nesting of the recursive local checks */

/* Tokens of the serialisation. */
enum { T_VAR = 1, T_KEEP, T_CONST, T_APP, T_REL, T_AND, T_NOT, T_ALL };

/* Agenda items. */
enum { A_EMIT = 1, A_CHOOSE, A_LIST };

typedef struct cnode {
  uint8_t kind;   /* lem_kind */
  uint8_t keep;   /* VAR: a kept variable */
  uint8_t local;  /* all variables in the subtree occur only in it */
  uint32_t val;   /* VAR: variable index or keep rank; CONST/APP/REL: rank */
  uint32_t n;     /* children (ALL: nvars + 2) */
  uint32_t kid0;  /* first child in kids[] */
  uint32_t parent, depth;
  uint32_t grpend;/* as a child of an & or a list: end of its key group */
  lem_term orig;  /* the bank term it came from */
  lem_term iso;   /* its own canonical form (local operands), 0 if unknown */
  uint64_t key;
} cnode;

typedef struct item {
  uint32_t op, node, pos;
} item;

typedef struct snap {
  uint32_t ag_off, ag_len;   /* agenda copy in agpool */
  uint32_t outlen, vtlen, utlen, gen;
  int cmp;
  uint32_t c_off, c_n, c_next; /* candidates in cpool */
  item it;                     /* the decision's item */
} snap;

typedef struct cw {
  lem_ctx *L;
  uint32_t nkeep;
  const lem_term *keep;
  unsigned depth;        /* recursion level of lem_canon_keep */
  cnode *nd;
  uint32_t nn, ncap;
  uint32_t *kids;
  uint32_t nk, kcap;
  lem_term *vars;        /* variable index -> bank var */
  uint32_t nv, vcap;
  lem_sym *syms;         /* rank -> sym (symbols of CONST/APP/REL) */
  uint32_t ns, scap;
  lem_term *keeps;       /* keep rank -> bank var (kept vars met) */
  uint32_t nkp, kpcap;
  uint64_t *color;       /* per variable */
  uint32_t *lca;         /* per variable: node holding all occurrences */
  uint32_t *occ;         /* per variable: number of occurrences */
  /* search */
  uint32_t *out, *best, toklen, outlen;
  int have_best, cmp;
  uint32_t gen, budget;
  int32_t *vnum;         /* per variable: number or -1 */
  uint32_t nextnum;
  uint32_t *vtrail, vtn;
  uint8_t *used;
  uint32_t *utrail, utn, utcap;
  item *ag;
  uint32_t agn, agcap;
  item *agpool;
  uint32_t agpn, agpcap;
  uint32_t *cpool;
  uint32_t cpn, cpcap;
  snap *sn;
  uint32_t snn, sncap;
  uint32_t vtcap;
} cw;

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
static inline uint64_t h2(uint64_t a, uint64_t b) { return mix64(a * 31 + mix64(b)); }

static uint64_t sym_hash64(const lem_ctx *L, lem_sym y) {
  const char *s = lem_sym_name(L, y);
  size_t n = lem_sym_len(L, y);
  return mix64(((uint64_t)lem_hash_bytes(s, n, 1) << 32) | lem_hash_bytes(s, n, 2));
}

/* ---- step 1: the private tree ---- */

static int symcmp(const lem_ctx *L, lem_sym a, uint32_t an, lem_sym b,
                  uint32_t bn) {
  size_t la = lem_sym_len(L, a), lb = lem_sym_len(L, b);
  int c = memcmp(lem_sym_name(L, a), lem_sym_name(L, b), la < lb ? la : lb);
  if (c) return c;
  if (la != lb) return la < lb ? -1 : 1;
  return an < bn ? -1 : an > bn;
}

static int is_keep(const cw *w, lem_term v) {
  for (uint32_t i = 0; i < w->nkeep; i++)
    if (w->keep[i] == v) return 1;
  return 0;
}

/* Index of x in arr[0..*n), appending it if absent; UINT32_MAX on OOM. */
static uint32_t intern_u32(lem_ctx *L, uint32_t **arr, uint32_t *n,
                           uint32_t *cap, uint32_t x) {
  for (uint32_t i = 0; i < *n; i++)
    if ((*arr)[i] == x) return i;
  if (LEM_GROW(L, *arr, *cap, *n + 1)) return UINT32_MAX;
  (*arr)[*n] = x;
  return (*n)++;
}

static uint32_t new_node(cw *w, lem_term t, uint32_t parent, uint32_t depth) {
  if (w->nn >= CANON_MAXNODES) {
    lem_error(w->L, LEM_ELIMIT, "formula too large to canonicalise");
    return UINT32_MAX;
  }
  if (LEM_GROW(w->L, w->nd, w->ncap, w->nn + 1)) return UINT32_MAX;
  cnode *c = &w->nd[w->nn];
  memset(c, 0, sizeof *c);
  c->kind = (uint8_t)lem_term_kind(w->L, t);
  c->orig = t;
  c->parent = parent;
  c->depth = depth;
  return w->nn++;
}

/* Variable lookups use a linear scan over distinct variables: formulas have
** few.  For many variables this is quadratic, which CANON_MAXNODES bounds. */
static lem_err build_tree(cw *w, lem_term root) {
  lem_ctx *L = w->L;
  uint32_t *st = NULL, sn = 0, scap = 0; /* pending node indices */
  lem_term *ops = NULL, *fl = NULL;      /* flattening buffers */
  uint32_t nops = 0, opcap = 0, nfl = 0, flcap = 0;
  lem_err e = LEM_ENOMEM;
  if (new_node(w, root, UINT32_MAX, 0) == UINT32_MAX) goto out;
  if (LEM_GROW(L, st, scap, 1)) goto out;
  st[sn++] = 0;
  while (sn) {
    uint32_t ci = st[--sn];
    lem_term t = w->nd[ci].orig;
    lem_kind k = (lem_kind)w->nd[ci].kind;
    uint32_t n = lem_term_nargs(L, t);
    const lem_term *a = lem_term_args(L, t);
    if (k == LEM_VAR) {
      uint32_t r;
      if (is_keep(w, t)) {
        w->nd[ci].keep = 1;
        r = intern_u32(L, &w->keeps, &w->nkp, &w->kpcap, t);
      } else {
        r = intern_u32(L, &w->vars, &w->nv, &w->vcap, t);
      }
      if (r == UINT32_MAX) goto out;
      w->nd[ci].val = r;
      continue;
    }
    if (k == LEM_CONST || k == LEM_APP || k == LEM_REL) {
      uint32_t r = intern_u32(L, &w->syms, &w->ns, &w->scap, lem_term_sym(L, t));
      if (r == UINT32_MAX) goto out;
      w->nd[ci].val = r;
    }
    nops = 0;
    if (k == LEM_AND) { /* flatten */
      nfl = 0;
      if (LEM_GROW(L, fl, flcap, 2)) goto out;
      fl[nfl++] = a[1];
      fl[nfl++] = a[0];
      while (nfl) {
        lem_term u = fl[--nfl];
        if (lem_term_kind(L, u) == LEM_AND) {
          if (LEM_GROW(L, fl, flcap, nfl + 2)) goto out;
          fl[nfl++] = lem_term_arg(L, u, 1);
          fl[nfl++] = lem_term_arg(L, u, 0);
        } else {
          if (LEM_GROW(L, ops, opcap, nops + 1)) goto out;
          ops[nops++] = u;
        }
      }
    } else {
      if (n && LEM_GROW(L, ops, opcap, n)) goto out;
      for (uint32_t i = 0; i < n; i++) ops[nops++] = a[i];
      if (k == LEM_ALL)
        for (uint32_t i = 0; i + 2 < n; i++)
          if (lem_term_kind(L, a[i]) != LEM_VAR) {
            e = lem_error(L, LEM_EINVAL, "lem_canon: bound item is not a variable");
            goto out;
          }
    }
    if (LEM_GROW(L, w->kids, w->kcap, w->nk + nops)) goto out;
    w->nd[ci].n = nops;
    w->nd[ci].kid0 = w->nk;
    w->nk += nops;
    if (LEM_GROW(L, st, scap, sn + nops)) goto out;
    uint32_t d = w->nd[ci].depth + 1;
    for (uint32_t i = 0; i < nops; i++) {
      uint32_t c = new_node(w, ops[i], ci, d);
      if (c == UINT32_MAX) goto out;
      w->kids[w->nd[ci].kid0 + i] = c;
    }
    for (uint32_t i = nops; i-- > 0;) st[sn++] = w->kids[w->nd[ci].kid0 + i];
  }
  e = LEM_OK;
out:
  lem_free(L, st, (size_t)scap * sizeof *st);
  lem_free(L, ops, (size_t)opcap * sizeof *ops);
  lem_free(L, fl, (size_t)flcap * sizeof *fl);
  return e;
}

/* Replace symbol indices by ranks in name order (kept variables too). */
static lem_err rank_symbols(cw *w) {
  lem_ctx *L = w->L;
  uint32_t n = w->ns > w->nkp ? w->ns : w->nkp;
  if (!n) return LEM_OK;
  uint32_t *perm = lem_malloc(L, (size_t)n * 2 * sizeof *perm);
  if (!perm) return LEM_ENOMEM;
  uint32_t *rank = perm + n;
  /* insertion sort: formulas have few distinct symbols */
  for (int pass = 0; pass < 2; pass++) {
    uint32_t m = pass ? w->nkp : w->ns;
    for (uint32_t i = 0; i < m; i++) {
      uint32_t j = i;
      for (; j > 0; j--) {
        lem_sym a, b;
        uint32_t an = 0, bn = 0;
        if (pass) {
          a = lem_term_sym(L, w->keeps[perm[j - 1]]), an = lem_term_num(L, w->keeps[perm[j - 1]]);
          b = lem_term_sym(L, w->keeps[i]), bn = lem_term_num(L, w->keeps[i]);
        } else {
          a = w->syms[perm[j - 1]], b = w->syms[i];
        }
        if (symcmp(L, a, an, b, bn) <= 0) break;
        perm[j] = perm[j - 1];
      }
      perm[j] = i;
    }
    for (uint32_t i = 0; i < m; i++) rank[perm[i]] = i;
    for (uint32_t i = 0; i < w->nn; i++) {
      cnode *c = &w->nd[i];
      int isk = c->kind == LEM_VAR && c->keep;
      int iss = c->kind == LEM_CONST || c->kind == LEM_APP || c->kind == LEM_REL;
      if ((pass && isk) || (!pass && iss)) c->val = rank[c->val];
    }
    /* reorder the arrays themselves so that index == rank */
    if (pass) {
      for (uint32_t i = 0; i < m; i++) perm[i] = (uint32_t)w->keeps[perm[i]];
      for (uint32_t i = 0; i < m; i++) w->keeps[i] = perm[i];
    } else {
      for (uint32_t i = 0; i < m; i++) perm[i] = w->syms[perm[i]];
      for (uint32_t i = 0; i < m; i++) w->syms[i] = perm[i];
    }
  }
  lem_free(L, perm, (size_t)n * 2 * sizeof *perm);
  return LEM_OK;
}

/* ---- step 2: static keys, locality ---- */

typedef struct kk {
  uint64_t key;
  uint32_t node;
} kk;

static int kk_cmp(const void *x, const void *y) {
  const kk *a = x, *b = y;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return 0;
}

static void node_keys(cw *w) {
  const lem_ctx *L = w->L;
  for (uint32_t i = w->nn; i-- > 0;) {
    cnode *c = &w->nd[i];
    const uint32_t *k = w->kids + c->kid0;
    uint64_t h = mix64(c->kind);
    switch (c->kind) {
      case LEM_VAR:
        h = c->keep ? h2(7, sym_hash64(L, lem_term_sym(L, w->keeps[c->val])) ^
                               lem_term_num(L, w->keeps[c->val]))
                    : w->color[c->val];
        break;
      case LEM_CONST:
        h = h2(h, sym_hash64(L, w->syms[c->val]));
        break;
      case LEM_AND: {
        uint64_t sum = 0;
        for (uint32_t j = 0; j < c->n; j++) sum += mix64(w->nd[k[j]].key);
        h = h2(h2(h, c->n), sum);
        break;
      }
      case LEM_ALL: {
        uint64_t sum = 0;
        for (uint32_t j = 0; j + 2 < c->n; j++) sum += mix64(w->nd[k[j]].key);
        h = h2(h2(h2(h, c->n), sum), w->nd[k[c->n - 2]].key);
        h = h2(h, w->nd[k[c->n - 1]].key);
        break;
      }
      default:
        if (c->kind == LEM_APP || c->kind == LEM_REL)
          h = h2(h, sym_hash64(L, w->syms[c->val]));
        h = h2(h, c->n);
        for (uint32_t j = 0; j < c->n; j++) h = h2(h, w->nd[k[j]].key);
    }
    c->key = h;
  }
}

static lem_err static_keys(cw *w) {
  lem_ctx *L = w->L;
  uint64_t *ctx = lem_malloc(L, (size_t)w->nn * sizeof *ctx);
  uint64_t *nc = ctx && w->nv ? lem_malloc(L, (size_t)w->nv * sizeof *nc) : NULL;
  if (!ctx || (w->nv && !nc)) {
    lem_free(L, ctx, (size_t)w->nn * sizeof *ctx);
    return LEM_ENOMEM;
  }
  for (uint32_t v = 0; v < w->nv; v++) w->color[v] = 0x5151;
  for (int round = 0;; round++) {
    node_keys(w);
    if (round == 2) break;
    ctx[0] = 1;
    for (uint32_t v = 0; v < w->nv; v++) nc[v] = 0;
    for (uint32_t i = 0; i < w->nn; i++) {
      const cnode *c = &w->nd[i];
      const uint32_t *k = w->kids + c->kid0;
      for (uint32_t j = 0; j < c->n; j++) {
        int unordered = c->kind == LEM_AND || (c->kind == LEM_ALL && j + 2 < c->n);
        uint64_t pos = unordered ? 0xffff : (c->kind == LEM_ALL ? j + 2 - c->n + 0x10000 : j);
        ctx[k[j]] = h2(h2(ctx[i], c->key), pos);
      }
      if (c->kind == LEM_VAR && !c->keep) nc[c->val] += mix64(ctx[i]);
    }
    for (uint32_t v = 0; v < w->nv; v++) w->color[v] = h2(w->color[v], nc[v]);
  }
  lem_free(L, ctx, (size_t)w->nn * sizeof *ctx);
  if (nc) lem_free(L, nc, (size_t)w->nv * sizeof *nc);
  /* sort & operands and bound lists by key; record group ends */
  kk *tmp = NULL;
  uint32_t tcap = 0;
  for (uint32_t i = 0; i < w->nn; i++) {
    cnode *c = &w->nd[i];
    uint32_t m = c->kind == LEM_AND ? c->n : c->kind == LEM_ALL ? c->n - 2 : 0;
    if (m == 0) continue;
    if (LEM_GROW(L, tmp, tcap, m)) {
      lem_free(L, tmp, (size_t)tcap * sizeof *tmp);
      return LEM_ENOMEM;
    }
    uint32_t *k = w->kids + c->kid0;
    for (uint32_t j = 0; j < m; j++) tmp[j] = (kk){w->nd[k[j]].key, k[j]};
    qsort(tmp, m, sizeof *tmp, kk_cmp);
    for (uint32_t j = 0; j < m; j++) k[j] = tmp[j].node;
    for (uint32_t j = m; j-- > 0;)
      w->nd[k[j]].grpend = (j + 1 < m && tmp[j + 1].key == tmp[j].key)
                               ? w->nd[k[j + 1]].grpend : j + 1;
  }
  lem_free(L, tmp, (size_t)tcap * sizeof *tmp);
  return LEM_OK;
}

/* Locality: a node is local when every variable occurring in it has all its
** occurrences inside it, i.e. the lowest node holding them all is at or
** below it. */
static void locality(cw *w) {
  for (uint32_t v = 0; v < w->nv; v++) w->lca[v] = UINT32_MAX, w->occ[v] = 0;
  for (uint32_t i = 0; i < w->nn; i++) {
    const cnode *c = &w->nd[i];
    if (c->kind != LEM_VAR || c->keep) continue;
    uint32_t v = c->val, a = w->lca[v], b = i;
    w->occ[v]++;
    if (a == UINT32_MAX) {
      w->lca[v] = i;
      continue;
    }
    while (w->nd[a].depth > w->nd[b].depth) a = w->nd[a].parent;
    while (w->nd[b].depth > w->nd[a].depth) b = w->nd[b].parent;
    while (a != b) a = w->nd[a].parent, b = w->nd[b].parent;
    w->lca[v] = a;
  }
  /* mind[i]: least depth of the lca of a variable below i; kept in iso
  ** temporarily (it is reset to 0 below). */
  for (uint32_t i = w->nn; i-- > 0;) {
    cnode *c = &w->nd[i];
    uint32_t m = UINT32_MAX;
    if (c->kind == LEM_VAR && !c->keep) m = w->nd[w->lca[c->val]].depth;
    for (uint32_t j = 0; j < c->n; j++) {
      uint32_t x = w->nd[w->kids[c->kid0 + j]].iso;
      if (x < m) m = x;
    }
    c->iso = m;
  }
  for (uint32_t i = 0; i < w->nn; i++) {
    cnode *c = &w->nd[i];
    c->local = c->iso == UINT32_MAX || c->iso >= c->depth;
  }
  for (uint32_t i = 0; i < w->nn; i++) w->nd[i].iso = 0;
}

/* ---- step 3: the search ---- */

static lem_term canon_rec(lem_ctx *L, lem_term t, uint32_t nkeep,
                          const lem_term *keep, unsigned depth);

static inline int push_item(cw *w, uint32_t op, uint32_t node, uint32_t pos) {
  if (LEM_GROW(w->L, w->ag, w->agcap, w->agn + 1)) return -1;
  w->ag[w->agn++] = (item){op, node, pos};
  return 0;
}

/* Emit a token: 0 go on, 1 prune (worse than the best). */
static inline int emit(cw *w, uint32_t tok) {
  if (w->budget) w->budget--;
  if (w->have_best && w->cmp == 0) {
    uint32_t b = w->best[w->outlen];
    if (tok > b) return 1;
    if (tok < b) w->cmp = -1;
  }
  w->out[w->outlen++] = tok;
  return 0;
}

static int mark_used(cw *w, uint32_t node) {
  if (LEM_GROW(w->L, w->utrail, w->utcap, w->utn + 1)) return -1;
  w->used[node] = 1;
  w->utrail[w->utn++] = node;
  return 0;
}

static uint32_t var_number(cw *w, uint32_t v) {
  if (w->vnum[v] < 0) {
    w->vnum[v] = (int32_t)w->nextnum++;
    w->vtrail[w->vtn++] = v;
  }
  return (uint32_t)w->vnum[v];
}

/* The token pair of a variable leaf (numbering it if new). */
static int emit_var(cw *w, const cnode *c) {
  if (c->keep) return emit(w, T_KEEP) || emit(w, c->val);
  return emit(w, T_VAR) || emit(w, var_number(w, c->val));
}

/* Candidates of a CHOOSE or LIST decision, into cpool from its end.  Returns
** their number (0 when the item is finished), or UINT32_MAX on error. */
static uint32_t candidates(cw *w, item *it) {
  const cnode *c = &w->nd[it->node];
  const uint32_t *k = w->kids + c->kid0;
  uint32_t m = it->op == A_CHOOSE ? c->n : c->n - 2;
  while (it->pos < m && w->used[k[it->pos]]) it->pos++;
  if (it->pos == m) return 0;
  uint32_t base = w->cpn, cnt = 0;
  if (it->op == A_LIST) { /* forced: kept by rank, then numbered by number */
    uint32_t bestj = UINT32_MAX, bk = UINT32_MAX, bn = UINT32_MAX;
    for (uint32_t j = it->pos; j < m; j++) {
      const cnode *x = &w->nd[k[j]];
      if (w->used[k[j]]) continue;
      if (x->keep) {
        if (x->val < bk) bk = x->val, bestj = j;
      } else if (bk == UINT32_MAX && w->vnum[x->val] >= 0 &&
                 (uint32_t)w->vnum[x->val] < bn) {
        bn = (uint32_t)w->vnum[x->val], bestj = j;
      }
    }
    if (bestj != UINT32_MAX) {
      if (LEM_GROW(w->L, w->cpool, w->cpcap, base + 1)) return UINT32_MAX;
      w->cpool[w->cpn++] = k[bestj];
      return 1;
    }
    /* all new: the least key group among those left */
    uint64_t key = 0;
    int have = 0;
    for (uint32_t j = it->pos; j < m; j++)
      if (!w->used[k[j]] && (!have || w->nd[k[j]].key < key))
        key = w->nd[k[j]].key, have = 1;
    for (uint32_t j = it->pos; j < m; j++) {
      const cnode *x = &w->nd[k[j]];
      if (w->used[k[j]] || x->key != key) continue;
      /* the same variable twice, or a variable used only in this list with
      ** the same multiplicity as one already taken, adds nothing */
      uint32_t mult = 0, dup = 0;
      for (uint32_t q = 0; q < m; q++) mult += w->nd[k[q]].val == x->val && !w->nd[k[q]].keep;
      for (uint32_t q = base; q < w->cpn && !dup; q++) {
        const cnode *y = &w->nd[w->cpool[q]];
        if (y->val == x->val) dup = 1;
        else if (mult == w->occ[x->val] && w->occ[y->val] == mult) {
          uint32_t my = 0;
          for (uint32_t r = 0; r < m; r++) my += w->nd[k[r]].val == y->val && !w->nd[k[r]].keep;
          dup = my == mult;
        }
      }
      if (dup) continue;
      if (LEM_GROW(w->L, w->cpool, w->cpcap, w->cpn + 1)) return UINT32_MAX;
      w->cpool[w->cpn++] = k[j];
      cnt++;
    }
    return cnt;
  }
  uint32_t end = w->nd[k[it->pos]].grpend;
  for (uint32_t j = it->pos; j < end; j++) {
    uint32_t x = k[j];
    if (w->used[x]) continue;
    int dup = 0;
    for (uint32_t q = base; q < w->cpn && !dup; q++) {
      cnode *y = &w->nd[w->cpool[q]];
      if (y->orig == w->nd[x].orig) dup = 1;
      else if (y->local && w->nd[x].local && w->depth < CANON_MAXREC) {
        cnode *xs[2] = {y, &w->nd[x]};
        for (int z = 0; z < 2; z++)
          if (!xs[z]->iso &&
              !(xs[z]->iso = canon_rec(w->L, xs[z]->orig, w->nkeep, w->keep,
                                       w->depth + 1)))
            return UINT32_MAX;
        dup = xs[0]->iso == xs[1]->iso;
      }
    }
    if (dup) continue;
    if (LEM_GROW(w->L, w->cpool, w->cpcap, w->cpn + 1)) return UINT32_MAX;
    w->cpool[w->cpn++] = x;
    cnt++;
  }
  return cnt;
}

/* Take candidate x for decision it: 0 go on, 1 prune, -1 error. */
static int take(cw *w, const item *it, uint32_t x) {
  if (mark_used(w, x)) return -1;
  if (push_item(w, it->op, it->node, it->pos)) return -1;
  if (it->op == A_LIST) return emit_var(w, &w->nd[x]);
  return push_item(w, A_EMIT, x, 0);
}

/* Process one agenda item: 0 go on, 1 prune, -1 error. */
static int step(cw *w, item it) {
  const cnode *c = &w->nd[it.node];
  const uint32_t *k = w->kids + c->kid0;
  if (it.op == A_EMIT) {
    switch (c->kind) {
      case LEM_VAR: return emit_var(w, c);
      case LEM_CONST: return emit(w, T_CONST) || emit(w, c->val);
      case LEM_APP:
      case LEM_REL:
        if (emit(w, c->kind == LEM_APP ? T_APP : T_REL) || emit(w, c->val) ||
            emit(w, c->n))
          return 1;
        for (uint32_t j = c->n; j-- > 0;)
          if (push_item(w, A_EMIT, k[j], 0)) return -1;
        return 0;
      case LEM_NOT:
        if (emit(w, T_NOT)) return 1;
        return push_item(w, A_EMIT, k[0], 0);
      case LEM_AND:
        if (emit(w, T_AND) || emit(w, c->n)) return 1;
        return push_item(w, A_CHOOSE, it.node, 0);
      case LEM_ALL:
        if (emit(w, T_ALL) || emit(w, c->n - 2)) return 1;
        if (push_item(w, A_LIST, it.node, 0) ||
            push_item(w, A_EMIT, k[c->n - 1], 0) ||
            push_item(w, A_EMIT, k[c->n - 2], 0))
          return -1;
        return 0;
    }
    return -1;
  }
  uint32_t base = w->cpn;
  uint32_t n = candidates(w, &it);
  if (n == UINT32_MAX) return -1;
  if (n == 0) return 0;
  uint32_t first = w->cpool[base];
  if (n == 1 || !w->budget) {
    w->cpn = base;
    return take(w, &it, first);
  }
  /* a real decision: remember how to come back */
  if (LEM_GROW(w->L, w->sn, w->sncap, w->snn + 1) ||
      LEM_GROW(w->L, w->agpool, w->agpcap, w->agpn + w->agn))
    return -1;
  snap *s = &w->sn[w->snn++];
  s->ag_off = w->agpn;
  s->ag_len = w->agn;
  if (w->agn) memcpy(w->agpool + w->agpn, w->ag, (size_t)w->agn * sizeof *w->ag);
  w->agpn += w->agn;
  s->outlen = w->outlen;
  s->vtlen = w->vtn;
  s->utlen = w->utn;
  s->gen = w->gen;
  s->cmp = w->cmp;
  s->c_off = base;
  s->c_n = n;
  s->c_next = 1;
  s->it = it;
  return take(w, &it, first);
}

/* Go back to the newest decision with an untried candidate and take it.
** 1 if there was one, 0 if the search is over, -1 on error. */
static int backtrack(cw *w) {
  while (w->snn) {
    snap *s = &w->sn[w->snn - 1];
    if (s->c_next == s->c_n || !w->budget) {
      w->agpn = s->ag_off;
      w->cpn = s->c_off;
      w->snn--;
      continue;
    }
    uint32_t x = w->cpool[s->c_off + s->c_next++];
    if (s->ag_len)
      memcpy(w->ag, w->agpool + s->ag_off, (size_t)s->ag_len * sizeof *w->ag);
    w->agn = s->ag_len;
    w->agpn = s->ag_off + s->ag_len;
    w->cpn = s->c_off + s->c_n;
    w->outlen = s->outlen;
    while (w->vtn > s->vtlen) w->vnum[w->vtrail[--w->vtn]] = -1;
    while (w->utn > s->utlen) w->used[w->utrail[--w->utn]] = 0;
    w->nextnum = w->vtn;
    w->cmp = s->gen == w->gen ? s->cmp : 0;
    item it = s->it;
    if (w->budget) w->budget--;
    int r = take(w, &it, x);
    if (r < 0) return -1;
    if (r == 0) return 1;
  }
  return 0;
}

static lem_err search(cw *w) {
  lem_ctx *L = w->L;
  w->toklen = 0;
  for (uint32_t i = 0; i < w->nn; i++) {
    const cnode *c = &w->nd[i];
    switch (c->kind) {
      case LEM_VAR: case LEM_CONST: w->toklen += 2; break;
      case LEM_APP: case LEM_REL: w->toklen += 3; break;
      case LEM_NOT: w->toklen += 1; break;
      default: w->toklen += 2; break; /* AND, ALL (list leaves counted) */
    }
  }
  w->out = lem_malloc(L, (size_t)w->toklen * 2 * sizeof *w->out);
  w->vnum = w->nv ? lem_malloc(L, (size_t)w->nv * sizeof *w->vnum) : NULL;
  w->vtrail = w->nv ? lem_malloc(L, (size_t)w->nv * sizeof *w->vtrail) : NULL;
  w->used = lem_calloc(L, w->nn);
  if (!w->out || !w->used || (w->nv && (!w->vnum || !w->vtrail)))
    return LEM_ENOMEM;
  w->best = w->out + w->toklen;
  for (uint32_t v = 0; v < w->nv; v++) w->vnum[v] = -1;
  w->budget = CANON_BUDGET;
  if (push_item(w, A_EMIT, 0, 0)) return LEM_ENOMEM;
  for (;;) {
    int r = 0;
    while (w->agn && r == 0) r = step(w, w->ag[--w->agn]);
    if (r < 0) return L->err ? L->err : LEM_ENOMEM;
    if (r == 0 && (!w->have_best || w->cmp < 0)) {
      memcpy(w->best, w->out, (size_t)w->toklen * sizeof *w->out);
      w->have_best = 1;
      w->cmp = 0;
      w->gen++;
    }
    r = backtrack(w);
    if (r < 0) return L->err ? L->err : LEM_ENOMEM;
    if (r == 0) break;
  }
  return LEM_OK;
}

/* ---- step 4: building the result ---- */

typedef struct pnode {
  uint32_t tok, val, n, kid0; /* kid0 into pk[] */
} pnode;

/* The name _j for the j-th canonical variable, skipping names of kept
** variables. */
static lem_term canon_var(cw *w, uint32_t *next) {
  char buf[16];
  for (;;) {
    uint32_t j = (*next)++;
    int len = 0;
    buf[len++] = '_';
    char d[12];
    int nd = 0;
    do d[nd++] = (char)('0' + j % 10), j /= 10; while (j);
    while (nd) buf[len++] = d[--nd];
    lem_sym y = lem_sym_intern(w->L, buf, (size_t)len);
    if (!y) return LEM_NOTERM;
    lem_term v = lem_mk_var(w->L, y, 0);
    if (!v) return LEM_NOTERM;
    if (!is_keep(w, v)) return v;
  }
}

static lem_term build_result(cw *w) {
  lem_ctx *L = w->L;
  const uint32_t *b = w->best;
  lem_term res = LEM_NOTERM;
  uint32_t np = 0, pkn = 0, cap = w->nn;
  pnode *p = lem_malloc(L, (size_t)cap * sizeof *p);
  uint32_t *pk = lem_malloc(L, (size_t)cap * sizeof *pk);
  uint32_t *st = lem_malloc(L, (size_t)cap * 2 * sizeof *st);
  lem_term *val = lem_malloc(L, (size_t)cap * sizeof *val);
  lem_term *name = w->nv ? lem_malloc(L, (size_t)w->nv * sizeof *name) : NULL;
  lem_term *tmp = NULL;
  uint32_t tcap = 0;
  if (!p || !pk || !st || !val || (w->nv && !name)) goto out;
  /* parse: st holds (node, children still to read) */
  uint32_t pos = 0, sn = 0;
  do {
    pnode *x = &p[np];
    x->tok = b[pos++];
    x->val = x->n = 0;
    switch (x->tok) {
      case T_VAR: case T_KEEP: case T_CONST: x->val = b[pos++]; break;
      case T_APP: case T_REL: x->val = b[pos++]; x->n = b[pos++]; break;
      case T_NOT: x->n = 1; break;
      case T_AND: x->n = b[pos++]; break;
      case T_ALL: x->val = b[pos++]; x->n = x->val + 2; break;
    }
    x->kid0 = pkn;
    pkn += x->n;
    uint32_t me = np++;
    if (sn) { /* attach to the parent */
      uint32_t par = st[sn - 2];
      pk[p[par].kid0 + p[par].n - st[sn - 1]] = me;
      if (--st[sn - 1] == 0) sn -= 2;
    }
    if (p[me].n) st[sn++] = me, st[sn++] = p[me].n;
    while (sn && st[sn - 1] == 0) sn -= 2;
  } while (sn);
  /* ALL children in the token order are prem, concl, list...: reorder to
  ** list, prem, concl, then name variables in print order */
  for (uint32_t i = 0; i < np; i++)
    if (p[i].tok == T_ALL && p[i].val) {
      uint32_t *k = pk + p[i].kid0, pr = k[0], co = k[1];
      memmove(k, k + 2, (size_t)p[i].val * sizeof *k);
      k[p[i].val] = pr;
      k[p[i].val + 1] = co;
    }
  for (uint32_t i = 0; i < w->nv; i++) name[i] = LEM_NOTERM;
  uint32_t next = 0;
  sn = 0;
  st[sn++] = 0;
  while (sn) { /* preorder, left to right */
    uint32_t i = st[--sn];
    if (p[i].tok == T_VAR && !name[p[i].val] &&
        !(name[p[i].val] = canon_var(w, &next)))
      goto out;
    for (uint32_t j = p[i].n; j-- > 0;) st[sn++] = pk[p[i].kid0 + j];
  }
  for (uint32_t i = np; i-- > 0;) { /* children come after their parent */
    const pnode *x = &p[i];
    const uint32_t *k = pk + x->kid0;
    if (LEM_GROW(L, tmp, tcap, x->n + 1)) goto out;
    for (uint32_t j = 0; j < x->n; j++) tmp[j] = val[k[j]];
    lem_term t = LEM_NOTERM;
    switch (x->tok) {
      case T_VAR: t = name[x->val]; break;
      case T_KEEP: t = w->keeps[x->val]; break;
      case T_CONST: t = lem_mk_const(L, w->syms[x->val]); break;
      case T_APP: t = lem_mk_app(L, w->syms[x->val], x->n, tmp); break;
      case T_REL: t = lem_mk_rel(L, w->syms[x->val], x->n, tmp); break;
      case T_NOT: t = lem_mk_not(L, tmp[0]); break;
      case T_AND: t = lem_mk_andn(L, x->n, tmp); break;
      case T_ALL: t = lem_mk(L, LEM_ALL, 0, 0, x->n, tmp); break;
    }
    if (!t) goto out;
    val[i] = t;
  }
  res = val[0];
out:
  if (!res && !L->err) lem_error(L, LEM_ENOMEM, "out of memory in lem_canon");
  lem_free(L, p, (size_t)cap * sizeof *p);
  lem_free(L, pk, (size_t)cap * sizeof *pk);
  lem_free(L, st, (size_t)cap * 2 * sizeof *st);
  lem_free(L, val, (size_t)cap * sizeof *val);
  if (name) lem_free(L, name, (size_t)w->nv * sizeof *name);
  lem_free(L, tmp, (size_t)tcap * sizeof *tmp);
  return res;
}

/* ---- entry points ---- */

static void cw_free(cw *w) {
  lem_ctx *L = w->L;
  lem_free(L, w->nd, (size_t)w->ncap * sizeof *w->nd);
  lem_free(L, w->kids, (size_t)w->kcap * sizeof *w->kids);
  lem_free(L, w->vars, (size_t)w->vcap * sizeof *w->vars);
  lem_free(L, w->syms, (size_t)w->scap * sizeof *w->syms);
  lem_free(L, w->keeps, (size_t)w->kpcap * sizeof *w->keeps);
  if (w->color) lem_free(L, w->color, (size_t)w->nv * sizeof *w->color);
  if (w->lca) lem_free(L, w->lca, (size_t)w->nv * sizeof *w->lca);
  if (w->occ) lem_free(L, w->occ, (size_t)w->nv * sizeof *w->occ);
  if (w->out) lem_free(L, w->out, (size_t)w->toklen * 2 * sizeof *w->out);
  if (w->vnum) lem_free(L, w->vnum, (size_t)w->nv * sizeof *w->vnum);
  if (w->vtrail) lem_free(L, w->vtrail, (size_t)w->nv * sizeof *w->vtrail);
  if (w->used) lem_free(L, w->used, w->nn);
  lem_free(L, w->utrail, (size_t)w->utcap * sizeof *w->utrail);
  lem_free(L, w->ag, (size_t)w->agcap * sizeof *w->ag);
  lem_free(L, w->agpool, (size_t)w->agpcap * sizeof *w->agpool);
  lem_free(L, w->cpool, (size_t)w->cpcap * sizeof *w->cpool);
  lem_free(L, w->sn, (size_t)w->sncap * sizeof *w->sn);
}

static lem_term canon_rec(lem_ctx *L, lem_term t, uint32_t nkeep,
                          const lem_term *keep, unsigned depth) {
  if (t == LEM_NOTERM || t > lem_bank_count(L)) {
    lem_error(L, LEM_EINVAL, "lem_canon: invalid term %u", t);
    return LEM_NOTERM;
  }
  for (uint32_t i = 0; i < nkeep; i++)
    if (!keep[i] || keep[i] > lem_bank_count(L) ||
        lem_term_kind(L, keep[i]) != LEM_VAR) {
      lem_error(L, LEM_EINVAL, "lem_canon_keep: keep[%u] is not a variable", i);
      return LEM_NOTERM;
    }
  cw w;
  memset(&w, 0, sizeof w);
  w.L = L;
  w.nkeep = nkeep;
  w.keep = keep;
  w.depth = depth;
  lem_term res = LEM_NOTERM;
  if (build_tree(&w, t) || rank_symbols(&w)) goto out;
  if (w.nv) {
    w.color = lem_malloc(L, (size_t)w.nv * sizeof *w.color);
    w.lca = lem_malloc(L, (size_t)w.nv * sizeof *w.lca);
    w.occ = lem_malloc(L, (size_t)w.nv * sizeof *w.occ);
    if (!w.color || !w.lca || !w.occ) goto out;
  }
  if (static_keys(&w)) goto out;
  locality(&w);
  if (search(&w)) goto out;
  res = build_result(&w);
out:
  if (!res && !L->err) lem_error(L, LEM_ENOMEM, "out of memory in lem_canon");
  cw_free(&w);
  return res;
}

lem_term lem_canon(lem_ctx *L, lem_term t) {
  return canon_rec(L, t, 0, NULL, 0);
}

lem_term lem_canon_keep(lem_ctx *L, lem_term t, uint32_t nkeep,
                        const lem_term *keep) {
  return canon_rec(L, t, nkeep, keep, 0);
}

/* ---- shape hash ---- */

#define SHAPE_STACK 1024       /* frames on the C stack */
#define SHAPE_BUDGET (1u << 20)/* nodes visited before summarising */

/* Summary of a subtree too deep (or past the budget) to walk: still
** invariant under renaming. */
static uint32_t shape_summary(const lem_ctx *L, lem_term t) {
  uint32_t h = lem_hash_mix(0x5a5a5a5au, (uint32_t)lem_term_kind(L, t));
  h = lem_hash_mix(h, lem_term_sym(L, t));
  h = lem_hash_mix(h, lem_term_nargs(L, t));
  return lem_hash_mix(h, lem_term_size(L, t));
}

static uint32_t shape_head(const lem_ctx *L, lem_term t) {
  uint32_t h = lem_hash_mix(0x811c9dc5u, (uint32_t)lem_term_kind(L, t));
  h = lem_hash_mix(h, lem_term_sym(L, t));
  h = lem_hash_mix(h, lem_term_kind(L, t) == LEM_VAR ? 0 : lem_term_num(L, t));
  return lem_hash_mix(h, lem_term_nargs(L, t));
}

#define SHAPE_VAR 0x3c6ef372u

uint32_t lem_shape_hash(const lem_ctx *L, lem_term t) {
  struct { lem_term t; uint32_t i, h; } fr[SHAPE_STACK];
  uint32_t n = 0, budget = SHAPE_BUDGET, r = 0;
  if (lem_term_kind(L, t) == LEM_VAR) return SHAPE_VAR;
  if (lem_term_ground(L, t)) return lem_term_hash(L, t);
  fr[n].t = t, fr[n].i = 0, fr[n].h = shape_head(L, t), n++;
  while (n) {
    lem_term u = fr[n - 1].t;
    uint32_t i = fr[n - 1].i;
    if (i < lem_term_nargs(L, u)) {
      lem_term c = lem_term_args(L, u)[i];
      fr[n - 1].i++;
      uint32_t ch;
      if (lem_term_kind(L, c) == LEM_VAR) ch = SHAPE_VAR;
      else if (lem_term_ground(L, c)) ch = lem_term_hash(L, c);
      else if (n == SHAPE_STACK || !budget) ch = shape_summary(L, c);
      else {
        budget--;
        fr[n].t = c, fr[n].i = 0, fr[n].h = shape_head(L, c), n++;
        continue;
      }
      fr[n - 1].h = lem_hash_mix(fr[n - 1].h, ch);
      continue;
    }
    r = fr[--n].h;
    if (n) fr[n - 1].h = lem_hash_mix(fr[n - 1].h, r);
  }
  return r;
}
