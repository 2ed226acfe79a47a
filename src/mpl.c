/*
** mpl.c: the MPL lexer, the expression reader, the theory manifest reader and
** its semantic checks.
**
** The language is described in man/lemma-mpl.5 and the API in mpl.h.  The
** reader is a single-token-lookahead lexer feeding a recursive-descent
** parser that keeps its own stack (struct frame), so nesting depth is bounded
** by MPL_MAXDEPTH and never by the C stack.  Names are resolved while
** parsing (a scope of parameters, bound names and constants, looked up
** through a small sym -> slot hash map); relation names are only recorded
** (struct use) and checked once every statement is read, because a
** definition may use a name defined further down.  The checks then order the
** definitions callees-first, reject cycles, and build the anchor's constants
** and axiom.
**
** Everything is allocated through the context; on any failure every
** allocation made by the call is released (terms and symbols stay in the
** context's bank, which is never shrunk).
*/
#include "mpl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MPL_MAXDEPTH 10000u          /* nesting levels of ( and ! */
#define MPL_MAXFILE (16u << 20)      /* bytes in one file or text */
#define MPL_MAXLIST (LEM_MAXARGS - 2) /* names in one [...] list */

/* ---- errors ---- */

/* Record "fname:line:col: message" and return code. */
static lem_err perr(lem_ctx *L, lem_err code, const char *fname,
                    uint32_t line, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
static lem_err perr(lem_ctx *L, lem_err code, const char *fname,
                    uint32_t line, uint32_t col, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return lem_error(L, code, "%s:%u:%u: %s", fname, line, col, msg);
}

/* Quote at most 40 bytes of a name for a message, escaping non-printables. */
static void quote(char *dst, size_t cap, const char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 8 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (i == 40) {
      memcpy(dst + o, "...", 3);
      o += 3;
      break;
    }
    if (c >= 0x20 && c < 0x7f)
      dst[o++] = (char)c;
    else
      o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
  }
  dst[o] = 0;
}

/* ---- the lexer ---- */

typedef enum tokkind {
  T_EOF, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_SEMI, T_AMP, T_BANG, T_NAME,
  T_STR
} tokkind;

typedef struct tok {
  tokkind k;
  const char *s; /* T_NAME: the name; T_STR: the raw text between quotes */
  size_t n;
  uint32_t line, col;
} tok;

typedef struct lexer {
  const char *src;
  size_t len, pos;
  uint32_t line, col;
  const char *fname;
  tok cur;
} lexer;

static int is_namechar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9'))
    return 1;
  return c && strchr("_+*-/^<>=~'.|%$:?", c) != NULL;
}

static void lex_init(lexer *X, const char *src, size_t len, const char *fname,
                     uint32_t line, uint32_t col) {
  memset(X, 0, sizeof *X);
  X->src = src;
  X->len = len;
  X->fname = fname;
  X->line = line ? line : 1;
  X->col = col ? col : 1;
}

static void lex_step(lexer *X) { /* one byte forward */
  if (X->src[X->pos] == '\n') {
    X->line++;
    X->col = 1;
  } else {
    X->col++;
  }
  X->pos++;
}

static lem_err bad_char(lem_ctx *L, const lexer *X, const char *where) {
  char q[16];
  quote(q, sizeof q, X->src + X->pos, 1);
  return perr(L, LEM_ESYNTAX, X->fname, X->line, X->col,
              "bad character '%s'%s", q, where);
}

/* Skip blanks, "# ..." line comments and "#| ... |#" block comments. */
static lem_err lex_skip(lem_ctx *L, lexer *X) {
  while (X->pos < X->len) {
    char c = X->src[X->pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      lex_step(X);
    } else if (c == '#' && X->pos + 1 < X->len && X->src[X->pos + 1] == '|') {
      uint32_t l0 = X->line, c0 = X->col;
      lex_step(X);
      lex_step(X);
      for (;;) {
        if (X->pos + 1 >= X->len) {
          return perr(L, LEM_ESYNTAX, X->fname, l0, c0,
                      "unterminated comment: expected '|#', found end of "
                      "file");
        }
        if (X->src[X->pos] == '|' && X->src[X->pos + 1] == '#') break;
        lex_step(X);
      }
      lex_step(X);
      lex_step(X);
    } else if (c == '#') {
      while (X->pos < X->len && X->src[X->pos] != '\n') lex_step(X);
    } else {
      break;
    }
  }
  return LEM_OK;
}

/* Read the next token into X->cur. */
static lem_err lex(lem_ctx *L, lexer *X) {
  lem_err e = lex_skip(L, X);
  if (e) return e;
  tok *t = &X->cur;
  t->line = X->line;
  t->col = X->col;
  t->s = X->src + X->pos;
  t->n = 1;
  if (X->pos >= X->len) {
    t->k = T_EOF;
    t->n = 0;
    return LEM_OK;
  }
  unsigned char c = (unsigned char)X->src[X->pos];
  switch (c) {
    case '(': t->k = T_LP; break;
    case ')': t->k = T_RP; break;
    case '[': t->k = T_LB; break;
    case ']': t->k = T_RB; break;
    case ',': t->k = T_COMMA; break;
    case ';': t->k = T_SEMI; break;
    case '&': t->k = T_AMP; break;
    case '!': t->k = T_BANG; break;
    case '"': {
      lex_step(X);
      size_t start = X->pos;
      for (;;) {
        if (X->pos >= X->len || X->src[X->pos] == '\n')
          return perr(L, LEM_ESYNTAX, X->fname, t->line, t->col,
                      "unterminated string: expected '\"', found %s",
                      X->pos >= X->len ? "end of file" : "end of line");
        char d = X->src[X->pos];
        if (d == '"') break;
        if (d == '\0') return bad_char(L, X, " in a string");
        if (d == '\\' && X->pos + 1 < X->len && X->src[X->pos + 1] != '\n')
          lex_step(X);
        lex_step(X);
      }
      t->k = T_STR;
      t->s = X->src + start;
      t->n = X->pos - start;
      lex_step(X);
      return LEM_OK;
    }
    default:
      if (!is_namechar(c)) return bad_char(L, X, "");
      t->k = T_NAME;
      while (X->pos < X->len && is_namechar((unsigned char)X->src[X->pos]))
        lex_step(X);
      t->n = (size_t)(X->src + X->pos - t->s);
      return LEM_OK;
  }
  lex_step(X);
  return LEM_OK;
}

/* What a token is, for "found X" in messages. */
static const char *tokdesc(const tok *t, char *buf, size_t cap) {
  switch (t->k) {
    case T_EOF: return "end of file";
    case T_STR: return "a string";
    case T_NAME: {
      char q[200];
      quote(q, sizeof q, t->s, t->n);
      snprintf(buf, cap, "'%s'", q);
      return buf;
    }
    default: snprintf(buf, cap, "'%c'", t->s[0]); return buf;
  }
}

static lem_err expected(lem_ctx *L, const lexer *X, const char *what) {
  char b[256];
  return perr(L, LEM_ESYNTAX, X->fname, X->cur.line, X->cur.col,
              "expected %s, found %s", what, tokdesc(&X->cur, b, sizeof b));
}

