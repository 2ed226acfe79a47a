/*
** lb.h: logic blocks, the prover's forward-chaining engine.
**
** An engine holds a tree of blocks.  A block is a scope: its own facts and
** rules, plus everything visible in its ancestors.  Facts are closed
** formulas; a fact whose formula is (>[x...](P)(Q)) with P a conjunction of
** atoms is also a rule.  Saturation runs in rounds, semi-naively: in round r
** only facts made in round r-1 (the delta) drive new matches, and the facts a
** round makes become visible only in the next round, so the result does not
** depend on the order in which a round's matches are tried.
**
** Matching is by index, never by scanning: a rule is indexed under the
** relation of each premise; a delta fact looks up the rules that can take it,
** and the remaining premises are joined against facts indexed by
** (relation, argument position, constant), that and the operation, or a
** functional relation's inputs (the relation's declared roles say which).
**
** Equality: each block keeps a union-find over constants.  When =[a,b] is
** derived, the younger constant is merged into the older one and every
** visible fact that mentions it is rewritten (an eq_subst step), so that the
** usable facts are always in normal form.
**
** Existentials !(>[y](A)!(B)) are chased with fresh witness constants only
** when no visible facts satisfy them already, and only up to a witness depth
** bound (a witness is one deeper than the deepest constant it depends on).
**
** Every fact records how it was made (pv_how), its premises (fact ids, in
** order), and its substitution (stored, or worked out again from the
** premises, pv_fact_subst): the provenance the proof extractor walks.
** Nothing is freed before the engine is, so provenance stays valid.
*/
#ifndef PV_LB_H
#define PV_LB_H

#include "canon.h"
#include "map.h"
#include "mpl.h"
#include "term.h"
#include "unify.h"

typedef uint32_t pv_fid; /* a fact id, 1-based; 0 = none */

typedef enum pv_how {
  PV_AXIOM = 1, /* the theory's axiom */
  PV_THEOREM,   /* a theorem proved earlier (aux = its index) */
  PV_HYP,       /* a hypothesis of its block */
  PV_EXPAND,    /* a defined relation replaced by its body (aux = def sym) */
  PV_AND_L,     /* left operand of a conjunction */
  PV_AND_R,     /* right operand */
  PV_MP,        /* rule instance: prems = rule, then P's conjuncts */
  PV_EXISTS,    /* existential opened with fresh witnesses (subst: y->w) */
  PV_EQ_SUBST,  /* prems = =[a,b], P: P with a replaced by b */
  PV_EQ_SYM,    /* prems = =[a,b]: =[b,a] (two calculus steps) */
  PV_CONTRA,    /* prems = A, !(A) */
  PV_INTRO,     /* aux = the child block that proved it */
  PV_INDUCT,    /* aux = the base block; aux2 = the step block */
  PV_REIT,      /* prems = a fact of an enclosing block, restated here */
  PV_SMT,       /* prems = the hypotheses; aux = the query (side.h) */
  PV_FOLD,      /* prems = a definition's body instance: D[args]
                   (aux = def sym; subst: params := args) */
  PV_NEG_INTRO  /* prems = the last fact of the child block aux, which
                   assumes A and states !(A): !(A) */
} pv_how;

/* A fact: 28 bytes, the engine's most numerous record.  Its lists sit in
** eng->pool from prem on: the premises (nprem fact ids, in order), its
** distinct constants but the axiom's (ncst, first occurrence first: what
** usable() looks up; the axiom's are merged hardly ever, and then f itself
** is walked), its aux words (as many
** as pv_naux(how)), and, when own_sub, its substitution (a count, then
** (var, value) pairs).  An mp instance of a rule whose premises bind all
** its variables, an expansion and a fold do not store theirs: pv_fact_subst
** works it out again from the premises (a fold: from its own atom). */
typedef struct pv_fact {
  lem_term f;            /* the closed formula */
  uint32_t prem;         /* its pool entries start here */
  uint32_t round;        /* the round of its block that made it */
  uint32_t block : 24;   /* the block it was made in (PV_MAXBLOCKS) */
  uint32_t how : 7;      /* pv_how */
  uint32_t own_sub : 1;  /* its substitution is in the pool */
  uint16_t nprem, ncst;
  uint32_t ublock;       /* usable(): the block last asked about, and */
  uint32_t uepoch;       /* its epoch then << 1 | the answer */
} pv_fact;

