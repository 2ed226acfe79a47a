/*
** policy.h: a learned policy that ranks the candidates at a decision point
** of the search (which rule to bring in, which variable to induct on, ...).
**
** The prover enumerates the legal choices; the policy only scores them.  A
** decision point is a goal formula and a list of candidate formulas; the
** policy returns a probability for each candidate (softmax over the list).
**
** Tokens.  A formula becomes a sequence of (type, slot) tokens in prefix
** order (lem_policy_tokenize).  Types are theory-independent: the goal or
** candidate marker, the connectives (&, !, >), variables (a type of their
** own at a recursion position of the theory's axiom, lem_theory.recs: the
** arguments the fixed heuristic inducts on first), equality, function
** applications, a relation's class (a hash of its arity and of its
** argument roles from the theory's `relation` signature; defined relations
** hash their arity only) and a constant's role class.  Slots carry identity
** without names: a variable's slot is its canonical number (order of first
** occurrence in the formula), a relation's or constant's slot is its rank
** in the order of first occurrence in the GOAL (0 when the goal does not
** mention it).  So a model sees "the candidate's head is the goal's head
** relation" whatever the relation is called, and carries over to a theory
** it was not trained on.
**
** Model.  A transformer encoder (2 layers, width 128, 4 heads, MLP 512,
** pre-layer-norm, bidirectional attention with a padding mask, at most
** LEM_POLICY_TMAX tokens per formula) encodes the goal and each candidate
** to the final layer-norm's output at the marker token.  A head scores
** each pair: s = w2 . gelu(W1 [g; c; g*c] + b1) + b2.  About 450k
** parameters, all in one arena (src/tensor/).  Encodings are cached by
** token sequence (a direct-mapped table of 4096 entries), so a candidate
** whose tokens were seen before (the same rule under a goal that numbers
** its symbols alike) costs only the head.  The goal and the candidates
** missing from the cache are encoded together, in one batch whose
** formulas lie one after the other along the rows (no padding), with the
** weights packed for the matrix products once per model (and once per
** training step).
**
** Training: listwise cross-entropy over each decision point's candidates
** with label smoothing, AdamW, minibatches of decision points; the order of
** examples comes from a seeded generator, so a run is deterministic for a
** seed.
**
** Weights file: safetensors (an 8-byte little-endian header length, a JSON
** header naming each tensor with dtype F32, its shape and byte offsets, and
** a "__metadata__" object with "format": "lemma-policy" and the model's
** sizes; then the raw little-endian float32 data).  Documented in
** lemma(1), FILES.  Chosen over a database table because it is a standard
** format that other tools (Python's safetensors, numpy) read as is.
**
** Ownership: every object is allocated through the lem_ctx passed in and
** freed by its _free function.  Library code never prints: errors come back
** as lem_err with a message in L.
*/
#ifndef LEM_POLICY_H
#define LEM_POLICY_H

#include <stdint.h>

#include "ctx.h"
#include "map.h"
#include "mpl.h"
#include "term.h"

#define LEM_POLICY_TMAX 48   /* tokens per formula; longer ones are cut */
#define LEM_POLICY_BMAX 32   /* formulas encoded in one batch */
#define LEM_POLICY_SLOTS 32  /* identity slots (0 = none) */
#define LEM_POLICY_TYPES 64  /* token types */

/* A formula as tokens (lem_policy_tokenize). */
typedef struct lem_pol_seq {
  uint32_t n;                          /* tokens, 1..LEM_POLICY_TMAX */
  uint8_t type[LEM_POLICY_TMAX];
  uint8_t slot[LEM_POLICY_TMAX];
} lem_pol_seq;

/* The goal's symbol order, which numbers relation and constant slots. */
typedef struct lem_pol_symmap {
  uint32_t n;
  lem_sym sym[LEM_POLICY_SLOTS];
  uint32_t hash;                       /* of the order, for the cache */
} lem_pol_symmap;

/* Tokenize formula f.  T (may be NULL) gives relation roles.  as_goal: f is
** the goal (its marker comes first, and its symbols fill *map, which is
** reset); otherwise f is a candidate, numbered against *map.  Formulas
** longer than LEM_POLICY_TMAX tokens are cut off there. */
void lem_policy_tokenize(const lem_ctx *L, const lem_theory *T, lem_term f,
                         int as_goal, lem_pol_symmap *map, lem_pol_seq *out);

/* A decision point in terms: the goal, its candidates, and which one the
** proof used.  Owned by whoever made it. */
typedef struct lem_pol_decision {
  lem_term goal;
  const lem_term *cands;
  uint32_t ncands;
  uint32_t positive;                   /* < ncands */
} lem_pol_decision;

