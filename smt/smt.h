/*
** z3.h: lemma's careful low-level Z3 client (the first slice of the bridge).
**
** An smt_solver owns one Z3 context and one Z3 solver.  Every check runs
** under a timeout (the solver's "timeout" parameter, in ms); an unknown
** answer carries Z3's reason and is never reported as sat or unsat; a Z3
** error (a malformed or ill-sorted query) fails that one query, is reported
** with Z3's message, and leaves the handle usable.  Every string Z3 hands
** back is copied out at once, into memory allocated through the lem_ctx.
**
** On top of that client sit:
**   - smt_check_smtlib: check the assertions of an SMT-LIB2 script;
**   - the ground naturals helpers (smt_nat_*, smt_prove_ground): translate a
**     ground lemma term over 0 / succ / + / * / numerals (the caller names
**     which symbols mean what) to Z3, to SMT-LIB2 text for replay, and
**     evaluate it directly with overflow-checked uint64 arithmetic, no Z3;
**   - smt_find_counterexample: a model of a conjecture's negation over the
**     naturals, as readable `name = value` lines.
**   - the theory-driven translation (smt/mpl2smt.c): MPL formulas under a
**     theory's model (smt_model: the arithmetic model its `model`
**     statements declare, a finite domain of a given size, or an
**     uninterpreted sort), side goals (smt_prove_qf), counterexample search
**     (smt_refute) and a direct evaluator for replay (smt_eval_qf).
**
** Threads: a handle belongs to one thread at a time (Z3 contexts are not
** thread-safe).  Give each thread its own handle, and its own lem_ctx.
** Handles never share Z3 objects, so any number may live in one process.
**
** Z3's own types are not part of this header, so that prover/ never sees
** them.  (Note: with -I smt on the include path, this file shadows Z3's own
** <z3.h>; smt/z3.c includes Z3's <z3_api.h> directly for that reason.)
*/
#ifndef LEM_SMT_H
#define LEM_SMT_H

#include <stdint.h>

#include "ctx.h"
#include "sym.h"
#include "mpl.h"
#include "term.h"

/* ---- the handle ---------------------------------------------------- */

typedef struct smt_solver smt_solver;

/* The timeout of a new handle, in ms. */
#define SMT_DEFAULT_TIMEOUT_MS 10000u
/* The default resource limit per check, in Z3's own deterministic units
** (roughly a few seconds of work on a machine like ours). */
#define SMT_DEFAULT_RLIMIT 20000000u

/* Create a handle: a Z3 context (reference-counted mode, with lemma's error
** handler installed so that Z3 never aborts the process) and a solver with
** the default timeout.  Returns NULL on failure, with LEM_ENOMEM or
** LEM_ESMT in L.  The caller owns the handle and frees it with
** smt_solver_free() before freeing L. */
smt_solver *smt_solver_new(lem_ctx *L);

/* Release every Z3 reference the handle holds, delete its context and free
** the handle.  NULL is a no-op. */
void smt_solver_free(smt_solver *S);

/* Replace the handle's Z3 context and solver by new ones with the same
** timeout and resource limit: nothing declared or defined in a check
** survives it.  smt_refute does this before a query that defines
** operations by recursion, since Z3 may not see the same recursive
** function defined twice in one context.  LEM_OK, or LEM_ESMT in L; after
** a failure the handle may only be freed. */
lem_err smt_solver_renew(smt_solver *S);

/* Release the memory Z3 keeps for the whole process (its global tables,
** made with the first context).  For leak checkers only: call it at the
** very end, when no handle exists in any thread; no handle may be made
** after it.  Never fails. */
void smt_finalize(void);

/* Set the timeout of every later check, in ms.  0 is taken as 1: a check
** without a time limit is not offered.  Returns LEM_OK, or LEM_ESMT (in L)
** if Z3 refused the parameter; the old timeout then stays. */
lem_err smt_solver_set_timeout(smt_solver *S, unsigned ms);
unsigned smt_solver_timeout(const smt_solver *S);

