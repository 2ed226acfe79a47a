/*
** cmd_explore.c: `lemma explore THEORY --db FILE [options]`
**
** Theory exploration: for each batch of the theory's batch file (default
** THEORY/explore.batch, syntax in lemma-mpl(5)) the conjecturer
** (prover/conj.h) enumerates equations over the batch's operations, and
** then cancellation laws, drops the ill-typed, refuted, redundant and
** trivial ones, and the prover tries each survivor, smallest first, under
** a ladder of budgets (run_batch says how); what it proves is a rule for
** everything after it, in this batch and the next, and prunes the later
** candidates.  A proved statement's mirror (the equation read the other
** way) is tried right after it and recorded with kind 'mirrored'.  Each
** proof goes into one proof graph as it is found; after every attempt the
** next one runs in a fresh prover that takes the theorems so far as
** proved, and a failed attempt's terms are released from the term bank.
** The compressor then splits the theorems into essential ones (proved by
** induction) and the others, which follow directly from earlier
** theorems (the ones their proof cites).  --goals proves the goals it did
** not discover from the theorems and stores them with kind 'goal'.
**
** Progress goes to stderr: one updating line on a terminal, a plain line a
** stage otherwise.  The theorems and the summary go to stdout; the proofs
** go to the database (theorems of kind 'discovered'/'mirrored'/'goal'),
** which `lemma replay` re-checks.
*/
#include "cmd.h"
#include "config.h"
#include "conj.h"
#include "canon.h"
#include "export.h"
#include "prove.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAXBATCH 16
#define MAXMODEL 32
#define MAXLIST 16
#define MAXRUNG 16
/* Attempts a conjecture gets at its largest budget: the attempts that cost
** most, and what fails there rarely needs only one more theorem; it still
** gets the smaller budgets again after each new theorem that may help. */
#define MAXTOPS 1

typedef struct batch {
  char name[64];
  lem_sym ops[MAXLIST], consts[MAXLIST];
  uint32_t nops, nconsts; /* 0: all */
  int has_consts;
  uint32_t vars, side, total;
  uint32_t facts; /* the top of its ladder of budgets; 0: --facts */
  lem_term rel;   /* rels: the template, e.g. le[?0,?1,N,+]; 0: none */
  uint32_t prems; /* premises of a relation law, 0..2 */
} batch;

typedef struct xopts {
  const char *theory, *db, *batchfile, *goals;
  int vars, side, total, prems; /* -1: as the batch says */
  pv_opts po;
  int no_z3, no_mirror, trace;
  int progress_tty;
} xopts;

typedef struct xthm {   /* one theorem the exploration proved */
  lem_term stmt;
  uint32_t gid;         /* its theorem id in the run's proof graph */
  uint32_t batch;
  uint32_t vocab;       /* the first batch whose operations include all of
                           its own (see known_for) */
  lem_thm_kind kind;    /* discovered, mirrored, or goal (--goals) */
  int induction;        /* its proof needed an induction of its own */
  int essential;
  char *text;           /* the equation, readable (owned by the run) */
  uint32_t *cites;      /* earlier theorems its proof cites (xthm indices) */
  uint32_t ncites;
  uint32_t *sup;        /* essential theorems it follows from (xthm indices) */
  uint32_t nsup, capsup;
  lem_decision *dec;    /* its proof's decision points, for training */
  uint32_t ndec;
} xthm;

typedef struct stage {
  const char *name;
  double secs;
  long rss_kb;
} stage;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int bad_usage(const char *msg, const char *arg) {
  return cmd_usage("explore", msg, arg);
}

static int num_arg(const char *opt, const char *s, double lo, double hi,
                   double *out) {
  return cmd_number("explore", opt, s, lo, hi, out);
}

/* ---- the batch file --------------------------------------------------- */

static const struct { const char *name; smt_op op; } model_ops[] = {
    {"zero", SMT_OP_ZERO}, {"num", SMT_OP_NUM}, {"succ", SMT_OP_SUCC},
    {"add", SMT_OP_ADD},   {"mul", SMT_OP_MUL}};

static int bf_error(const char *f, uint32_t line, const char *msg,
                    const char *what) {
  fprintf(stderr, "lemma: %s:%u: %s '%s'\n", f, line, msg, what);
  return 1;
}

static int parse_list(lem_ctx *L, char *s, lem_sym *v, uint32_t *n) {
  *n = 0;
  for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
    if (*n == MAXLIST) return 0;
    v[(*n)++] = lem_sym_cstr(L, t);
  }
  return 1;
}

/* A relation template NAME[a,_,..]: _ marks a hole (a variable ?0, ?1),
** any other argument names a constant.  LEM_NOTERM when malformed. */
static lem_term rel_template(lem_ctx *L, const char *s) {
  const char *lb = strchr(s, '['), *rb = strrchr(s, ']');
  if (!lb || !rb || rb < lb || rb[1] || lb == s) return LEM_NOTERM;
  lem_term args[16];
  uint32_t n = 0, nh = 0;
  for (const char *p = lb + 1; p <= rb;) {
    const char *q = p;
    while (q < rb && *q != ',') q++;
    if (q == p || n == 16) return LEM_NOTERM;
    char nm[8];
    snprintf(nm, sizeof nm, "?%u", nh);
    lem_sym y = q - p == 1 && *p == '_' ? lem_sym_cstr(L, nm)
                                        : lem_sym_intern(L, p, (size_t)(q - p));
    if (!y) return LEM_NOTERM;
    args[n++] = q - p == 1 && *p == '_' ? (nh++, lem_mk_var(L, y, 0))
                                        : lem_mk_const(L, y);
    if (!args[n - 1]) return LEM_NOTERM;
    p = q + 1;
  }
  lem_sym r = lem_sym_intern(L, s, (size_t)(lb - s));
  return r && nh >= 1 && nh <= 2 ? lem_mk_rel(L, r, n, args) : LEM_NOTERM;
}

/* Why template t does not fit theory T, or NULL when it does. */
static const char *template_fault(const lem_theory *T, lem_ctx *L,
                                  lem_term t) {
  lem_sym r = lem_term_sym(L, t);
  uint32_t n = lem_term_nargs(L, t);
  const lem_def *d = lem_theory_def(T, r);
  const lem_reldecl *rd = lem_theory_rel(T, r);
  if (!d && !rd) return "no such relation or definition";
  if ((d ? d->nparams : rd->arity) != n) return "wrong number of arguments";
  for (uint32_t i = 0; i < n; i++) {
    lem_term a = lem_term_arg(L, t, i);
    int known = lem_term_kind(L, a) == LEM_VAR;
    for (uint32_t j = 0; j < T->nconsts && !known; j++)
      known = T->consts[j] == a;
    if (!known) return "an argument that is neither _ nor a theory constant";
  }
  return NULL;
}

