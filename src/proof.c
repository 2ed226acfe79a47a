/*
** proof.c: the in-memory proof graph (see proof.h and prover/DESIGN.md).
**
** Three growable arrays (theorems, blocks, steps) indexed by id - 1.  Each
** object's variable-length parts are separate allocations through the
** context, freed by lem_proof_free.  Builders copy everything they are given
** and undo their allocations on failure, so a failed add changes nothing.
*/
#include "proof.h"

#include <string.h>

static const char *const rule_names[LEM_R_COUNT] = {
    "none",   "axiom",   "theorem",  "hyp",      "expand", "fold",
    "and_l",  "and_r",   "and_i",    "mp",       "exists", "eq_refl",
    "eq_subst", "contra", "intro",   "induct",   "smt",     "reit",
    "neg_intro"};
static const char *const tk_names[LEM_TK_COUNT] = {"goal", "discovered",
                                                   "mirrored", "given"};
static const char *const ts_names[LEM_TS_COUNT] = {"proved", "failed",
                                                   "given"};
static const char *const bk_names[LEM_BK_COUNT] = {"root", "intro", "base",
                                                   "step"};

static int parse_name(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

const char *lem_rule_name(lem_rule r) {
  return (unsigned)r < LEM_R_COUNT ? rule_names[r] : "?";
}
lem_rule lem_rule_parse(const char *s) {
  int i = parse_name(rule_names, LEM_R_COUNT, s);
  return i > 0 ? (lem_rule)i : LEM_R_NONE;
}
const char *lem_thm_kind_name(lem_thm_kind k) {
  return (unsigned)k < LEM_TK_COUNT ? tk_names[k] : "?";
}
int lem_thm_kind_parse(const char *s) {
  return parse_name(tk_names, LEM_TK_COUNT, s);
}
const char *lem_thm_status_name(lem_thm_status s) {
  return (unsigned)s < LEM_TS_COUNT ? ts_names[s] : "?";
}
int lem_thm_status_parse(const char *s) {
  return parse_name(ts_names, LEM_TS_COUNT, s);
}
const char *lem_block_kind_name(lem_block_kind k) {
  return (unsigned)k < LEM_BK_COUNT ? bk_names[k] : "?";
}
int lem_block_kind_parse(const char *s) {
  return parse_name(bk_names, LEM_BK_COUNT, s);
}

lem_proof *lem_proof_new(lem_ctx *L) {
  lem_proof *P = lem_calloc(L, sizeof *P);
  if (P) P->L = L;
  return P;
}

/* Copy n elements of size sz; *out is NULL when n == 0.  0 or LEM_ENOMEM. */
static lem_err dup_array(lem_ctx *L, void **out, const void *src, uint32_t n,
                         size_t sz) {
  *out = NULL;
  if (!n) return LEM_OK;
  if (!src) return lem_error(L, LEM_EINVAL, "proof: NULL array of %u", n);
  *out = lem_malloc(L, (size_t)n * sz);
  if (!*out) return LEM_ENOMEM;
  memcpy(*out, src, (size_t)n * sz);
  return LEM_OK;
}

static void free_str(lem_ctx *L, char *s) {
  if (s) lem_free(L, s, strlen(s) + 1);
}

static void free_step(lem_ctx *L, lem_step *s) {
  lem_free(L, s->prem, (size_t)s->nprem * sizeof *s->prem);
  lem_free(L, s->svar, (size_t)s->nsubst * sizeof *s->svar);
  lem_free(L, s->sval, (size_t)s->nsubst * sizeof *s->sval);
  lem_free(L, s->wit, (size_t)s->nwit * sizeof *s->wit);
  free_str(L, s->query);
  free_str(L, s->answer);
}

static void free_block(lem_ctx *L, lem_block *b) {
  lem_free(L, b->consts, (size_t)b->nconsts * sizeof *b->consts);
  lem_free(L, b->hyps, (size_t)b->nhyps * sizeof *b->hyps);
}

void lem_proof_free(lem_proof *P) {
  if (!P) return;
  lem_ctx *L = P->L;
  for (uint32_t i = 0; i < P->nsteps; i++) free_step(L, &P->steps[i]);
  for (uint32_t i = 0; i < P->nblocks; i++) free_block(L, &P->blocks[i]);
  for (uint32_t i = 0; i < P->nthms; i++) free_str(L, P->thms[i].name);
  lem_free(L, P->steps, (size_t)P->csteps * sizeof *P->steps);
  lem_free(L, P->blocks, (size_t)P->cblocks * sizeof *P->blocks);
  lem_free(L, P->thms, (size_t)P->cthms * sizeof *P->thms);
  lem_free(L, P, sizeof *P);
}

uint32_t lem_proof_add_theorem(lem_proof *P, const char *name, lem_term stmt,
                               lem_thm_kind kind, lem_thm_status status) {
  lem_ctx *L = P->L;
  if ((unsigned)kind >= LEM_TK_COUNT || (unsigned)status >= LEM_TS_COUNT)
    return lem_error(L, LEM_EINVAL, "proof: bad theorem kind or status"), 0;
  if (P->nthms == UINT32_MAX - 1 || LEM_GROW(L, P->thms, P->cthms, P->nthms + 1))
    return 0;
  char *nm = lem_strndup(L, name ? name : "", name ? strlen(name) : 0);
  if (!nm) return 0;
  lem_pthm *t = &P->thms[P->nthms];
  memset(t, 0, sizeof *t);
  t->id = ++P->nthms;
  t->name = nm;
  t->stmt = stmt;
  t->kind = kind;
  t->status = status;
  return t->id;
}

uint32_t lem_proof_add_block(lem_proof *P, uint32_t thm, uint32_t parent,
                             lem_block_kind kind, uint32_t nconsts,
                             const lem_term *consts, uint32_t nhyps,
                             const lem_term *hyps) {
  lem_ctx *L = P->L;
  if (!thm || thm > P->nthms || (unsigned)kind >= LEM_BK_COUNT)
    return lem_error(L, LEM_EINVAL, "proof: block of bad theorem %u", thm), 0;
  if (parent && (parent > P->nblocks || P->blocks[parent - 1].thm != thm))
    return lem_error(L, LEM_EINVAL, "proof: bad parent block %u", parent), 0;
  if (LEM_GROW(L, P->blocks, P->cblocks, P->nblocks + 1)) return 0;
  lem_block b = {0};
  if (dup_array(L, (void **)&b.consts, consts, nconsts, sizeof *consts))
    return 0;
  b.nconsts = nconsts;
  if (dup_array(L, (void **)&b.hyps, hyps, nhyps, sizeof *hyps)) {
    free_block(L, &b);
    return 0;
  }
  b.nhyps = nhyps;
  b.id = ++P->nblocks;
  b.thm = thm;
  b.parent = parent;
  b.kind = kind;
  P->blocks[b.id - 1] = b;
  lem_pthm *t = &P->thms[thm - 1];
  if (t->last_block) P->blocks[t->last_block - 1].next = b.id;
  else t->first_block = b.id;
  t->last_block = b.id;
  if (!parent && !t->root) t->root = b.id;
  return b.id;
}

static char *dup_cstr(lem_ctx *L, const char *s, int *fail) {
  if (!s) return NULL;
  char *d = lem_strndup(L, s, strlen(s));
  if (!d) *fail = 1;
  return d;
}

uint32_t lem_proof_add_step(lem_proof *P, const lem_step_spec *sp) {
  lem_ctx *L = P->L;
  if (!sp->block || sp->block > P->nblocks)
    return lem_error(L, LEM_EINVAL, "proof: step in bad block %u", sp->block),
           0;
  if ((unsigned)sp->rule >= LEM_R_COUNT || sp->nkids > 2)
    return lem_error(L, LEM_EINVAL, "proof: bad rule or child count"), 0;
  if (LEM_GROW(L, P->steps, P->csteps, P->nsteps + 1)) return 0;
  lem_step s = {0};
  int fail = 0;
  fail |= !!dup_array(L, (void **)&s.prem, sp->prem, sp->nprem, sizeof *s.prem);
  if (!fail) s.nprem = sp->nprem;
  if (!fail && !dup_array(L, (void **)&s.svar, sp->svar, sp->nsubst,
                          sizeof *s.svar)) {
    if (dup_array(L, (void **)&s.sval, sp->sval, sp->nsubst, sizeof *s.sval)) {
      lem_free(L, s.svar, (size_t)sp->nsubst * sizeof *s.svar);
      s.svar = NULL;
      fail = 1;
    } else {
      s.nsubst = sp->nsubst;
    }
  } else {
    fail = 1;
  }
  if (!fail) fail |= !!dup_array(L, (void **)&s.wit, sp->wit, sp->nwit,
                                 sizeof *s.wit);
  if (!fail) s.nwit = sp->nwit;
  if (!fail) s.query = dup_cstr(L, sp->query, &fail);
  if (!fail) s.answer = dup_cstr(L, sp->answer, &fail);
  if (fail) {
    free_step(L, &s);
    return 0;
  }
  s.id = ++P->nsteps;
  s.block = sp->block;
  s.rule = sp->rule;
  s.concl = sp->concl;
  s.thmref = sp->thmref;
  s.def = sp->def;
  s.nkids = sp->nkids;
  s.kids[0] = sp->kids[0];
  s.kids[1] = sp->kids[1];
  P->steps[s.id - 1] = s;
  lem_pthm *t = &P->thms[P->blocks[s.block - 1].thm - 1];
  if (t->last_step) P->steps[t->last_step - 1].next = s.id;
  else t->first_step = s.id;
  t->last_step = s.id;
  return s.id;
}

lem_err lem_proof_set_final(lem_proof *P, uint32_t thm, uint32_t step) {
  if (!thm || thm > P->nthms || step > P->nsteps)
    return lem_error(P->L, LEM_EINVAL, "proof: bad theorem or step id");
  P->thms[thm - 1].final = step;
  return LEM_OK;
}

lem_err lem_proof_set_root(lem_proof *P, uint32_t thm, uint32_t block) {
  if (!thm || thm > P->nthms || block > P->nblocks)
    return lem_error(P->L, LEM_EINVAL, "proof: bad theorem or block id");
  P->thms[thm - 1].root = block;
  return LEM_OK;
}

lem_err lem_proof_set_status(lem_proof *P, uint32_t thm, lem_thm_status st) {
  if (!thm || thm > P->nthms || (unsigned)st >= LEM_TS_COUNT)
    return lem_error(P->L, LEM_EINVAL, "proof: bad theorem id or status");
  P->thms[thm - 1].status = st;
  return LEM_OK;
}

const lem_pthm *lem_proof_thm(const lem_proof *P, uint32_t id) {
  return id && id <= P->nthms ? &P->thms[id - 1] : NULL;
}
const lem_block *lem_proof_block(const lem_proof *P, uint32_t id) {
  return id && id <= P->nblocks ? &P->blocks[id - 1] : NULL;
}
const lem_step *lem_proof_step(const lem_proof *P, uint32_t id) {
  return id && id <= P->nsteps ? &P->steps[id - 1] : NULL;
}

int lem_proof_block_within(const lem_proof *P, uint32_t b, uint32_t a) {
  /* parents have smaller ids, so this walk ends */
  while (b && b <= P->nblocks) {
    if (b == a) return 1;
    uint32_t up = P->blocks[b - 1].parent;
    if (up >= b) return 0;
    b = up;
  }
  return 0;
}

#define BAD(msg) do { if (why) *why = (msg); return 0; } while (0)

int lem_proof_consistent(const lem_proof *P, const char **why) {
  for (uint32_t i = 0; i < P->nthms; i++) {
    const lem_pthm *t = &P->thms[i];
    if (t->id != i + 1) BAD("theorem id out of place");
    if (t->root && (t->root > P->nblocks || P->blocks[t->root - 1].thm != t->id
                    || P->blocks[t->root - 1].parent))
      BAD("theorem root is not a root block of the theorem");
    if (t->final > P->nsteps) BAD("theorem final step does not exist");
  }
  for (uint32_t i = 0; i < P->nblocks; i++) {
    const lem_block *b = &P->blocks[i];
    if (b->id != i + 1) BAD("block id out of place");
    if (!b->thm || b->thm > P->nthms) BAD("block of no theorem");
    if (b->parent && (b->parent >= b->id ||
                      P->blocks[b->parent - 1].thm != b->thm))
      BAD("block parent is not an earlier block of the same theorem");
  }
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    if (s->id != i + 1) BAD("step id out of place");
    if (!s->block || s->block > P->nblocks) BAD("step in no block");
    for (uint32_t k = 0; k < s->nprem; k++)
      if (!s->prem[k] || s->prem[k] >= s->id) BAD("premise is not earlier");
    for (uint32_t k = 0; k < s->nkids; k++)
      if (!s->kids[k] || s->kids[k] > P->nblocks ||
          P->blocks[s->kids[k] - 1].parent != s->block)
        BAD("child block is not a child of the step's block");
    if (((s->rule == LEM_R_INTRO || s->rule == LEM_R_NEG_INTRO) &&
         s->nkids != 1) ||
        (s->rule == LEM_R_INDUCT && s->nkids != 2))
      BAD("wrong number of child blocks for the rule");
    if (s->rule == LEM_R_THEOREM && (!s->thmref || s->thmref > P->nthms))
      BAD("theorem step refers to no theorem");
  }
  return 1;
}