/* Set the resource limit of every later check, in Z3's "rlimit" units (0 is
** taken as 1).  Unlike the timeout it is deterministic: the same query
** under the same limit gives the same answer on any machine, at any load.
** A check that runs out answers SMT_UNKNOWN with Z3's reason.  LEM_OK, or
** LEM_ESMT with Z3's message. */
lem_err smt_solver_set_rlimit(smt_solver *S, unsigned units);
unsigned smt_solver_rlimit(const smt_solver *S);

/* The last Z3 error this handle saw: Z3's error code (0 when none since the
** handle was made) and its message ("" when none).  The message lives in
** the handle and is overwritten by the next Z3 error. */
int smt_solver_last_error(const smt_solver *S, const char **msg);

/* ---- results ------------------------------------------------------- */

typedef enum smt_status {
  SMT_SAT = 1,    /* satisfiable; text holds the model */
  SMT_UNSAT,      /* unsatisfiable; text is "" */
  SMT_UNKNOWN,    /* Z3 gave up (timeout, incompleteness); text: the reason */
  SMT_ERROR       /* the query failed (Z3 error, out of memory, bad input);
                  ** text: the message */
} smt_status;

/* What one check produced.  Initialise with SMT_RESULT_INIT (or zero it);
** each entry point first clears what *out held (freeing it), then fills it.
** text and query are NUL-terminated, allocated through the handle's
** lem_ctx, and owned by the result: free them with smt_result_free(). */
typedef struct smt_result {
  smt_status status;
  char *text;     /* see smt_status; NULL only when even copying the
                  ** error message ran out of memory */
  size_t textlen; /* strlen(text) */
  char *query;    /* the SMT-LIB2 text that was checked, for replay, where
                  ** the entry point says so; else NULL */
  size_t querylen;
} smt_result;

#define SMT_RESULT_INIT {0, NULL, 0, NULL, 0}

/* Free what r holds and reset it to SMT_RESULT_INIT.  L must be the context
** of the handle that filled r.  Safe on an initialised, empty result. */
void smt_result_free(lem_ctx *L, smt_result *r);

/* A short name for a status: "sat", "unsat", "unknown", "error". */
const char *smt_status_name(smt_status s);

/* Look up `name = value` in a result's model text, where value is an
** integer.  Returns 1 and sets *v when found, 0 otherwise (also when the
** value is not an integer or does not fit).  Reads r only. */
int smt_result_int(const smt_result *r, const char *name, int64_t *v);

/* ---- SMT-LIB2 scripts ---------------------------------------------- */

/* Parse the script smtlib2 (declarations and assertions; check-sat and
** other commands in it are ignored), check the conjunction of its
** assertions under the handle's timeout, and fill *out.  The solver holds
** nothing from one call to the next.
**   SMT_SAT:     out->text is the model, one `name = value` line per
**                constant or function in it, sorted by name (bytewise);
**   SMT_UNSAT:   out->text is "";
**   SMT_UNKNOWN: out->text is Z3's reason (e.g. "timeout", "canceled");
**   SMT_ERROR:   out->text is Z3's message (or lemma's, for out of memory);
**                LEM_ESMT (or LEM_ENOMEM) and the message are also left in
**                the handle's lem_ctx.  The handle stays usable.
** out->query is NULL.  Returns out->status. */
smt_status smt_check_smtlib(smt_solver *S, const char *smtlib2,
                            smt_result *out);

/* Counterexample search.  smtlib2 states a conjecture: its assertions,
** taken together, are P(x1..xn), where x1..xn are the Int constants it
** declares, read as universally quantified over the naturals.  Ask Z3 for
** x1..xn >= 0 with not P, under the handle's timeout.
**   SMT_SAT:     a counterexample: out->text has `x = value` for every Int
**                constant occurring in the assertions, sorted by name;
**   SMT_UNSAT:   none exists (P holds for all naturals);
**   SMT_UNKNOWN, SMT_ERROR: as for smt_check_smtlib.
** out->query is the script that was checked (declarations, the
** non-negativity assertions and the negated conjecture) in Z3's SMT-LIB2
** printing, for replay with smt_check_smtlib().  Returns out->status. */
smt_status smt_find_counterexample(smt_solver *S, const char *smtlib2,
                                   smt_result *out);