/* Read the batch file: model lines and batch lines (see lemma-mpl(5)). */
static int read_batches(lem_ctx *L, const char *path, smt_nat_sym *model,
                        uint32_t *nmodel, batch *bs, uint32_t *nb) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "lemma: explore: cannot read '%s': %s\n", path,
            strerror(errno));
    return 1;
  }
  char line[1024];
  uint32_t ln = 0;
  int rc = 0;
  while (!rc && fgets(line, sizeof line, f)) {
    ln++;
    char *h = strchr(line, '#');
    if (h) *h = 0;
    char *w[32];
    int nw = 0;
    for (char *t = strtok(line, " \t\r\n"); t && nw < 32;
         t = strtok(NULL, " \t\r\n"))
      w[nw++] = t;
    if (!nw) continue;
    if (!strcmp(w[0], "model")) {
      if (nw < 3 || nw > 4)
        rc = bf_error(path, ln, "expected 'model SYMBOL MEANING [VALUE]', got",
                      w[0]);
      else if (*nmodel == MAXMODEL)
        rc = bf_error(path, ln, "too many model lines at", w[1]);
      smt_op op = SMT_OP_NONE;
      for (size_t i = 0; !rc && i < sizeof model_ops / sizeof *model_ops; i++)
        if (!strcmp(w[2], model_ops[i].name)) op = model_ops[i].op;
      if (!rc && op == SMT_OP_NONE)
        rc = bf_error(path, ln,
                      "unknown meaning (zero, num, succ, add, mul):", w[2]);
      if (!rc && (op == SMT_OP_NUM) != (nw == 4))
        rc = bf_error(path, ln, "'num' and only 'num' takes a value:", w[1]);
      uint64_t v = 0;
      if (!rc && nw == 4) {
        char *end;
        errno = 0;
        v = strtoull(w[3], &end, 10);
        if (errno || *end || w[3][0] == '-')
          rc = bf_error(path, ln, "bad value", w[3]);
      }
      if (!rc) model[(*nmodel)++] = (smt_nat_sym){lem_sym_cstr(L, w[1]), op, v};
    } else if (!strcmp(w[0], "batch")) {
      if (nw < 2) {
        rc = bf_error(path, ln, "expected a batch name after", w[0]);
        break;
      }
      if (*nb == MAXBATCH) {
        rc = bf_error(path, ln, "too many batches at", w[1]);
        break;
      }
      batch *b = &bs[(*nb)++];
      memset(b, 0, sizeof *b);
      snprintf(b->name, sizeof b->name, "%s", w[1]);
      b->vars = 3, b->side = 2, b->total = 4;
      for (int i = 2; !rc && i < nw; i += 2) {
        if (i + 1 >= nw) {
          rc = bf_error(path, ln, "missing value after", w[i]);
          break;
        }
        char *end;
        unsigned long v = strtoul(w[i + 1], &end, 10);
        int isnum = *end == 0 && w[i + 1][0] != '-';
        if (!strcmp(w[i], "ops")) {
          if (!parse_list(L, w[i + 1], b->ops, &b->nops))
            rc = bf_error(path, ln, "too many operations in", w[i]);
        } else if (!strcmp(w[i], "consts")) {
          b->has_consts = 1;
          if (!strcmp(w[i + 1], "-")) b->nconsts = 0;
          else if (!parse_list(L, w[i + 1], b->consts, &b->nconsts))
            rc = bf_error(path, ln, "too many constants in", w[i]);
        } else if (!strcmp(w[i], "vars") && isnum && v >= 1 && v <= 4) {
          b->vars = (uint32_t)v;
        } else if (!strcmp(w[i], "side") && isnum && v <= 4) {
          b->side = (uint32_t)v;
        } else if (!strcmp(w[i], "total") && isnum && v <= 8) {
          b->total = (uint32_t)v;
        } else if (!strcmp(w[i], "facts") && isnum && v >= 100 &&
                   v <= 100000000) {
          b->facts = (uint32_t)v;
        } else if (!strcmp(w[i], "rels")) {
          if (!(b->rel = rel_template(L, w[i + 1])))
            rc = bf_error(path, ln, "bad relation template (expected "
                          "NAME[ARG,...] with _ for one or two holes):",
                          w[i + 1]);
        } else if (!strcmp(w[i], "prems") && isnum && v <= 2) {
          b->prems = (uint32_t)v;
        } else {
          rc = bf_error(path, ln, "bad batch option or value for", w[i]);
        }
      }
    } else {
      rc = bf_error(path, ln, "unknown statement (model, batch):", w[0]);
    }
  }
  if (!rc && ferror(f)) rc = bf_error(path, ln, "read error in", path);
  fclose(f);
  if (!rc && !*nb) {
    fprintf(stderr, "lemma: %s: no batch\n", path);
    rc = 1;
  }
  return rc;
}

/* ---- progress --------------------------------------------------------- */

typedef struct prog {
  int tty;
  double t0;
  uint32_t left, proved;
} prog;

static void progress(prog *p, const char *what, int final) {
  if (p->tty) {
    fprintf(stderr, "\r\033[K%-10s  left %u  proved %u  %.1fs", what, p->left,
            p->proved, now() - p->t0);
    if (final) fputc('\n', stderr);
    fflush(stderr);
  } else if (final) {
    fprintf(stderr, "lemma: explore: %s: proved %u\n", what, p->proved);
  }
}

/* ---- proving ------------------------------------------------------------ */

typedef struct pending { /* a survivor not proved yet */
  lem_term stmt, mirror;  /* mirror: the equation read the other way */
  cj_gen *G;              /* the conjecturer of its batch */
  uint32_t batch;         /* which batch (from 0) */
  uint32_t id;            /* its number there */
  int accepted;           /* its conjecture is proved (in another reading) */
  int mirrored;           /* stmt is the conjecture read right to left */
  char *text;             /* owned by the run (keep_text) */
  uint32_t top;           /* the largest budget for it (its batch's) */
  uint32_t failed[MAXRUNG]; /* theorems known for it (known_for) when it
                               last failed at each rung, plus 1 (0: never) */
  uint32_t tops;          /* its attempts at its largest budget */
  uint32_t keylen, keyrules; /* its class key (cj_class_key), computed when
                                its conjecturer had keyrules equations */
  uint8_t key[CJ_KEYMAX];
} pending;

/* The failed conjectures, waiting for a theorem (of their batch or a later
** one) or a budget that proves them. */
typedef struct pendings {
  pending *v;
  uint32_t n, cap;
} pendings;

typedef struct fclass { /* the class of a conjecture that failed */
  const cj_gen *G;
  int accepted, mirrored;
  uint32_t known;         /* the theorems known for it then (known_for) */
  uint32_t len;
  uint8_t key[CJ_KEYMAX];
} fclass;

typedef struct xrun {
  lem_ctx *L;
  lem_theory *T;
  pv_prover P;
  lem_proof *G;     /* the proofs, exported as they are found */
  pv_export X;      /* from P into G */
  xthm *th;
  uint32_t nth, capth;
  lem_map proved;   /* canonical statement -> 1 */
  uint32_t tried, failed, pruned_late;
  const batch *bs;  /* the batches */
  uint32_t nb;
  uint32_t again;   /* conjectures an earlier batch proved already */
  uint32_t classmates; /* attempts skipped: their class failed (sweep) */
  fclass *fc;       /* the classes that failed in the current sweep */
  uint32_t nfc, capfc;
  lem_bank_mark mark; /* the term bank before the current attempt */
  int from_top;     /* the attempt's smaller budgets failed already: the
                       prover starts at the largest (pv_opts.first_facts) */
  uint32_t rebuilds;
  const pv_opts *po;
  uint32_t budget;  /* the fact budget of the current attempts */
  uint32_t level;   /* its rung on the ladder */
  uint32_t top;     /* the ladder's top: the largest batch budget so far */
  int po_no_induction; /* the current attempts may not use induction */
  int no_mirror;
  int trace;        /* --trace: a line per attempt on stderr */
  cj_stats sum;     /* over all batches */
  stage st[4];
  pendings pd;      /* conjectures not proved yet, of every batch so far */
  cj_gen *gens[MAXBATCH]; /* each batch's conjecturer */
  uint32_t ngens;
  struct { cj_gen *G; uint32_t id; } *acc; /* the conjectures proved */
  uint32_t nacc, capacc;
  char **texts;     /* owned copies of the equations' text */
  uint32_t ntexts, captexts;
} xrun;

