/*
** lb.c: logic blocks.  The design and the invariants are in lb.h; the proof
** calculus the provenance maps onto is in prover/DESIGN.md.
**
** Index keys (64 bits, per block, see key_*): facts by relation, by
** (relation, position, constant), by (relation, position, constant,
** operation), by a functional relation's inputs (key_sig) and by constant;
** negated atoms by relation; rules by the relation of each premise, or its
** first constant argument, or its constant inputs (premise_key).  Every
** vector lists its entries in the order they were made, which the joins
** rely on (cand_slot, meet_key).
*/
#include "lb.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { K_REL = 1, K_NEG, K_RULE, K_RULENEG, K_CONST, K_EXIST, K_LAZY, K_HEAD };

static uint64_t key_tag(uint32_t tag, uint32_t id) { return lem_key2(tag, id); }
static int key_arg(lem_sym rel, uint32_t pos, lem_term c, uint64_t *k) {
  if (rel >= (1u << 23) || pos >= 256) return 0;
  *k = lem_key2(0x80000000u | (rel << 8) | pos, c);
  return 1;
}
/* Rule premises with constant c at argument pos (term ids stay below 2^31,
** so ~c keeps these keys apart from key_arg's). */
static int key_rulearg(lem_sym rel, uint32_t pos, lem_term c, uint64_t *k) {
  if (!key_arg(rel, pos, c, k)) return 0;
  *k ^= 0xffffffffu;
  return 1;
}

/* Facts with constant c at argument pos and operation op at the relation's
** op argument.  The high word has bit 30 set and bit 31 clear, apart from
** key_tag's and key_arg's keys; rel, pos and op are hashed into the rest,
** so two such keys may share a vector, which only costs matches (every
** index vector lists facts in the order made, see cand_slot). */
static uint64_t key_oparg(lem_sym rel, uint32_t pos, lem_term c, lem_term op) {
  uint32_t h = lem_hash_mix(lem_hash_mix(lem_hash_mix(0x9e3779b9u, rel), pos),
                            op);
  return lem_key2(0x40000000u | (h & 0x3fffffffu), c);
}

/* Facts of a functional relation (one argument of role out) with the
** given arguments at every other position (vals[out] is ignored): the
** facts that say what the operation gives for those inputs.  Hashed like
** key_oparg, into the same space. */
static uint64_t sig_hash(lem_sym rel, const lem_term *vals, uint32_t n,
                         uint32_t out) {
  uint32_t h1 = lem_hash_mix(0x85ebca6bu, rel), h2 = lem_hash_mix(7u, rel);
  for (uint32_t i = 0; i < n; i++) {
    if (i == out) continue;
    h1 = lem_hash_mix(h1, vals[i]);
    h2 = lem_hash_mix(h2 ^ 0x27d4eb2fu, vals[i]);
  }
  return lem_key2(h1, h2);
}

static uint64_t key_sig(lem_sym rel, const lem_term *vals, uint32_t n,
                        uint32_t out) {
  uint64_t h = sig_hash(rel, vals, n, out);
  return lem_key2(0x40000000u | ((uint32_t)(h >> 32) & 0x3fffffffu),
                  (uint32_t)h);
}

/* Rule premises whose arguments but the out one are the constants vals,
** with their first constant at argument first (where key_rulearg would
** have filed them).  The high word has bits 31 and 30 clear and bit 29 set,
** apart from every other key; a shared vector costs matches only. */
static uint64_t key_rulesig(lem_sym rel, const lem_term *vals, uint32_t n,
                            uint32_t out, uint32_t first) {
  uint64_t h = sig_hash(rel, vals, n, out);
  uint32_t hi = (uint32_t)(h >> 32) ^ lem_hash_mix(0x165667b1u, first);
  return lem_key2(0x20000000u | (hi & 0x1fffffffu), (uint32_t)h);
}

/* The argument of declaration d with role role, if it has exactly one; -1
** otherwise. */
static int32_t decl_role(const lem_reldecl *d, lem_role role) {
  int32_t pos = -1;
  for (uint32_t i = 0; i < d->arity; i++)
    if (d->roles[i] == role) {
      if (pos >= 0) return -1;
      pos = (int32_t)i;
    }
  return pos;
}

/* Fill E->rinfo from the theory's relation declarations. */
static lem_err relinfo_init(pv_eng *E) {
  const lem_theory *T = E->T;
  uint32_t n = 0;
  for (uint32_t i = 0; T && i < T->nrels; i++)
    if (T->rels[i].name >= n) n = T->rels[i].name + 1;
  if (!n) return LEM_OK;
  E->rinfo = lem_malloc(E->L, n * sizeof *E->rinfo);
  if (!E->rinfo) return LEM_ENOMEM;
  E->nrinfo = n;
  memset(E->rinfo, 0, n * sizeof *E->rinfo);
  /* backwards, so that the first of two declarations of a name wins, as
     in lem_theory_rel */
  for (uint32_t i = T->nrels; i-- > 0;) {
    const lem_reldecl *d = &T->rels[i];
    pv_relinfo *r = &E->rinfo[d->name];
    r->arity = d->arity;
    r->out = decl_role(d, LEM_ROLE_OUT);
    r->op = decl_role(d, LEM_ROLE_OP);
  }
  return LEM_OK;
}

/* The argument of relation rel (arity n) with role out or op (role), if it
** has exactly one; -1 otherwise. */
static int role_pos(const pv_eng *E, lem_sym rel, uint32_t n, lem_role role) {
  if (rel >= E->nrinfo || !n || E->rinfo[rel].arity != n) return -1;
  return role == LEM_ROLE_OUT ? E->rinfo[rel].out : E->rinfo[rel].op;
}

/* Are args[0..n) constants, but for position skip? */
static int consts_but(const lem_ctx *L, const lem_term *args, uint32_t n,
                      uint32_t skip) {
  for (uint32_t i = 0; i < n; i++)
    if (i != skip && (!args[i] || lem_term_kind(L, args[i]) != LEM_CONST))
      return 0;
  return 1;
}

/* The first argument of atom p that is a constant, or p's arity. */
static uint32_t first_const(const lem_ctx *L, lem_term p) {
  const lem_term *a = lem_term_args(L, p);
  uint32_t n = lem_term_nargs(L, p), i = 0;
  while (i < n && lem_term_kind(L, a[i]) != LEM_CONST) i++;
  return i;
}