static int is_name(const tok *t, const char *s) {
  return t->k == T_NAME && t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

/* ---- a sym -> uint32 map (open addressing; keys are never removed, a
** value of 0 means "absent") ---- */

typedef struct symmap {
  lem_sym *keys;
  uint32_t *vals;
  uint32_t cap, n; /* cap: 0 or a power of two */
} symmap;

static void symmap_free(lem_ctx *L, symmap *m) {
  lem_free(L, m->keys, (size_t)m->cap * sizeof *m->keys);
  lem_free(L, m->vals, (size_t)m->cap * sizeof *m->vals);
  memset(m, 0, sizeof *m);
}

static uint32_t symmap_slot(const symmap *m, lem_sym k) {
  uint32_t mask = m->cap - 1;
  uint32_t i = lem_hash_mix(0x2545f491u, k) & mask;
  while (m->keys[i] && m->keys[i] != k) i = (i + 1) & mask;
  return i;
}

static uint32_t symmap_get(const symmap *m, lem_sym k) {
  if (!m->cap) return 0;
  uint32_t i = symmap_slot(m, k);
  return m->keys[i] == k ? m->vals[i] : 0;
}

static lem_err symmap_put(lem_ctx *L, symmap *m, lem_sym k, uint32_t v) {
  if (m->cap) {
    uint32_t i = symmap_slot(m, k);
    if (m->keys[i] == k) {
      m->vals[i] = v;
      return LEM_OK;
    }
  }
  if ((m->n + 1) * 2 > m->cap) {
    uint32_t nc = m->cap ? m->cap * 2 : 64;
    if (nc > (1u << 30)) return lem_error(L, LEM_ELIMIT, "too many names");
    symmap nm = {0};
    nm.keys = lem_calloc(L, (size_t)nc * sizeof *nm.keys);
    nm.vals = nm.keys ? lem_calloc(L, (size_t)nc * sizeof *nm.vals) : NULL;
    nm.cap = nc;
    if (!nm.vals) {
      symmap_free(L, &nm);
      return LEM_ENOMEM;
    }
    for (uint32_t i = 0; i < m->cap; i++)
      if (m->keys[i]) {
        uint32_t j = symmap_slot(&nm, m->keys[i]);
        nm.keys[j] = m->keys[i];
        nm.vals[j] = m->vals[i];
      }
    nm.n = m->n;
    symmap_free(L, m);
    *m = nm;
  }
  uint32_t i = symmap_slot(m, k);
  if (!m->keys[i]) {
    m->keys[i] = k;
    m->n++;
  }
  m->vals[i] = v;
  return LEM_OK;
}

/* ---- the theory's private part ---- */

typedef struct sdef { /* a definition or anchor while the manifest is read */
  lem_def d;
  int anchor;
  uint32_t use_lo, use_hi; /* its relation uses: parser.uses[lo..hi) */
} sdef;

typedef struct theory_priv {
  lem_theory T; /* first, so a lem_theory * is a theory_priv * */
  uint32_t relcap, notcap, filecap;
  size_t pathsz;
  sdef *stage;  /* definitions in file order, until the checks order them */
  uint32_t nstage, stagecap;
  char *indtext; /* the induction statement's text, read after the anchor */
  size_t indlen;
  uint32_t modelcap;
  uint32_t reccap;
} theory_priv;

static void free_def(lem_ctx *L, lem_def *d) {
  lem_free(L, d->params, (size_t)d->nparams * sizeof *d->params);
  d->params = NULL;
}

void lem_theory_free(lem_ctx *L, lem_theory *T) {
  if (!T) return;
  theory_priv *P = (theory_priv *)T;
  for (uint32_t i = 0; i < T->nrels; i++) {
    lem_reldecl *r = &T->rels[i];
    lem_free(L, r->params, (size_t)r->arity * sizeof *r->params);
    lem_free(L, r->roles, (size_t)r->arity * sizeof *r->roles);
  }
  lem_free(L, T->rels, (size_t)P->relcap * sizeof *T->rels);
  for (uint32_t i = 0; i < T->ndefs; i++) free_def(L, &T->defs[i]);
  lem_free(L, T->defs, (size_t)T->ndefs * sizeof *T->defs);
  for (uint32_t i = 0; i < P->nstage; i++) free_def(L, &P->stage[i].d);
  lem_free(L, P->stage, (size_t)P->stagecap * sizeof *P->stage);
  lem_free(L, T->consts, (size_t)T->nconsts * sizeof *T->consts);
  for (uint32_t i = 0; i < T->nnotations; i++) {
    lem_notation *n = &T->notations[i];
    lem_free(L, n->params, (size_t)n->arity * sizeof *n->params);
    lem_free(L, n->tmpl, strlen(n->tmpl) + 1);
  }
  lem_free(L, T->notations, (size_t)P->notcap * sizeof *T->notations);
  for (uint32_t i = 0; i < T->nfiles; i++)
    lem_free(L, T->files[i], strlen(T->files[i]) + 1);
  lem_free(L, T->files, (size_t)P->filecap * sizeof *T->files);
  lem_free(L, T->path, P->pathsz);
  if (P->indtext) lem_free(L, P->indtext, P->indlen + 1);
  lem_free(L, T->models, (size_t)P->modelcap * sizeof *T->models);
  lem_free(L, T->recs, (size_t)P->reccap * sizeof *T->recs);
  lem_free(L, P, sizeof *P);
}

/* ---- the parser ---- */

enum { B_PARAM = 1, B_BOUND, B_CONST };

typedef struct scope_ent { /* one name in scope */
  lem_sym sym;
  lem_term t;
  uint32_t kind, line, col;
} scope_ent;

typedef struct nameitem {
  lem_sym sym;
  uint32_t line, col;
} nameitem;

typedef struct use { /* a relation applied somewhere, checked later */
  lem_sym sym;
  uint32_t arity, line, col;
  const char *fname;
} use;

enum { F_AND = 1, F_NOT, F_ALL };

typedef struct frame { /* an expression whose children are being read */
  uint32_t kind, nk;
  lem_term k[2];
  uint32_t var_off, nvars; /* F_ALL: its variables in parser.vars */
  uint32_t scope_mark;     /* F_ALL: scope size before its variables */
} frame;

typedef struct parser {
  lem_ctx *L;
  lexer *X;
  symmap bound; /* sym -> index in scope + 1, 0 when not in scope */
  scope_ent *scope;
  uint32_t nscope, scopecap;
  frame *fr;
  uint32_t nfr, frcap;
  lem_term *vars;
  uint32_t nvars, varcap;
  nameitem *names;
  uint32_t nnames, namecap;
  use *uses;
  uint32_t nuses, usecap;
  int consts_visible; /* for the "unbound" message */
} parser;

static void parser_free(parser *p) {
  lem_ctx *L = p->L;
  symmap_free(L, &p->bound);
  lem_free(L, p->scope, (size_t)p->scopecap * sizeof *p->scope);
  lem_free(L, p->fr, (size_t)p->frcap * sizeof *p->fr);
  lem_free(L, p->vars, (size_t)p->varcap * sizeof *p->vars);
  lem_free(L, p->names, (size_t)p->namecap * sizeof *p->names);
  lem_free(L, p->uses, (size_t)p->usecap * sizeof *p->uses);
}

static lem_err advance(parser *p) { return lex(p->L, p->X); }

static lem_err expect(parser *p, tokkind k, const char *what) {
  if (p->X->cur.k != k) return expected(p->L, p->X, what);
  return advance(p);
}

/* Put a name in scope (the caller has checked it is not already there). */
static lem_err bind(parser *p, lem_sym y, lem_term t, uint32_t kind,
                    uint32_t line, uint32_t col) {
  lem_ctx *L = p->L;
  if (LEM_GROW(L, p->scope, p->scopecap, p->nscope + 1)) return L->err;
  if (symmap_put(L, &p->bound, y, p->nscope + 1)) return L->err;
  p->scope[p->nscope++] = (scope_ent){y, t, kind, line, col};
  return LEM_OK;
}

static lem_err unbind_to(parser *p, uint32_t mark) {
  while (p->nscope > mark) {
    lem_err e = symmap_put(p->L, &p->bound, p->scope[--p->nscope].sym, 0);
    if (e) return e; /* cannot happen: the key is present */
  }
  return LEM_OK;
}

static const scope_ent *lookup(const parser *p, lem_sym y) {
  uint32_t i = symmap_get(&p->bound, y);
  return i ? &p->scope[i - 1] : NULL;
}

/* Read "[name, ...]" (or with other brackets) into p->names. */
static lem_err read_names(parser *p, tokkind open, tokkind close,
                          const char *openstr, const char *closestr) {
  lem_ctx *L = p->L;
  lem_err e;
  char what[64];
  p->nnames = 0;
  snprintf(what, sizeof what, "'%s'", openstr);
  if ((e = expect(p, open, what))) return e;
  if (p->X->cur.k == close) return advance(p);
  for (;;) {
    tok *t = &p->X->cur;
    if (t->k != T_NAME) {
      if (p->nnames) snprintf(what, sizeof what, "a name");
      else snprintf(what, sizeof what, "a name or '%s'", closestr);
      return expected(L, p->X, what);
    }
    if (p->nnames >= MPL_MAXLIST)
      return perr(L, LEM_ELIMIT, p->X->fname, t->line, t->col,
                  "too many names in one list (the limit is %u)", MPL_MAXLIST);
    if (LEM_GROW(L, p->names, p->namecap, p->nnames + 1)) return L->err;
    lem_sym y = lem_sym_intern(L, t->s, t->n);
    if (!y) return L->err;
    p->names[p->nnames++] = (nameitem){y, t->line, t->col};
    if ((e = advance(p))) return e;
    if (p->X->cur.k == close) return advance(p);
    snprintf(what, sizeof what, "',' or '%s'", closestr);
    if ((e = expect(p, T_COMMA, what))) return e;
  }
}

/* "bound twice" checks for a name about to be bound by > or listed as a
** parameter.  list_mark: scope index where the current list began. */
static lem_err check_fresh(parser *p, const nameitem *n, uint32_t list_mark,
                           int is_param) {
  const scope_ent *s = lookup(p, n->sym);
  if (!s) return LEM_OK;
  lem_ctx *L = p->L;
  const char *nm = lem_sym_name(L, n->sym);
  char q[200];
  quote(q, sizeof q, nm, lem_sym_len(L, n->sym));
  if (is_param)
    return perr(L, LEM_ESEMANTIC, p->X->fname, n->line, n->col,
                "parameter '%s' listed twice (first at %u:%u)", q, s->line,
                s->col);
  if ((uint32_t)(s - p->scope) >= list_mark)
    return perr(L, LEM_ESEMANTIC, p->X->fname, n->line, n->col,
                "variable '%s' bound twice in one list (first at %u:%u)", q,
                s->line, s->col);
  if (s->kind == B_CONST)
    return perr(L, LEM_ESEMANTIC, p->X->fname, n->line, n->col,
                "variable '%s' bound twice: it shadows the theory constant "
                "'%s'", q, q);
  return perr(L, LEM_ESEMANTIC, p->X->fname, n->line, n->col,
              "variable '%s' bound twice: it shadows the %s at %u:%u", q,
              s->kind == B_PARAM ? "parameter" : "enclosing binding", s->line,
              s->col);
}

/* p->names are a relation's arguments: resolve them and make the atom. */
static lem_term make_rel(parser *p, lem_sym r, uint32_t line, uint32_t col) {
  lem_ctx *L = p->L;
  uint32_t n = p->nnames;
  if (LEM_GROW(L, p->vars, p->varcap, p->nvars + n + 1)) return LEM_NOTERM;
  lem_term *args = p->vars + p->nvars;
  for (uint32_t i = 0; i < n; i++) {
    const scope_ent *s = lookup(p, p->names[i].sym);
    if (!s) {
      char q[200];
      quote(q, sizeof q, lem_sym_name(L, p->names[i].sym),
            lem_sym_len(L, p->names[i].sym));
      perr(L, LEM_ESEMANTIC, p->X->fname, p->names[i].line, p->names[i].col,
           "unbound variable '%s' (%s)", q,
           p->consts_visible
               ? "not bound by '>' and not a theory constant"
               : "not a parameter and not bound by '>'");
      return LEM_NOTERM;
    }
    args[i] = s->t;
  }
  if (LEM_GROW(L, p->uses, p->usecap, p->nuses + 1)) return LEM_NOTERM;
  p->uses[p->nuses++] = (use){r, n, line, col, p->X->fname};
  return lem_mk_rel(L, r, n, args);
}

static lem_err push_frame(parser *p, uint32_t kind) {
  lem_ctx *L = p->L;
  if (p->nfr >= MPL_MAXDEPTH)
    return perr(L, LEM_ELIMIT, p->X->fname, p->X->cur.line, p->X->cur.col,
                "expressions nested deeper than %u levels", MPL_MAXDEPTH);
  if (LEM_GROW(L, p->fr, p->frcap, p->nfr + 1)) return L->err;
  frame *f = &p->fr[p->nfr++];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  return LEM_OK;
}

/* After '(' NAME: either a quantifier "(>[vars](A)(B))" or an atom
** "(name[args])".  On an atom, *atom is set. */
static lem_err read_after_name(parser *p, lem_term *atom) {
  lem_ctx *L = p->L;
  tok t = p->X->cur;
  lem_err e;
  lem_sym y = lem_sym_intern(L, t.s, t.n);
  if (!y) return L->err;
  if ((e = advance(p))) return e;
  if ((e = read_names(p, T_LB, T_RB, "[", "]"))) return e;
  tokkind nk = p->X->cur.k;
  if (t.n == 1 && t.s[0] == '>' && (nk == T_LP || nk == T_BANG)) {
    if ((e = push_frame(p, F_ALL))) return e;
    frame *f = &p->fr[p->nfr - 1];
    f->scope_mark = p->nscope;
    f->var_off = p->nvars;
    f->nvars = p->nnames;
    if (LEM_GROW(L, p->vars, p->varcap, p->nvars + p->nnames)) return L->err;
    for (uint32_t i = 0; i < p->nnames; i++) {
      const nameitem *n = &p->names[i];
      if ((e = check_fresh(p, n, f->scope_mark, 0))) return e;
      lem_term v = lem_mk_var(L, n->sym, 0);
      if (!v) return L->err;
      p->vars[p->nvars++] = v;
      if ((e = bind(p, n->sym, v, B_BOUND, n->line, n->col))) return e;
    }
    *atom = LEM_NOTERM;
    return LEM_OK;
  }
  if ((e = expect(p, T_RP, "')'"))) return e;
  *atom = make_rel(p, y, t.line, t.col);
  return *atom ? LEM_OK : L->err;
}

/* Read one expression starting at the current token; leave the token after
** it current. */
static lem_err parse_expr(parser *p, lem_term *out) {
  lem_ctx *L = p->L;
  lem_err e;
  uint32_t base = p->nfr;
  for (;;) {
    lem_term r = LEM_NOTERM;
    /* descend until an atom is complete */
    while (!r) {
      tok *t = &p->X->cur;
      if (t->k == T_BANG) {
        if ((e = push_frame(p, F_NOT)) || (e = advance(p))) return e;
      } else if (t->k == T_LP) {
        if ((e = advance(p))) return e;
        if (t->k == T_AMP) {
          if ((e = push_frame(p, F_AND)) || (e = advance(p))) return e;
        } else if (t->k == T_NAME) {
          if ((e = read_after_name(p, &r))) return e;
        } else {
          return expected(L, p->X, "'&', '>' or a relation name after '('");
        }
      } else {
        return expected(L, p->X, "'(' or '!'");
      }
    }
    /* climb while frames are complete */
    for (;;) {
      if (p->nfr == base) {
        *out = r;
        return LEM_OK;
      }
      frame *f = &p->fr[p->nfr - 1];
      f->k[f->nk++] = r;
      if (f->kind == F_NOT) {
        r = lem_mk_not(L, f->k[0]);
      } else if (f->nk < 2) {
        break; /* read the second child */
      } else {
        if ((e = expect(p, T_RP, "')'"))) return e;
        if (f->kind == F_AND) {
          r = lem_mk_and(L, f->k[0], f->k[1]);
        } else {
          r = lem_mk_all(L, f->nvars, p->vars + f->var_off, f->k[0], f->k[1]);
          p->nvars = f->var_off;
          if ((e = unbind_to(p, f->scope_mark))) return e;
        }
      }
      if (!r) return L->err;
      p->nfr--;
    }
  }
}

/* ---- relation look-up shared by the manifest checks and lem_read_* ---- */

/* Entities in a name map: value i+1 for rels[i], nrels+j+1 for defs[j]. */
typedef struct names {
  symmap m;
  const lem_reldecl *rels;
  uint32_t nrels;
  const lem_def *defs;
  uint32_t ndefs;
  lem_sym eq;
} names;

static lem_err names_build(lem_ctx *L, names *N, const lem_reldecl *rels,
                           uint32_t nrels, const lem_def *defs,
                           uint32_t ndefs) {
  memset(N, 0, sizeof *N);
  N->rels = rels;
  N->nrels = nrels;
  N->defs = defs;
  N->ndefs = ndefs;
  N->eq = lem_sym_intern(L, "=", 1);
  if (!N->eq) return L->err;
  for (uint32_t i = 0; i < nrels; i++)
    if (symmap_put(L, &N->m, rels[i].name, i + 1)) return L->err;
  for (uint32_t j = 0; j < ndefs; j++)
    if (symmap_put(L, &N->m, defs[j].name, nrels + j + 1)) return L->err;
  return LEM_OK;
}

/* The arity of relation y, or -1 when unknown.  *def: the def index or -1. */
static int64_t names_arity(const names *N, lem_sym y, int64_t *def) {
  *def = -1;
  if (y == N->eq) return 2;
  uint32_t v = symmap_get(&N->m, y);
  if (!v) return -1;
  if (v <= N->nrels) return N->rels[v - 1].arity;
  *def = v - 1 - N->nrels;
  return N->defs[*def].nparams;
}

static lem_err check_use(lem_ctx *L, const names *N, const use *u,
                         int64_t *def) {
  int64_t a = names_arity(N, u->sym, def);
  char q[200];
  quote(q, sizeof q, lem_sym_name(L, u->sym), lem_sym_len(L, u->sym));
  if (a < 0)
    return perr(L, LEM_ESEMANTIC, u->fname, u->line, u->col,
                "unknown relation '%s'", q);
  if ((uint64_t)a != u->arity)
    return perr(L, LEM_ESEMANTIC, u->fname, u->line, u->col,
                "arity mismatch: '%s' takes %u argument%s, found %u", q,
                (uint32_t)a, a == 1 ? "" : "s", u->arity);
  return LEM_OK;
}

/* ---- reading one formula against a finished theory ---- */

static lem_term read_one(lem_ctx *L, const lem_theory *T, const char *text,
                         size_t len, const char *fname, uint32_t line,
                         uint32_t col, uint32_t nparams,
                         const lem_term *params, int consts) {
  if (!T || (!text && len)) {
    lem_error(L, LEM_EINVAL, "lem_read_formula: no theory or no text");
    return LEM_NOTERM;
  }
  if (!fname) fname = "<input>";
  if (len > MPL_MAXFILE) {
    perr(L, LEM_ELIMIT, fname, line, col, "input larger than %u bytes",
         MPL_MAXFILE);
    return LEM_NOTERM;
  }
  parser p = {0};
  lexer X;
  names N = {0};
  lem_term r = LEM_NOTERM;
  p.L = L;
  p.X = &X;
  p.consts_visible = consts;
  lex_init(&X, text ? text : "", len, fname, line, col);
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < T->nconsts && consts && !e; i++)
    e = bind(&p, lem_term_sym(L, T->consts[i]), T->consts[i], B_CONST, 0, 0);
  for (uint32_t i = 0; i < nparams && !e; i++) {
    if (!params[i] || params[i] > lem_bank_count(L) ||
        lem_term_kind(L, params[i]) != LEM_VAR ||
        lookup(&p, lem_term_sym(L, params[i])))
      e = lem_error(L, LEM_EINVAL, "lem_read_body: bad parameter %u", i);
    else
      e = bind(&p, lem_term_sym(L, params[i]), params[i], B_PARAM, 0, 0);
  }
  if (!e) e = advance(&p);
  if (!e) e = parse_expr(&p, &r);
  if (!e && X.cur.k != T_EOF) e = expected(L, &X, "end of input");
  if (!e) e = names_build(L, &N, T->rels, T->nrels, T->defs, T->ndefs);
  for (uint32_t i = 0; i < p.nuses && !e; i++) {
    int64_t d;
    e = check_use(L, &N, &p.uses[i], &d);
  }
  symmap_free(L, &N.m);
  parser_free(&p);
  return e ? LEM_NOTERM : r;
}

