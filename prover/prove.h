/*
** prove.h: goal-directed proving on top of the logic blocks.
**
** To prove (>[x...](P)(Q)) lemma opens a block with fresh constants for x...
** and P's conjuncts as hypotheses, and saturates it until Q appears (Q may
** itself be a (>...), proved the same way in a nested block).  When that
** fails within the budget, it tries induction on each variable in turn: the
** goal is generalised to (>[v](member(v))(>[rest](P)(Q))), proved by a base
** block for zero and a step block with the induction hypothesis, and the
** goal is then proved again with that lemma available.  Each goal proved
** becomes a theorem that later goals use as a rule.
**
** The induction principle comes from the theory (pv_induction), never from
** the prover's code.
*/
#ifndef PV_PROVE_H
#define PV_PROVE_H

#include "lb.h"

typedef struct pv_induction {
  lem_term member; /* a relation over the variable x and constants: in[x,N] */
  lem_term succ;   /* a relation over x, y and constants: in2[x,y,s] */
  lem_term zero;   /* a constant: i0 */
  lem_term x, y;   /* the variables of member and succ */
} pv_induction;

struct lem_policy;

typedef struct pv_opts {
  pv_limits lim;       /* per saturation (the deadline is set per goal) */
  double goal_seconds; /* time budget per goal; 0: none */
  /* Expansion budget per goal: no further choice (induction variable,
  ** deeper pass) is started once the engine has made this many facts for
  ** the goal (pv_thm.facts_made); 0: none.  The choice under way when the
  ** budget runs out finishes, so facts_made may end a little above it. */
  uint64_t goal_facts;
  /* The per-block fact budget of the first pass of the iterative
  ** deepening (then 4 times more up to lim.max_facts); 0: 2000.  A caller
  ** that knows the smaller passes fail (they failed before, with the same
  ** rules) starts higher. */
  uint32_t first_facts;
  int no_induction;
  /* A learned policy (policy.h, borrowed) that orders each goal's tactics
  ** (the goal as it stands, induction on each variable) by its score, or
  ** NULL for the fixed heuristic (directly first, then the variables at
  ** the axiom's recursion positions).  Every tactic is still tried at
  ** every budget, so a bad model costs expansions, never a proof; and the
  ** order alternates between the policy's best untried tactic and the
  ** fixed heuristic's (the fallback share is one half: the fixed
  ** heuristic's k-th tactic comes at the latest 2k-th). */
  struct lem_policy *policy;
  /* Training data without the fixed order's bias: with a seed other than
  ** 0, each goal's tactics are tried in an order drawn from the seed and
  ** the goal (the same every run), instead of directly first.  With the
  ** fixed order, a tactic after the one that works is never tried, so its
  ** decision points would only ever teach that the first tactics fail. */
  uint64_t shuffle_tactics;
  /* Premise selection: the candidates are the rules of the root block that
  ** are parts of the axiom or earlier theorems.  When premises > 0 and a
  ** goal has more candidates than it keeps, each budget of the iterative
  ** deepening is tried first with only the best of them as rules (the
  ** others muted, pv_mute), then with all of them (the fallback, so search
  ** stays complete).  It keeps `premises` of them when premises >= 1, else
  ** that share of them (rounded up).  Best: by the policy's score of
  ** (goal, rule) when policy is set, else by a fixed score, the goal's
  ** symbols the rule shares weighted by rarity among the candidates, less
  ** those it adds (pv_premise_scores).  Only for goals of the form (>...),
  ** which are proved in blocks of their own: the root block (a ground
  ** goal's, and where induction lemmas become rules) always has them all.
  ** 0: off, every rule is used throughout (and no theorem-rule decision
  ** point is recorded, unless record_premises). */
  double premises;
  /* With premises = 0: still rank the candidates (by the fixed score) into
  ** pv_thm.prem, with no selection, so that the goal's theorem-rule
  ** decision point is recorded (lemma explore: its database is training
  ** data).  The search is exactly as without it. */
  int record_premises;
} pv_opts;

/* A choice of tactic at a goal: the goal in the root block as it stands
** (PV_DIRECT), or induction on one of its outer variables. */
#define PV_DIRECT UINT32_MAX
typedef struct pv_choice {
  uint32_t var;    /* index into the goal's outer variable list, or
                      PV_DIRECT */
  int proved;      /* did this choice give the proof */
  uint32_t pass;   /* which budget of the iterative deepening (from 0) */
} pv_choice;

