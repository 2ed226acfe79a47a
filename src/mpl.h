/*
** mpl.h: the MPL reader and theories.
**
** MPL expressions (the syntax Generative Logic publishes, read unchanged):
**   (&(A)(B))                conjunction
**   (>[x,y](A)(B))           for all x, y: A implies B (the list may be empty)
**   !(A)                     negation
**   (name[a,b,...])          a relation applied to names; "=" is equality
** Whitespace and newlines may stand between any two tokens.
**
** A theory is a manifest file (conventionally theory.mpl in the theory's
** directory) of statements; see man/lemma-mpl.5 for the full grammar:
**   relation in3[x,y,z,f] : (in, in, out, op);
**   define fXY[f,X,Y] := (&(...)(...));
**   define NaturalNumbers[N,i0,s,+,*] from "NaturalNumbers.mpl";
**   anchor Peano[N,i0,s,+,*,i1] := (&(NaturalNumbers[N,i0,s,+,*])(in2[i0,i1,s]));
**   notation in3[x,y,z,f] "{x} {f} {y} = {z}";
**   induction [n,m] (in[n,N]) (in2[n,m,s]) i0;
**   model N nat;  model i0 0;  model s succ;  model + add;  model * mul;
** Further statements (batch) are added as later layers need them and
** documented in the same man page; an unknown statement is an error.
**
** Inside a definition's body, its parameters are LEM_VAR nodes (so expanding
** a definition is substituting its parameters) and names bound by > are
** LEM_VAR nodes.  The anchor's parameters become the theory's constants
** (LEM_CONST), and the anchor's body over those constants is the theory's
** axiom.
**
** Every error message starts with "file:line:col: " (lines and columns
** 1-based, columns counted in bytes) and says what was expected and what was
** found.  No input crashes the reader or makes it hang: nesting deeper than
** 10,000 levels and files larger than 16 MiB are refused (LEM_ELIMIT).
*/
#ifndef LEM_MPL_H
#define LEM_MPL_H

#include "term.h"

/* Argument roles, from a relation's signature. */
typedef enum lem_role {
  LEM_ROLE_ELEM = 0, /* an element, no functional role */
  LEM_ROLE_IN,       /* an element, an input of the operation */
  LEM_ROLE_OUT,      /* an element determined by the inputs and the op */
  LEM_ROLE_OP,       /* an operation (function) symbol, e.g. s, +, * */
  LEM_ROLE_SET       /* a set, e.g. N */
} lem_role;

typedef struct lem_loc {
  const char *file; /* owned by the theory; valid while it lives */
  uint32_t line, col;
} lem_loc;

typedef struct lem_reldecl { /* relation in2[x,y,f] : (in, out, op); */
  lem_sym name;
  uint32_t arity;
  lem_sym *params;   /* arity names, as declared */
  lem_role *roles;   /* arity roles */
  lem_loc loc;
} lem_reldecl;

typedef struct lem_def {     /* define / anchor */
  lem_sym name;
  uint32_t nparams;
  lem_term *params;  /* LEM_VAR nodes, in order */
  lem_term body;     /* formula over params and bound variables */
  lem_loc loc;
} lem_def;

typedef struct lem_notation { /* notation in3[x,y,z,f] "{x} {f} {y} = {z}"; */
  lem_sym rel;
  uint32_t arity;
  lem_sym *params;
  char *tmpl;        /* the template text, NUL-terminated */
  lem_loc loc;
} lem_notation;

/* model NAME VALUE;  how a theory constant reads in the arithmetic model
** (the naturals): VALUE is nat (the set of all naturals), succ (x + 1),
** add (x + y), mul (x * y), rec (the operation the axiom defines by
** recursion, read by smt/recdef.c) or a decimal numeral (that number). */
typedef enum lem_model_kind {
  LEM_MODEL_NAT = 1, LEM_MODEL_NUM, LEM_MODEL_SUCC, LEM_MODEL_ADD,
  LEM_MODEL_MUL, LEM_MODEL_REC
} lem_model_kind;

typedef struct lem_model {
  lem_term c;          /* the theory constant (LEM_CONST) */
  lem_model_kind kind;
  uint64_t value;      /* LEM_MODEL_NUM */
  lem_loc loc;
} lem_model;

/* A recursion position: argument pos of relation rel, in atoms whose
** operation argument (role op) is op (LEM_NOTERM: none). */
typedef struct lem_recpos {
  lem_sym rel;
  lem_term op;
  uint32_t pos;
} lem_recpos;