/* A decision point as tokens: what training works on. */
typedef struct lem_pol_example {
  lem_pol_seq goal;
  lem_pol_seq *cands;                  /* ncands */
  uint32_t ncands;
  uint32_t positive;
} lem_pol_example;

/* A growable set of examples, allocated through L. */
typedef struct lem_pol_data {
  lem_pol_example *ex;
  uint32_t n, cap;
} lem_pol_data;

/* Tokenize d (over theory T, may be NULL) and append it to D.  Decision
** points with fewer than 2 candidates teach nothing and are skipped.
** LEM_EINVAL when d->positive is out of range; LEM_ENOMEM. */
lem_err lem_pol_data_add(lem_ctx *L, lem_pol_data *D, const lem_theory *T,
                         const lem_pol_decision *d);
void lem_pol_data_free(lem_ctx *L, lem_pol_data *D);

/* Read every decision point of a proof database into D (appending).  The
** recorded schema, read-only here (the prover writes it):
**   decisions(id INTEGER PRIMARY KEY, theorem INTEGER, kind TEXT,
**             goal INTEGER REFERENCES expressions(id))
**   decision_candidates(decision INTEGER REFERENCES decisions(id),
**             position INTEGER, expr INTEGER REFERENCES expressions(id),
**             chosen INTEGER, tried INTEGER, ...)  -- chosen: 1 for the
**             choice that gave the proof
** (the store's schema version 2 has more columns; see lemma-db(5)).
** Candidates with a NULL expr (recorded by label alone) are left out, and
** so are, at a tactic (or induction-var) point, the tactics the pass did
** not try: not known to fail, they are no negatives (a table without
** tried, written by hand, counts every candidate as tried).  The
** theory for relation roles is the database's latest `theory` row.
** Points with no chosen candidate left, or fewer than 2 candidates, are
** skipped.  A point with several chosen (a theorem-rule point: every rule
** the proof used) gives one example per chosen candidate, whose other
** candidates are those not chosen.  *npoints (may be NULL) gets how many
** examples were
** added.  LEM_EDB when the file is not a lemma database or has no
** decisions table or no usable decision point, with a message saying so. */
lem_err lem_pol_data_read_db(lem_ctx *L, lem_pol_data *D, const char *path,
                             uint32_t *npoints);

/* The law key of formula f: the canonical form (lem_canon) of the
** conjunction of all its atoms, gathered through > (premises and
** conclusions) and &.  An equation written in relational form has the
** same atoms, up to the names of variables, whichever subterms the
** premise computes and whichever way the equation reads (its mirror), so
** all its relational forms share one key; symbols count by name.  Two
** different laws may share a key (an implication and its converse): for
** the leakage filter that errs on the safe side.  LEM_NOTERM on out of
** memory. */
lem_term lem_pol_law_key(lem_ctx *L, lem_term f);

/* The leakage filter: goals (the test goals of an evaluation) whose traces
** must not reach training.  A goal is kept in two forms: its law key
** (lem_pol_law_key), and its tokens as the policy reads a goal
** (lem_policy_tokenize, name-blind: what the model cannot tell apart). */
typedef struct lem_pol_exclude {
  lem_map canon;                       /* law key -> 1 */
  lem_pol_seq *seq;                    /* the goals as tokens */
  uint32_t nseq, capseq;
} lem_pol_exclude;

/* Add goal f (of theory T, may be NULL) to X.  LEM_ENOMEM. */
lem_err lem_pol_exclude_add(lem_ctx *L, lem_pol_exclude *X,
                            const lem_theory *T, lem_term f);
void lem_pol_exclude_free(lem_ctx *L, lem_pol_exclude *X);

/* As lem_pol_data_read_db, but only the decision points of kind (NULL:
** every kind; "tactic", "theorem-rule", ... as in lemma-db(5)), and with X
** (may be NULL: no filter) every
** decision point that carries a trace of an excluded goal is dropped
** before it becomes examples.  In the database, a theorem is tainted
** when its statement's law key is an excluded goal's, or when its proof
** cites a tainted theorem (a `theorem` step; transitively).  A decision
** point is dropped when it belongs to a tainted theorem, when its goal's
** law key is an excluded goal's or a tainted theorem's, or when its
** goal's tokens equal an excluded goal's.  A candidate whose law key is an
** excluded goal's or a tainted theorem's (a test goal, or a theorem whose
** proof used one) is left out of its point, and the whole point is
** dropped when that candidate was chosen (the proof used it).  So no
** example holds an excluded goal, or a theorem proved from one, as goal
** or as candidate.  *nexcluded (may be NULL) gets how many points were
** dropped, *nxcands (may be NULL) how many tainted candidates were met.
** A database whose every point is dropped is not an error here (*npoints
** is then 0). */
lem_err lem_pol_data_read_db_filtered(lem_ctx *L, lem_pol_data *D,
                                      const char *path,
                                      const lem_pol_exclude *X,
                                      const char *kind, uint32_t *npoints,
                                      uint32_t *nexcluded, uint32_t *nxcands);