/* The index key for a positive rule premise p: its relation and its first
** constant argument, or its relation alone when it has none.  A functional
** premise whose inputs are all constants (x + y = ?, from a rule
** instantiated by an earlier fire) is filed by them all, key_rulesig, so
** that the facts about other sums of x do not meet it; meet_rules visits
** those with the first constant's vector, in the order of both. */
static uint64_t premise_key(const pv_eng *E, lem_term p) {
  const lem_ctx *L = E->L;
  lem_sym rel = lem_term_sym(L, p);
  const lem_term *a = lem_term_args(L, p);
  uint32_t n = lem_term_nargs(L, p), i = first_const(L, p);
  uint64_t k;
  if (i == n || !key_rulearg(rel, i, a[i], &k)) return key_tag(K_RULE, rel);
  int out = role_pos(E, rel, n, LEM_ROLE_OUT);
  if (out >= 0 && consts_but(L, a, n, (uint32_t)out))
    return key_rulesig(rel, a, n, (uint32_t)out, i);
  return k;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- small vectors and pools ---- */

static lem_err vec_push(lem_ctx *L, pv_vec *v, uint32_t x) {
  if (LEM_GROW(L, v->v, v->cap, v->n + 1)) return LEM_ENOMEM;
  v->v[v->n++] = x;
  return LEM_OK;
}

/* ---- the per-block key filter ----
** Most index look-ups, in enclosing blocks above all, find no key, and the
** map's slots are seldom in cache.  A Bloom filter of the block's keys (two
** bits per key, at least 16 bits per key) answers most of those at once. */

static uint64_t bloom_mix(uint64_t k) {
  k ^= k >> 31;
  k *= 0x9e3779b97f4a7c15ull;
  return k ^ (k >> 29);
}

static void bloom_set(pv_block *B, uint64_t key) {
  uint64_t h = bloom_mix(key);
  uint32_t mask = B->nbloom * 64 - 1;
  uint32_t a = (uint32_t)h & mask, c = (uint32_t)(h >> 32) & mask;
  B->bloom[a / 64] |= 1ull << (a % 64);
  B->bloom[c / 64] |= 1ull << (c % 64);
}

/* 0: key is surely not in B->ix; 1: it may be. */
static int ix_has(const pv_block *B, uint64_t key) {
  if (!B->nbloom) return 0; /* no key was ever added */
  uint64_t h = bloom_mix(key);
  uint32_t mask = B->nbloom * 64 - 1;
  uint32_t a = (uint32_t)h & mask, c = (uint32_t)(h >> 32) & mask;
  return (B->bloom[a / 64] >> (a % 64) & 1) && (B->bloom[c / 64] >> (c % 64) & 1);
}

/* Room in the filter for one more key: when it gets too full, a filter
** twice as big is made from the map's keys (a set: the order of the walk
** does not matter). */
static lem_err bloom_room(pv_eng *E, pv_block *B) {
  uint64_t need = ((uint64_t)B->ix.n + 1) * 16;
  if ((uint64_t)B->nbloom * 64 >= need) return LEM_OK;
  uint32_t nw = B->nbloom ? B->nbloom : 16;
  while ((uint64_t)nw * 64 < need) {
    if (nw >= (1u << 26)) return lem_error(E->L, LEM_ELIMIT, "index too large");
    nw *= 2;
  }
  uint64_t *w = lem_malloc(E->L, nw * sizeof *w);
  if (!w) return LEM_ENOMEM;
  memset(w, 0, nw * sizeof *w);
  lem_free(E->L, B->bloom, B->nbloom * sizeof *B->bloom);
  B->bloom = w;
  B->nbloom = nw;
  for (uint32_t i = 0; i < B->ix.cap; i++)
    if (B->ix.keys[i] != LEM_MAP_EMPTY) bloom_set(B, B->ix.keys[i]);
  return LEM_OK;
}

static lem_err ix_add(pv_eng *E, pv_block *B, uint64_t key, uint32_t x) {
  uint32_t slot;
  if (!ix_has(B, key) || !lem_map_get(&B->ix, key, &slot)) {
    lem_err e = bloom_room(E, B);
    if (e) return e;
    bloom_set(B, key);
    if (E->freevecs.n) {
      slot = E->freevecs.v[--E->freevecs.n];
    } else {
      if (LEM_GROW(E->L, E->vecs, E->capvecs, E->nvecs + 1))
        return LEM_ENOMEM;
      slot = E->nvecs++;
    }
    memset(&E->vecs[slot], 0, sizeof E->vecs[slot]);
    if (lem_map_put(E->L, &B->ix, key, slot)) return LEM_ENOMEM;
  }
  return vec_push(E->L, &E->vecs[slot], x);
}

/* As ix_add, unless x is already the vector's last entry (two hashed keys
** of one fact that meet). */
static lem_err ix_add_once(pv_eng *E, pv_block *B, uint64_t key, uint32_t x) {
  uint32_t slot;
  if (lem_map_get(&B->ix, key, &slot) && E->vecs[slot].n &&
      E->vecs[slot].v[E->vecs[slot].n - 1] == x)
    return LEM_OK;
  return ix_add(E, B, key, x);
}

static const pv_vec *ix_get(pv_eng *E, uint32_t b, uint64_t key) {
  uint32_t slot;
  if (!ix_has(&E->blocks[b], key)) return NULL;
  return lem_map_get(&E->blocks[b].ix, key, &slot) ? &E->vecs[slot] : NULL;
}

/* The vecs[] slot of key in block b, or UINT32_MAX.  A slot stays the
** key's while the engine lives (E->vecs and the vector in it may move, the
** slot number does not), so loops that add facts keep it rather than look
** the key up again. */
static uint32_t ix_slot(pv_eng *E, uint32_t b, uint64_t key) {
  uint32_t slot;
  if (!ix_has(&E->blocks[b], key)) return UINT32_MAX;
  return lem_map_get(&E->blocks[b].ix, key, &slot) ? slot : UINT32_MAX;
}

/* The vector in slot, or NULL for UINT32_MAX; valid until the next
** ix_add. */
static const pv_vec *slot_vec(const pv_eng *E, uint32_t slot) {
  return slot == UINT32_MAX ? NULL : &E->vecs[slot];
}

/* The length of the vector in slot (0 for UINT32_MAX). */
static uint32_t slot_len(const pv_eng *E, uint32_t slot) {
  return slot == UINT32_MAX ? 0 : E->vecs[slot].n;
}

/* The rules' premise lists live in chunks that never move (R->prems
** points into them): one allocation per chunk, not one per rule. */
typedef struct pv_chunk {
  struct pv_chunk *next;
  uint32_t size, used;
  lem_term data[];
} pv_chunk;

enum { RPREM_CHUNK = 8192 };

static lem_term *rprems_add(pv_eng *E, const lem_term *xs, uint32_t n) {
  pv_chunk *c = E->rprems;
  if (!c || c->size - c->used < n) {
    uint32_t sz = n > RPREM_CHUNK ? n : RPREM_CHUNK;
    if (!(c = lem_malloc(E->L, sizeof *c + sz * sizeof *c->data))) return NULL;
    c->size = sz;
    c->used = 0;
    c->next = E->rprems;
    E->rprems = c;
  }
  lem_term *d = c->data + c->used;
  memcpy(d, xs, n * sizeof *xs);
  c->used += n;
  return d;
}

/* ---- engine and blocks ---- */

/* ---- constants not indexed ----
** The theory's own constants (N, i0, s, +) are in most facts, and a merge
** rewrites a constant only into an older one, so that one of them is
** rewritten only when two of them are merged, which hardly ever happens.
** Their lists of facts by constant (K_CONST) would be the longest and are
** not kept: do_merge walks the blocks' facts instead, in the same order. */

static int unindexed(const pv_eng *E, lem_term c) {
  return c / 64 < E->nnoix && (E->noix[c / 64] >> (c % 64) & 1);
}

static lem_err collect_consts(pv_eng *E, lem_term t, pv_vec *v);

/* Mark the constants of the axiom ax. */
static lem_err unindexed_init(pv_eng *E, lem_term ax) {
  pv_vec cs = {0};
  lem_err e = collect_consts(E, ax, &cs);
  uint32_t top = 0;
  for (uint32_t i = 0; !e && i < cs.n; i++)
    if (cs.v[i] > top) top = cs.v[i];
  if (!e && cs.n) {
    E->nnoix = top / 64 + 1;
    if (!(E->noix = lem_calloc(E->L, E->nnoix * sizeof *E->noix))) {
      E->nnoix = 0;
      e = LEM_ENOMEM;
    }
  }
  for (uint32_t i = 0; !e && i < cs.n; i++)
    E->noix[cs.v[i] / 64] |= 1ull << (cs.v[i] % 64);
  lem_free(E->L, cs.v, cs.cap * sizeof *cs.v);
  return e;
}

lem_err pv_eng_init(pv_eng *E, lem_ctx *L, const lem_theory *T) {
  memset(E, 0, sizeof *E);
  E->L = L;
  E->T = T;
  lem_subst_init(&E->s);
  lem_subst_init(&E->s2);
  E->eq = lem_sym_cstr(L, "=");
  E->lim.max_rounds = 64;
  E->lim.max_facts = 200000;
  E->lim.max_depth = 2;
  if (!E->eq) return L->err;
  if (T && T->axiom && unindexed_init(E, T->axiom)) return L->err;
  return relinfo_init(E);
}

static void block_free(lem_ctx *L, pv_block *B) {
  lem_map_free(L, &B->uf);
  lem_map_free(L, &B->ufwhy);
  lem_free(L, B->seen.slots, B->seen.cap * sizeof *B->seen.slots);
  lem_map_free(L, &B->ix);
  lem_free(L, B->bloom, B->nbloom * sizeof *B->bloom);
  lem_map_free(L, &B->demanded);
  lem_free(L, B->demands.v, B->demands.cap * sizeof(uint32_t));
  lem_free(L, B->facts.v, B->facts.cap * sizeof(uint32_t));
  lem_free(L, B->rules.v, B->rules.cap * sizeof(uint32_t));
  lem_free(L, B->consts, B->nconsts * sizeof *B->consts);
  lem_free(L, B->hyps, B->nhyps * sizeof *B->hyps);
}

void pv_eng_free(pv_eng *E) {
  lem_ctx *L = E->L;
  if (!L) return;
  for (uint32_t b = 1; b <= E->nblocks; b++) block_free(L, &E->blocks[b]);
  for (pv_chunk *c = E->rprems, *nx; c; c = nx) {
    nx = c->next;
    lem_free(L, c, sizeof *c + c->size * sizeof *c->data);
  }
  for (uint32_t i = 0; i < E->nvecs; i++)
    lem_free(L, E->vecs[i].v, E->vecs[i].cap * sizeof(uint32_t));
  lem_free(L, E->vecs, E->capvecs * sizeof *E->vecs);
  lem_free(L, E->freevecs.v, E->freevecs.cap * sizeof *E->freevecs.v);
  lem_free(L, E->blocks, E->capblocks * sizeof *E->blocks);
  lem_free(L, E->rules, E->caprules * sizeof *E->rules);
  lem_free(L, E->facts, E->capfacts * sizeof *E->facts);
  lem_free(L, E->pool, E->cappool * sizeof *E->pool);
  lem_map_free(L, &E->depth);
  lem_map_free(L, &E->retired);
  lem_map_free(L, &E->fresh);
  lem_free(L, E->merged, E->nmerged * sizeof *E->merged);
  lem_free(L, E->noix, E->nnoix * sizeof *E->noix);
  lem_free(L, E->rinfo, E->nrinfo * sizeof *E->rinfo);
  lem_free(L, E->cscratch.v, E->cscratch.cap * sizeof *E->cscratch.v);
  lem_subst_free(L, &E->s);
  lem_subst_free(L, &E->s2);
  memset(E, 0, sizeof *E);
}

uint32_t pv_block_new(pv_eng *E, uint32_t parent) {
  if (LEM_GROW(E->L, E->blocks, E->capblocks, E->nblocks + 2)) return 0;
  uint32_t b = ++E->nblocks;
  pv_block *B = &E->blocks[b];
  memset(B, 0, sizeof *B);
  B->parent = parent;
  B->epoch = 1;
  if (parent && (lem_map_copy(E->L, &B->uf, &E->blocks[parent].uf) ||
                 lem_map_copy(E->L, &B->ufwhy, &E->blocks[parent].ufwhy)))
    return 0;
  return b;
}

lem_err pv_block_done(pv_eng *E, uint32_t b) {
  lem_ctx *L = E->L;
  pv_block *B = &E->blocks[b];
  if (LEM_GROW(L, E->freevecs.v, E->freevecs.cap, E->freevecs.n + B->ix.n))
    return LEM_ENOMEM;
  /* the index's vectors, their slots kept for reuse */
  for (uint32_t i = 0; i < B->ix.cap; i++) {
    if (B->ix.keys[i] == LEM_MAP_EMPTY) continue;
    pv_vec *v = &E->vecs[B->ix.vals[i]];
    lem_free(L, v->v, v->cap * sizeof *v->v);
    memset(v, 0, sizeof *v);
    E->freevecs.v[E->freevecs.n++] = B->ix.vals[i];
  }
  lem_map_free(L, &B->ix);
  lem_free(L, B->bloom, B->nbloom * sizeof *B->bloom);
  B->bloom = NULL;
  B->nbloom = 0;
  lem_free(L, B->seen.slots, B->seen.cap * sizeof *B->seen.slots);
  memset(&B->seen, 0, sizeof B->seen);
  lem_map_free(L, &B->demanded);
  lem_free(L, B->demands.v, B->demands.cap * sizeof *B->demands.v);
  memset(&B->demands, 0, sizeof B->demands);
  return LEM_OK;
}

lem_term pv_block_const(pv_eng *E, uint32_t b, lem_sym name) {
  lem_ctx *L = E->L;
  /* "_a", then "_a2", "_a3", ...: new to this engine, and never a name of
     the theory's; another engine (a prover built after this one) makes the
     same names again, so that its terms are the same terms */
  uint32_t next = 0;
  lem_map_get(&E->fresh, name, &next);
  lem_sym y = lem_sym_fresh(L, "_", name, &next);
  if (!y || lem_map_put(L, &E->fresh, name, next)) return LEM_NOTERM;
  lem_term c = lem_mk_const(L, y);
  if (!c) return LEM_NOTERM;
  pv_block *B = &E->blocks[b];
  lem_term *nc = lem_realloc(L, B->consts, B->nconsts * sizeof *nc,
                             (B->nconsts + 1) * sizeof *nc);
  if (!nc) return LEM_NOTERM;
  B->consts = nc;
  B->consts[B->nconsts++] = c;
  E->nbconst++;
  return c;
}

/* ---- union-find and normal forms ---- */

lem_term pv_root(pv_eng *E, uint32_t b, lem_term c) {
  uint32_t p;
  while (lem_map_get(&E->blocks[b].uf, c, &p)) c = p;
  return c;
}

static int ever_merged(const pv_eng *E, lem_term c) {
  return c / 64 < E->nmerged && (E->merged[c / 64] >> (c % 64) & 1);
}

static lem_err mark_merged(pv_eng *E, lem_term c) {
  if (c / 64 >= E->nmerged) {
    uint32_t n = c / 64 + 1024;
    uint64_t *m = lem_realloc(E->L, E->merged, E->nmerged * sizeof *m,
                              n * sizeof *m);
    if (!m) return LEM_ENOMEM;
    memset(m + E->nmerged, 0, (n - E->nmerged) * sizeof *m);
    E->merged = m;
    E->nmerged = n;
  }
  E->merged[c / 64] |= 1ull << (c % 64);
  return LEM_OK;
}

/* Has t a constant that b's union-find has merged into another? */
static int has_merged(const pv_eng *E, const pv_block *B, lem_term t) {
  const lem_ctx *L = E->L;
  uint32_t p;
  if (lem_term_kind(L, t) == LEM_CONST)
    return ever_merged(E, t) && lem_map_get(&B->uf, t, &p);
  const lem_term *a = lem_term_args(L, t);
  for (uint32_t i = 0, n = lem_term_nargs(L, t); i < n; i++)
    if (has_merged(E, B, a[i])) return 1;
  return 0;
}

/* Usable in b: every constant of the fact is its own representative in b.
** Constants never merged anywhere are skipped without a look-up. */
static int usable(pv_eng *E, uint32_t b, pv_fid id) {
  pv_fact *F = &E->facts[id];
  const pv_block *B = &E->blocks[b];
  if (F->ublock == b && F->uepoch >> 1 == B->epoch) return F->uepoch & 1;
  uint32_t p;
  int ok = 1;
  const lem_term *cs = pv_fact_consts(E, id);
  if (E->noix_merged) /* the list lacks the axiom's constants */
    ok = !has_merged(E, B, F->f);
  for (uint32_t i = 0; i < F->ncst && ok; i++) {
    lem_term c = cs[i];
    if (ever_merged(E, c) && lem_map_get(&B->uf, c, &p)) ok = 0;
  }
  /* joins ask about the same fact in the same block again and again; the
     answer only changes when b's union-find does (epoch) */
  F->ublock = b;
  F->uepoch = B->epoch << 1 | (uint32_t)ok;
  return ok;
}

/* t with constant from replaced by to (one step of the union-find). */
typedef struct swap {
  pv_eng *E;
  lem_term from, to;
} swap;

static lem_term swap_one(void *ud, lem_term t) {
  const swap *w = ud;
  if (t == w->from) return w->to;
  if (lem_term_kind(w->E->L, t) == LEM_CONST) return t;
  return lem_term_map(w->E->L, t, swap_one, ud);
}

static lem_term replace_const(pv_eng *E, lem_term t, lem_term from,
                              lem_term to) {
  swap w = {E, from, to};
  return swap_one(&w, t);
}

/* Distinct constants of t, appended to v (no duplicates). */
static lem_err collect_consts(pv_eng *E, lem_term t, pv_vec *v) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, t) == LEM_CONST) {
    for (uint32_t i = 0; i < v->n; i++)
      if (v->v[i] == t) return LEM_OK;
    return vec_push(L, v, t);
  }
  const lem_term *a = lem_term_args(L, t);
  for (uint32_t i = 0, n = lem_term_nargs(L, t); i < n; i++)
    if (collect_consts(E, a[i], v)) return LEM_ENOMEM;
  return LEM_OK;
}