typedef struct lem_theory {
  lem_sym name;          /* the manifest's directory name, or file stem */
  char *path;            /* the manifest's path, as given (DIR/theory.mpl
                            when a directory was given) */
  char **files;          /* every file read, for lem_loc.file */
  uint32_t nfiles;
  lem_reldecl *rels;     /* declared primitive relations */
  uint32_t nrels;
  lem_def *defs;         /* definitions, in dependency order (callees first);
                            the anchor is one of them */
  uint32_t ndefs;
  lem_def *anchor;       /* points into defs; NULL if the theory has none */
  lem_term *consts;      /* the anchor's parameters as LEM_CONST nodes */
  uint32_t nconsts;
  lem_term axiom;        /* the anchor's body over consts (LEM_NOTERM if none) */
  lem_notation *notations;
  uint32_t nnotations;
  /* induction [x,y] (member) (succ) zero;  e.g.
  **   induction [n,m] (in[n,N]) (in2[n,m,s]) i0;
  ** says the elements x with member(x) are the naturals built from the
  ** constant zero by the successor relation succ(x, y).  The prover and the
  ** checker take the induction principle from here, never from code. */
  int has_induction;
  lem_term ind_x, ind_y;  /* LEM_VAR */
  lem_term ind_member;    /* a relation over ind_x and constants */
  lem_term ind_succ;      /* a relation over ind_x, ind_y and constants */
  lem_term ind_zero;      /* one of consts */
  lem_loc ind_loc;
  /* model statements, in file order (each names a distinct constant);
  ** nmodels == 0: the theory declares no arithmetic model */
  lem_model *models;
  uint32_t nmodels;
  /* Where the axiom recurses (with induction; computed at load, from the
  ** formula alone): the argument positions at which a rule of the axiom
  ** (or of a definition it states) concludes about a variable its
  ** premises name as a successor, e.g. in3[x,y',z',+] in x + s(y) =
  ** s(x + y): position 1 of in3 with operation +.  The policy marks the
  ** variables at these positions in its tokens.  (The prover's own list,
  ** pv_prover.recs, is read from the root block's compiled rules, which
  ** may hold fewer: it stays as it was, so the search does not change.) */
  lem_recpos *recs;
  uint32_t nrecs;
} lem_theory;

/* The atoms of rule f's premises (through nested (>...) and &) and of its
** final conclusions, at most 64 of each (more are dropped). */
typedef struct lem_atoms {
  lem_term a[64];
  uint32_t n;
} lem_atoms;
void lem_rule_atoms(const lem_ctx *L, lem_term f, lem_atoms *prem,
                    lem_atoms *concl);
/* The operation argument of atom a (the argument whose role is op in
** T's signature), or LEM_NOTERM. */
lem_term lem_atom_op(const lem_ctx *L, const lem_theory *T, lem_term a);

/* The recursion positions rule f states, for an induction whose succ
** relation is over the variables x, y: each argument of a conclusion atom
** that is a variable some premise names as a successor (an instance of
** succ with y := that variable).  Each one not yet in (*v, *n) is appended
** (the array grown through L, *cap its capacity).  LEM_OK or LEM_ENOMEM. */
lem_err lem_rule_recursions(lem_ctx *L, const lem_theory *T, lem_term succ,
                            lem_term x, lem_term y, lem_term f,
                            lem_recpos **v, uint32_t *n, uint32_t *cap);

/* Is argument i of atom a (over theory T) a recursion position? */
int lem_theory_recursive_arg(const lem_theory *T, const lem_ctx *L,
                             lem_term a, uint32_t i);

/* Load a theory from a manifest file, or from a directory holding
** theory.mpl.  On success *out owns a new theory (free it with
** lem_theory_free).  On failure *out is NULL and L holds a message beginning
** "file:line:col: " (LEM_ESYNTAX, LEM_ESEMANTIC, LEM_EIO, LEM_ENOMEM). */
lem_err lem_theory_load(lem_ctx *L, const char *path, lem_theory **out);

/* Load a theory from text in memory; fname is used in messages, and files
** named by `from "..."` are refused (LEM_EIO).  For tests and fuzzing. */
lem_err lem_theory_load_text(lem_ctx *L, const char *text, size_t len,
                             const char *fname, lem_theory **out);