lem_term lem_read_formula(lem_ctx *L, const lem_theory *T, const char *text,
                          size_t len, const char *fname, uint32_t line,
                          uint32_t col) {
  return read_one(L, T, text, len, fname, line, col, 0, NULL, 1);
}

lem_term lem_read_body(lem_ctx *L, const lem_theory *T, uint32_t nparams,
                       const lem_term *params, const char *text, size_t len,
                       const char *fname, uint32_t line, uint32_t col) {
  if (nparams && !params) {
    lem_error(L, LEM_EINVAL, "lem_read_body: no parameters");
    return LEM_NOTERM;
  }
  return read_one(L, T, text, len, fname, line, col, nparams, params, 0);
}

/* ---- files ---- */

/* Read a whole file into a new buffer of *len + 1 bytes (NUL-terminated).
** Messages start with "wfile:wline:wcol: " (where the file was asked for). */
static lem_err read_file(lem_ctx *L, const char *path, const char *wfile,
                         uint32_t wline, uint32_t wcol, char **out,
                         size_t *len) {
  *out = NULL;
  *len = 0;
  struct stat st;
  FILE *f = NULL;
  char eb[128] = "";
  if (stat(path, &st) != 0 || S_ISDIR(st.st_mode) ||
      !(f = fopen(path, "rb"))) {
    int en = errno;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) en = EISDIR;
    if (strerror_r(en, eb, sizeof eb)) snprintf(eb, sizeof eb, "error %d", en);
    return perr(L, LEM_EIO, wfile, wline, wcol, "cannot read \"%s\": %s",
                path, eb);
  }
  size_t cap = 4096, n = 0;
  char *buf = lem_malloc(L, cap);
  lem_err e = buf ? LEM_OK : LEM_ENOMEM;
  while (!e) {
    if (n + 1 >= cap) {
      if (cap > MPL_MAXFILE) {
        e = perr(L, LEM_ELIMIT, wfile, wline, wcol,
                 "\"%s\" is larger than %u bytes", path, MPL_MAXFILE);
        break;
      }
      char *nb = lem_realloc(L, buf, cap, cap * 2);
      if (!nb) {
        e = LEM_ENOMEM;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - 1 - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f))
        e = perr(L, LEM_EIO, wfile, wline, wcol, "cannot read \"%s\"", path);
      break;
    }
  }
  fclose(f);
  if (!e && n > MPL_MAXFILE)
    e = perr(L, LEM_ELIMIT, wfile, wline, wcol,
             "\"%s\" is larger than %u bytes", path, MPL_MAXFILE);
  if (!e) {
    char *nb = lem_realloc(L, buf, cap, n + 1); /* shrink: exact size */
    if (!nb) e = LEM_ENOMEM;
    else buf = nb, cap = n + 1;
  }
  if (e) {
    lem_free(L, buf, cap);
    return e;
  }
  buf[n] = 0;
  *out = buf;
  *len = n;
  return LEM_OK;
}