static char *keep_text(xrun *R, const char *s) {
  char *c = lem_strndup(R->L, s, strlen(s));
  if (!c || LEM_GROW(R->L, R->texts, R->captexts, R->ntexts + 1)) return NULL;
  return R->texts[R->ntexts++] = c;
}

/* A failed attempt leaves its facts and witnesses in the prover, where
** they cost memory and crowd later searches; the prover cannot drop them,
** so it is freed at once, with every term the attempt made (nothing else
** holds one: the conjectures, theorems and proofs all came before it), and
** the next attempt runs in a new prover that takes the theorems so far as
** proved (pv_assume: their proofs are in the graph already) and goes on
** exporting into the same graph. */
static int push_root(xrun *R, lem_term *t, lem_term ***v, uint32_t *n,
                     uint32_t *cap) {
  if (LEM_GROW(R->L, *v, *cap, *n + 1)) return -1;
  (*v)[(*n)++] = t;
  return 0;
}

/* The attempt that just ended proved h (graph theorem h->gid): of the
** terms it made, keep those the theorem's proof holds (its statement, its
** blocks' constants and hypotheses, its steps' conclusions, substitutions
** and witnesses) and its decision points, made again with new ids, and
** forget the rest. */
static int keep_proof(xrun *R, xthm *h) {
  lem_proof *G = R->G;
  uint32_t gid = h->gid;
  lem_term **v = NULL;
  uint32_t n = 0, cap = 0;
  int rc = push_root(R, &G->thms[gid - 1].stmt, &v, &n, &cap);
  for (uint32_t i = 0; i < h->ndec && !rc; i++) {
    rc = push_root(R, &h->dec[i].goal, &v, &n, &cap);
    for (uint32_t c = 0; c < h->dec[i].ncand && !rc; c++)
      rc = push_root(R, &h->dec[i].cand[c].expr, &v, &n, &cap);
  }
  for (uint32_t b = G->thms[gid - 1].first_block; b && !rc;
       b = G->blocks[b - 1].next) {
    lem_block *B = &G->blocks[b - 1];
    for (uint32_t i = 0; i < B->nconsts && !rc; i++)
      rc = push_root(R, &B->consts[i], &v, &n, &cap);
    for (uint32_t i = 0; i < B->nhyps && !rc; i++)
      rc = push_root(R, &B->hyps[i], &v, &n, &cap);
  }
  for (uint32_t s = G->thms[gid - 1].first_step; s && !rc;
       s = G->steps[s - 1].next) {
    lem_step *S = &G->steps[s - 1];
    rc = push_root(R, &S->concl, &v, &n, &cap);
    for (uint32_t i = 0; i < S->nsubst && !rc; i++)
      rc = push_root(R, &S->svar[i], &v, &n, &cap) ||
           push_root(R, &S->sval[i], &v, &n, &cap);
    for (uint32_t i = 0; i < S->nwit && !rc; i++)
      rc = push_root(R, &S->wit[i], &v, &n, &cap);
  }
  if (!rc && (lem_bank_release_keep(R->L, R->mark, v, n) ||
              pv_export_reclaim(&R->X)))
    rc = -1;
  lem_free(R->L, v, cap * sizeof *v);
  return rc;
}

/* After an attempt that proved h, or failed (h NULL). */
static int rebuild(xrun *R, xthm *h) {
  pv_prover_free(&R->P);
  memset(&R->P, 0, sizeof R->P);
  if (h ? keep_proof(R, h) != 0 : lem_bank_release(R->L, R->mark) != 0)
    return -1;
  if (pv_prover_init(&R->P, R->L, R->T, NULL, R->po) ||
      pv_export_retarget(&R->X, &R->P))
    return -1;
  R->rebuilds++;
  for (uint32_t i = 0; i < R->nth; i++)
    if (pv_assume(&R->P, R->th[i].stmt) ||
        pv_export_bind(&R->X, R->P.nthms - 1, R->th[i].gid))
      return -1;
  return 0;
}

/* The earlier exploration theorem whose prover theorem is k, plus 1; 0 when
** k is not one (an axiom, a failed attempt). */
static uint32_t xthm_of(const xrun *R, uint32_t k) {
  /* the graph holds exactly the exploration's theorems, in order, so
     theorem i + 1 of the graph is R->th[i] */
  return k < R->X.nthm ? R->X.thm_id[k] : 0;
}

/* Prover theorem k (just proved) as exploration theorem h: its proof goes
** to the graph, and what the compressor needs is read off it now (did it
** need an induction of its own, which earlier theorems it cites), while
** the prover still holds it. */
static int record(xrun *R, uint32_t k, xthm *h) {
  char name[32];
  snprintf(name, sizeof name, "T%u", R->nth + 1);
  if (!(h->gid = pv_export_theorem(&R->X, k, name))) return -1;
  R->G->thms[h->gid - 1].kind = h->kind;
  uint32_t nd = pv_export_decisions(&R->X, k, &h->dec);
  if (nd == UINT32_MAX) return -1;
  h->ndec = nd;
  const pv_thm *t = &R->P.thms[k];
  for (uint32_t j = 0; j < t->nchoices; j++)
    h->induction |= t->choices[j].proved && t->choices[j].var != PV_DIRECT;
  pv_fid *fs;
  uint32_t n = pv_proof_facts(&R->P, k, &fs), cap = 0;
  if (n == UINT32_MAX) return -1;
  int rc = 0;
  for (uint32_t i = 0; i < n && !rc; i++) {
    uint32_t tk, x;
    if (!lem_map_get(&R->P.thm_of_fact, fs[i], &tk) || tk - 1 >= k ||
        !(x = xthm_of(R, tk - 1)))
      continue;
    int dup = 0;
    for (uint32_t j = 0; j < h->ncites; j++) dup |= h->cites[j] == x - 1;
    if (dup) continue;
    if (LEM_GROW(R->L, h->cites, cap, h->ncites + 1)) rc = -1;
    else h->cites[h->ncites++] = x - 1;
  }
  lem_free(R->L, fs, n * sizeof *fs);
  /* shrink to ncites so that it is freed with ncites */
  if (cap > h->ncites) {
    uint32_t *c = h->ncites ? lem_realloc(R->L, h->cites, cap * sizeof *c,
                                          h->ncites * sizeof *c)
                            : NULL;
    if (h->ncites && !c) rc = -1;
    else {
      if (!h->ncites) lem_free(R->L, h->cites, cap * sizeof *c);
      h->cites = c;
    }
  }
  return rc;
}