/* f's distinct constants in E->cscratch (kept between calls: one
** allocation, not one per fact).  LEM_OK or LEM_ENOMEM. */
static lem_err scratch_consts(pv_eng *E, lem_term f) {
  E->cscratch.n = 0;
  return collect_consts(E, f, &E->cscratch);
}

lem_term pv_normal(pv_eng *E, uint32_t b, lem_term f) {
  if (scratch_consts(E, f)) return LEM_NOTERM;
  const pv_vec *cs = &E->cscratch; /* replace_const does not touch it */
  for (uint32_t i = 0; i < cs->n && f; i++) {
    lem_term r = pv_root(E, b, cs->v[i]);
    if (r != cs->v[i]) f = replace_const(E, f, cs->v[i], r);
  }
  return f;
}

/* ---- facts ---- */

#define FIDMASK ((1u << PV_FIDBITS) - 1)

static uint32_t fset_hash(lem_term f) {
  uint64_t k = f;
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (uint32_t)k ^ (uint32_t)(k >> 32);
}

/* The fact of S with formula f, or 0. */
static pv_fid fset_get(const pv_eng *E, const pv_fset *S, lem_term f) {
  if (!S->cap) return 0;
  uint32_t h = fset_hash(f), mask = S->cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t e = S->slots[i];
    if (!e) return 0;
    if ((e & ~FIDMASK) == (h & ~FIDMASK) && E->facts[e & FIDMASK].f == f)
      return e & FIDMASK;
  }
}

/* The slot of S for formula f: its fact's, or the empty one to fill. */
static uint32_t *fset_slot(const pv_eng *E, uint32_t *slots, uint32_t cap,
                           lem_term f) {
  uint32_t h = fset_hash(f), mask = cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t e = slots[i];
    if (!e || ((e & ~FIDMASK) == (h & ~FIDMASK) &&
               E->facts[e & FIDMASK].f == f))
      return &slots[i];
  }
}

/* Fact id (formula f) in S, in place of an older fact with formula f. */
static lem_err fset_put(pv_eng *E, pv_fset *S, lem_term f, pv_fid id) {
  if ((uint64_t)(S->n + 1) * 4 >= (uint64_t)S->cap * 3) {
    uint32_t ncap = S->cap ? S->cap * 2 : 16;
    if (ncap > (1u << 30)) return lem_error(E->L, LEM_ELIMIT, "block too big");
    uint32_t *ns = lem_calloc(E->L, ncap * sizeof *ns);
    if (!ns) return LEM_ENOMEM;
    for (uint32_t i = 0; i < S->cap; i++)
      if (S->slots[i])
        *fset_slot(E, ns, ncap, E->facts[S->slots[i] & FIDMASK].f) =
            S->slots[i];
    lem_free(E->L, S->slots, S->cap * sizeof *S->slots);
    S->slots = ns;
    S->cap = ncap;
  }
  uint32_t *e = fset_slot(E, S->slots, S->cap, f);
  if (!*e) S->n++;
  *e = (fset_hash(f) & ~FIDMASK) | id;
  return LEM_OK;
}

static pv_fid seen_in(pv_eng *E, uint32_t b, lem_term f) {
  for (; b; b = E->blocks[b].parent) {
    pv_fid id = fset_get(E, &E->blocks[b].seen, f);
    if (id) return id;
  }
  return 0;
}

pv_fid pv_find(pv_eng *E, uint32_t b, lem_term f) {
  lem_term n = pv_normal(E, b, f);
  if (!n) return 0;
  pv_fid id = seen_in(E, b, n);
  return id && usable(E, b, id) ? id : 0;
}

static lem_err index_fact(pv_eng *E, uint32_t b, pv_fid id) {
  lem_ctx *L = E->L;
  pv_block *B = &E->blocks[b];
  const pv_fact *F = &E->facts[id];
  lem_term f = F->f;
  lem_err e = LEM_OK;
  const lem_term *cs = pv_fact_consts(E, id);
  for (uint32_t i = 0; i < F->ncst && !e; i++)
    if (!unindexed(E, cs[i])) e = ix_add(E, B, key_tag(K_CONST, cs[i]), id);
  if (e) return e;
  lem_kind k = lem_term_kind(L, f);
  if (k == LEM_REL) {
    lem_sym r = lem_term_sym(L, f);
    if ((e = ix_add(E, B, key_tag(K_REL, r), id))) return e;
    const lem_term *a = lem_term_args(L, f);
    uint32_t n = lem_term_nargs(L, f);
    for (uint32_t i = 0; i < n && !e; i++) {
      uint64_t key;
      if (lem_term_kind(L, a[i]) == LEM_CONST && key_arg(r, i, a[i], &key))
        e = ix_add(E, B, key, id);
    }
    /* and each constant argument together with the operation, so that a
       join with x bound in x + y = z does not walk the products of x */
    int o = role_pos(E, r, n, LEM_ROLE_OP);
    if (o >= 0 && lem_term_kind(L, a[o]) == LEM_CONST)
      for (uint32_t i = 0; i < n && !e; i++)
        if (i != (uint32_t)o && lem_term_kind(L, a[i]) == LEM_CONST)
          e = ix_add_once(E, B, key_oparg(r, i, a[i], a[o]), id);
    /* and, for a functional relation, all its inputs: x + y = ? */
    int out = role_pos(E, r, n, LEM_ROLE_OUT);
    if (out >= 0 && !e && consts_but(L, a, n, (uint32_t)out))
      e = ix_add_once(E, B, key_sig(r, a, n, (uint32_t)out), id);
  } else if (k == LEM_NOT &&
             lem_term_kind(L, lem_term_arg(L, f, 0)) == LEM_REL) {
    e = ix_add(E, B, key_tag(K_NEG, lem_term_sym(L, lem_term_arg(L, f, 0))),
               id);
  }
  return e;
}

/* A new fact in block b; its substitution is stored when keep_sub (else
** pv_fact_subst works it out again). */
static pv_fid new_fact(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                       const pv_fid *prems, uint32_t nprem,
                       const lem_binding *sub, uint32_t nsub, uint32_t aux,
                       uint32_t aux2, int keep_sub) {
  lem_ctx *L = E->L;
  pv_block *B = &E->blocks[b];
  if (B->facts.n >= E->lim.max_facts) {
    E->out_of_budget = 1;
    return 0;
  }
  uint32_t naux = pv_naux(how);
  if ((aux && naux < 1) || (aux2 && naux < 2)) {
    lem_error(L, LEM_EINVAL, "pv_add: no aux word for rule %u", how);
    return 0;
  }
  keep_sub = keep_sub && nsub;
  if (E->nfacts >= FIDMASK) {
    lem_error(L, LEM_ELIMIT, "too many facts");
    return 0;
  }
  if (LEM_GROW(L, E->facts, E->capfacts, E->nfacts + 2)) return 0;
  if (scratch_consts(E, f)) return 0;
  uint32_t ncs = 0; /* the axiom's constants are left out (pv_fact) */
  for (uint32_t i = 0; i < E->cscratch.n; i++)
    if (!unindexed(E, E->cscratch.v[i])) E->cscratch.v[ncs++] = E->cscratch.v[i];
  E->cscratch.n = ncs;
  uint64_t len = (uint64_t)nprem + ncs + naux + (keep_sub ? 1 + 2ull * nsub : 0);
  if (nprem > UINT16_MAX || ncs > UINT16_MAX || nsub > UINT16_MAX ||
      len > UINT32_MAX - 1 - E->npool) {
    lem_error(L, LEM_ELIMIT, "fact too large");
    return 0;
  }
  if (LEM_GROW(L, E->pool, E->cappool, E->npool + (uint32_t)len + 1)) return 0;
  uint32_t at = E->npool, *w = E->pool + at;
  if (nprem) memcpy(w, prems, nprem * sizeof *prems);
  w += nprem;
  if (ncs) memcpy(w, E->cscratch.v, ncs * sizeof *w);
  w += ncs;
  if (naux > 0) *w++ = aux;
  if (naux > 1) *w++ = aux2;
  if (keep_sub) {
    *w++ = nsub;
    for (uint32_t i = 0; i < nsub; i++) {
      *w++ = sub[i].var;
      *w++ = sub[i].val;
    }
  }
  E->npool += (uint32_t)len;
  pv_fid id = ++E->nfacts;
  pv_fact *F = &E->facts[id];
  memset(F, 0, sizeof *F);
  F->f = f;
  F->prem = at;
  F->round = B->round;
  F->block = b;
  F->how = how;
  F->own_sub = keep_sub ? 1 : 0;
  F->nprem = (uint16_t)nprem;
  F->ncst = (uint16_t)ncs;
  if (vec_push(L, &B->facts, id) || fset_put(E, &B->seen, f, id) ||
      index_fact(E, b, id))
    return 0;
  return id;
}

pv_fid pv_add_new(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                  const pv_fid *prems, uint32_t nprem) {
  return new_fact(E, b, f, how, prems, nprem, NULL, 0, 0, 0, 0);
}

pv_fid pv_add_raw(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                  const pv_fid *prems, uint32_t nprem, const lem_binding *sub,
                  uint32_t nsub, uint32_t aux, uint32_t aux2) {
  pv_fid id = seen_in(E, b, f);
  return id ? id
            : new_fact(E, b, f, how, prems, nprem, sub, nsub, aux, aux2, 1);
}