#define PV_MAXBLOCKS ((1u << 24) - 1)

typedef struct pv_rule {
  const lem_term *vars;
  lem_term *prems;     /* P's conjuncts, left to right (in eng's arena) */
  pv_fid fact;         /* the (>[x...](P)(Q)) fact */
  lem_term concl;      /* Q */
  lem_term lazy;       /* for a lazy rule, its head's functional atom */
  uint16_t nvars;
  uint8_t nprem;       /* at most 32 */
  uint8_t retired : 2; /* bit 0: never matched again (pv_retire); bit 1:
                          not matched for now (pv_mute) */
  uint8_t covered : 1; /* every variable is in a premise (pv_fact_subst) */
} pv_rule;

typedef struct pv_vec {
  uint32_t *v;
  uint32_t n, cap;
} pv_vec;

/* A block's facts by formula: open addressing over fact ids (0: empty),
** each beside the top bits of its formula's hash; 4 bytes a slot. */
typedef struct pv_fset {
  uint32_t *slots;
  uint32_t n, cap;     /* cap: 0 or a power of two */
} pv_fset;

#define PV_FIDBITS 27u /* an engine makes at most 2^27 - 1 facts */

typedef enum pv_bkind { PV_BK_ROOT = 0, PV_BK_INTRO, PV_BK_BASE, PV_BK_STEP }
pv_bkind;

typedef struct pv_block {
  uint32_t parent;     /* 0 for a root */
  uint8_t kind;        /* pv_bkind: what the block is for */
  uint32_t round;      /* rounds run so far */
  uint32_t epoch;      /* bumped by every merge in uf (from 1) */
  lem_map uf;          /* const -> its parent in the union-find */
  lem_map ufwhy;       /* const -> the fact =[..] that merged it */
  pv_fset seen;        /* facts made here, by formula (the newest) */
  lem_map ix;          /* index key -> vecs[] slot (facts, rules) */
  uint64_t *bloom;     /* a Bloom filter of ix's keys (lb.c, ix_has) */
  uint32_t nbloom;     /* its length in words, 0 or a power of two */
  pv_vec facts;        /* facts made here, in order */
  pv_vec rules;        /* rules (eng->rules ids) compiled here */
  pv_vec demands;      /* functional atoms joins wanted and did not find */
  lem_map demanded;    /* atom -> 1, every demand ever made here */
  uint32_t nconsts;
  lem_term *consts;    /* block constants introduced here */
  uint32_t nhyps;
  pv_fid *hyps;
  pv_fid contra;       /* a PV_CONTRA-ready pair found: the !(A) fact */
  pv_fid contra_pos;   /* ... and the A fact */
} pv_block;

typedef struct pv_limits {
  uint32_t max_rounds;     /* per saturation call */
  uint32_t max_facts;      /* per block */
  uint32_t max_depth;      /* witness depth */
  double deadline;         /* absolute, seconds on CLOCK_MONOTONIC; 0: none */
} pv_limits;

/* What a declared relation's roles say, looked up per match: its arity,
** and its one argument of role out and of role op (-1: none, or several). */
typedef struct pv_relinfo {
  uint32_t arity;    /* 0: not declared */
  int32_t out, op;
} pv_relinfo;