/* The first batch that uses operation op (a batch without an ops list uses
** all), or R->nb if none does. */
static uint32_t op_batch(const xrun *R, lem_sym op) {
  for (uint32_t i = 0; i < R->nb; i++) {
    if (!R->bs[i].nops) return i;
    for (uint32_t j = 0; j < R->bs[i].nops; j++)
      if (R->bs[i].ops[j] == op) return i;
  }
  return R->nb;
}

/* The first batch whose relation template is over relation rel, or R->nb
** if none is. */
static uint32_t rel_batch(const xrun *R, lem_sym rel) {
  for (uint32_t i = 0; i < R->nb; i++)
    if (R->bs[i].rel && lem_term_sym(R->L, R->bs[i].rel) == rel) return i;
  return R->nb;
}

/* The first batch by which every operation of formula f (a constant in an
** op position of a relation) and every defined relation of it has been
** used. */
static uint32_t vocab(const xrun *R, lem_term f) {
  lem_ctx *L = R->L;
  uint32_t v = 0, n = lem_term_nargs(L, f);
  if (lem_term_kind(L, f) == LEM_REL &&
      lem_theory_def(R->T, lem_term_sym(L, f)))
    v = rel_batch(R, lem_term_sym(L, f));
  const lem_term *a = lem_term_args(L, f);
  const lem_reldecl *d = lem_term_kind(L, f) == LEM_REL
                             ? lem_theory_rel(R->T, lem_term_sym(L, f))
                             : NULL;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t w = 0;
    if (d && i < d->arity && d->roles[i] == LEM_ROLE_OP &&
        lem_term_kind(L, a[i]) == LEM_CONST)
      w = op_batch(R, lem_term_sym(L, a[i]));
    else if (lem_term_kind(L, f) != LEM_REL)
      w = vocab(R, a[i]);
    if (w > v) v = w;
  }
  return v;
}

/* The theorems that may help a conjecture of batch bi: all but those over
** an operation or a defined relation that only a later batch brings in.
** Such an operation is
** defined on top of the earlier ones (the running sum S over + after the
** laws of +), and what a definition adds says nothing new in the earlier
** words (a definitional extension is conservative), so a new theorem about
** it does not send bi's waiting conjectures round again. */
static uint32_t known_for(const xrun *R, uint32_t bi) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < R->nth; i++) n += R->th[i].vocab <= bi;
  return n;
}

/* Does formula g have an atom of relation y? */
static int mentions(const lem_ctx *L, lem_term g, lem_sym y) {
  if (lem_term_kind(L, g) == LEM_REL) return lem_term_sym(L, g) == y;
  for (uint32_t i = 0, n = lem_term_nargs(L, g); i < n; i++)
    if (lem_term_is_formula(L, lem_term_arg(L, g, i)) &&
        mentions(L, lem_term_arg(L, g, i), y))
      return 1;
  return 0;
}

/* Does f mention a defined relation that g does not? */
static int def_outside(const xrun *R, lem_term f, lem_term g) {
  lem_ctx *L = R->L;
  if (lem_term_kind(L, f) == LEM_REL) {
    lem_sym y = lem_term_sym(L, f);
    return lem_theory_def(R->T, y) && !mentions(L, g, y);
  }
  for (uint32_t i = 0, n = lem_term_nargs(L, f); i < n; i++)
    if (lem_term_is_formula(L, lem_term_arg(L, f, i)) &&
        def_outside(R, lem_term_arg(L, f, i), g))
      return 1;
  return 0;
}

/* The earlier theorems about a defined relation s does not mention, in
** *off (their root facts), to be muted while s is tried: a definition is
** a conservative extension, so they cannot be needed, and rules such as
** x <= x, which fire on every number, would only fill the blocks. */
static int unrelated(const xrun *R, lem_term s, lem_map *off) {
  for (uint32_t i = 0; i < R->nth && i < R->P.nthms; i++)
    if (def_outside(R, R->th[i].stmt, s) &&
        lem_map_put(R->L, off, R->P.thms[i].fact, 1))
      return -1;
  return 0;
}

/* Prove s (if new) at the current budget; 1 proved, 0 not, 2 proved
** before, -1 error. */
static int try_prove(xrun *R, lem_term s, uint32_t b, lem_thm_kind kind,
                     const char *text) {
  uint32_t d;
  if (lem_map_get(&R->proved, s, &d)) return 2; /* proved before */
  R->mark = lem_bank_save(R->L);
  R->tried++;
  R->P.opts.lim.max_facts = R->budget;
  R->P.opts.first_facts = R->from_top ? R->budget : 0;
  R->P.opts.no_induction = R->po_no_induction;
  double t0 = R->trace ? now() : 0;
  lem_map off = {0};
  if (unrelated(R, s, &off)) {
    lem_map_free(R->L, &off);
    return -1;
  }
  if (off.n) pv_mute(&R->P.E, &off);
  int r = pv_prove(&R->P, s);
  pv_mute(&R->P.E, &(lem_map){0});
  lem_map_free(R->L, &off);
  if (r < 0) return -1;
  if (R->trace)
    fprintf(stderr, "lemma: explore: %s%s at %u facts: %s, %.2f s\n", text,
            kind == LEM_TK_MIRRORED ? " (mirrored)" : "", R->budget,
            r ? "proved" : "failed", now() - t0);
  if (!r) {
    if (rebuild(R, NULL)) return -1;
    return 0;
  }
  char *t = keep_text(R, text);
  if (!t || lem_map_put(R->L, &R->proved, s, 1) ||
      LEM_GROW(R->L, R->th, R->capth, R->nth + 1))
    return -1;
  xthm *h = &R->th[R->nth];
  *h = (xthm){.stmt = s, .batch = b, .vocab = vocab(R, s), .kind = kind,
              .text = t};
  if (record(R, R->P.nthms - 1, h)) {
    lem_free(R->L, h->cites, h->ncites * sizeof *h->cites);
    lem_store_decisions_free(R->L, h->dec, h->ndec);
    return -1;
  }
  R->nth++;
  /* the proof is in the graph now, and only its statement matters to the
     prover: a new one, without the attempt's other facts and terms */
  return rebuild(R, h) ? -1 : 1;
}

static void add_stats(cj_stats *a, const cj_stats *b) {
  a->terms += b->terms;
  a->ill_typed += b->ill_typed;
  a->classes += b->classes;
  a->equations += b->equations;
  a->refuted_eval += b->refuted_eval;
  a->star += b->star;
  a->too_big += b->too_big;
  a->pruned += b->pruned;
  a->duplicate += b->duplicate;
  a->trivial += b->trivial;
  a->refuted_cb += b->refuted_cb;
  a->unknown_cb += b->unknown_cb;
  a->survivors += b->survivors;
  a->implications += b->implications;
  a->rel_clauses += b->rel_clauses;
  a->rel_laws += b->rel_laws;
}