/* ---- ground naturals ----------------------------------------------- */

/* What a symbol means over the naturals. */
typedef enum smt_op {
  SMT_OP_NONE = 0,  /* not arithmetic: an error where met */
  SMT_OP_ZERO,      /* 0: a constant, or an application to no arguments */
  SMT_OP_NUM,       /* the numeral `value`: likewise */
  SMT_OP_SUCC,      /* x + 1: one argument */
  SMT_OP_ADD,       /* a + b + ...: two or more arguments */
  SMT_OP_MUL,       /* a * b * ...: two or more arguments */
  SMT_OP_EQ,        /* relations: a = b (two arguments) */
  SMT_OP_LE,        /* a <= b */
  SMT_OP_LT         /* a < b */
} smt_op;

typedef struct smt_nat_sym {
  lem_sym sym;
  smt_op op;
  uint64_t value;   /* for SMT_OP_NUM */
} smt_nat_sym;

/* The caller's table: n entries, searched linearly (it is meant to be
** small).  Besides the table, a constant (or an application to no
** arguments) whose name is a decimal numeral ("0", "42") is that number,
** and the relation "=" is equality. */
typedef struct smt_nat_table {
  const smt_nat_sym *v;
  uint32_t n;
} smt_nat_table;

/* Which ground statements the helpers accept: a term is a numeral, or a
** LEM_CONST / LEM_APP whose symbol the table maps to a function op (with
** the right number of arguments); a statement is a LEM_REL mapped to a
** relation op over two terms, LEM_NOT, LEM_AND, or a LEM_ALL binding no
** variables, read as the implication premise => conclusion.  Anything else
** (a variable, an unmapped symbol, a wrong arity, nesting deeper than
** SMT_NAT_MAXDEPTH) is rejected with LEM_EINVAL in L. */
#define SMT_NAT_MAXDEPTH 10000u

/* Append the SMT-LIB2 text of the term or statement t to b (sorts Int,
** e.g. "(= (+ 3 2) 5)", succ x as "(+ x 1)").  Returns LEM_OK, or LEM_EINVAL
** / LEM_ENOMEM with the message in L (b then holds a partial text; the
** caller still frees it with lem_buf_free). */
lem_err smt_nat_text(lem_ctx *L, const smt_nat_table *T, lem_term t,
                     lem_buf *b);

/* The direct evaluator, independent of Z3, for replay to double-check a
** ground answer.  smt_nat_eval evaluates a term into *val; smt_nat_holds a
** statement into *truth (1 or 0).  Arithmetic is uint64 and checked: a
** value above UINT64_MAX gives LEM_ELIMIT (the evaluator then has no
** answer; Z3's unbounded integers may still have one).  Other errors as
** for smt_nat_text.  Neither allocates. */
lem_err smt_nat_eval(lem_ctx *L, const smt_nat_table *T, lem_term t,
                     uint64_t *val);
lem_err smt_nat_holds(lem_ctx *L, const smt_nat_table *T, lem_term t,
                      int *truth);

/* The verdict on a ground statement. */
typedef enum smt_verdict {
  SMT_PROVED = 1,   /* its negation is unsat: the statement is true */
  SMT_REFUTED,      /* its negation is sat: (being ground) it is false */
  SMT_UNDECIDED,    /* Z3 answered unknown; out->text has the reason */
  SMT_FAILED        /* an error; out->text has the message, also in L */
} smt_verdict;

/* Prove or refute the ground statement t by checking its negation with Z3
** under the handle's timeout.  out->status is Z3's answer on the negation
** (SMT_UNSAT for a proof); out->query is the exact SMT-LIB2 text of that
** query, "(assert (not P))\n(check-sat)\n", which smt_check_smtlib() checks
** to the same answer (store it for replay).  A term the helpers reject gives
** SMT_FAILED with LEM_EINVAL in L and out->query NULL. */
smt_verdict smt_prove_ground(smt_solver *S, const smt_nat_table *T,
                             lem_term t, smt_result *out);

/* ---- MPL under a theory's model (smt/mpl2smt.c) ------------------- */