/* Append a copy of name to T->files; *idx is its index. */
static lem_err add_file(lem_ctx *L, theory_priv *P, const char *name,
                        size_t n, uint32_t *idx) {
  lem_theory *T = &P->T;
  if (LEM_GROW(L, T->files, P->filecap, T->nfiles + 1)) return L->err;
  char *s = lem_strndup(L, name, n);
  if (!s) return L->err;
  T->files[T->nfiles] = s;
  *idx = T->nfiles++;
  return LEM_OK;
}

/* ---- the manifest ---- */

typedef struct mctx { /* reading one manifest */
  parser p;
  theory_priv *P;
  const char *dir; /* directory of the manifest ("" for none), NULL: text */
  size_t dirlen;
} mctx;

/* Decode a string token's escapes into a new NUL-terminated string. */
static char *str_value(lem_ctx *L, const tok *t, size_t *outlen) {
  char *s = lem_malloc(L, t->n + 1);
  if (!s) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->s[i] == '\\' && i + 1 < t->n) i++;
    s[o++] = t->s[i];
  }
  s[o] = 0;
  *outlen = o;
  return s;
}

/* A copy of p->names' symbols, exactly sized. */
static lem_err names_copy(parser *p, lem_sym **out) {
  *out = NULL;
  if (!p->nnames) return LEM_OK;
  *out = lem_malloc(p->L, (size_t)p->nnames * sizeof **out);
  if (!*out) return p->L->err;
  for (uint32_t i = 0; i < p->nnames; i++) (*out)[i] = p->names[i].sym;
  return LEM_OK;
}

/* Check a list of parameter names for repeats (using the scope). */
static lem_err params_unique(parser *p) {
  lem_err e = LEM_OK;
  uint32_t mark = p->nscope;
  for (uint32_t i = 0; i < p->nnames && !e; i++) {
    const nameitem *n = &p->names[i];
    e = check_fresh(p, n, mark, 1);
    if (!e) e = bind(p, n->sym, 0, B_PARAM, n->line, n->col);
  }
  lem_err e2 = unbind_to(p, mark);
  return e ? e : e2;
}

/* A statement's head: a relation name, then its parameter list (left in
** p's name list).  *y is the name's symbol, *nt its token. */
static lem_err read_head(parser *p, lem_sym *y, tok *nt) {
  lem_ctx *L = p->L;
  lem_err e;
  if (p->X->cur.k != T_NAME) return expected(L, p->X, "a relation name");
  *nt = p->X->cur;
  if (!(*y = lem_sym_intern(L, nt->s, nt->n))) return L->err;
  if ((e = advance(p)) || (e = read_names(p, T_LB, T_RB, "[", "]")))
    return e;
  return params_unique(p);
}

static lem_err st_relation(mctx *m, tok kw) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  lem_theory *T = &m->P->T;
  lem_err e;
  tok nt;
  lem_sym y;
  if ((e = read_head(p, &y, &nt))) return e;
  uint32_t arity = p->nnames;
  if (LEM_GROW(L, T->rels, m->P->relcap, T->nrels + 1)) return L->err;
  lem_reldecl *r = &T->rels[T->nrels];
  memset(r, 0, sizeof *r);
  if ((e = names_copy(p, &r->params))) return e;
  r->name = y;
  r->arity = arity;
  r->loc = (lem_loc){T->files[0], kw.line, kw.col};
  T->nrels++; /* owned by T from here on */
  if (!is_name(&p->X->cur, ":")) return expected(L, p->X, "':'");
  if ((e = advance(p))) return e;
  tok rt = p->X->cur;
  if ((e = read_names(p, T_LP, T_RP, "(", ")"))) return e;
  if (p->nnames != arity) {
    char q[200];
    quote(q, sizeof q, nt.s, nt.n);
    return perr(L, LEM_ESEMANTIC, p->X->fname, rt.line, rt.col,
                "arity mismatch: '%s' has %u parameter%s but %u role%s", q,
                arity, arity == 1 ? "" : "s", p->nnames,
                p->nnames == 1 ? "" : "s");
  }
  if (arity && !(r->roles = lem_malloc(L, arity * sizeof *r->roles)))
    return L->err;
  static const char *const rolenames[] = {"elem", "in", "out", "op", "set"};
  for (uint32_t i = 0; i < arity; i++) {
    const char *s = lem_sym_name(L, p->names[i].sym);
    uint32_t k = 0;
    while (k < 5 && strcmp(s, rolenames[k]) != 0) k++;
    if (k == 5) {
      char q[200];
      quote(q, sizeof q, s, lem_sym_len(L, p->names[i].sym));
      return perr(L, LEM_ESYNTAX, p->X->fname, p->names[i].line,
                  p->names[i].col,
                  "expected a role (elem, in, out, op or set), found '%s'", q);
    }
    r->roles[i] = (lem_role)k;
  }
  return expect(p, T_SEMI, "';'");
}

/* The body of a define/anchor: ":= expr" or "from \"file\"". */
static lem_err def_body(mctx *m, lem_term *body) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  lem_err e;
  if (is_name(&p->X->cur, ":=")) {
    if ((e = advance(p))) return e;
    return parse_expr(p, body);
  }
  if (!is_name(&p->X->cur, "from")) return expected(L, p->X, "':=' or 'from'");
  if ((e = advance(p))) return e;
  tok st = p->X->cur;
  if (st.k != T_STR) return expected(L, p->X, "a file name in quotes");
  size_t rn;
  char *rel = str_value(L, &st, &rn);
  if (!rel) return L->err;
  if (!m->dir) {
    e = perr(L, LEM_EIO, p->X->fname, st.line, st.col,
             "cannot read \"%s\": the theory was loaded from text", rel);
    lem_free(L, rel, st.n + 1);
    return e;
  }
  /* path = dir + rel, unless rel is absolute */
  lem_buf path = {0};
  if (rel[0] != '/' && m->dirlen) e = lem_buf_add(L, &path, m->dir, m->dirlen);
  if (!e) e = lem_buf_add(L, &path, rel, rn);
  lem_free(L, rel, st.n + 1);
  uint32_t fi = 0;
  if (!e) e = add_file(L, m->P, path.p, path.len, &fi);
  lem_buf_free(L, &path);
  if (e) return e;
  const char *fname = m->P->T.files[fi];
  char *text;
  size_t len;
  if ((e = read_file(L, fname, p->X->fname, st.line, st.col, &text, &len)))
    return e;
  lexer sub, *saved = p->X;
  lex_init(&sub, text, len, fname, 1, 1);
  p->X = &sub;
  e = advance(p);
  if (!e) e = parse_expr(p, body);
  if (!e && sub.cur.k != T_EOF) e = expected(L, &sub, "end of file");
  p->X = saved;
  lem_free(L, text, len + 1);
  return e ? e : advance(p);
}

static lem_err st_define(mctx *m, tok kw, int anchor) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  theory_priv *P = m->P;
  lem_err e;
  if (p->X->cur.k != T_NAME) return expected(L, p->X, "a definition name");
  tok nt = p->X->cur;
  lem_sym y = lem_sym_intern(L, nt.s, nt.n);
  if (!y) return L->err;
  if (anchor)
    for (uint32_t i = 0; i < P->nstage; i++)
      if (P->stage[i].anchor) {
        char q[200];
        quote(q, sizeof q, lem_sym_name(L, P->stage[i].d.name),
              lem_sym_len(L, P->stage[i].d.name));
        return perr(L, LEM_ESEMANTIC, p->X->fname, kw.line, kw.col,
                    "anchor declared twice: the theory is already anchored "
                    "by '%s' at %u:%u", q, P->stage[i].d.loc.line,
                    P->stage[i].d.loc.col);
      }
  if ((e = advance(p)) || (e = read_names(p, T_LB, T_RB, "[", "]"))) return e;
  if (LEM_GROW(L, P->stage, P->stagecap, P->nstage + 1)) return L->err;
  sdef *s = &P->stage[P->nstage];
  memset(s, 0, sizeof *s);
  uint32_t np = p->nnames;
  if (np && !(s->d.params = lem_malloc(L, np * sizeof *s->d.params)))
    return L->err;
  s->d.nparams = np;
  s->d.name = y;
  s->d.loc = (lem_loc){P->T.files[0], kw.line, kw.col};
  s->anchor = anchor;
  s->use_lo = p->nuses;
  P->nstage++; /* owned by P from here on */
  uint32_t mark = p->nscope;
  for (uint32_t i = 0; i < np && !e; i++) {
    const nameitem *n = &p->names[i];
    lem_term v = LEM_NOTERM;
    e = check_fresh(p, n, mark, 1);
    if (!e && !(v = lem_mk_var(L, n->sym, 0))) e = L->err;
    if (!e) {
      s->d.params[i] = v;
      e = bind(p, n->sym, v, B_PARAM, n->line, n->col);
    }
  }
  if (!e) e = def_body(m, &s->d.body);
  lem_err e2 = unbind_to(p, mark);
  if (e || e2) return e ? e : e2;
  s = &P->stage[P->nstage - 1];
  s->use_hi = p->nuses;
  return expect(p, T_SEMI, "';'");
}