/* Conjecture id of G is proved: it prunes what G and every later batch's
** conjecturer offer from now on. */
static int accept(xrun *R, cj_gen *G, uint32_t id) {
  cj_gen *cur = R->gens[R->ngens - 1];
  if (cj_accept(G, id) || (cur != G && cj_accept_from(cur, G, id)) ||
      LEM_GROW(R->L, R->acc, R->capacc, R->nacc + 1))
    return -1;
  R->acc[R->nacc].G = G;
  R->acc[R->nacc++].id = id;
  return 0;
}

static int wait(xrun *R, pendings *pd, pending q) {
  if (LEM_GROW(R->L, pd->v, pd->cap, pd->n + 1)) return -1;
  pd->v[pd->n++] = q;
  return 0;
}

static void proved_line(xrun *R, prog *pg, const char *text, int mirrored) {
  pg->proved++;
  printf("  T%u  %s%s\n", R->nth, text, mirrored ? " (mirrored)" : "");
}

/* Prove q and then its mirror, which waits in pd when it fails; 1 if q
** (or its mirror) was proved, 0 not, -1 error. */
static int prove_conj(xrun *R, const pending *q, pendings *pd, prog *pg) {
  uint32_t bi = q->batch;
  lem_term mirror = R->no_mirror ? LEM_NOTERM : q->mirror;
  int r = try_prove(R, q->stmt, bi, q->mirrored ? LEM_TK_MIRRORED
                                                : LEM_TK_DISCOVERED, q->text);
  int mfirst = 0;
  if (r == 1) proved_line(R, pg, q->text, q->mirrored);
  if (r == 0 && mirror) {
    /* the other reading may be the one the prover finds; then this one
       follows from it */
    mfirst = try_prove(R, mirror, bi, LEM_TK_MIRRORED, q->text);
    if (mfirst < 0) return -1;
    if (mfirst == 1) {
      proved_line(R, pg, q->text, 1);
      r = try_prove(R, q->stmt, bi, LEM_TK_DISCOVERED, q->text);
      if (r == 1) proved_line(R, pg, q->text, 0);
    }
  }
  if (r < 0) return -1;
  if (r == 0 && mfirst == 1)
    return wait(R, pd, (pending){.stmt = q->stmt, .G = q->G, .batch = bi,
                                 .id = q->id, .accepted = 1, .text = q->text,
                                 .top = q->top})
               ? -1 : 1;
  if (r == 0 || mfirst == 1 || !mirror) return r != 0;
  int m = try_prove(R, mirror, bi, LEM_TK_MIRRORED, q->text);
  if (m < 0) return -1;
  if (m == 1) proved_line(R, pg, q->text, 1);
  if (m == 0 &&
      wait(R, pd, (pending){.stmt = mirror, .G = q->G, .batch = bi,
                            .id = q->id, .accepted = 1, .mirrored = 1,
                            .text = q->text, .top = q->top}))
    return -1;
  return 1;
}

/* Rung level of the ladder: 2000 facts, then 4 times more up to top (the
** largest budget of a batch so far: its `facts`, or --facts); 0 when
** level is past the top.  A conjecture's own batch may stop it lower. */
static uint32_t rung(uint32_t top, uint32_t level) {
  uint32_t b = 2000;
  for (uint32_t i = 0; i < level; i++) {
    if (b >= top || i + 1 >= MAXRUNG) return 0;
    b *= 4;
  }
  return b < top ? b : top;
}

static uint32_t set_rung(xrun *R, uint32_t level) {
  uint32_t b = rung(R->top, level);
  if (b) R->level = level, R->budget = b;
  return b;
}

/* Is c's class among those that failed in this sweep with the same
** theorems?  Conjectures of one class are the same equation up to a
** renaming and the theorems (cj_class_key), so the first of them stands
** for all: once it is proved the others follow by rewriting, and while it
** fails they would fail alike, often at the largest budget. */
static int failed_class(const xrun *R, const fclass *c) {
  if (!c->len) return 0;
  for (uint32_t i = 0; i < R->nfc; i++) {
    const fclass *f = &R->fc[i];
    if (f->G == c->G && f->accepted == c->accepted &&
        f->mirrored == c->mirrored && f->known == c->known && f->len == c->len &&
        !memcmp(f->key, c->key, c->len))
      return 1;
  }
  return 0;
}

static int add_class(xrun *R, const fclass *c) {
  if (!c->len || failed_class(R, c)) return 0;
  if (LEM_GROW(R->L, R->fc, R->capfc, R->nfc + 1)) return -1;
  R->fc[R->nfc++] = *c;
  return 0;
}

/* q's class key into c, computed again only when its conjecturer has
** accepted equations since. */
static void class_of(pending *q, fclass *c) {
  uint32_t na = cj_accepted(q->G);
  if (!q->keylen || q->keyrules != na) {
    q->keylen = cj_class_key(q->G, q->id, q->key);
    q->keyrules = na;
  }
  c->len = q->keylen;
  memcpy(c->key, q->key, q->keylen);
}

/* Try every pending conjecture once at the current budget, dropping those
** a proof makes redundant, and skipping those that failed at this budget
** when the theorems were the same as now (the attempt would be the same);
** 1 when one was proved, 0 not, -1 error. */
static int sweep(xrun *R, pendings *pd, prog *pg) {
  uint32_t k = 0, n = pd->n;
  int any = 0;
  R->nfc = 0;
  for (uint32_t i = 0; i < n; i++) {
    pending q = pd->v[i];
    if (!q.accepted && cj_redundant(q.G, q.id)) {
      R->pruned_late++;
      continue;
    }
    /* its own top was below this rung: nothing to do here */
    if (R->level && rung(R->top, R->level - 1) >= q.top) {
      pd->v[k++] = q;
      continue;
    }
    uint32_t known = known_for(R, q.batch);
    int at_top = R->budget >= q.top;
    fclass c = {.G = q.G, .accepted = q.accepted, .mirrored = q.mirrored,
                .known = known};
    class_of(&q, &c);
    /* tried at this rung with these theorems, or as often as it may be at
       its top: it fails here, and so does its class */
    if (q.failed[R->level] == known + 1 || (at_top && q.tops >= MAXTOPS)) {
      pd->v[k++] = q;
      if (add_class(R, &c)) return -1;
      continue;
    }
    if (failed_class(R, &c)) { /* its class failed here: this fails too */
      q.failed[R->level] = known + 1;
      R->classmates++;
      if (R->trace)
        fprintf(stderr, "lemma: explore: %s%s at %u facts: skipped, its "
                "class failed\n", q.text, q.mirrored ? " (mirrored)" : "",
                R->budget);
      pd->v[k++] = q;
      continue;
    }
    pg->left = n - i;
    progress(pg, "prove", 0);
    q.failed[R->level] = known + 1;
    q.tops += at_top;
    uint32_t budget = R->budget;
    if (R->budget > q.top) R->budget = q.top;
    /* the rung below failed with these theorems: so would its passes */
    R->from_top = R->level && q.failed[R->level - 1] == known + 1;
    int r = prove_conj(R, &q, pd, pg);
    R->budget = budget;
    R->from_top = 0;
    if (r < 0 || (r > 0 && !q.accepted && accept(R, q.G, q.id))) return -1;
    if (r > 0) any = 1;
    else pd->v[k++] = q;
    if (!r && add_class(R, &c)) return -1;
  }
  /* mirrors that prove_conj left waiting go after the survivors */
  if (pd->n > n) memmove(pd->v + k, pd->v + n, (pd->n - n) * sizeof *pd->v);
  pd->n = k + (pd->n - n);
  return any;
}