typedef struct pv_eng {
  lem_ctx *L;
  const lem_theory *T;
  pv_fact *facts;   /* facts[1..nfacts] */
  uint32_t nfacts, capfacts;
  uint32_t *pool;   /* the facts' lists (pv_fact) */
  uint32_t npool, cappool;
  pv_rule *rules;   /* rules[1..nrules] */
  uint32_t nrules, caprules;
  struct pv_chunk *rprems; /* the rules' premise lists: chunks that never
                              move */
  pv_block *blocks; /* blocks[1..nblocks] */
  uint32_t nblocks, capblocks;
  pv_vec *vecs;     /* index lists */
  uint32_t nvecs, capvecs;
  pv_vec freevecs;  /* slots of vecs[] given back by pv_block_done */
  lem_map depth;    /* witness const -> depth */
  lem_map fresh;    /* base name -> next suffix for its block constants */
  uint64_t *merged; /* bitset over term ids: constants merged in any block */
  uint32_t nmerged; /* its length in words */
  uint64_t *noix;  /* bitset over term ids: the axiom's constants, which
                       are not indexed by constant (lb.c, do_merge) */
  uint32_t nnoix;   /* its length in words */
  int noix_merged;  /* one of them was merged, in some block */
  uint32_t nwitness, nbconst;
  lem_subst s, s2;  /* scratch substitutions */
  lem_sym eq;       /* the symbol "=" */
  lem_term outvar;  /* the out argument of every demanded atom */
  pv_limits lim;
  lem_map retired;  /* fact id -> 1: retired rules (pv_retire) */
  pv_vec cscratch;   /* collect_consts' list in new_fact and pv_normal */
  pv_relinfo *rinfo; /* by relation symbol: its out and op arguments */
  uint32_t nrinfo;
  const lem_map *muted; /* pv_mute's map while it mutes any, else NULL */
  uint64_t matches; /* statistics */
  int out_of_budget;
} pv_eng;

/* How many aux words a fact made by how has: the theorem's index
** (PV_THEOREM), the definition (PV_EXPAND, PV_FOLD), the child block
** (PV_INTRO, PV_NEG_INTRO), the query (PV_SMT), the base and step blocks
** (PV_INDUCT). */
static inline uint32_t pv_naux(uint32_t how) {
  return how == PV_INDUCT ? 2
         : how == PV_THEOREM || how == PV_EXPAND || how == PV_INTRO ||
                 how == PV_SMT || how == PV_FOLD || how == PV_NEG_INTRO
             ? 1
             : 0;
}

/* Fact id's premises, its distinct constants, and aux word k (0 when it
** has none). */
static inline const uint32_t *pv_fact_prems(const pv_eng *E, pv_fid id) {
  return E->pool + E->facts[id].prem;
}
static inline const lem_term *pv_fact_consts(const pv_eng *E, pv_fid id) {
  return E->pool + E->facts[id].prem + E->facts[id].nprem;
}
static inline uint32_t pv_fact_aux(const pv_eng *E, pv_fid id, uint32_t k) {
  const pv_fact *F = &E->facts[id];
  return k < pv_naux(F->how) ? E->pool[F->prem + F->nprem + F->ncst + k] : 0;
}
/* Set aux word k of fact id (it must have one, pv_naux). */
static inline void pv_fact_set_aux(pv_eng *E, pv_fid id, uint32_t k,
                                   uint32_t v) {
  const pv_fact *F = &E->facts[id];
  E->pool[F->prem + F->nprem + F->ncst + k] = v;
}

/* Fact id's substitution, at most max pairs, into out: the stored one, or
** for an mp instance the rule's variables as its premises bind them, or
** for an expansion the definition's parameters and the premise's
** arguments.  Returns the number of pairs (0 for a fact without one), or
** UINT32_MAX with an error in E->L. */
uint32_t pv_fact_subst(pv_eng *E, pv_fid id, lem_binding *out, uint32_t max);