/* pv_add; the substitution is stored when keep_sub. */
static pv_fid add_ex(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                     const pv_fid *prems, uint32_t nprem,
                     const lem_binding *sub, uint32_t nsub, uint32_t aux,
                     uint32_t aux2, int keep_sub) {
  pv_fid id = seen_in(E, b, f);
  if (!id && !(id = new_fact(E, b, f, how, prems, nprem, sub, nsub, aux, aux2,
                             keep_sub)))
    return 0;
  /* Bring it to normal form, one recorded rewrite at a time. */
  while (!usable(E, b, id)) {
    const pv_fact *F = &E->facts[id];
    lem_term from = LEM_NOTERM, to = LEM_NOTERM;
    uint32_t p;
    if (scratch_consts(E, F->f)) return 0; /* all of them, the axiom's too */
    const lem_term *cs = E->cscratch.v;
    for (uint32_t i = 0; i < E->cscratch.n && !from; i++)
      if (lem_map_get(&E->blocks[b].uf, cs[i], &p)) {
        from = cs[i];
        to = p;
      }
    uint32_t why = 0;
    lem_map_get(&E->blocks[b].ufwhy, from, &why);
    lem_term g = replace_const(E, F->f, from, to);
    if (!g) return 0;
    pv_fid pr[2] = {why, id};
    pv_fid nid = seen_in(E, b, g);
    if (!nid) nid = new_fact(E, b, g, PV_EQ_SUBST, pr, 2, NULL, 0, 0, 0, 0);
    if (!nid) return 0;
    id = nid;
  }
  return id;
}

pv_fid pv_add(pv_eng *E, uint32_t b, lem_term f, pv_how how,
              const pv_fid *prems, uint32_t nprem, const lem_binding *sub,
              uint32_t nsub, uint32_t aux, uint32_t aux2) {
  return add_ex(E, b, f, how, prems, nprem, sub, nsub, aux, aux2, 1);
}

/* ---- rules ---- */

/* Flatten the & tree of p into atoms (REL or !REL); 0 if p has anything else.
*/
static int flatten_atoms(pv_eng *E, lem_term p, pv_vec *out) {
  lem_ctx *L = E->L;
  switch (lem_term_kind(L, p)) {
    case LEM_AND:
      return flatten_atoms(E, lem_term_arg(L, p, 0), out) &&
             flatten_atoms(E, lem_term_arg(L, p, 1), out);
    case LEM_REL:
      return vec_push(L, out, p) == LEM_OK;
    case LEM_NOT:
      if (lem_term_kind(L, lem_term_arg(L, p, 0)) != LEM_REL) return 0;
      return vec_push(L, out, p) == LEM_OK;
    default:
      return 0;
  }
}

static int match_rule(pv_eng *E, uint32_t b, uint32_t rid, uint32_t skip,
                      uint32_t r, pv_fid *chosen);
static lem_term exists_atom_ex(pv_eng *E, lem_term f, int need_ground);
static int is_exists(const lem_ctx *L, lem_term f);

/* Index rule rid under the relation of every atom its conclusion can give
** (through nested (>...) and &), for backward demands. */
static lem_err index_heads(pv_eng *E, pv_block *B, uint32_t rid, lem_term q) {
  lem_ctx *L = E->L;
  switch (lem_term_kind(L, q)) {
    case LEM_REL: {
      uint64_t key = key_tag(K_HEAD, lem_term_sym(L, q));
      uint32_t slot;
      if (lem_map_get(&B->ix, key, &slot)) {
        const pv_vec *v = &E->vecs[slot];
        if (v->n && v->v[v->n - 1] == rid) return LEM_OK; /* same rule */
      }
      return ix_add(E, B, key, rid);
    }
    case LEM_AND: {
      lem_err e = index_heads(E, B, rid, lem_term_arg(L, q, 0));
      return e ? e : index_heads(E, B, rid, lem_term_arg(L, q, 1));
    }
    case LEM_ALL:
      return index_heads(E, B, rid, lem_all_concl(L, q));
    default:
      return LEM_OK;
  }
}

/* Is fact id an instance of a retired rule: made by mp from it, possibly
** rewritten by equalities since? */
static int from_retired(pv_eng *E, pv_fid id) {
  uint32_t x;
  for (uint32_t guard = 0; guard < 1024; guard++) {
    const pv_fact *F = &E->facts[id];
    if (F->how == PV_EQ_SUBST && F->nprem == 2) id = E->pool[F->prem + 1];
    else if (F->how == PV_MP)
      return lem_map_get(&E->retired, E->pool[F->prem], &x);
    else return 0;
  }
  return 0;
}

static int from_muted(const pv_eng *E, pv_fid id, const lem_map *off);

/* Does every variable of rule R occur in one of its premises?  Then
** matching the premises binds them all, and an mp instance need not store
** its substitution. */
static int covers(const lem_ctx *L, const pv_rule *R) {
  for (uint32_t i = 0; i < R->nvars; i++) {
    int in = 0;
    for (uint32_t j = 0; j < R->nprem && !in; j++)
      in = lem_term_occurs(L, R->prems[j], R->vars[i]);
    if (!in) return 0;
  }
  return 1;
}

/* Compile fact id (a (>...) formula) into a rule of block b, if its premise
** is a conjunction of atoms.  Returns the rule id, 0 if not a rule, or
** UINT32_MAX on error. */
static uint32_t compile_rule(pv_eng *E, uint32_t b, pv_fid id) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  pv_vec ps = {0};
  if (!flatten_atoms(E, lem_all_prem(L, f), &ps) || ps.n == 0 || ps.n > 32) {
    lem_free(L, ps.v, ps.cap * sizeof *ps.v);
    return L->err == LEM_ENOMEM ? UINT32_MAX : 0;
  }
  if (LEM_GROW(L, E->rules, E->caprules, E->nrules + 2)) goto oom;
  lem_term *prems = rprems_add(E, ps.v, ps.n);
  if (!prems) goto oom;
  uint32_t rid = ++E->nrules;
  pv_rule *R = &E->rules[rid];
  memset(R, 0, sizeof *R);
  R->fact = id;
  R->nvars = (uint16_t)lem_all_nvars(L, f);
  R->vars = lem_term_args(L, f);
  R->nprem = (uint8_t)ps.n;
  R->prems = prems;
  R->concl = lem_all_concl(L, f);
  R->covered = covers(L, R);
  R->retired = E->retired.n && from_retired(E, id);
  if (R->retired && lem_map_put(L, &E->retired, id, 1)) return UINT32_MAX;
  if (E->muted && from_muted(E, id, E->muted)) R->retired |= 2;
  lem_free(L, ps.v, ps.cap * sizeof *ps.v);
  pv_block *B = &E->blocks[b];
  if (vec_push(L, &B->rules, rid)) return UINT32_MAX;
  /* A rule that only says a function has a value (its conclusion an
     existential over a functional atom) is lazy: it fires on demand. */
  R->lazy = is_exists(L, R->concl) ? exists_atom_ex(E, R->concl, 0) : 0;
  if (index_heads(E, B, rid, R->concl)) return UINT32_MAX;
  if (R->lazy)
    return ix_add(E, B, key_tag(K_LAZY, lem_term_sym(L, R->lazy)), rid)
               ? UINT32_MAX
               : rid;
  for (uint32_t i = 0; i < R->nprem; i++) {
    lem_term p = R->prems[i];
    int neg = lem_term_kind(L, p) == LEM_NOT;
    uint64_t key = neg ? key_tag(K_RULENEG, lem_term_sym(L, lem_term_arg(L, p, 0)))
                       : premise_key(E, p);
    if (ix_add(E, B, key, rid << 8 | i)) return UINT32_MAX;
  }
  return rid;
oom:
  lem_free(L, ps.v, ps.cap * sizeof *ps.v);
  return UINT32_MAX;
}

/* Effective round of fact id as seen from block b: ancestors' facts are all
** older than anything of b's own (0); b's own facts count from 1. */
static uint32_t eff_round(pv_eng *E, uint32_t b, pv_fid id) {
  const pv_fact *F = &E->facts[id];
  return F->block == b ? F->round + 1 : 0;
}

static int fire(pv_eng *E, uint32_t b, const pv_rule *R, const pv_fid *chosen) {
  lem_ctx *L = E->L;
  lem_binding sub[64];
  if (R->nvars > 64) return 0;
  for (uint32_t i = 0; i < R->nvars; i++) {
    lem_term v = lem_subst_apply(L, &E->s, R->vars[i]);
    if (!v) return -1;
    if (!lem_term_ground(L, v)) return 0; /* a variable the premises miss */
    sub[i].var = R->vars[i];
    sub[i].val = v;
  }
  lem_term c = lem_subst_apply(L, &E->s, R->concl);
  if (!c) return -1;
  pv_fid prems[256];
  prems[0] = R->fact;
  memcpy(prems + 1, chosen, R->nprem * sizeof *chosen);
  return add_ex(E, b, c, PV_MP, prems, R->nprem + 1, sub, R->nvars, 0, 0,
                !R->covered)
             ? 0
             : (E->out_of_budget ? 0 : -1);
}


/* ---- demand-driven witnesses ----
** A functional atom has one argument of role out (in3[x,y,z,+]: z); its
** signature is the relation with every other argument.  An existential whose
** body has a functional atom over ground inputs, !(>[z](in[z,N])!(in3[x,y,z,+]))
** (x + y exists), is not opened at once: it is filed under that signature,
** and opened only when a join needs x + y and no fact provides it. */

static int out_pos(pv_eng *E, lem_sym rel, uint32_t n) {
  return role_pos(E, rel, n, LEM_ROLE_OUT);
}

/* Hash of atom a's signature if a is functional with its out argument a
** variable and every other argument ground; 0 otherwise. */
static uint32_t fsig_ex(pv_eng *E, lem_term a, int need_ground);
static uint32_t fsig(pv_eng *E, lem_term a) { return fsig_ex(E, a, 1); }

static uint32_t fsig_ex(pv_eng *E, lem_term a, int need_ground) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, a) != LEM_REL) return 0;
  uint32_t n = lem_term_nargs(L, a);
  int o = out_pos(E, lem_term_sym(L, a), n);
  if (o < 0 || lem_term_kind(L, lem_term_arg(L, a, (uint32_t)o)) != LEM_VAR)
    return 0;
  uint32_t h = lem_hash_mix(0x5bd1e995u, lem_term_sym(L, a));
  for (uint32_t i = 0; i < n; i++) {
    if (i == (uint32_t)o) continue;
    lem_term x = lem_term_arg(L, a, i);
    if (need_ground && !lem_term_ground(L, x)) return 0;
    h = lem_hash_mix(h, x);
  }
  return h ? h : 1;
}

/* Same signature: same relation and the same arguments but the out one. */
static int same_sig(pv_eng *E, lem_term a, lem_term b) {
  lem_ctx *L = E->L;
  uint32_t n = lem_term_nargs(L, a);
  if (lem_term_sym(L, a) != lem_term_sym(L, b) || lem_term_nargs(L, b) != n)
    return 0;
  int o = out_pos(E, lem_term_sym(L, a), n);
  for (uint32_t i = 0; i < n; i++)
    if (i != (uint32_t)o && lem_term_arg(L, a, i) != lem_term_arg(L, b, i))
      return 0;
  return 1;
}

/* The functional atom of existential fact formula f (or 0). */
static lem_term exists_atom_ex(pv_eng *E, lem_term f, int need_ground);
static lem_term exists_atom(pv_eng *E, lem_term f) {
  return exists_atom_ex(E, f, 1);
}