/* Sweep the pending conjectures at the lowest budget while that proves
** something; 1 when something was proved, 0 not, -1 error. */
static int sweep_low(xrun *R, pendings *pd, prog *pg) {
  int any = 0, r;
  set_rung(R, 0);
  while ((r = sweep(R, pd, pg)) > 0) any = 1;
  return r < 0 ? -1 : any;
}

/* The pending conjectures climb the ladder of budgets up to rung top.  A
** proof sends them round at the lowest budget (what it makes easy), then
** again at the same rung (an attempt at a rung also tries every budget
** below it, so going back down would only repeat work), until that rung
** fails them all.  0, or -1 on error. */
static int climb(xrun *R, pendings *pd, prog *pg, uint32_t top) {
  for (uint32_t level = 1; pd->n && level <= top && set_rung(R, level);) {
    int q = sweep(R, pd, pg);
    if (q > 0) q = sweep_low(R, pd, pg) < 0 ? -1 : 1;
    if (q < 0) return -1;
    if (!q) level++;
  }
  set_rung(R, 0);
  return 0;
}

/* Conjectures are tried smallest first at a small fact budget, and each new
** theorem sends the waiting ones round again at that budget; before the
** first conjecture of a larger size, and at the end of a batch, they get
** one rung more (a larger conjecture may only be a disguised instance of a
** smaller one), and after the last batch they climb the whole ladder of
** budgets.  Cheap failures first: most conjectures a small budget cannot
** prove are waiting for a lemma, often a larger one or one of a later
** batch, not for more facts. */
static int run_batch(xrun *R, const batch *b, uint32_t bi, int last,
                     const xopts *o, const cj_model *M, smt_solver *Z,
                     prog *pg) {
  lem_ctx *L = R->L;
  pendings *pd = &R->pd;
  cj_opts co;
  memset(&co, 0, sizeof co);
  co.max_vars = o->vars >= 0 ? (uint32_t)o->vars : b->vars;
  co.max_ops = o->side >= 0 ? (uint32_t)o->side : b->side;
  co.max_eq_ops = o->total >= 0 ? (uint32_t)o->total : b->total;
  if (b->nops) co.only_ops = b->ops, co.nonly_ops = b->nops;
  if (b->has_consts) co.only_consts = b->consts, co.nonly_consts = b->nconsts;
  co.implications = 1;
  if (b->rel) {
    co.rels = &b->rel, co.nrels = 1;
    co.rel_prems = o->prems >= 0 ? (uint32_t)o->prems : b->prems;
  }
  uint32_t top = b->facts ? b->facts : R->po->lim.max_facts;
  if (top > R->top) R->top = top;
  cj_gen *G;
  double t = now();
  pg->left = 0;
  progress(pg, "conjecture", 0);
  if (cj_new(L, R->T, M, &co, Z ? cj_refute_z3 : NULL, Z, &G)) {
    fprintf(stderr, "%slemma: %s\n", pg->tty ? "\n" : "", lem_errmsg(L));
    return 1;
  }
  R->gens[R->ngens++] = G; /* freed with the run: its conjectures wait */
  /* what earlier batches proved prunes this batch's candidates too */
  for (uint32_t i = 0; i < R->nacc; i++)
    if (cj_accept_from(G, R->acc[i].G, R->acc[i].id)) {
      fprintf(stderr, "%slemma: %s\n", pg->tty ? "\n" : "", lem_errmsg(L));
      return 1;
    }
  R->st[0].secs += now() - t;
  R->st[0].rss_kb = peak_kb();
  printf("batch %s:\n", b->name);
  int rc = 0, r;
  cj_conj c;
  double tp = 0;
  uint32_t size = 0;
  for (;;) {
    t = now();
    r = cj_next(G, &c);
    R->st[0].secs += now() - t;
    if (r <= 0) break;
    t = now();
    pg->left = pd->n;
    progress(pg, "prove", 0);
    if (c.size > size && climb(R, pd, pg, 1)) {
      rc = 1;
      break;
    }
    size = c.size;
    uint32_t d;
    if (lem_map_get(&R->proved, c.stmt, &d)) { /* an earlier batch's */
      R->again++;
      tp += now() - t;
      continue;
    }
    pending q = {.stmt = c.stmt, .mirror = c.mirror, .G = G, .batch = bi,
                 .id = c.id, .text = keep_text(R, c.text), .top = top};
    int p = q.text ? prove_conj(R, &q, pd, pg) : -1;
    if (p < 0 || (p > 0 && accept(R, G, c.id)) || (!p && wait(R, pd, q)) ||
        (p > 0 && sweep_low(R, pd, pg) < 0)) {
      rc = 1;
      break;
    }
    tp += now() - t;
  }
  if (r < 0 || lem_errmsg(L)[0]) rc = 1;
  t = now();
  if (!rc && climb(R, pd, pg, last ? MAXRUNG : 1)) rc = 1;
  tp += now() - t;
  if (rc) fprintf(stderr, "%slemma: %s\n", pg->tty ? "\n" : "", lem_errmsg(L));
  pg->left = 0;
  progress(pg, b->name, 1);
  R->st[1].secs += tp;
  R->st[1].rss_kb = peak_kb();
  add_stats(&R->sum, cj_gen_stats(G));
  return rc;
}

/* ---- compressor ----------------------------------------------------------- */

/* Essential: needed an induction of its own.  The others follow directly
** from the theorems their proof cites, and so, transitively, from the
** essential ones among those (earlier theorems, so already known). */
static int compress(xrun *R, uint32_t *ness) {
  *ness = 0;
  printf("compressor:\n");
  for (uint32_t i = 0; i < R->nth; i++) {
    xthm *h = &R->th[i];
    h->essential = h->induction;
    *ness += (uint32_t)h->essential;
    printf("  T%u %s", i + 1,
           h->essential ? "essential (induction)" : "follows from");
    if (!h->essential && !h->ncites) printf(" the axioms");
    for (uint32_t j = 0; j < h->ncites; j++) printf(" T%u", h->cites[j] + 1);
    printf("\n");
    for (uint32_t j = 0; j < h->ncites && !h->essential; j++) {
      const xthm *c = &R->th[h->cites[j]];
      uint32_t m = c->essential ? 1 : c->nsup;
      for (uint32_t q = 0; q < m; q++) {
        uint32_t e = c->essential ? h->cites[j] : c->sup[q];
        int dup = 0;
        for (uint32_t z = 0; z < h->nsup; z++) dup |= h->sup[z] == e;
        if (dup) continue;
        if (LEM_GROW(R->L, h->sup, h->capsup, h->nsup + 1)) return 1;
        h->sup[h->nsup++] = e;
      }
    }
  }
  return 0;
}

/* ---- the database --------------------------------------------------------- */