/* Where a formula is read.
**   SMT_DOM_NAT: the theory's arithmetic model (its `model` statements, see
**     lemma-mpl(5)): elements are naturals (Int >= 0), bound variables range
**     over them, constants and relations read by the model and the roles.
**     Its axiom is not asserted: the model is taken to satisfy it.
**   SMT_DOM_FINITE: elements 0..size-1 (Int), every constant an unknown
**     element, every declared relation an unknown predicate (a table);
**     quantifiers are expanded over the domain, and the theory's whole axiom
**     is asserted, so a structure Z3 finds is a model of the theory.
**   SMT_DOM_UNINTERP: one uninterpreted sort U, constants and relations
**     unknown, quantifiers over U, the axiom asserted: unsat means the
**     formula follows from the axiom; a model is a (finite) model of it. */
typedef enum smt_domain {
  SMT_DOM_NAT = 1, SMT_DOM_FINITE, SMT_DOM_UNINTERP
} smt_domain;

#define SMT_FINITE_MAX 64u

typedef struct smt_model {
  const lem_theory *T;  /* borrowed; must outlive the model */
  smt_domain dom;
  uint32_t size;        /* SMT_DOM_FINITE */
  int rec;              /* SMT_DOM_NAT: 1 reads an operation modelled `rec`
                           by its recursion (smt_recdefs_read); 0 (the
                           default, and what side goals use) translates no
                           formula that applies one */
} smt_model;

/* Fill *M.  smt_model_from_theory: the arithmetic model; LEM_EINVAL when T
** has no model statement.  smt_model_finite: size 1..SMT_FINITE_MAX, else
** LEM_EINVAL.  Nothing is allocated: there is nothing to free. */
lem_err smt_model_from_theory(lem_ctx *L, const lem_theory *T,
                              smt_model *M);
lem_err smt_model_finite(lem_ctx *L, const lem_theory *T, uint32_t size,
                         smt_model *M);
lem_err smt_model_uninterpreted(lem_ctx *L, const lem_theory *T,
                                smt_model *M);

/* The operations a theory models as `rec` (model S rec;), for Z3: one
** define-funs-rec, in text, that gives each the value its defining axioms
** give (smt/recdef.c says how they are read: the conclusion's inputs are
** the parameters, the premises are evaluated in any order that works, the
** first axiom that applies gives the value, 0 where none does).  An axiom
** whose recursive call decreases no argument is a law, not a definition,
** and is left out; the rest must terminate (each operation's self-calls
** decrease one argument position, and no cycle runs through different
** operations), else LEM_EINVAL.  Also LEM_EINVAL, with the axiom or the
** symbol named, when an operation has no defining axiom or one cannot be
** read; LEM_ELIMIT past the bounds below.  text is "" when T models no
** operation as rec.  Free with smt_recdefs_free (also after an error). */
#define SMT_REC_MAX 32u   /* operations modelled rec */
#define SMT_REC_ARITY 2u  /* inputs of one (as smt_reading allows) */
typedef struct smt_recdefs {
  lem_buf text;           /* "(define-funs-rec ...)\n"; the function of S
                             is |f.S| */
  uint32_t n;
  lem_term op[SMT_REC_MAX];
  uint32_t arity[SMT_REC_MAX];
} smt_recdefs;
lem_err smt_recdefs_read(lem_ctx *L, const lem_theory *T, smt_recdefs *R);
void smt_recdefs_free(lem_ctx *L, smt_recdefs *R);
/* op's number of inputs, or -1 when op is not modelled rec. */
int smt_recdefs_arity(const smt_recdefs *R, lem_term op);

/* How a declared relation reads in the arithmetic model, from its roles
** only: MEMBER (one elem, one set: elem is in set) or APPLY (one op, one
** out, one or two in: out = op(in...)).  LEM_EINVAL for other roles. */
typedef enum smt_read_kind { SMT_READ_MEMBER = 1, SMT_READ_APPLY }
smt_read_kind;
typedef struct smt_rel_reading {
  smt_read_kind kind;
  uint32_t elem, set;        /* MEMBER: argument positions */
  uint32_t op, out, in[2];   /* APPLY */
  uint32_t nin;
} smt_rel_reading;
lem_err smt_reading(lem_ctx *L, const lem_reldecl *r, smt_rel_reading *rd);