static lem_term exists_atom_ex(pv_eng *E, lem_term f, int need_ground) {
  lem_ctx *L = E->L;
  lem_term all = lem_term_arg(L, f, 0);
  lem_term parts[2] = {lem_all_prem(L, all),
                       lem_term_arg(L, lem_all_concl(L, all), 0)};
  for (int k = 0; k < 2; k++) {
    lem_term stack[32];
    int sp = 0;
    stack[sp++] = parts[k];
    while (sp) {
      lem_term t = stack[--sp];
      if (lem_term_kind(L, t) == LEM_AND) {
        if (sp + 2 > 32) return 0;
        stack[sp++] = lem_term_arg(L, t, 1);
        stack[sp++] = lem_term_arg(L, t, 0);
      } else if (fsig_ex(E, t, need_ground)) {
        /* its out variable must be one the existential binds */
        int o = out_pos(E, lem_term_sym(L, t), lem_term_nargs(L, t));
        lem_term v = lem_term_arg(L, t, (uint32_t)o);
        for (uint32_t i = 0; i < lem_all_nvars(L, all); i++)
          if (lem_term_arg(L, all, i) == v) return t;
      }
    }
  }
  return 0;
}

/* Record that premise p (under E->s) found no fact: a demand, if p is a
** functional atom whose out argument is still unbound. */
static int demand(pv_eng *E, uint32_t b, lem_term p) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, p) != LEM_REL) return 0;
  lem_term a = lem_subst_apply(L, &E->s, p);
  if (!a) return -1;
  if (!fsig(E, a)) return 0;
  /* one demand per value wanted, whatever the rule called its variable:
     in3[x,y,z,+] and in3[x,y,w,+] both ask for x + y, and each demand
     served opens a witness */
  int o = out_pos(E, lem_term_sym(L, a), lem_term_nargs(L, a));
  uint32_t n = lem_term_nargs(L, a);
  lem_term k[64];
  if (n > 64) return 0;
  memcpy(k, lem_term_args(L, a), n * sizeof *k);
  if (!E->outvar && !(E->outvar = lem_mk_var(L, lem_sym_cstr(L, "_out"), 0)))
    return -1;
  k[o] = E->outvar;
  if (!(a = lem_mk(L, LEM_REL, lem_term_sym(L, a), 0, n, k))) return -1;
  pv_block *B = &E->blocks[b];
  uint32_t x;
  if (lem_map_get(&B->demanded, a, &x)) return 0;
  if (lem_map_put(L, &B->demanded, a, 1) || vec_push(L, &B->demands, a))
    return -1;
  return 0;
}

/* The index key by which pick_ex counts the candidate facts of premise p
** under the current substitution: (relation, position, constant) of its
** first argument that is a constant or bound to one, else its relation.
** The counts fix the join order, so this key stays as it was when joins
** also walked its vector; the walk now takes the narrowest (cand_slot). */
static uint64_t count_key(pv_eng *E, lem_term p);

/* The next premise to join among those not in done: the one with the fewest
** candidate facts in block b and its ancestors (ties: the first). */
static int may_demand(pv_eng *E, lem_term p);
static int inputs_bound(pv_eng *E, lem_term p);

static uint32_t pick_ex(pv_eng *E, uint32_t b, const lem_term *ps, uint32_t n,
                        uint32_t done, int unripe_last) {
  uint32_t best = n;
  uint64_t bestn = UINT64_MAX;
  /* one premise left: it is the pick whatever it counts */
  uint32_t left = 0, only = n;
  for (uint32_t i = 0; i < n; i++)
    if (!(done >> i & 1)) {
      left++;
      only = i;
    }
  if (left <= 1) return only;
  for (uint32_t i = 0; i < n; i++) {
    if (done >> i & 1) continue;
    uint64_t c = 0, key = count_key(E, ps[i]);
    for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
      const pv_vec *v = ix_get(E, blk, key);
      c += v ? v->n : 0;
    }
    /* a value (x + y = ?) whose inputs are not bound yet goes after the
       premises that can bind them: matched early against whatever sums
       exist, it would bind its inputs to the wrong terms, and the value
       really needed would never be demanded */
    if (unripe_last && may_demand(E, ps[i]) && !inputs_bound(E, ps[i]))
      c += 1ull << 32;
    if (c < bestn) {
      bestn = c;
      best = i;
      if (c == 0) break;
    }
  }
  return best;
}

static uint32_t pick(pv_eng *E, uint32_t b, const lem_term *ps, uint32_t n,
                     uint32_t done) {
  return pick_ex(E, b, ps, n, done, 0);
}

static uint64_t count_key(pv_eng *E, lem_term p) {
  lem_ctx *L = E->L;
  int neg = lem_term_kind(L, p) == LEM_NOT;
  lem_term a = neg ? lem_term_arg(L, p, 0) : p;
  lem_sym rel = lem_term_sym(L, a);
  if (!neg) {
    const lem_term *args = lem_term_args(L, a);
    for (uint32_t i = 0, n = lem_term_nargs(L, a); i < n; i++) {
      lem_term v = args[i];
      if (lem_term_kind(L, v) == LEM_VAR) v = lem_subst_get(L, &E->s, v);
      if (v && lem_term_kind(L, v) == LEM_CONST) {
        uint64_t key;
        if (key_arg(rel, i, v, &key)) return key;
      }
    }
  }
  return key_tag(neg ? K_NEG : K_REL, rel);
}

typedef struct ckeys {
  uint32_t n;        /* keys in k */
  uint64_t any;      /* with none, the relation's key */
  uint64_t k[64];
} ckeys;

static void cand_keys(pv_eng *E, lem_term p, ckeys *ck) {
  lem_ctx *L = E->L;
  int neg = lem_term_kind(L, p) == LEM_NOT;
  lem_term a = neg ? lem_term_arg(L, p, 0) : p;
  lem_sym rel = lem_term_sym(L, a);
  uint32_t n = lem_term_nargs(L, a);
  ck->n = 0;
  ck->any = key_tag(neg ? K_NEG : K_REL, rel);
  if (neg || n > 64) return;
  lem_term val[64]; /* each argument's constant, or 0 */
  const lem_term *args = lem_term_args(L, a);
  for (uint32_t i = 0; i < n; i++) {
    lem_term v = args[i];
    if (lem_term_kind(L, v) == LEM_VAR) v = lem_subst_get(L, &E->s, v);
    val[i] = v && lem_term_kind(L, v) == LEM_CONST ? v : 0;
  }
  /* a functional atom whose inputs are all known: its own index */
  int out = role_pos(E, rel, n, LEM_ROLE_OUT);
  if (out >= 0 && consts_but(L, val, n, (uint32_t)out)) {
    ck->k[ck->n++] = key_sig(rel, val, n, (uint32_t)out);
    return;
  }
  int o = role_pos(E, rel, n, LEM_ROLE_OP);
  lem_term op = o >= 0 ? val[o] : 0;
  /* with the operation known, the (position, constant, operation) vectors
     are each within both plain ones */
  int paired = 0;
  for (uint32_t i = 0; op && i < n; i++)
    paired |= i != (uint32_t)o && val[i];
  for (uint32_t i = 0; i < n; i++) {
    if (!val[i]) continue;
    if (paired) {
      if (i != (uint32_t)o) ck->k[ck->n++] = key_oparg(rel, i, val[i], op);
    } else if (key_arg(rel, i, val[i], &ck->k[ck->n])) {
      ck->n++;
    }
  }
}

/* The slot of the narrowest index in block b for premise p, whose keys
** cand_keys made under the current substitution: of the keys (relation,
** position, constant), or (relation, position, constant, operation), or
** all the inputs of a functional atom, the shortest vector; UINT32_MAX if
** one of them has none.  Every index vector lists the facts of b in the
** order they were made, and a fact that matches p is in all of them, so
** walking any of them meets the matching facts in the same order; the
** shortest one wastes fewest matches.  (pick_ex still counts by
** count_key, whose counts fix the join order.) */
static uint32_t cand_slot(pv_eng *E, uint32_t b, const ckeys *ck) {
  if (!ck->n) return ix_slot(E, b, ck->any);
  uint32_t best = UINT32_MAX, bestn = UINT32_MAX;
  for (uint32_t i = 0; i < ck->n; i++) {
    uint32_t slot = ix_slot(E, b, ck->k[i]);
    if (slot == UINT32_MAX) return UINT32_MAX;
    if (E->vecs[slot].n < bestn) {
      best = slot;
      bestn = E->vecs[slot].n;
    }
  }
  return best;
}

/* A quick look before lem_match: 0 if premise p (under E->s) surely does
** not match fact formula f, 1 if lem_match must decide.  It rejects only
** what lem_match rejects: a flat atom whose relation or arity differs, or
** an argument that is ground, or a variable bound to a ground term, and is
** not f's argument there. */
static int may_match(pv_eng *E, lem_term p, lem_term f) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, p) == LEM_NOT) {
    if (lem_term_kind(L, f) != LEM_NOT) return 0;
    p = lem_term_arg(L, p, 0);
    f = lem_term_arg(L, f, 0);
  }
  if (lem_term_kind(L, p) != LEM_REL) return 1;
  uint32_t n = lem_term_nargs(L, p);
  if (lem_term_kind(L, f) != LEM_REL || lem_term_sym(L, f) != lem_term_sym(L, p)
      || lem_term_num(L, f) != lem_term_num(L, p) || lem_term_nargs(L, f) != n)
    return 0;
  const lem_term *pa = lem_term_args(L, p), *fa = lem_term_args(L, f);
  for (uint32_t i = 0; i < n; i++) {
    if (pa[i] == fa[i]) continue;
    if (lem_term_ground(L, pa[i])) return 0;
    if (lem_term_kind(L, pa[i]) != LEM_VAR) continue;
    lem_term v = lem_subst_get(L, &E->s, pa[i]);
    if (v && v != fa[i] && lem_term_ground(L, v)) return 0;
  }
  return 1;
}

/* Could premise p, unmatched now, become a demand once the other premises
** bind its inputs?  A functional atom whose out argument is unbound. */
static int may_demand(pv_eng *E, lem_term p) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, p) != LEM_REL) return 0;
  int o = out_pos(E, lem_term_sym(L, p), lem_term_nargs(L, p));
  if (o < 0) return 0;
  lem_term v = lem_term_arg(L, p, (uint32_t)o);
  return lem_term_kind(L, v) == LEM_VAR && !lem_subst_get(L, &E->s, v);
}

/* Are functional atom p's arguments other than its out one all bound (or
** ground) under E->s? */
static int inputs_bound(pv_eng *E, lem_term p) {
  lem_ctx *L = E->L;
  uint32_t n = lem_term_nargs(L, p);
  int o = out_pos(E, lem_term_sym(L, p), n);
  for (uint32_t i = 0; i < n; i++) {
    lem_term x = lem_term_arg(L, p, i);
    if (i == (uint32_t)o || lem_term_ground(L, x)) continue;
    if (lem_term_kind(L, x) != LEM_VAR || !lem_subst_get(L, &E->s, x))
      return 0;
  }
  return 1;
}

/* Join premises j.. of rule rid (skipping skip, already matched) against the
** visible facts of b; fire on each complete match.  r: the round being run
** (facts of effective round > r are too new; premises before skip must be
** strictly older than r, the delta).
** A functional premise that no fact matches while its inputs are still
** unbound is set aside (skipped): the join goes on with the others, and
** when they have bound its inputs it is demanded instead of firing, at
** most JOIN_ASIDE times per top-level join.  Demanding it at once would
** demand nothing (no ground inputs), and whether a witness ever came would
** depend on the order of the premises. */
enum { JOIN_ASIDE = 4 };