static int store(xrun *R, const char *path, const char *options) {
  lem_ctx *L = R->L;
  lem_proof *G = R->G;
  lem_store *S = NULL;
  lem_buf man = {0};
  uint32_t *sup = NULL, capsup = 0;
  int rc = 1;
  if (lem_theory_print(L, R->T, &man)) goto out;
  char hash[16];
  snprintf(hash, sizeof hash, "%08x", lem_hash_bytes(man.p, man.len, 0));
  /* start from an empty database: an exploration is one run */
  if (remove(path) && errno != ENOENT) {
    lem_error(L, LEM_EIO, "cannot replace '%s': %s", path, strerror(errno));
    goto out;
  }
  if (lem_store_open(L, path, LEM_STORE_WRITE, &S) ||
      lem_store_begin_run(S, PACKAGE_VERSION, options, hash) ||
      lem_store_write_theory(S, lem_sym_name(L, R->T->name), man.p, man.len))
    goto out;
  /* the graph holds the exploration's theorems in order (xthm_of) */
  for (uint32_t t = 1; t <= G->nthms; t++) {
    const xthm *h = t <= R->nth && R->th[t - 1].gid == t ? &R->th[t - 1] : NULL;
    if (lem_store_write_theorem_decisions(S, G, t, h ? h->dec : NULL,
                                          h ? h->ndec : 0))
      goto out;
  }
  /* batch, essential, and how the others follow (essential ones first) */
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < R->nth; i++) {
      const xthm *h = &R->th[i];
      uint32_t db = lem_store_theorem_dbid(S, h->gid);
      if (pass == 0 && ((h->kind != LEM_TK_GOAL &&
                         lem_store_set_batch(S, db, h->batch + 1)) ||
                        lem_store_set_essential(S, db, h->essential)))
        goto out;
      if (pass == 1 && !h->essential) {
        if (LEM_GROW(L, sup, capsup, h->nsup)) goto out;
        for (uint32_t j = 0; j < h->nsup; j++)
          sup[j] = lem_store_theorem_dbid(S, R->th[h->sup[j]].gid);
        if (lem_store_write_support(S, db, h->nsup, sup)) goto out;
      }
    }
  rc = 0;
out:
  if (rc) fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
  lem_free(L, sup, capsup * sizeof *sup);
  lem_store_close(S);
  lem_buf_free(L, &man);
  return rc;
}

static void summary(const xrun *R, uint32_t ness, double total) {
  const cj_stats *s = &R->sum;
  printf("summary:\n");
  printf("  terms enumerated            %llu (ill-typed dropped %llu)\n",
         (unsigned long long)s->terms, (unsigned long long)s->ill_typed);
  printf("  equations (same sort)       %llu\n",
         (unsigned long long)s->equations);
  printf("  refuted at test points      %llu\n",
         (unsigned long long)s->refuted_eval);
  printf("  candidates t = rep          %llu\n", (unsigned long long)s->star);
  printf("  over the size limits        %llu\n", (unsigned long long)s->too_big);
  printf("  pruned by rewriting         %llu\n", (unsigned long long)s->pruned);
  printf("  canonical duplicates        %llu\n",
         (unsigned long long)s->duplicate);
  printf("  trivial                     %llu\n", (unsigned long long)s->trivial);
  printf("  refuted by Z3               %llu (undecided, kept: %llu)\n",
         (unsigned long long)s->refuted_cb, (unsigned long long)s->unknown_cb);
  printf("  conjectures after filters   %llu (cancellation laws: %llu)\n",
         (unsigned long long)s->survivors,
         (unsigned long long)s->implications);
  if (s->rel_clauses)
    printf("  relation laws               %llu clauses, %llu kept\n",
           (unsigned long long)s->rel_clauses,
           (unsigned long long)s->rel_laws);
  printf("  pruned after a later proof  %u\n", R->pruned_late);
  printf("  proved in an earlier batch  %u\n", R->again);
  printf("  proof attempts              %u (prover rebuilt %u times)\n",
         R->tried, R->rebuilds);
  printf("  skipped, class failed       %u\n", R->classmates);
  printf("  proved                      %u\n", R->nth);
  printf("  failed                      %u\n", R->failed);
  printf("  essential                   %u\n", ness);
  const char *nm[3] = {"conjecture", "prove", "compress+store"};
  for (int i = 0; i < 3; i++)
    printf("  stage %-15s %.2f s, peak %ld kB\n", nm[i], R->st[i].secs,
           R->st[i].rss_kb);
  printf("  total                       %.2f s\n", total);
}

/* Which statements of a goals file the exploration proved, compared by
** canonical form; one it did not is proved from the theorems, without
** induction first, then with, at the top budget, and becomes a theorem of
** kind goal (stored and replayed like the others).  Returns how many were
** neither found nor proved, or -1 on error (printed). */
static int check_goals(xrun *R, const char *path) {
  lem_term *g;
  uint32_t n;
  if (lem_read_goals(R->L, R->T, path, &g, &n)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(R->L));
    return -1;
  }
  int missing = 0, r = 0;
  uint32_t nb = R->nth ? R->th[R->nth - 1].batch + 1 : 0;
  printf("goals (%s):\n", path);
  R->budget = R->top ? R->top : R->po->lim.max_facts;
  for (uint32_t i = 0; i < n && r >= 0; i++) {
    lem_term c = lem_canon(R->L, g[i]);
    uint32_t found = 0;
    for (uint32_t j = 0; j < R->nth && c && !found; j++)
      if (lem_canon(R->L, R->th[j].stmt) == c) found = j + 1;
    if (found) {
      printf("  goal %u: found as T%u\n", i + 1, found);
      continue;
    }
    char text[32];
    snprintf(text, sizeof text, "goal %u", i + 1);
    const char *how = "follows directly from the theorems";
    r = 0;
    for (int ind = 0; ind < 2 && r == 0; ind++) {
      R->po_no_induction = !ind;
      r = try_prove(R, g[i], nb, LEM_TK_GOAL, text);
      if (ind) how = "proved by induction from the theorems";
    }
    R->po_no_induction = 0;
    if (r > 0) {
      printf("  goal %u: %s, as T%u\n", i + 1, how, R->nth);
    } else if (r == 0) {
      printf("  goal %u: not found\n", i + 1);
      missing++;
    }
  }
  lem_free(R->L, g, n * sizeof *g);
  if (r < 0) fprintf(stderr, "lemma: %s\n", lem_errmsg(R->L));
  return r < 0 ? -1 : missing;
}