/* Check a notation template: every {name} must be a parameter. */
static lem_err check_template(parser *p, const tok *st, const char *tmpl) {
  lem_ctx *L = p->L;
  for (const char *c = tmpl; *c; c++) {
    if (*c != '{') continue;
    const char *end = strchr(c, '}');
    if (!end)
      return perr(L, LEM_ESYNTAX, p->X->fname, st->line, st->col,
                  "bad notation template: expected '}' after '{', found end "
                  "of string");
    size_t n = (size_t)(end - c - 1);
    uint32_t i = 0;
    while (i < p->nnames && !(lem_sym_len(L, p->names[i].sym) == n &&
                              memcmp(lem_sym_name(L, p->names[i].sym), c + 1,
                                     n) == 0))
      i++;
    if (i == p->nnames) {
      char q[200];
      quote(q, sizeof q, c + 1, n);
      return perr(L, LEM_ESEMANTIC, p->X->fname, st->line, st->col,
                  "unbound variable '%s' in the notation template (not a "
                  "parameter)", q);
    }
    c = end;
  }
  return LEM_OK;
}

static lem_err st_notation(mctx *m, tok kw) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  theory_priv *P = m->P;
  lem_theory *T = &P->T;
  lem_err e;
  tok nt;
  lem_sym y;
  if ((e = read_head(p, &y, &nt))) return e;
  if (p->X->cur.k != T_STR) return expected(L, p->X, "a template in quotes");
  tok st = p->X->cur;
  if (LEM_GROW(L, T->notations, P->notcap, T->nnotations + 1)) return L->err;
  lem_notation *n = &T->notations[T->nnotations];
  memset(n, 0, sizeof *n);
  size_t tl;
  if (!(n->tmpl = str_value(L, &st, &tl))) return L->err;
  if (strlen(n->tmpl) != tl) { /* a NUL byte: keep the free size right */
    lem_free(L, n->tmpl, st.n + 1);
    return perr(L, LEM_ESYNTAX, p->X->fname, st.line, st.col,
                "bad character '\\x00' in a string");
  }
  if (tl != st.n) { /* escapes: reallocate at the exact size */
    char *x = lem_strndup(L, n->tmpl, tl);
    lem_free(L, n->tmpl, st.n + 1);
    if (!(n->tmpl = x)) return L->err;
  }
  if ((e = names_copy(p, &n->params))) {
    lem_free(L, n->tmpl, tl + 1);
    return e;
  }
  n->rel = y;
  n->arity = p->nnames;
  n->loc = (lem_loc){T->files[0], kw.line, kw.col};
  T->nnotations++;
  if ((e = check_template(p, &st, n->tmpl))) return e;
  if ((e = advance(p))) return e;
  return expect(p, T_SEMI, "';'");
}

/* induction [x,y] (member) (succ) zero;  Its text is kept and read in
** finish(), once the anchor has made the theory's constants. */
static lem_err st_induction(mctx *m, tok kw) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  theory_priv *P = m->P;
  if (P->indtext)
    return perr(L, LEM_ESEMANTIC, p->X->fname, kw.line, kw.col,
                "induction declared twice (first at %u:%u)",
                P->T.ind_loc.line, P->T.ind_loc.col);
  const char *start = p->X->cur.s;
  lem_err e;
  while (p->X->cur.k != T_SEMI) {
    if (p->X->cur.k == T_EOF) return expected(L, p->X, "';'");
    if ((e = advance(p))) return e;
  }
  P->indlen = (size_t)(p->X->cur.s - start);
  if (!(P->indtext = lem_strndup(L, start, P->indlen))) return L->err;
  P->T.ind_loc = (lem_loc){P->T.files[0], kw.line, kw.col};
  return advance(p);
}

/* model NAME VALUE;  The value is read here; that NAME is a constant of the
** anchor is checked in finish(), once the anchor is known. */
static lem_err st_model(mctx *m, tok kw) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  theory_priv *P = m->P;
  lem_theory *T = &P->T;
  lem_err e;
  if (p->X->cur.k != T_NAME) return expected(L, p->X, "a constant name");
  tok nt = p->X->cur;
  if ((e = advance(p))) return e;
  tok vt = p->X->cur;
  if (vt.k != T_NAME)
    return expected(L, p->X,
                    "a model value (nat, succ, add, mul, rec or a numeral)");
  static const char *const kinds[] = {"nat", "succ", "add", "mul", "rec"};
  static const lem_model_kind kv[] = {LEM_MODEL_NAT, LEM_MODEL_SUCC,
                                      LEM_MODEL_ADD, LEM_MODEL_MUL,
                                      LEM_MODEL_REC};
  lem_model md = {0};
  for (int k = 0; k < 5; k++)
    if (is_name(&vt, kinds[k])) md.kind = kv[k];
  if (!md.kind) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < vt.n && vt.s[i] >= '0' && vt.s[i] <= '9'; i++) {
      unsigned d = (unsigned)(vt.s[i] - '0');
      if (v > (UINT64_MAX - d) / 10) break;
      v = v * 10 + d;
    }
    if (i != vt.n || vt.n > 19) {
      char q[200];
      quote(q, sizeof q, vt.s, vt.n);
      return perr(L, LEM_ESYNTAX, p->X->fname, vt.line, vt.col,
                  "expected a model value (nat, succ, add, mul, rec or a numeral "
                  "below 10^19), found '%s'", q);
    }
    md.kind = LEM_MODEL_NUM;
    md.value = v;
  }
  md.loc = (lem_loc){T->files[0], kw.line, kw.col};
  lem_sym y = lem_sym_intern(L, nt.s, nt.n);
  if (!y || !(md.c = lem_mk_const(L, y))) return L->err;
  for (uint32_t i = 0; i < T->nmodels; i++)
    if (T->models[i].c == md.c) {
      char q[200];
      quote(q, sizeof q, nt.s, nt.n);
      return perr(L, LEM_ESEMANTIC, p->X->fname, kw.line, kw.col,
                  "model of '%s' declared twice (first at %u:%u)", q,
                  T->models[i].loc.line, T->models[i].loc.col);
    }
  if (LEM_GROW(L, T->models, P->modelcap, T->nmodels + 1)) return L->err;
  T->models[T->nmodels++] = md;
  if ((e = advance(p))) return e;
  return expect(p, T_SEMI, "';'");
}

/* Each model statement must name a constant of the anchor. */
static lem_err finish_models(lem_ctx *L, theory_priv *P) {
  lem_theory *T = &P->T;
  for (uint32_t i = 0; i < T->nmodels; i++) {
    const lem_model *md = &T->models[i];
    int found = 0;
    for (uint32_t k = 0; k < T->nconsts; k++) found |= T->consts[k] == md->c;
    if (!found)
      return perr(L, LEM_ESEMANTIC, md->loc.file, md->loc.line, md->loc.col,
                  "model: '%s' is not a constant of the anchor",
                  lem_sym_name(L, lem_term_sym(L, md->c)));
  }
  return LEM_OK;
}

const lem_model *lem_theory_model(const lem_theory *T, lem_term c) {
  for (uint32_t i = 0; T && i < T->nmodels; i++)
    if (T->models[i].c == c) return &T->models[i];
  return NULL;
}

static lem_err read_statements(mctx *m) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  lem_err e = advance(p);
  while (!e && p->X->cur.k != T_EOF) {
    tok kw = p->X->cur;
    if (kw.k != T_NAME)
      return expected(L, p->X,
                      "a statement (relation, define, anchor, notation, "
                      "induction, model)");
    if ((e = advance(p))) return e;
    if (is_name(&kw, "relation")) {
      e = st_relation(m, kw);
    } else if (is_name(&kw, "define")) {
      e = st_define(m, kw, 0);
    } else if (is_name(&kw, "anchor")) {
      e = st_define(m, kw, 1);
    } else if (is_name(&kw, "notation")) {
      e = st_notation(m, kw);
    } else if (is_name(&kw, "induction")) {
      e = st_induction(m, kw);
    } else if (is_name(&kw, "model")) {
      e = st_model(m, kw);
    } else {
      char q[200];
      quote(q, sizeof q, kw.s, kw.n);
      return perr(L, LEM_ESYNTAX, p->X->fname, kw.line, kw.col,
                  "unknown statement '%s': expected relation, define, "
                  "anchor, notation, induction or model", q);
    }
  }
  return e;
}

/* ---- checks after reading ---- */