static int join_rec(pv_eng *E, uint32_t b, uint32_t rid, uint32_t skip,
                    uint32_t done, uint32_t aside, uint32_t r, pv_fid *chosen,
                    uint32_t *budget) {
  const pv_rule *R = &E->rules[rid];
  if (skip < 32) done |= 1u << skip;
  uint32_t j = pick_ex(E, b, R->prems, R->nprem, done, 1);
  if (j >= R->nprem) {
    if (!aside) return fire(E, b, R, chosen);
    --*budget;
    for (uint32_t i = 0; i < R->nprem; i++)
      if (aside >> i & 1 && demand(E, b, R->prems[i]) < 0) return -1;
    return 0;
  }
  lem_term p = R->prems[j];
  int any = 0;
  ckeys ck; /* the substitution is as now at each block's start */
  cand_keys(E, p, &ck);
  for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
    /* by slot: fire() adds facts, which may move the vector */
    uint32_t slot = cand_slot(E, blk, &ck);
    for (uint32_t i = 0; i < slot_len(E, slot); i++) {
      /* the budget only runs out in a join below, after a match here
         (any): stopping at once ends this join as the loop's end would */
      if (aside && !*budget) return 0;
      pv_fid id = E->vecs[slot].v[i];
      uint32_t er = eff_round(E, b, id);
      if (er > r || (skip != UINT32_MAX && j < skip && er >= r)) continue;
      if (!usable(E, b, id) || !may_match(E, p, E->facts[id].f)) continue;
      uint32_t mark = lem_subst_mark(&E->s);
      E->matches++;
      int m = lem_match(E->L, &E->s, p, E->facts[id].f);
      if (m < 0) return -1;
      if (m) {
        any = 1;
        chosen[j] = id;
        int rc = join_rec(E, b, rid, skip, done | 1u << j, aside, r, chosen,
                          budget);
        lem_subst_undo(&E->s, mark);
        if (rc < 0) return rc;
        if (E->out_of_budget) return 0;
      }
    }
  }
  if (any || !may_demand(E, p)) return 0;
  if (inputs_bound(E, p)) return demand(E, b, p);
  if (*budget && (uint64_t)(done | 1u << j) != (1ull << R->nprem) - 1)
    return join_rec(E, b, rid, skip, done | 1u << j, aside | 1u << j, r,
                    chosen, budget);
  return 0;
}

static int join(pv_eng *E, uint32_t b, uint32_t rid, uint32_t skip,
                uint32_t done, uint32_t r, pv_fid *chosen) {
  uint32_t budget = JOIN_ASIDE;
  return join_rec(E, b, rid, skip, done, 0, r, chosen, &budget);
}

static int match_rule(pv_eng *E, uint32_t b, uint32_t rid, uint32_t skip,
                      uint32_t r, pv_fid *chosen) {
  return join(E, b, rid, skip, 0, r, chosen);
}

/* Delta fact id meets the rules of block blk whose premises are indexed
** under key, and, when sig is not 0, those filed under the rule signature
** sig (key_rulesig) with their first constant at argument first: both
** vectors list rule premises in the order compiled (codes ascending), and
** are walked as one list in that order. */
static int meet_key(pv_eng *E, uint32_t b, uint32_t blk, pv_fid id,
                    uint64_t key, uint64_t sig, uint32_t first, uint32_t r) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  pv_fid chosen[256];
  uint32_t sa = ix_slot(E, blk, key);
  uint32_t sb = sig ? ix_slot(E, blk, sig) : UINT32_MAX;
  uint32_t na = slot_len(E, sa), nb = slot_len(E, sb), ia = 0, ib = 0;
  while (ia < na || ib < nb) {
    /* by slot: the vectors may move */
    uint32_t ca = ia < na ? E->vecs[sa].v[ia] : UINT32_MAX;
    uint32_t cb = ib < nb ? E->vecs[sb].v[ib] : UINT32_MAX;
    uint32_t code = ca < cb ? ca : cb;
    if (ca < cb) ia++;
    else ib++;
    uint32_t rid = code >> 8, pi = code & 255;
    if (code == cb && first_const(L, E->rules[rid].prems[pi]) != first)
      continue; /* a hash shared with another signature */
    if (E->rules[rid].retired || !usable(E, b, E->rules[rid].fact)) continue;
    lem_subst_undo(&E->s, 0);
    if (!may_match(E, E->rules[rid].prems[pi], f)) continue;
    E->matches++;
    int m = lem_match(L, &E->s, E->rules[rid].prems[pi], f);
    if (m < 0) return -1;
    if (!m) continue;
    chosen[pi] = id;
    if (match_rule(E, b, rid, pi, r, chosen) < 0) return -1;
    if (E->out_of_budget) return 0;
  }
  return 0;
}

/* A delta fact id meets every visible rule that has a premise it can match:
** those indexed under its relation alone, and, for a positive atom, those
** indexed under a constant it has at the same argument. */
static int meet_rules(pv_eng *E, uint32_t b, pv_fid id, uint32_t r) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  int neg = lem_term_kind(L, f) == LEM_NOT;
  lem_term a = neg ? lem_term_arg(L, f, 0) : f;
  lem_sym rel = lem_term_sym(L, a);
  const lem_term *args = lem_term_args(L, a);
  uint32_t n = lem_term_nargs(L, a);
  int out = neg ? -1 : role_pos(E, rel, n, LEM_ROLE_OUT);
  int sig = out >= 0 && consts_but(L, args, n, (uint32_t)out);
  for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
    if (meet_key(E, b, blk, id, key_tag(neg ? K_RULENEG : K_RULE, rel), 0, 0,
                 r))
      return -1;
    for (uint32_t i = 0; !neg && i < n; i++) {
      uint64_t key;
      if (E->out_of_budget) break;
      if (lem_term_kind(L, args[i]) == LEM_CONST &&
          key_rulearg(rel, i, args[i], &key) &&
          meet_key(E, b, blk, id, key,
                   sig ? key_rulesig(rel, args, n, (uint32_t)out, i) : 0, i,
                   r))
        return -1;
    }
    if (E->out_of_budget) break;
  }
  lem_subst_undo(&E->s, 0);
  return 0;
}

/* ---- the things a delta fact can do ---- */


static int do_merge(pv_eng *E, uint32_t b, pv_fid id) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  lem_term x = lem_term_arg(L, f, 0), y = lem_term_arg(L, f, 1);
  if (x == y || lem_term_kind(L, x) != LEM_CONST ||
      lem_term_kind(L, y) != LEM_CONST)
    return 0;
  lem_term loser = x > y ? x : y, winner = x > y ? y : x;
  pv_fid why = id; /* =[loser, winner] */
  if (loser != x) {
    lem_term k[2] = {loser, winner};
    lem_term g = lem_mk_rel(L, E->eq, 2, k);
    if (!g || !(why = pv_add(E, b, g, PV_EQ_SYM, &id, 1, NULL, 0, 0, 0)))
      return E->out_of_budget ? 0 : -1;
  }
  /* The facts to rewrite, collected before the merge makes them stale:
     by the index, or for a constant not indexed every fact of the block
     with loser among its constants (the same facts in the same order) */
  pv_vec todo = {0};
  int all = unindexed(E, loser);
  for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
    const pv_vec *v = all ? &E->blocks[blk].facts
                          : ix_get(E, blk, key_tag(K_CONST, loser));
    for (uint32_t i = 0; v && i < v->n; i++) {
      pv_fid fid = v->v[i];
      if (all && !lem_term_occurs(L, E->facts[fid].f, loser)) continue;
      if (usable(E, b, fid) && fid != why && vec_push(L, &todo, fid)) return -1;
    }
  }
  pv_block *B = &E->blocks[b];
  B->epoch++;
  E->noix_merged |= all;
  if (mark_merged(E, loser) || lem_map_put(L, &B->uf, loser, winner) ||
      lem_map_put(L, &B->ufwhy, loser, why)) {
    lem_free(L, todo.v, todo.cap * sizeof *todo.v);
    return -1;
  }
  int rc = 0;
  for (uint32_t i = 0; i < todo.n && rc == 0; i++) {
    lem_term g = replace_const(E, E->facts[todo.v[i]].f, loser, winner);
    pv_fid pr[2] = {why, todo.v[i]};
    if (!g || !pv_add(E, b, g, PV_EQ_SUBST, pr, 2, NULL, 0, 0, 0))
      rc = E->out_of_budget ? 0 : -1;
  }
  lem_free(L, todo.v, todo.cap * sizeof *todo.v);
  return rc;
}

/* D[args] to D's body at args; the substitution is not stored
** (pv_fact_subst works it out again). */
static int do_expand(pv_eng *E, uint32_t b, pv_fid id, const lem_def *d) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  if (lem_term_nargs(L, f) != d->nparams) return 0;
  lem_term g = lem_def_instance(L, d, f);
  if (!g) return -1;
  return add_ex(E, b, g, PV_EXPAND, &id, 1, NULL, 0, d->name, 0, 0) ||
                 E->out_of_budget
             ? 0
             : -1;
}

static uint32_t const_depth(pv_eng *E, lem_term c) {
  uint32_t d;
  return lem_map_get(&E->depth, c, &d) ? d : 0;
}

/* Is there an assignment of the existential's variables satisfying atoms? */
static int satisfied(pv_eng *E, uint32_t b, const lem_term *atoms,
                     uint32_t n, uint32_t done) {
  uint32_t j = pick(E, b, atoms, n, done);
  if (j >= n) return 1;
  lem_term p = atoms[j];
  ckeys ck;
  cand_keys(E, p, &ck);
  for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
    const pv_vec *v = slot_vec(E, cand_slot(E, blk, &ck));
    for (uint32_t i = 0; v && i < v->n; i++) {
      if (!usable(E, b, v->v[i]) || !may_match(E, p, E->facts[v->v[i]].f))
        continue;
      uint32_t mark = lem_subst_mark(&E->s);
      int m = lem_match(E->L, &E->s, p, E->facts[v->v[i]].f);
      if (m < 0) return -1;
      int rc = m ? satisfied(E, b, atoms, n, done | 1u << j) : 0;
      lem_subst_undo(&E->s, mark);
      if (rc) return rc;
    }
  }
  return 0;
}

static int open_exists(pv_eng *E, uint32_t b, pv_fid id);

static int do_exists(pv_eng *E, uint32_t b, pv_fid id) {
  lem_term fa = exists_atom(E, E->facts[id].f);
  if (fa) /* lazy: filed under its signature until a join demands it */
    return ix_add(E, &E->blocks[b], key_tag(K_EXIST, fsig(E, fa)), id) ? -1
                                                                       : 0;
  return open_exists(E, b, id);
}