typedef struct lem_policy lem_policy;

/* A new model with weights drawn from seed.  train: also allocate the
** gradients, optimizer state and backward buffers.  NULL on LEM_ENOMEM. */
lem_policy *lem_policy_new(lem_ctx *L, uint64_t seed, int train);
/* The linear scorer (policy_linear.c): the baseline, behind the same
** functions (score, train, eval, save, load).  A bag of the candidate's
** tokens and neighbouring token pairs, hashed into LIN_D = 4096 features,
** scored by one weight vector (starting at zero).  NULL on LEM_ENOMEM. */
lem_policy *lem_policy_new_linear(lem_ctx *L, int train);
/* "transformer" or "linear". */
const char *lem_policy_kind(const lem_policy *P);
void lem_policy_free(lem_ctx *L, lem_policy *P);
/* Number of parameters. */
size_t lem_policy_nparams(const lem_policy *P);

/* Score the candidates of one decision point: probs (ncands) gets the
** softmax of the scores.  Any number of candidates; T may be NULL.
** Returns LEM_OK (the model cannot fail once made) or LEM_EINVAL when
** ncands is 0. */
lem_err lem_policy_score(lem_ctx *L, lem_policy *P, const lem_theory *T,
                         lem_term goal, const lem_term *cands,
                         uint32_t ncands, float *probs);
/* The same for a tokenized example (no cache). */
void lem_policy_score_example(lem_policy *P, const lem_pol_example *e,
                              float *probs);
/* The transformer's encodings out (n, LEM_POLICY_WIDTH) of n token
** sequences, as scoring computes them (no cache): in batches of at most
** batch formulas (0, or more than LEM_POLICY_BMAX: LEM_POLICY_BMAX),
** each batch's formulas packed one after the other along the rows.
** padded: through the training encoder instead (a padded batch, every
** position through every layer).  The ways agree to float rounding; tests
** and benchmarks compare them.  LEM_EINVAL for the linear scorer. */
#define LEM_POLICY_WIDTH 128
lem_err lem_policy_encode(lem_ctx *L, lem_policy *P, const lem_pol_seq *seqs,
                          uint32_t n, uint32_t batch, int padded, float *out);

/* What lem_policy_score has cost since the model was made: the decision
** points and candidates it scored, the encoding cache's hits and misses
** (goals and candidates; a formula repeated within one call counts as a
** hit) and the CPU time of the calling thread spent in it.  All but
** seconds are deterministic. */
typedef struct lem_policy_stats {
  uint64_t points, cands;
  uint64_t hits, misses;
  double seconds;
} lem_policy_stats;
void lem_policy_stats_get(const lem_policy *P, lem_policy_stats *s);

typedef struct lem_train_opts {
  uint64_t seed;       /* order of examples */
  uint32_t epochs;     /* passes over the data */
  uint32_t batch;      /* decision points per optimizer step */
  float lr, wd;        /* AdamW learning rate and weight decay */
  float smoothing;     /* label smoothing eps */
  uint32_t negatives;  /* negatives per example and step, drawn afresh
                          each time from the seeded generator; 0: up to
                          LEM_POLICY_BMAX - 2 (the transformer; the linear
                          scorer takes the first ones) */
} lem_train_opts;
void lem_train_opts_default(lem_train_opts *o);

/* Mean loss and top-1 accuracy of P on D (no training); points with more
** than 4096 candidates are left out. */
void lem_policy_eval(lem_policy *P, const lem_pol_data *D, float *loss,
                     float *acc);

/* Train P (made with train = 1) on D.  After each epoch, report (may be
** NULL) is called with the epoch (1-based), the mean training loss and
** accuracy during that epoch.  LEM_EINVAL when P has no training state or
** D is empty. */
lem_err lem_policy_train(lem_ctx *L, lem_policy *P, const lem_pol_data *D,
                         const lem_train_opts *o,
                         void (*report)(void *ud, uint32_t epoch, float loss,
                                        float acc),
                         void *ud);

/* Save the weights as safetensors (LEM_EIO on failure) / load a model
** saved so (LEM_EIO, or LEM_ESYNTAX for a malformed or foreign file). */
lem_err lem_policy_save(lem_ctx *L, const lem_policy *P, const char *path);
lem_err lem_policy_load(lem_ctx *L, const char *path, int train,
                        lem_policy **out);

#endif