typedef struct pv_thm {
  lem_term stmt;
  pv_fid fact;         /* the fact proving stmt in the root block, or 0 */
  int proved;
  const char *why;     /* when not proved: a static reason */
  pv_choice *choices;  /* tactics tried (direct, inductions), in order */
  uint32_t nchoices;
  uint32_t ntactics;   /* the tactics the goal had: 1 (direct) + its outer
                          variables when induction applies, else 1 */
  uint64_t facts_made; /* facts the engine made for this goal */
  /* Premise selection (pv_opts.premises): the candidates (root facts that
  ** are rules: the axiom's parts and the earlier theorems), best first, and
  ** how many of them the first pass of each budget kept (0 when there was
  ** no selection). */
  pv_fid *prem;
  uint32_t nprem, prem_k;
  int prem_sel_proved; /* proved in a pass with only the selected ones */
} pv_thm;

/* An argument position the theory's axioms recurse on: an atom of relation
** rel (with operation op, or LEM_NOTERM) in a rule's conclusion whose
** argument pos is the successor of a premise variable.  Induction on a goal
** variable found there is tried first. */
typedef lem_recpos pv_recpos;
struct pv_side;

typedef struct pv_prover {
  lem_ctx *L;
  struct pv_side *side; /* side goals through Z3 (side.h); NULL: none.
                           Set and freed by the caller. */
  const lem_theory *T;
  pv_eng E;
  uint32_t root;
  pv_fid axiom;
  pv_induction ind;
  int has_ind;
  pv_opts opts;
  pv_thm *thms;
  uint32_t nthms, capthms;
  lem_map thm_of_fact; /* fact id -> theorem index + 1 */
  pv_recpos *recs;     /* from the axiom's rules, at init */
  uint32_t nrecs, caprecs;
} pv_prover;

/* Set up a prover for theory T (borrowed).  ind may be NULL: the theory's
** own induction statement is then used, if it has one.
** Adds the axiom and saturates the root block.  LEM_OK or an error in L. */
lem_err pv_prover_init(pv_prover *P, lem_ctx *L, const lem_theory *T,
                       const pv_induction *ind, const pv_opts *opts);
void pv_prover_free(pv_prover *P);

/* Try to prove goal (a closed formula).  It is recorded as theorem
** P->nthms - 1 whatever the outcome; a proved one is available to later
** goals.  Returns 1 proved, 0 not proved (thm->why says why), -1 error. */
int pv_prove(pv_prover *P, lem_term goal);

/* Take stmt (a closed formula) as proved elsewhere, e.g. a theorem stored
** by an earlier run: it is recorded as theorem P->nthms - 1, proved, with a
** PV_THEOREM fact in the root block and no proof of its own, and later
** goals use it as a rule like any proved goal.  Returns 0, or -1 with an
** error in the context. */
int pv_assume(pv_prover *P, lem_term stmt);

/* The fixed score of each candidate rule cands[0..n) for goal (higher:
** more likely needed), into score[0..n): each symbol (relation or constant)
** the rule shares with the goal counts log(1 + n / df), df the number of
** candidates that mention it; each it has and the goal lacks counts minus
** half that.  Returns 0, or -1 when n > 4096. */
int pv_premise_scores(const lem_ctx *L, lem_term goal, const lem_term *cands,
                      uint32_t n, double *score);

/* The generalised goal an induction on goal's outer variable vi proves,
** (>[v](member(v))(>[rest](P)(Q))), as pv_prove tries it; LEM_NOTERM when
** the prover has no induction principle, goal is not a (>...) or vi is out
** of range (no error then), or on out of memory. */
lem_term pv_generalized(pv_prover *P, lem_term goal, uint32_t vi);

/* The facts of theorem k's proof, in dependency order (premises first),
** stopping at earlier theorems.  *out is allocated through L (free with
** lem_free(L, *out, n * sizeof **out)).  Returns n, or UINT32_MAX on error.
*/
uint32_t pv_proof_facts(pv_prover *P, uint32_t k, pv_fid **out);

/* The calculus name of a fact's rule ("mp", "intro", ...). */
const char *pv_how_name(pv_how how);

/* Append f to b in readable notation: the theory's notations for its
** relations, a = b, ¬, ∧, ∀x. A ⇒ B, ∃y. A ∧ B. */
lem_err pv_readable(lem_ctx *L, const lem_theory *T, lem_term f, lem_buf *b);

/* Byte ranges [start, end) of a readable text, in increasing order. */
typedef struct pv_span {
  size_t start, end;
} pv_span;
typedef struct pv_marks {
  pv_span *v;
  uint32_t n, cap;
} pv_marks;

/* pv_readable, and also record in m the byte ranges (offsets into b) of the
** parts of f that differ from old, compared position by position: an
** argument that changed, or a whole sub-formula whose shape changed.  old
** LEM_NOTERM (or equal to f) marks nothing.  Used to show what an eq_subst
** step rewrote.  m grows through L; free it with pv_marks_free. */
lem_err pv_readable_marked(lem_ctx *L, const lem_theory *T, lem_term f,
                           lem_term old, lem_buf *b, pv_marks *m);
void pv_marks_free(lem_ctx *L, pv_marks *m);

#endif