/* The SMT-LIB2 query "hyps and not goal" under M, appended to out: a
** comment line, declarations (constants named k0, k1, ... in order of first
** use, so renaming constants does not change the text), for finite and
** uninterpreted domains the theory's axiom, the hypotheses, the negated
** goal, "(check-sat)".  With qf, a quantifier anywhere (also inside a
** defined relation's body) is refused.  Deterministic: the same terms give
** the same text.  LEM_EINVAL (with the reason: an unmodelled constant, a
** relation without an arithmetic reading...), LEM_ELIMIT, LEM_ENOMEM. */
lem_err smt_query_text(lem_ctx *L, const smt_model *M, uint32_t nhyps,
                       const lem_term *hyps, lem_term goal, int qf,
                       lem_buf *out);

/* A side goal: prove concl from the hypotheses, all quantifier-free and
** closed (block constants allowed), by checking smt_query_text(..., qf=1).
** out->query is that text (also on SAT/UNKNOWN; NULL when the formula is
** not translatable, then SMT_FAILED with the reason in out->text and L).
** SMT_PROVED when Z3 answers unsat; unknown is SMT_UNDECIDED with Z3's
** reason, never a proof. */
smt_verdict smt_prove_qf(smt_solver *S, const smt_model *M, uint32_t nhyps,
                         const lem_term *hyps, lem_term concl,
                         smt_result *out);

/* Counterexample search: a structure of M where the closed formula conj is
** false.  The outer quantifiers of conj (>[x..](P)(>[y..](Q)(R))) are
** opened as constants, P and Q asserted and R negated.
**   SMT_SAT: out->text is the counterexample, readable: "a = 2, b = 0"
**     (the opened variables, in order); for finite and uninterpreted
**     domains, then "
where i0 = 0, s = 1, ..." (the theory's constants)
**     and one line per relation with its table as Z3 gives it;
**   SMT_UNSAT: none in M (for SMT_DOM_NAT: conj holds in the model; for
**     SMT_DOM_FINITE: in no model of size <= size; for SMT_DOM_UNINTERP:
**     conj follows from the axiom);
**   SMT_UNKNOWN: Z3 gave up, out->text its reason; SMT_ERROR: not
**     translatable or a Z3 error, out->text the message.
** out->query is the text checked (NULL when not translatable). */
smt_status smt_refute(smt_solver *S, const smt_model *M, lem_term conj,
                      smt_result *out);

/* The direct evaluator for side goals, no Z3: under the arithmetic model,
** values are propagated from the hypotheses (out = op(in) with known
** inputs, a = b with one side known, numerals from the model); when every
** constant gets a value, *holds says whether hyps imply concl (1) or not
** (0).  The query is then "ground": its answer is unsat iff *holds is 1.
** Variables (LEM_VAR, free in the literals given) are unknowns like
** constants that are not numerals of the model, so a goal's quantified
** levels can be judged before they are opened.
** LEM_EINVAL when some constant is left undetermined or the formulas are
** not quantifier-free literals over primitive relations; LEM_ELIMIT on a
** value above 2^64-1. */
lem_err smt_eval_qf(lem_ctx *L, const smt_model *M, uint32_t nhyps,
                    const lem_term *hyps, lem_term concl, int *holds);

/* The lem_ctx of a handle. */
lem_ctx *smt_solver_ctx(const smt_solver *S);

/* ---- for code inside smt/ only ------------------------------------- */
#ifdef SMT_Z3_INTERNALS
/* The Z3 integer expression (or Boolean formula) for t, built in S's
** context, with one reference taken for the caller, who releases it with
** Z3_dec_ref(smt_solver_context(S), a).  NULL on rejection (LEM_EINVAL in
** the handle's L) or a Z3 error (LEM_ESMT).  Include Z3's <z3_api.h>
** before this header. */
Z3_context smt_solver_context(smt_solver *S);
Z3_ast smt_nat_expr(smt_solver *S, const smt_nat_table *T, lem_term t);
#endif

#endif