/* Free a theory and everything it owns (not its terms and symbols, which
** belong to the context).  Pointers into it (lem_loc.file, look-up results)
** die with it.  NULL is a no-op. */
void lem_theory_free(lem_ctx *L, lem_theory *T);

/* Read one closed formula in the theory's vocabulary (a goal or a
** conjecture).  Bound names become LEM_VAR; free names must be theory
** constants (LEM_CONST); relations must be declared or defined, with the
** right arity.  fname/line/col (line and col 1-based) say where text starts,
** for messages.  Returns the formula, or LEM_NOTERM with an error in L. */
lem_term lem_read_formula(lem_ctx *L, const lem_theory *T, const char *text,
                          size_t len, const char *fname, uint32_t line,
                          uint32_t col);

/* Read one formula under a definition's rules: its free names must be among
** params (LEM_VAR nodes with distinct names, e.g. a lem_def's params), and
** theory constants are not visible.  Reading the printed body of any
** definition with its params gives the body's id back.  Returns the formula,
** or LEM_NOTERM with an error in L (LEM_EINVAL for bad params). */
lem_term lem_read_body(lem_ctx *L, const lem_theory *T, uint32_t nparams,
                       const lem_term *params, const char *text, size_t len,
                       const char *fname, uint32_t line, uint32_t col);

/* Read a goals file: one formula per line (lem_read_formula's rules), lines
** that are blank or whose first non-blank byte is '#' skipped, and a trailing
** "# ..." comment allowed.  On success *goals is a new array of *n formulas,
** in file order, owned by the caller: free it with lem_free(L, *goals,
** *n * sizeof **goals) (NULL when *n is 0).  On failure *goals is NULL, *n
** is 0 and L holds the first bad line's error ("file:line:col: ...").
** lem_read_goals_text does the same for text in memory. */
lem_err lem_read_goals(lem_ctx *L, const lem_theory *T, const char *path,
                       lem_term **goals, uint32_t *n);
lem_err lem_read_goals_text(lem_ctx *L, const lem_theory *T, const char *text,
                            size_t len, const char *fname, lem_term **goals,
                            uint32_t *n);

/* Append "kw NAME[p1,...,pk] := BODY" for definition d to b, with body
** (usually d->body, or a canonical form of it) as BODY.  No terminator. */
lem_err lem_def_print(lem_ctx *L, lem_buf *b, const char *kw,
                      const lem_def *d, lem_term body);

/* Append to b a self-contained manifest for T: every relation, definition
** (inline, even those read with `from`), the anchor, the notations and the
** induction statement, in an order lem_theory_load_text reads back to an
** equivalent theory with the same terms.  This is what the proof database
** stores, so that the checker depends on no file but the database. */
lem_err lem_theory_print(lem_ctx *L, const lem_theory *T, lem_buf *b);

/* Look-ups by name (linear in the theory's size); NULL if absent.  The
** anchor is found by lem_theory_def.  lem_theory_model: the model statement
** of constant c (a LEM_CONST term). */
const lem_model *lem_theory_model(const lem_theory *T, lem_term c);
const lem_reldecl *lem_theory_rel(const lem_theory *T, lem_sym name);
const lem_def *lem_theory_def(const lem_theory *T, lem_sym name);
const lem_notation *lem_theory_notation(const lem_theory *T, lem_sym rel);

/* The body of definition d with its parameters replaced by the arguments
** of app, an atom d[args]: what app stands for.  LEM_NOTERM when app has
** another number of arguments (L untouched) or on out of memory. */
lem_term lem_def_instance(lem_ctx *L, const lem_def *d, lem_term app);

/* Write notation nt's template into b, each {param} by arg(ud, i, b) for
** the i-th parameter, the other text as it is.  The first error arg or b
** returns. */
lem_err lem_notation_write(lem_ctx *L, const lem_notation *nt, lem_buf *b,
                           lem_err (*arg)(void *ud, uint32_t i, lem_buf *b),
                           void *ud);

/* f read as a rule from atoms: f = (>[..](P1)(>[..](P2)(...(Q)))), each Pi
** a conjunction of atoms.  Their atoms, left to right, go into prem (*np of
** them, at most max) and Q is returned; f itself (*np = 0) when it is no
** (>...).  LEM_NOTERM when a premise holds anything but atoms and &, or
** more than max atoms. */
lem_term lem_horn_rule(const lem_ctx *L, lem_term f, lem_term *prem,
                       uint32_t max, uint32_t *np);

#endif