/* Open existential fact id with fresh witnesses, unless visible facts
** satisfy it already or the witnesses would be too deep. */
static int open_exists(pv_eng *E, uint32_t b, pv_fid id) {
  lem_ctx *L = E->L;
  lem_term all = lem_term_arg(L, E->facts[id].f, 0);
  lem_term a = lem_all_prem(L, all);
  lem_term nb = lem_all_concl(L, all);
  lem_term body = lem_mk_and(L, a, lem_term_arg(L, nb, 0));
  if (!body) return -1;
  pv_vec atoms = {0};
  if (flatten_atoms(E, body, &atoms) && atoms.n <= 32) {
    lem_subst_undo(&E->s, 0);
    int sat = satisfied(E, b, atoms.v, atoms.n, 0);
    lem_subst_undo(&E->s, 0);
    lem_free(L, atoms.v, atoms.cap * sizeof *atoms.v);
    if (sat) return sat < 0 ? -1 : 0;
  } else {
    lem_free(L, atoms.v, atoms.cap * sizeof *atoms.v);
  }
  const pv_fact *F = &E->facts[id];
  uint32_t depth = 0;
  if (scratch_consts(E, F->f)) return -1;
  for (uint32_t i = 0; i < E->cscratch.n; i++) {
    uint32_t d = const_depth(E, E->cscratch.v[i]);
    if (d > depth) depth = d;
  }
  if (++depth > E->lim.max_depth) return 0;
  uint32_t nv = lem_all_nvars(L, all);
  if (nv > 64) return 0;
  lem_binding sub[64];
  lem_subst_undo(&E->s2, 0);
  for (uint32_t i = 0; i < nv; i++) {
    char buf[32];
    snprintf(buf, sizeof buf, "_w%u", ++E->nwitness);
    lem_sym y = lem_sym_cstr(L, buf);
    lem_term w = y ? lem_mk_const(L, y) : LEM_NOTERM;
    if (!w || lem_map_put(L, &E->depth, w, depth)) return -1;
    sub[i].var = lem_term_arg(L, all, i);
    sub[i].val = w;
    if (lem_subst_bind(L, &E->s2, sub[i].var, w)) return -1;
  }
  lem_term g = lem_subst_apply(L, &E->s2, body);
  lem_subst_undo(&E->s2, 0);
  if (!g) return -1;
  return pv_add(E, b, g, PV_EXISTS, &id, 1, sub, nv, 0, 0) || E->out_of_budget
             ? 0
             : -1;
}

static int is_exists(const lem_ctx *L, lem_term f) {
  if (lem_term_kind(L, f) != LEM_NOT) return 0;
  lem_term a = lem_term_arg(L, f, 0);
  return lem_term_kind(L, a) == LEM_ALL &&
         lem_term_kind(L, lem_all_concl(L, a)) == LEM_NOT;
}

static int check_contra(pv_eng *E, uint32_t b, pv_fid pos, pv_fid neg) {
  pv_block *B = &E->blocks[b];
  if (!B->contra && pos && neg) {
    B->contra = neg;
    B->contra_pos = pos;
  }
  return 0;
}

static int process(pv_eng *E, uint32_t b, pv_fid id, uint32_t r) {
  lem_ctx *L = E->L;
  lem_term f = E->facts[id].f;
  pv_fid chosen[256];
  switch (lem_term_kind(L, f)) {
    case LEM_REL: {
      lem_sym rel = lem_term_sym(L, f);
      if (rel == E->eq && do_merge(E, b, id) < 0) return -1;
      if (!usable(E, b, id)) return 0; /* rewritten by its own merge */
      const lem_def *d = lem_theory_def(E->T, rel);
      if (d && do_expand(E, b, id, d) < 0) return -1;
      lem_term nf = lem_mk_not(L, f);
      if (!nf) return -1;
      check_contra(E, b, id, pv_find(E, b, nf));
      return meet_rules(E, b, id, r);
    }
    case LEM_AND: {
      pv_fid a = pv_add(E, b, lem_term_arg(L, f, 0), PV_AND_L, &id, 1, NULL, 0,
                        0, 0);
      pv_fid c = a ? pv_add(E, b, lem_term_arg(L, f, 1), PV_AND_R, &id, 1,
                            NULL, 0, 0, 0)
                   : 0;
      return c || E->out_of_budget ? 0 : -1;
    }
    case LEM_ALL: {
      uint32_t rid = compile_rule(E, b, id);
      if (rid == UINT32_MAX) return -1;
      return rid && !E->rules[rid].lazy && !E->rules[rid].retired
                 ? match_rule(E, b, rid, UINT32_MAX, r, chosen)
                 : 0;
    }
    case LEM_NOT:
      if (is_exists(L, f)) return do_exists(E, b, id);
      if (lem_term_kind(L, lem_term_arg(L, f, 0)) == LEM_REL) {
        check_contra(E, b, pv_find(E, b, lem_term_arg(L, f, 0)), id);
        return meet_rules(E, b, id, r);
      }
      return 0;
    default:
      return 0;
  }
}



/* ---- backward demands ----
** A target (or a hypothesis) a that some rule's head could produce tells
** which terms that rule would need: match the head onto a, match what
** premises the facts can match (greedily), and demand the functional atoms
** that remain with ground inputs.  This is what finds, for the target
** b + s(n) = c, the term b + n that the recursion rule needs. */

typedef struct headpath {
  lem_term prems[32]; /* the rule's premises, then inner (>...) premises */
  uint32_t n;
} headpath;

static int back_head(pv_eng *E, uint32_t b, headpath *hp, lem_term q,
                     lem_term a);

/* The most constrained premises first (pick), each matched against every
** visible fact that fits, backtracking; a premise no fact fits is skipped
** and, at the end of its branch, demanded under the bindings the branch
** found (so an input bound by a later premise still counts).  Matching in
** a fixed order instead would let a loose premise bind a variable to the
** wrong constant and hide the term that is really missing.  At most
** BACK_LEAVES branches per rule head. */
enum { BACK_LEAVES = 16 };

static int back_search(pv_eng *E, uint32_t b, const headpath *hp,
                       uint32_t done, uint32_t skipped, uint32_t *leaves) {
  lem_ctx *L = E->L;
  if (*leaves >= BACK_LEAVES) return 0;
  uint32_t j = pick(E, b, hp->prems, hp->n, done);
  if (j >= hp->n) {
    ++*leaves;
    for (uint32_t i = 0; i < hp->n; i++)
      if (skipped >> i & 1 && demand(E, b, hp->prems[i]) < 0) return -1;
    return 0;
  }
  lem_term p = hp->prems[j];
  int any = 0;
  ckeys ck;
  cand_keys(E, p, &ck);
  for (uint32_t blk = b; blk && *leaves < BACK_LEAVES;
       blk = E->blocks[blk].parent) {
    const pv_vec *v = slot_vec(E, cand_slot(E, blk, &ck));
    for (uint32_t k = 0; v && k < v->n && *leaves < BACK_LEAVES; k++) {
      if (!usable(E, b, v->v[k]) || !may_match(E, p, E->facts[v->v[k]].f))
        continue;
      uint32_t mark = lem_subst_mark(&E->s);
      int m = lem_match(L, &E->s, p, E->facts[v->v[k]].f);
      if (m < 0) return -1;
      if (m) {
        any = 1;
        int rc = back_search(E, b, hp, done | 1u << j, skipped, leaves);
        if (rc < 0) return -1;
      }
      lem_subst_undo(&E->s, mark);
    }
  }
  if (any) return 0;
  return back_search(E, b, hp, done | 1u << j, skipped | 1u << j, leaves);
}

static int back_try(pv_eng *E, uint32_t b, headpath *hp, lem_term head,
                    lem_term a) {
  lem_subst_undo(&E->s, 0);
  if (!may_match(E, head, a)) return 0;
  int m = lem_match(E->L, &E->s, head, a);
  if (m <= 0) return m;
  uint32_t leaves = 0;
  int rc = back_search(E, b, hp, 0, 0, &leaves);
  lem_subst_undo(&E->s, 0);
  return rc;
}

/* Could some atom conclusion q gives (through & and nested (>...)) match
** a?  Only the relation and the ground arguments are compared: a cheap
** look that spares back_head flattening premises for nothing. */
static int head_may(pv_eng *E, lem_term q, lem_term a) {
  lem_ctx *L = E->L;
  switch (lem_term_kind(L, q)) {
    case LEM_REL: {
      uint32_t n = lem_term_nargs(L, q);
      if (lem_term_sym(L, q) != lem_term_sym(L, a) || lem_term_nargs(L, a) != n)
        return 0;
      const lem_term *qa = lem_term_args(L, q), *aa = lem_term_args(L, a);
      for (uint32_t i = 0; i < n; i++)
        if (qa[i] != aa[i] && lem_term_ground(L, qa[i])) return 0;
      return 1;
    }
    case LEM_AND:
      return head_may(E, lem_term_arg(L, q, 0), a) ||
             head_may(E, lem_term_arg(L, q, 1), a);
    case LEM_ALL:
      return head_may(E, lem_all_concl(L, q), a);
    default:
      return 0;
  }
}

static int back_head(pv_eng *E, uint32_t b, headpath *hp, lem_term q,
                     lem_term a) {
  lem_ctx *L = E->L;
  switch (lem_term_kind(L, q)) {
    case LEM_REL:
      return lem_term_sym(L, q) == lem_term_sym(L, a) ? back_try(E, b, hp, q, a)
                                                      : 0;
    case LEM_AND:
      if (back_head(E, b, hp, lem_term_arg(L, q, 0), a) < 0) return -1;
      return back_head(E, b, hp, lem_term_arg(L, q, 1), a);
    case LEM_ALL: {
      if (!head_may(E, lem_all_concl(L, q), a)) return 0;
      uint32_t n0 = hp->n;
      pv_vec ps = {0};
      int ok = flatten_atoms(E, lem_all_prem(L, q), &ps);
      for (uint32_t i = 0; ok && i < ps.n; i++) {
        if (hp->n >= 32) ok = 0;
        else hp->prems[hp->n++] = ps.v[i];
      }
      lem_free(L, ps.v, ps.cap * sizeof *ps.v);
      int rc = ok ? back_head(E, b, hp, lem_all_concl(L, q), a) : 0;
      hp->n = n0;
      return rc;
    }
    default:
      return 0;
  }
}

/* Backward demands for atom a from every rule visible in b. */
static int back_demands(pv_eng *E, uint32_t b, lem_term a) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, a) != LEM_REL) return 0;
  for (uint32_t blk = b; blk; blk = E->blocks[blk].parent) {
    const pv_vec *v = ix_get(E, blk, key_tag(K_HEAD, lem_term_sym(L, a)));
    for (uint32_t i = 0; v && i < v->n; i++) {
      const pv_rule *R = &E->rules[v->v[i]];
      if (R->retired || !usable(E, b, R->fact) || R->nprem > 32) continue;
      headpath hp;
      hp.n = R->nprem;
      memcpy(hp.prems, R->prems, R->nprem * sizeof *R->prems);
      if (back_head(E, b, &hp, R->concl, a) < 0) return -1;
      v = ix_get(E, blk, key_tag(K_HEAD, lem_term_sym(L, a)));
    }
  }
  return 0;
}