static int loc_before(const lem_loc *a, const lem_loc *b) {
  return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/* Declared or defined twice, and "=" redeclared. */
static lem_err check_unique(lem_ctx *L, theory_priv *P, lem_sym eq) {
  lem_theory *T = &P->T;
  symmap seen = {0};
  lem_err e = LEM_OK;
  uint32_t i = 0, j = 0;
  while (!e && (i < T->nrels || j < P->nstage)) {
    int rel = j >= P->nstage ||
              (i < T->nrels && loc_before(&T->rels[i].loc, &P->stage[j].d.loc));
    lem_sym y = rel ? T->rels[i].name : P->stage[j].d.name;
    const lem_loc *lc = rel ? &T->rels[i].loc : &P->stage[j].d.loc;
    char q[200];
    quote(q, sizeof q, lem_sym_name(L, y), lem_sym_len(L, y));
    uint32_t prev = symmap_get(&seen, y);
    if (y == eq) {
      e = perr(L, LEM_ESEMANTIC, lc->file, lc->line, lc->col,
               "'=' declared twice: it is built in (arity 2)");
    } else if (prev) {
      const lem_loc *pl = prev <= T->nrels
                              ? &T->rels[prev - 1].loc
                              : &P->stage[prev - 1 - T->nrels].d.loc;
      e = perr(L, LEM_ESEMANTIC, lc->file, lc->line, lc->col,
               "'%s' declared twice (first at %u:%u)", q, pl->line, pl->col);
    } else {
      e = symmap_put(L, &seen, y, rel ? i + 1 : T->nrels + j + 1);
    }
    if (rel) i++;
    else j++;
  }
  /* notations: at most one per relation */
  symmap_free(L, &seen);
  for (i = 0; i < T->nnotations && !e; i++) {
    lem_notation *n = &T->notations[i];
    uint32_t prev = symmap_get(&seen, n->rel);
    if (prev) {
      char q[200];
      quote(q, sizeof q, lem_sym_name(L, n->rel), lem_sym_len(L, n->rel));
      e = perr(L, LEM_ESEMANTIC, n->loc.file, n->loc.line, n->loc.col,
               "notation for '%s' declared twice (first at %u:%u)", q,
               T->notations[prev - 1].loc.line, T->notations[prev - 1].loc.col);
    } else {
      e = symmap_put(L, &seen, n->rel, i + 1);
    }
  }
  symmap_free(L, &seen);
  return e;
}

/* Order the staged definitions callees first (iterative DFS); report a
** cycle.  edge[u]: the def a use refers to, or -1.  order: nstage slots. */
static lem_err topo_sort(lem_ctx *L, theory_priv *P, const int64_t *edge,
                         uint32_t *order) {
  uint32_t n = P->nstage, no = 0;
  if (!n) return LEM_OK;
  /* per def: state (0 new, 1 on stack, 2 done), stack position, next use */
  uint32_t *state = lem_calloc(L, (size_t)n * 3 * sizeof *state);
  uint32_t *stack = state ? lem_malloc(L, (size_t)n * sizeof *stack) : NULL;
  if (!stack) {
    if (state) lem_free(L, state, (size_t)n * 3 * sizeof *state);
    return L->err;
  }
  uint32_t *pos = state + n, *next = state + 2 * n;
  lem_err e = LEM_OK;
  for (uint32_t root = 0; root < n && !e; root++) {
    if (state[root]) continue;
    uint32_t sp = 0;
    stack[sp++] = root;
    state[root] = 1;
    pos[root] = 0;
    next[root] = P->stage[root].use_lo;
    while (sp && !e) {
      uint32_t d = stack[sp - 1];
      if (next[d] < P->stage[d].use_hi) {
        int64_t t = edge[next[d]++];
        if (t < 0 || state[t] == 2) continue;
        if (state[t] == 1) { /* a cycle: stack[pos[t]..sp) then t */
          char msg[300] = "";
          size_t o = 0;
          for (uint32_t k = pos[t]; k <= sp && o < sizeof msg - 60; k++) {
            lem_sym y = P->stage[k < sp ? stack[k] : t].d.name;
            char q[64];
            quote(q, sizeof q, lem_sym_name(L, y), lem_sym_len(L, y));
            o += (size_t)snprintf(msg + o, sizeof msg - o, "%s%s",
                                  k > pos[t] ? " -> " : "", q);
          }
          if (o >= sizeof msg - 60) snprintf(msg + o, sizeof msg - o, " ...");
          const lem_loc *lc = &P->stage[t].d.loc;
          e = perr(L, LEM_ESEMANTIC, lc->file, lc->line, lc->col,
                   "definitions form a cycle: %s", msg);
          break;
        }
        state[t] = 1;
        pos[t] = sp;
        next[t] = P->stage[t].use_lo;
        stack[sp++] = (uint32_t)t;
      } else {
        state[d] = 2;
        order[no++] = d;
        sp--;
      }
    }
  }
  lem_free(L, stack, (size_t)n * sizeof *stack);
  lem_free(L, state, (size_t)n * 3 * sizeof *state);
  return e;
}

/* t with the variables from[i] replaced by to[i] (iterative). */
static lem_term subst(lem_ctx *L, lem_term t, uint32_t n, const lem_term *from,
                      const lem_term *to) {
  typedef struct work {
    lem_term t;
    uint32_t i;
  } work;
  work *w = NULL;
  lem_term *res = NULL;
  uint32_t nw = 0, wcap = 0, nr = 0, rcap = 0;
  lem_term out = LEM_NOTERM;
  if (LEM_GROW(L, w, wcap, 1)) return LEM_NOTERM;
  w[nw++] = (work){t, 0};
  while (nw) {
    work *top = &w[nw - 1];
    lem_term x = top->t, r = LEM_NOTERM;
    uint32_t nk = lem_term_nargs(L, x);
    if (top->i < nk) {
      lem_term c = lem_term_arg(L, x, top->i++);
      if (LEM_GROW(L, w, wcap, nw + 1)) goto done;
      w[nw++] = (work){c, 0};
      continue;
    }
    if (lem_term_kind(L, x) == LEM_VAR) {
      r = x;
      for (uint32_t i = 0; i < n; i++)
        if (from[i] == x) r = to[i];
    } else if (nk == 0) {
      r = x;
    } else {
      r = lem_mk(L, lem_term_kind(L, x), lem_term_sym(L, x),
                 lem_term_num(L, x), nk, res + nr - nk);
      if (!r) goto done;
      nr -= nk;
    }
    nw--;
    if (LEM_GROW(L, res, rcap, nr + 1)) goto done;
    res[nr++] = r;
  }
  out = res[0];
done:
  lem_free(L, w, (size_t)wcap * sizeof *w);
  lem_free(L, res, (size_t)rcap * sizeof *res);
  return out;
}

lem_term lem_def_instance(lem_ctx *L, const lem_def *d, lem_term app) {
  if (lem_term_nargs(L, app) != d->nparams) return LEM_NOTERM;
  return subst(L, d->body, d->nparams, d->params, lem_term_args(L, app));
}

lem_err lem_notation_write(lem_ctx *L, const lem_notation *nt, lem_buf *b,
                           lem_err (*arg)(void *ud, uint32_t i, lem_buf *b),
                           void *ud) {
  lem_err e = LEM_OK;
  for (const char *p = nt->tmpl; *p && !e;) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    uint32_t i = nt->arity;
    for (uint32_t j = 0; close && j < nt->arity && i == nt->arity; j++) {
      const char *pn = lem_sym_name(L, nt->params[j]);
      if (strlen(pn) == (size_t)(close - p - 1) &&
          !memcmp(pn, p + 1, (size_t)(close - p - 1)))
        i = j;
    }
    if (i < nt->arity) {
      e = arg(ud, i, b);
      p = close + 1;
    } else {
      e = lem_buf_add(L, b, p++, 1);
    }
  }
  return e;
}

static int horn_prem(const lem_ctx *L, lem_term p, lem_term *prem,
                     uint32_t max, uint32_t *np) {
  if (lem_term_kind(L, p) == LEM_AND)
    return horn_prem(L, lem_term_arg(L, p, 0), prem, max, np) &&
           horn_prem(L, lem_term_arg(L, p, 1), prem, max, np);
  if (lem_term_kind(L, p) != LEM_REL || *np == max) return 0;
  prem[(*np)++] = p;
  return 1;
}

lem_term lem_horn_rule(const lem_ctx *L, lem_term f, lem_term *prem,
                       uint32_t max, uint32_t *np) {
  *np = 0;
  for (; lem_term_kind(L, f) == LEM_ALL; f = lem_all_concl(L, f))
    if (!horn_prem(L, lem_all_prem(L, f), prem, max, np)) return LEM_NOTERM;
  return f;
}

/* ---- recursion positions ---- */

lem_term lem_atom_op(const lem_ctx *L, const lem_theory *T, lem_term a) {
  const lem_reldecl *d = lem_theory_rel(T, lem_term_sym(L, a));
  uint32_t n = lem_term_nargs(L, a);
  if (!d || d->arity != n) return LEM_NOTERM;
  for (uint32_t i = 0; i < n; i++)
    if (d->roles[i] == LEM_ROLE_OP) return lem_term_arg(L, a, i);
  return LEM_NOTERM;
}

int lem_theory_recursive_arg(const lem_theory *T, const lem_ctx *L,
                             lem_term a, uint32_t i) {
  if (!T->nrecs || lem_term_kind(L, a) != LEM_REL) return 0;
  lem_sym r = lem_term_sym(L, a);
  lem_term op = LEM_NOTERM;
  int have_op = 0;
  for (uint32_t k = 0; k < T->nrecs; k++) {
    if (T->recs[k].rel != r || T->recs[k].pos != i) continue;
    if (!have_op) op = lem_atom_op(L, T, a), have_op = 1;
    if (T->recs[k].op == op) return 1;
  }
  return 0;
}

/* The variable atom a names as a successor (an instance of succ, a
** relation over the variables x, y: its y), or LEM_NOTERM. */
static lem_term succ_of(const lem_ctx *L, lem_term succ, lem_term x,
                        lem_term y, lem_term a) {
  lem_term got = LEM_NOTERM;
  uint32_t n = lem_term_nargs(L, succ);
  if (lem_term_kind(L, a) != LEM_REL ||
      lem_term_sym(L, a) != lem_term_sym(L, succ) || lem_term_nargs(L, a) != n)
    return LEM_NOTERM;
  for (uint32_t i = 0; i < n; i++) {
    lem_term pi = lem_term_arg(L, succ, i), ai = lem_term_arg(L, a, i);
    if (pi == y) got = ai;
    else if (pi != x && pi != ai) return LEM_NOTERM;
  }
  return got;
}

static void atoms_in(const lem_ctx *L, lem_term f, lem_atoms *prem,
                     lem_atoms *concl, int in_prem) {
  switch (lem_term_kind(L, f)) {
  case LEM_REL: {
    lem_atoms *to = in_prem ? prem : concl;
    if (to->n < 64) to->a[to->n++] = f;
    return;
  }
  case LEM_AND:
    atoms_in(L, lem_term_arg(L, f, 0), prem, concl, in_prem);
    atoms_in(L, lem_term_arg(L, f, 1), prem, concl, in_prem);
    return;
  case LEM_ALL:
    atoms_in(L, lem_all_prem(L, f), prem, concl, 1);
    atoms_in(L, lem_all_concl(L, f), prem, concl, in_prem);
    return;
  default:
    return;
  }
}

void lem_rule_atoms(const lem_ctx *L, lem_term f, lem_atoms *prem,
                    lem_atoms *concl) {
  atoms_in(L, f, prem, concl, 0);
}