/* Create an engine over theory T (borrowed; must outlive the engine).
** Returns LEM_OK or an error in L.  Free with pv_eng_free. */
lem_err pv_eng_init(pv_eng *E, lem_ctx *L, const lem_theory *T);
void pv_eng_free(pv_eng *E);

/* A new block under parent (0: a root).  Returns its id, or 0 on error. */
uint32_t pv_block_new(pv_eng *E, uint32_t parent);

/* Block b is done: nothing will be added to it or looked up in it again,
** nor will a block be opened under it.  Its indexes and its facts by
** formula are freed; its facts, constants and hypotheses stay, for the
** provenance.  LEM_OK or LEM_ENOMEM (nothing freed). */
lem_err pv_block_done(pv_eng *E, uint32_t b);

/* A fresh block constant named after name (e.g. "_a", "_a2"), introduced by
** block b.  LEM_NOTERM on error. */
lem_term pv_block_const(pv_eng *E, uint32_t b, lem_sym name);

/* Add a fact to block b with its provenance.  prems/nprem are fact ids;
** sub/nsub are (var, value) pairs.  Returns the fact id (an existing visible
** fact with the same formula is returned as is), or 0 on error. */
pv_fid pv_add(pv_eng *E, uint32_t b, lem_term f, pv_how how,
              const pv_fid *prems, uint32_t nprem, const lem_binding *sub,
              uint32_t nsub, uint32_t aux, uint32_t aux2);

/* As pv_add, but the fact is kept as given even when it is not in normal
** form (it is then not used for matching).  For hypotheses and for facts
** that state a target with its original constants. */
pv_fid pv_add_raw(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                  const pv_fid *prems, uint32_t nprem, const lem_binding *sub,
                  uint32_t nsub, uint32_t aux, uint32_t aux2);

/* Add a new fact to block b even if a visible block has the same formula
** (for reit: restating an enclosing block's fact inside b).  0 on error. */
pv_fid pv_add_new(pv_eng *E, uint32_t b, lem_term f, pv_how how,
                  const pv_fid *prems, uint32_t nprem);

/* The visible, usable fact in block b with formula f (after normalising f's
** constants in b), or 0. */
pv_fid pv_find(pv_eng *E, uint32_t b, lem_term f);

/* Normalise f's constants by b's union-find (LEM_NOTERM on error). */
lem_term pv_normal(pv_eng *E, uint32_t b, lem_term f);

/* The representative of constant c in block b. */
lem_term pv_root(pv_eng *E, uint32_t b, lem_term c);

/* Retire fact id as a rule: the rule compiled from it, and the rules
** instantiated from it (a curried rule's inner rules, at any depth, now or
** later), are never matched again.  For a rule made redundant by a stronger
** one, e.g. an induction lemma once the goal it served is a theorem: both
** would fire on the same facts.  Provenance is unaffected.  LEM_OK or
** LEM_ENOMEM. */
lem_err pv_retire(pv_eng *E, pv_fid id);

/* Mute rules for now (premise selection): every rule whose fact is in off
** (a key of the map, the value ignored) or comes from one, through mp
** instances (a curried rule's inner rules, at any depth), equality
** rewrites, conjunction parts and expansions, is not matched until the
** next call; every other rule is matched again (an empty map unmutes
** all).  Rules compiled meanwhile from such facts are muted too, so off
** (borrowed) must live until the next call.  Retired rules stay retired.
** A rule unmuted later does not
** revisit the facts made while it was muted, in blocks saturated then (the
** prover opens new blocks for each attempt).  Provenance is unaffected. */
void pv_mute(pv_eng *E, const lem_map *off);

/* Run up to E->lim.max_rounds rounds in block b, stopping early when target
** (if not LEM_NOTERM) becomes a visible fact, when the block saturates, or
** when a limit is reached.  Returns 1 if target was found (or the block is
** contradictory), 0 if not, -1 on error. */
int pv_saturate(pv_eng *E, uint32_t b, lem_term target);

#endif