/* Fire a lazy rule whose head can give demanded atom a; *x is set to the
** existential fact it made (or found), 0 if none could fire. */
static int fire_lazy(pv_eng *E, uint32_t b, lem_term a, pv_fid *x) {
  lem_ctx *L = E->L;
  pv_fid chosen[256];
  *x = 0;
  for (uint32_t blk = b; blk && !*x; blk = E->blocks[blk].parent) {
    const pv_vec *v = ix_get(E, blk, key_tag(K_LAZY, lem_term_sym(L, a)));
    for (uint32_t k = 0; v && k < v->n && !*x; k++) {
      const pv_rule *R = &E->rules[v->v[k]];
      if (R->retired || !usable(E, b, R->fact)) continue;
      lem_subst_undo(&E->s, 0);
      int m = lem_match(L, &E->s, R->lazy, a);
      if (m < 0) return -1;
      if (!m) continue;
      /* the existential variable's binding (to a's unbound out variable)
         is not part of the rule's substitution: drop it before firing */
      lem_term inst = LEM_NOTERM;
      uint32_t keep = 0;
      for (uint32_t i = 0; i < E->s.n; i++) {
        int is_rule_var = 0;
        for (uint32_t j = 0; j < R->nvars; j++)
          is_rule_var |= E->s.b[i].var == R->vars[j];
        if (is_rule_var) E->s.b[keep++] = E->s.b[i];
      }
      E->s.n = keep;
      if (!(inst = lem_subst_apply(L, &E->s, R->concl))) return -1;
      if (join(E, b, v->v[k], UINT32_MAX, 0, UINT32_MAX - 1, chosen) < 0)
        return -1;
      lem_subst_undo(&E->s, 0);
      *x = lem_term_ground(L, inst) ? pv_find(E, b, inst) : 0;
      v = ix_get(E, blk, key_tag(K_LAZY, lem_term_sym(L, a)));
    }
  }
  lem_subst_undo(&E->s, 0);
  return 0;
}

/* Serve block b's open demands: for each, the filed existential with its
** signature, opened if nothing provides the atom yet.  Demands that found no
** existential stay open for later rounds. */
static int serve_demands(pv_eng *E, uint32_t b) {
  lem_ctx *L = E->L;
  uint32_t keep = 0;
  for (uint32_t i = 0; i < E->blocks[b].demands.n; i++) {
    lem_term a = E->blocks[b].demands.v[i];
    lem_term na = pv_normal(E, b, a);
    if (!na) return -1;
    /* provided meanwhile? */
    int provided = 0;
    lem_subst_undo(&E->s, 0);
    ckeys ck;
    cand_keys(E, na, &ck);
    for (uint32_t blk = b; blk && !provided; blk = E->blocks[blk].parent) {
      const pv_vec *v = slot_vec(E, cand_slot(E, blk, &ck));
      for (uint32_t k = 0; v && k < v->n && !provided; k++) {
        if (!usable(E, b, v->v[k]) || !may_match(E, na, E->facts[v->v[k]].f))
          continue;
        int m = lem_match(L, &E->s, na, E->facts[v->v[k]].f);
        if (m < 0) return -1;
        lem_subst_undo(&E->s, 0);
        provided = m;
      }
    }
    if (provided) continue;
    uint32_t h = fsig(E, na);
    pv_fid x = 0;
    for (uint32_t blk = b; blk && !x; blk = E->blocks[blk].parent) {
      const pv_vec *v = ix_get(E, blk, key_tag(K_EXIST, h));
      for (uint32_t k = 0; v && k < v->n && !x; k++) {
        pv_fid c = v->v[k];
        if (!usable(E, b, c)) continue;
        lem_term ca = exists_atom(E, E->facts[c].f);
        if (ca && same_sig(E, ca, na)) x = c;
      }
    }
    if (!x) {
      int rc = fire_lazy(E, b, na, &x);
      if (rc < 0) return -1;
    }
    if (!x) {
      E->blocks[b].demands.v[keep++] = a; /* wait for its existential */
      continue;
    }
    if (open_exists(E, b, x) < 0) return -1;
    if (E->out_of_budget) return 0;
  }
  E->blocks[b].demands.n = keep;
  return 0;
}

lem_err pv_retire(pv_eng *E, pv_fid id) {
  if (lem_map_put(E->L, &E->retired, id, 1)) return LEM_ENOMEM;
  /* rules are compiled after the facts they come from: one pass in order
     reaches the instances of instances */
  for (uint32_t r = 1; r <= E->nrules; r++) {
    pv_fid f = E->rules[r].fact;
    if (!(E->rules[r].retired & 1) && (f == id || from_retired(E, f))) {
      E->rules[r].retired |= 1;
      if (lem_map_put(E->L, &E->retired, f, 1)) return LEM_ENOMEM;
    }
  }
  return LEM_OK;
}

/* Does fact id come from a fact in off: is it, or, through mp instances
** (the rule that fired), equality rewrites, conjunction parts and
** expansions, one that is? */
static int from_muted(const pv_eng *E, pv_fid id, const lem_map *off) {
  uint32_t x;
  for (uint32_t guard = 0; guard < 1024; guard++) {
    if (lem_map_get(off, id, &x)) return 1;
    const pv_fact *F = &E->facts[id];
    if (F->how == PV_EQ_SUBST && F->nprem == 2) id = E->pool[F->prem + 1];
    else if ((F->how == PV_MP || F->how == PV_AND_L || F->how == PV_AND_R ||
              F->how == PV_EXPAND) && F->nprem)
      id = E->pool[F->prem];
    else return 0;
  }
  return 0;
}

void pv_mute(pv_eng *E, const lem_map *off) {
  E->muted = off->n ? off : NULL;
  for (uint32_t r = 1; r <= E->nrules; r++) {
    pv_rule *R = &E->rules[r];
    R->retired &= 1;
    if (off->n && from_muted(E, R->fact, off)) R->retired |= 2;
  }
}

int pv_saturate(pv_eng *E, uint32_t b, lem_term target) {
  pv_block *B = &E->blocks[b];
  E->out_of_budget = 0;
  uint32_t next = 0; /* first of b's facts not yet processed */
  /* facts already processed in earlier calls have round < B->round */
  while (next < B->facts.n && E->facts[B->facts.v[next]].round < B->round)
    next++;
  for (uint32_t k = 0; k < E->lim.max_rounds; k++) {
    if (B->contra) return 1;
    if (target && pv_find(E, b, target)) return 1;
    uint32_t end = E->blocks[b].facts.n;
    if (next == end) return 0; /* saturated (open demands wait) */
    uint32_t r = ++E->blocks[b].round; /* new facts get this round */
    if (target) {
      /* look backwards from the target and the hypotheses of b and its
         enclosing blocks, every round: a term a rule needs may only become
         nameable after earlier rounds (s(x) = d found, then x + y wanted) */
      lem_term nt = pv_normal(E, b, target);
      if (!nt || back_demands(E, b, nt) < 0) return -1;
      for (uint32_t hb = b; hb; hb = E->blocks[hb].parent)
        for (uint32_t h = 0; h < E->blocks[hb].nhyps; h++) {
          lem_term hf = pv_normal(E, b, E->facts[E->blocks[hb].hyps[h]].f);
          if (!hf || back_demands(E, b, hf) < 0) return -1;
        }
    }
    for (uint32_t i = next; i < end; i++) {
      pv_fid id = E->blocks[b].facts.v[i];
      if (!usable(E, b, id)) continue;
      if (process(E, b, id, r) < 0) return -1;
      if (E->out_of_budget) return 0;
      if (E->lim.deadline > 0 && (i & 63) == 0 && now() > E->lim.deadline) {
        E->out_of_budget = 1;
        return 0;
      }
    }
    if (serve_demands(E, b) < 0) return -1;
    if (E->out_of_budget) return 0;
    next = end;
    B = &E->blocks[b];
  }
  if (B->contra) return 1;
  if (target && pv_find(E, b, target)) return 1;
  E->out_of_budget = 1;
  return 0;
}

/* ---- substitutions, for the proof extractor ---- */

/* Match the atoms of conjunction p, left to right, against the formulas
** of the facts prems[*k ..], advancing *k.  1 if all match, 0 if not, -1
** on error. */
static int match_prems(pv_eng *E, lem_subst *s, lem_term p,
                       const pv_fid *prems, uint32_t nprem, uint32_t *k) {
  lem_ctx *L = E->L;
  if (lem_term_kind(L, p) == LEM_AND) {
    int m = match_prems(E, s, lem_term_arg(L, p, 0), prems, nprem, k);
    return m <= 0 ? m : match_prems(E, s, lem_term_arg(L, p, 1), prems, nprem,
                                    k);
  }
  if (*k >= nprem) return 0;
  return lem_match(L, s, p, E->facts[prems[(*k)++]].f);
}

/* An mp instance's substitution: the rule's variables, bound by matching
** its premises against the instance's (fire made it so). */
static uint32_t mp_subst(pv_eng *E, pv_fid id, lem_binding *out,
                         uint32_t max) {
  lem_ctx *L = E->L;
  const pv_fact *F = &E->facts[id];
  const pv_fid *pr = pv_fact_prems(E, id);
  lem_term rule = F->nprem ? E->facts[pr[0]].f : LEM_NOTERM;
  if (!rule || lem_term_kind(L, rule) != LEM_ALL) {
    lem_error(L, LEM_EINVAL, "pv_fact_subst: fact %u is no rule instance", id);
    return UINT32_MAX;
  }
  uint32_t nv = lem_all_nvars(L, rule), k = 0, n = UINT32_MAX;
  if (nv > max) {
    lem_error(L, LEM_ELIMIT, "pv_fact_subst: substitution too large");
    return UINT32_MAX;
  }
  lem_subst s;
  lem_subst_init(&s);
  int m = match_prems(E, &s, lem_all_prem(L, rule), pr + 1, F->nprem - 1u, &k);
  if (m > 0 && k == F->nprem - 1u) {
    const lem_term *v = lem_term_args(L, rule);
    for (n = 0; n < nv; n++) {
      out[n].var = v[n];
      if (!(out[n].val = lem_subst_apply(L, &s, v[n]))) break;
    }
    if (n < nv) n = UINT32_MAX;
  } else if (m >= 0) {
    lem_error(L, LEM_EINVAL, "pv_fact_subst: fact %u's premises do not match",
              id);
  }
  lem_subst_free(L, &s);
  return n;
}

uint32_t pv_fact_subst(pv_eng *E, pv_fid id, lem_binding *out, uint32_t max) {
  lem_ctx *L = E->L;
  const pv_fact *F = &E->facts[id];
  if (F->own_sub) {
    const uint32_t *w = pv_fact_consts(E, id) + F->ncst + pv_naux(F->how);
    uint32_t n = w[0];
    if (n > max) {
      lem_error(L, LEM_ELIMIT, "pv_fact_subst: substitution too large");
      return UINT32_MAX;
    }
    for (uint32_t i = 0; i < n; i++)
      out[i] = (lem_binding){w[1 + 2 * i], w[2 + 2 * i]};
    return n;
  }
  if (F->how == PV_MP) return mp_subst(E, id, out, max);
  if (F->how != PV_EXPAND && F->how != PV_FOLD) return 0;
  /* the definition's parameters := the arguments of its atom: the
     premise of an expansion, the conclusion of a fold */
  const lem_def *d = lem_theory_def(E->T, pv_fact_aux(E, id, 0));
  lem_term p = F->how == PV_FOLD ? F->f
               : F->nprem        ? E->facts[pv_fact_prems(E, id)[0]].f
                                 : LEM_NOTERM;
  if (!d || !p || lem_term_nargs(L, p) != d->nparams) {
    lem_error(L, LEM_EINVAL, "pv_fact_subst: fact %u is no expansion", id);
    return UINT32_MAX;
  }
  if (d->nparams > max) {
    lem_error(L, LEM_ELIMIT, "pv_fact_subst: substitution too large");
    return UINT32_MAX;
  }
  for (uint32_t i = 0; i < d->nparams; i++)
    out[i] = (lem_binding){d->params[i], lem_term_arg(L, p, i)};
  return d->nparams;
}