static int explore(lem_ctx *L, const xopts *o, const char *options) {
  smt_nat_sym model[MAXMODEL];
  uint32_t nmodel = 0, nb = 0;
  batch bs[MAXBATCH];
  char path[4096];
  const char *bf = o->batchfile;
  if (!bf) {
    snprintf(path, sizeof path, "%s/explore.batch", o->theory);
    bf = path;
  }
  if (read_batches(L, bf, model, &nmodel, bs, &nb)) return 1;
  cj_model M = {model, nmodel};
  xrun R;
  memset(&R, 0, sizeof R);
  R.L = L;
  R.bs = bs;
  R.nb = nb;
  R.po = &o->po;
  R.no_mirror = o->no_mirror;
  R.trace = o->trace;
  if (lem_theory_load(L, o->theory, &R.T)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    return 1;
  }
  /* every batch's relation template, before any batch runs */
  for (uint32_t i = 0; i < nb; i++) {
    const char *why = bs[i].rel ? template_fault(R.T, L, bs[i].rel) : NULL;
    if (why) {
      fprintf(stderr, "lemma: explore: batch %s: rels %s: %s\n", bs[i].name,
              lem_sym_name(L, lem_term_sym(L, bs[i].rel)), why);
      lem_theory_free(L, R.T);
      return 1;
    }
  }
  smt_solver *Z = NULL;
  if (!o->no_z3 && !(Z = smt_solver_new(L))) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    lem_theory_free(L, R.T);
    return 1;
  }
  if (Z) smt_solver_set_timeout(Z, 2000);
  prog pg = {o->progress_tty, now(), 0, 0};
  int rc = 0;
  int xinit = 0;
  if (pv_prover_init(&R.P, L, R.T, NULL, &o->po) || !(R.G = lem_proof_new(L)) ||
      (xinit = !pv_export_init(&R.X, &R.P, R.G)) == 0) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    rc = 1;
  }
  for (uint32_t i = 0; i < nb && !rc; i++)
    rc = run_batch(&R, &bs[i], i, i + 1 == nb, o, &M, Z, &pg);
  if (!rc && R.pd.n) printf("not proved:\n");
  for (uint32_t i = 0; !rc && i < R.pd.n; i++)
    printf("  --  %s%s\n", R.pd.v[i].text,
           R.pd.v[i].mirrored ? " (mirrored)" : "");
  R.failed = R.pd.n;
  uint32_t ness = 0;
  double t = now();
  int missing = 0;
  if (!rc && o->goals && (missing = check_goals(&R, o->goals)) < 0) rc = 1;
  if (!rc) rc = compress(&R, &ness);
  if (!rc && o->db) rc = store(&R, o->db, options);
  R.st[2].secs = now() - t;
  R.st[2].rss_kb = peak_kb();
  if (!rc) summary(&R, ness, now() - pg.t0);
  if (!rc && missing) rc = 1;
  if (xinit) pv_export_free(&R.X);
  lem_proof_free(R.G);
  if (R.P.L) pv_prover_free(&R.P);
  for (uint32_t i = 0; i < R.ngens; i++) cj_gen_free(R.gens[i]);
  lem_free(L, R.acc, R.capacc * sizeof *R.acc);
  lem_free(L, R.fc, R.capfc * sizeof *R.fc);
  lem_free(L, R.pd.v, R.pd.cap * sizeof *R.pd.v);
  smt_solver_free(Z);
  for (uint32_t i = 0; i < R.ntexts; i++)
    lem_free(L, R.texts[i], strlen(R.texts[i]) + 1);
  lem_free(L, R.texts, R.captexts * sizeof *R.texts);
  for (uint32_t i = 0; i < R.nth; i++) {
    lem_free(L, R.th[i].sup, R.th[i].capsup * sizeof *R.th[i].sup);
    lem_free(L, R.th[i].cites, R.th[i].ncites * sizeof *R.th[i].cites);
    lem_store_decisions_free(L, R.th[i].dec, R.th[i].ndec);
  }
  lem_free(L, R.th, R.capth * sizeof *R.th);
  lem_map_free(L, &R.proved);
  lem_theory_free(L, R.T);
  return rc;
}

int cmd_explore(int argc, char **argv) {
  xopts o;
  memset(&o, 0, sizeof o);
  o.vars = o.side = o.total = o.prems = -1;
  o.po.lim.max_rounds = 30;
  o.po.lim.max_facts = 50000;
  o.po.lim.max_depth = 2;
  o.po.goal_seconds = 0;
  o.progress_tty = isatty(2);
  int rc = 0;
  for (int i = 0; i < argc && !rc; i++) {
    const char *a = argv[i];
    double v;
    int has = i + 1 < argc;
    if (!strcmp(a, "--db")) {
      if (!has) rc = bad_usage("%s needs a file name", a);
      else o.db = argv[++i];
    } else if (!strcmp(a, "--goals")) {
      if (!has) rc = bad_usage("%s needs a file name", a);
      else o.goals = argv[++i];
    } else if (!strcmp(a, "--batch")) {
      if (!has) rc = bad_usage("%s needs a file name", a);
      else o.batchfile = argv[++i];
    } else if (!strcmp(a, "--max-vars")) {
      if (!has || !num_arg(a, argv[++i], 1, 4, &v)) rc = 2;
      else o.vars = (int)v;
    } else if (!strcmp(a, "--max-ops")) {
      if (!has || !num_arg(a, argv[++i], 0, 4, &v)) rc = 2;
      else o.side = (int)v;
    } else if (!strcmp(a, "--max-eq-ops")) {
      if (!has || !num_arg(a, argv[++i], 0, 8, &v)) rc = 2;
      else o.total = (int)v;
    } else if (!strcmp(a, "--max-prems")) {
      if (!has || !num_arg(a, argv[++i], 0, 2, &v)) rc = 2;
      else o.prems = (int)v;
    } else if (!strcmp(a, "--seconds-per-conjecture")) {
      if (!has || !num_arg(a, argv[++i], 0, 1e6, &v)) rc = 2;
      else o.po.goal_seconds = v;
    } else if (!strcmp(a, "--rounds")) {
      if (!has || !num_arg(a, argv[++i], 1, 1e6, &v)) rc = 2;
      else o.po.lim.max_rounds = (uint32_t)v;
    } else if (!strcmp(a, "--facts")) {
      if (!has || !num_arg(a, argv[++i], 100, 1e8, &v)) rc = 2;
      else o.po.lim.max_facts = (uint32_t)v;
    } else if (!strcmp(a, "--shuffle-tactics")) {
      if (!has || !num_arg(a, argv[++i], 1, 999999, &v)) rc = 2;
      else o.po.shuffle_tactics = (uint64_t)v;
    } else if (!strcmp(a, "--no-mirror")) {
      o.no_mirror = 1;
    } else if (!strcmp(a, "--no-z3")) {
      o.no_z3 = 1;
    } else if (!strcmp(a, "--no-progress")) {
      o.progress_tty = 0;
    } else if (!strcmp(a, "--trace")) {
      o.trace = 1, o.progress_tty = 0;
    } else if (a[0] == '-' && a[1]) {
      rc = bad_usage("unknown option '%s'", a);
    } else if (!o.theory) {
      o.theory = a;
    } else {
      rc = bad_usage("unexpected argument '%s'", a);
    }
  }
  if (!rc && !o.theory) rc = bad_usage("%s", "expected a THEORY");
  if (rc) return rc;
  /* the database is training data: each proof's theorem-rule decision
     point (which rules were candidates, which the proof used) as well as
     its tactic ones; the search itself is unchanged */
  o.po.record_premises = o.db != NULL;
  /* a theorem a line as it is proved, also into a pipe or a file: a long
     run shows where it is */
  setvbuf(stdout, NULL, _IOLBF, 0);
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) {
    fprintf(stderr, "lemma: out of memory\n");
    return 1;
  }
  char *opts = cmd_join(argc, argv);
  if (!opts) {
    fprintf(stderr, "lemma: out of memory\n");
    rc = 1;
  } else {
    rc = explore(L, &o, opts);
    free(opts);
  }
  lem_ctx_free(L);
  smt_finalize(); /* Z3's process-wide tables, for leak checkers */
  return rc;
}