lem_err lem_rule_recursions(lem_ctx *L, const lem_theory *T, lem_term succ,
                            lem_term x, lem_term y, lem_term f,
                            lem_recpos **v, uint32_t *n, uint32_t *cap) {
  lem_atoms prem = {0}, concl = {0};
  lem_rule_atoms(L, f, &prem, &concl);
  for (uint32_t c = 0; c < concl.n; c++) {
    lem_term a = concl.a[c];
    for (uint32_t i = 0, na = lem_term_nargs(L, a); i < na; i++) {
      lem_term w = lem_term_arg(L, a, i);
      if (lem_term_kind(L, w) != LEM_VAR) continue;
      uint32_t k = 0;
      while (k < prem.n && succ_of(L, succ, x, y, prem.a[k]) != w) k++;
      if (k == prem.n) continue;
      lem_recpos r = {lem_term_sym(L, a), lem_atom_op(L, T, a), i};
      uint32_t j = 0;
      while (j < *n && !((*v)[j].rel == r.rel && (*v)[j].op == r.op &&
                         (*v)[j].pos == r.pos))
        j++;
      if (j < *n) continue;
      if (LEM_GROW(L, *v, *cap, *n + 1)) return LEM_ENOMEM;
      (*v)[(*n)++] = r;
    }
  }
  return LEM_OK;
}

/* The recursion positions of f, a part of the axiom: its conjuncts, the
** bodies of the defined relations it states, and its rules. */
static lem_err find_recs(lem_ctx *L, theory_priv *P, lem_term f,
                         uint32_t depth) {
  lem_theory *T = &P->T;
  if (depth > 64) return LEM_OK; /* definitions are acyclic; a guard */
  switch (lem_term_kind(L, f)) {
  case LEM_AND: {
    lem_err e = find_recs(L, P, lem_term_arg(L, f, 0), depth + 1);
    return e ? e : find_recs(L, P, lem_term_arg(L, f, 1), depth + 1);
  }
  case LEM_REL: {
    const lem_def *d = lem_theory_def(T, lem_term_sym(L, f));
    if (!d || lem_term_nargs(L, f) != d->nparams) return LEM_OK;
    lem_term b = lem_def_instance(L, d, f);
    return b ? find_recs(L, P, b, depth + 1) : L->err;
  }
  case LEM_ALL:
    return lem_rule_recursions(L, T, T->ind_succ, T->ind_x, T->ind_y, f,
                               &T->recs, &T->nrecs, &P->reccap);
  default: return LEM_OK;
  }
}

/* Read the induction statement: "[x,y] (member) (succ) zero" becomes the
** formula (>[x,y](member)(succ)), read against the theory, and a constant. */
static lem_err finish_induction(lem_ctx *L, theory_priv *P) {
  lem_theory *T = &P->T;
  const lem_loc *at = &T->ind_loc;
  const char *t = P->indtext;
  size_t n = P->indlen, close = n;
  while (close > 0 && t[close - 1] != ')') close--;
  if (close == 0)
    return perr(L, LEM_ESYNTAX, at->file, at->line, at->col,
                "induction: expected [x,y] (member) (succ) zero");
  lem_buf b = {0};
  lem_err e = lem_buf_puts(L, &b, "(>");
  if (!e) e = lem_buf_add(L, &b, t, close);
  if (!e) e = lem_buf_puts(L, &b, ")");
  if (e) {
    lem_buf_free(L, &b);
    return e;
  }
  lem_term f = lem_read_formula(L, T, b.p, b.len, at->file, at->line, at->col);
  lem_buf_free(L, &b);
  if (!f) return L->err;
  size_t z0 = close, z1 = n;
  while (z0 < n && (t[z0] == ' ' || t[z0] == '\t' || t[z0] == '\n' ||
                    t[z0] == '\r'))
    z0++;
  while (z1 > z0 && (t[z1 - 1] == ' ' || t[z1 - 1] == '\t' ||
                     t[z1 - 1] == '\n' || t[z1 - 1] == '\r'))
    z1--;
  lem_sym zs = lem_sym_find(L, t + z0, z1 - z0);
  lem_term zero = zs ? lem_mk_const(L, zs) : LEM_NOTERM;
  int is_const = 0;
  for (uint32_t i = 0; zero && i < T->nconsts; i++) is_const |= T->consts[i] == zero;
  if (!is_const) {
    char q[200];
    quote(q, sizeof q, t + z0, z1 - z0);
    return perr(L, LEM_ESEMANTIC, at->file, at->line, at->col,
                "induction: zero '%s' is not a constant of the anchor", q);
  }
  lem_term mem = lem_all_prem(L, f), suc = lem_all_concl(L, f);
  if (lem_all_nvars(L, f) != 2 || lem_term_kind(L, mem) != LEM_REL ||
      lem_term_kind(L, suc) != LEM_REL)
    return perr(L, LEM_ESEMANTIC, at->file, at->line, at->col,
                "induction: expected two variables [x,y], a member relation "
                "over x and a successor relation over x and y");
  T->has_induction = 1;
  T->ind_x = lem_term_arg(L, f, 0);
  T->ind_y = lem_term_arg(L, f, 1);
  T->ind_member = mem;
  T->ind_succ = suc;
  T->ind_zero = zero;
  return LEM_OK;
}

static lem_err finish(mctx *m) {
  parser *p = &m->p;
  lem_ctx *L = p->L;
  theory_priv *P = m->P;
  lem_theory *T = &P->T;
  names N;
  lem_err e;
  lem_sym eq = lem_sym_intern(L, "=", 1);
  if (!eq) return L->err;
  if ((e = check_unique(L, P, eq))) return e;
  /* the staged defs as a lem_def array view for the look-ups */
  lem_def *view = NULL;
  int64_t *edge = NULL;
  uint32_t *order = NULL;
  size_t vsz = (size_t)P->nstage * sizeof *view;
  size_t esz = (size_t)(p->nuses ? p->nuses : 1) * sizeof *edge;
  size_t osz = (size_t)(P->nstage ? P->nstage : 1) * sizeof *order;
  if (!(view = lem_malloc(L, vsz ? vsz : 1)) ||
      !(edge = lem_malloc(L, esz)) || !(order = lem_malloc(L, osz))) {
    e = L->err;
    goto out;
  }
  for (uint32_t j = 0; j < P->nstage; j++) view[j] = P->stage[j].d;
  if ((e = names_build(L, &N, T->rels, T->nrels, view, P->nstage))) {
    symmap_free(L, &N.m);
    goto out;
  }
  for (uint32_t u = 0; u < p->nuses && !e; u++)
    e = check_use(L, &N, &p->uses[u], &edge[u]);
  for (uint32_t i = 0; i < T->nnotations && !e; i++) {
    lem_notation *n = &T->notations[i];
    int64_t d;
    use nu = {n->rel, n->arity, n->loc.line, n->loc.col, n->loc.file};
    e = check_use(L, &N, &nu, &d);
  }
  symmap_free(L, &N.m);
  if (!e) e = topo_sort(L, P, edge, order);
  if (e) goto out;
  /* move the definitions into T->defs in dependency order */
  if (P->nstage) {
    if (!(T->defs = lem_malloc(L, vsz))) {
      e = L->err;
      goto out;
    }
    for (uint32_t k = 0; k < P->nstage; k++) {
      const sdef *s = &P->stage[order[k]];
      T->defs[k] = s->d;
      if (s->anchor) T->anchor = &T->defs[k];
    }
    T->ndefs = P->nstage;
    lem_free(L, P->stage, (size_t)P->stagecap * sizeof *P->stage);
    P->stage = NULL;
    P->nstage = P->stagecap = 0;
  }
  if (T->anchor) {
    lem_def *a = T->anchor;
    if (a->nparams &&
        !(T->consts = lem_malloc(L, a->nparams * sizeof *T->consts))) {
      e = L->err;
      goto out;
    }
    T->nconsts = a->nparams;
    for (uint32_t i = 0; i < a->nparams && !e; i++)
      if (!(T->consts[i] = lem_mk_const(L, lem_term_sym(L, a->params[i]))))
        e = L->err;
    if (!e && !(T->axiom = subst(L, a->body, a->nparams, a->params,
                                 T->consts)))
      e = L->err;
  }
  if (!e && P->indtext) e = finish_induction(L, P);
  if (!e && T->has_induction && T->axiom) e = find_recs(L, P, T->axiom, 0);
  if (!e) e = finish_models(L, P);
out:
  lem_free(L, view, vsz ? vsz : 1);
  lem_free(L, edge, esz);
  lem_free(L, order, osz);
  return e;
}

/* The theory's name: the manifest's directory when it is theory.mpl, else
** the file's stem. */
static lem_sym theory_name(lem_ctx *L, const char *path) {
  size_t n = strlen(path);
  const char *slash = NULL;
  for (size_t i = 0; i < n; i++)
    if (path[i] == '/') slash = path + i;
  const char *base = slash ? slash + 1 : path;
  if (strcmp(base, "theory.mpl") == 0 && slash) {
    const char *end = slash, *b = path;
    while (end > path && end[-1] == '/') end--;
    for (const char *c = path; c < end; c++)
      if (*c == '/') b = c + 1;
    if (end > b) return lem_sym_intern(L, b, (size_t)(end - b));
  }
  const char *dot = strrchr(base, '.');
  size_t len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
  return lem_sym_intern(L, base, len);
}

/* Read a manifest from text; dir: its directory (with a trailing '/', or ""
** for the current one), NULL when `from` is refused. */
static lem_err load(lem_ctx *L, const char *text, size_t len,
                    const char *fname, const char *dir, lem_theory **out) {
  *out = NULL;
  if (!fname) fname = "<text>";
  theory_priv *P = lem_calloc(L, sizeof *P);
  if (!P) return L->err;
  lem_theory *T = &P->T;
  mctx m;
  memset(&m, 0, sizeof m);
  m.P = P;
  m.dir = dir;
  m.dirlen = dir ? strlen(dir) : 0;
  m.p.L = L;
  lexer X;
  uint32_t fi;
  lem_err e = LEM_OK;
  P->pathsz = strlen(fname) + 1;
  if (!(T->path = lem_strndup(L, fname, P->pathsz - 1))) e = L->err;
  if (!e) e = add_file(L, P, fname, strlen(fname), &fi);
  if (!e && !(T->name = theory_name(L, fname))) e = L->err;
  if (!e && len > MPL_MAXFILE)
    e = perr(L, LEM_ELIMIT, fname, 1, 1, "input larger than %u bytes",
             MPL_MAXFILE);
  if (!e) {
    lex_init(&X, text ? text : "", text ? len : 0, T->files[0], 1, 1);
    m.p.X = &X;
    e = read_statements(&m);
  }
  if (!e) e = finish(&m);
  parser_free(&m.p);
  if (e) {
    lem_theory_free(L, T);
    return e;
  }
  *out = T;
  return LEM_OK;
}

lem_err lem_theory_load_text(lem_ctx *L, const char *text, size_t len,
                             const char *fname, lem_theory **out) {
  if (!out) return lem_error(L, LEM_EINVAL, "lem_theory_load_text: no out");
  return load(L, text, len, fname, NULL, out);
}

lem_err lem_theory_load(lem_ctx *L, const char *path, lem_theory **out) {
  if (!out) return lem_error(L, LEM_EINVAL, "lem_theory_load: no out");
  *out = NULL;
  if (!path || !*path)
    return lem_error(L, LEM_EINVAL, "lem_theory_load: empty path");
  struct stat st;
  lem_buf man = {0}, dir = {0};
  lem_err e = lem_buf_puts(L, &man, path);
  if (!e && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    while (man.len > 1 && man.p[man.len - 1] == '/') man.p[--man.len] = 0;
    e = lem_buf_puts(L, &man, "/theory.mpl");
  }
  if (!e) {
    const char *slash = strrchr(man.p, '/');
    e = lem_buf_add(L, &dir, man.p, slash ? (size_t)(slash - man.p) + 1 : 0);
  }
  char *text = NULL;
  size_t len = 0;
  if (!e) e = read_file(L, man.p, man.p, 1, 1, &text, &len);
  if (!e) e = load(L, text, len, man.p, dir.p ? dir.p : "", out);
  if (text) lem_free(L, text, len + 1);
  lem_buf_free(L, &man);
  lem_buf_free(L, &dir);
  return e;
}

/* ---- goals files ---- */

lem_err lem_read_goals_text(lem_ctx *L, const lem_theory *T, const char *text,
                            size_t len, const char *fname, lem_term **goals,
                            uint32_t *n) {
  if (!goals || !n || !T || (!text && len))
    return lem_error(L, LEM_EINVAL, "lem_read_goals: bad arguments");
  *goals = NULL;
  *n = 0;
  if (!fname) fname = "<goals>";
  if (len > MPL_MAXFILE)
    return perr(L, LEM_ELIMIT, fname, 1, 1, "input larger than %u bytes",
                MPL_MAXFILE);
  lem_term *v = NULL;
  uint32_t nv = 0, cap = 0, line = 0;
  lem_err e = LEM_OK;
  for (size_t at = 0; at < len && !e;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - text) : len, b = at;
    line++;
    while (b < end && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
      b++;
    if (b < end && text[b] != '#') {
      lem_term g = lem_read_formula(L, T, text + b, end - b, fname, line,
                                    (uint32_t)(b - at + 1));
      if (!g) e = L->err;
      else if (!(e = LEM_GROW(L, v, cap, nv + 1))) v[nv++] = g;
    }
    at = end + 1;
  }
  if (!e && nv && cap != nv) { /* exact size, so the caller can free it */
    lem_term *x = lem_malloc(L, (size_t)nv * sizeof *x);
    if (!x) e = L->err;
    else memcpy(x, v, (size_t)nv * sizeof *x);
    lem_free(L, v, (size_t)cap * sizeof *v);
    v = x;
    cap = nv;
  }
  if (e) {
    lem_free(L, v, (size_t)cap * sizeof *v);
    return e;
  }
  *goals = v;
  *n = nv;
  return LEM_OK;
}

lem_err lem_read_goals(lem_ctx *L, const lem_theory *T, const char *path,
                       lem_term **goals, uint32_t *n) {
  if (!goals || !n || !path)
    return lem_error(L, LEM_EINVAL, "lem_read_goals: bad arguments");
  *goals = NULL;
  *n = 0;
  char *text;
  size_t len;
  lem_err e = read_file(L, path, path, 1, 1, &text, &len);
  if (e) return e;
  e = lem_read_goals_text(L, T, text, len, path, goals, n);
  lem_free(L, text, len + 1);
  return e;
}

/* ---- look-ups ---- */

const lem_reldecl *lem_theory_rel(const lem_theory *T, lem_sym name) {
  for (uint32_t i = 0; T && i < T->nrels; i++)
    if (T->rels[i].name == name) return &T->rels[i];
  return NULL;
}

const lem_def *lem_theory_def(const lem_theory *T, lem_sym name) {
  for (uint32_t i = 0; T && i < T->ndefs; i++)
    if (T->defs[i].name == name) return &T->defs[i];
  return NULL;
}

const lem_notation *lem_theory_notation(const lem_theory *T, lem_sym rel) {
  for (uint32_t i = 0; T && i < T->nnotations; i++)
    if (T->notations[i].rel == rel) return &T->notations[i];
  return NULL;
}

/* ---- printing a theory back ---- */

static lem_err print_names(lem_ctx *L, lem_buf *b, const lem_sym *ns,
                           uint32_t n) {
  lem_err e = lem_buf_puts(L, b, "[");
  for (uint32_t i = 0; i < n && !e; i++) {
    if (i) e = lem_buf_puts(L, b, ",");
    if (!e) e = lem_buf_add(L, b, lem_sym_name(L, ns[i]), lem_sym_len(L, ns[i]));
  }
  return e ? e : lem_buf_puts(L, b, "]");
}

lem_err lem_def_print(lem_ctx *L, lem_buf *b, const char *kw,
                      const lem_def *d, lem_term body) {
  lem_err e = lem_buf_printf(L, b, "%s %s[", kw, lem_sym_name(L, d->name));
  for (uint32_t i = 0; i < d->nparams && !e; i++) {
    if (i) e = lem_buf_puts(L, b, ",");
    if (!e) e = lem_term_print(L, d->params[i], b);
  }
  if (!e) e = lem_buf_puts(L, b, "] := ");
  return e ? e : lem_term_print(L, body, b);
}

static lem_err print_def(lem_ctx *L, lem_buf *b, const char *kw,
                         const lem_def *d) {
  lem_err e = lem_def_print(L, b, kw, d, d->body);
  return e ? e : lem_buf_puts(L, b, ";\n");
}

lem_err lem_theory_print(lem_ctx *L, const lem_theory *T, lem_buf *b) {
  static const char *const role[] = {"elem", "in", "out", "op", "set"};
  lem_err e = lem_buf_printf(L, b, "# theory %s, printed by lemma\n",
                             lem_sym_name(L, T->name));
  for (uint32_t i = 0; i < T->nrels && !e; i++) {
    const lem_reldecl *r = &T->rels[i];
    e = lem_buf_printf(L, b, "relation %s", lem_sym_name(L, r->name));
    if (!e) e = print_names(L, b, r->params, r->arity);
    if (!e) e = lem_buf_puts(L, b, " : (");
    for (uint32_t k = 0; k < r->arity && !e; k++)
      e = lem_buf_printf(L, b, k ? ", %s" : "%s",
                         (unsigned)r->roles[k] <= LEM_ROLE_SET
                             ? role[r->roles[k]]
                             : "elem");
    if (!e) e = lem_buf_puts(L, b, ");\n");
  }
  for (uint32_t i = 0; i < T->ndefs && !e; i++)
    if (&T->defs[i] != T->anchor) e = print_def(L, b, "define", &T->defs[i]);
  if (!e && T->anchor) e = print_def(L, b, "anchor", T->anchor);
  for (uint32_t i = 0; i < T->nnotations && !e; i++) {
    const lem_notation *n = &T->notations[i];
    e = lem_buf_printf(L, b, "notation %s", lem_sym_name(L, n->rel));
    if (!e) e = print_names(L, b, n->params, n->arity);
    if (!e) e = lem_buf_puts(L, b, " \"");
    for (const char *c = n->tmpl; *c && !e; c++)
      e = (*c == '"' || *c == '\\') ? lem_buf_printf(L, b, "\\%c", *c)
                                     : lem_buf_add(L, b, c, 1);
    if (!e) e = lem_buf_puts(L, b, "\";\n");
  }
  if (!e && T->has_induction) {
    e = lem_buf_puts(L, b, "induction [");
    if (!e) e = lem_term_print(L, T->ind_x, b);
    if (!e) e = lem_buf_puts(L, b, ",");
    if (!e) e = lem_term_print(L, T->ind_y, b);
    if (!e) e = lem_buf_puts(L, b, "] ");
    if (!e) e = lem_term_print(L, T->ind_member, b);
    if (!e) e = lem_buf_puts(L, b, " ");
    if (!e) e = lem_term_print(L, T->ind_succ, b);
    if (!e) e = lem_buf_puts(L, b, " ");
    if (!e) e = lem_term_print(L, T->ind_zero, b);
    if (!e) e = lem_buf_puts(L, b, ";\n");
  }
  static const char *const mk[] = {"",    "nat", "",   "succ",
                                   "add", "mul", "rec"};
  for (uint32_t i = 0; i < T->nmodels && !e; i++) {
    const lem_model *md = &T->models[i];
    e = lem_buf_printf(L, b, "model %s ", lem_sym_name(L, lem_term_sym(L, md->c)));
    if (!e)
      e = md->kind == LEM_MODEL_NUM
              ? lem_buf_printf(L, b, "%llu;\n", (unsigned long long)md->value)
              : lem_buf_printf(L, b, "%s;\n", mk[md->kind]);
  }
  return e;
}
