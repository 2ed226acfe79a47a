/*
** ctx.h: the lemma context, its allocator and its error slot.
**
** Everything a run needs hangs off one lem_ctx: the allocator, the symbol
** table, the term bank and the last error.  There is no global mutable state,
** so two contexts can live in one process (and tests run in parallel).
**
** Error convention: library functions return an lem_err (LEM_OK == 0) or a
** sentinel value (0 / NULL) and leave a message in the context, readable with
** lem_errmsg().  Library code never prints and never exits.
*/
#ifndef LEM_CTX_H
#define LEM_CTX_H

#include <stddef.h>
#include <stdint.h>

typedef enum lem_err {
  LEM_OK = 0,
  LEM_ENOMEM,     /* the allocator refused (or its limit was reached) */
  LEM_ESYNTAX,    /* malformed input text */
  LEM_ESEMANTIC,  /* well-formed but meaningless: unknown relation, arity... */
  LEM_EIO,        /* a file could not be read or written */
  LEM_ELIMIT,     /* an internal size limit was exceeded */
  LEM_EDB,        /* the proof database is unusable */
  LEM_ECHECK,     /* a proof failed to check */
  LEM_ESMT,       /* the SMT solver failed or answered unknown */
  LEM_EINVAL      /* a caller passed an invalid argument */
} lem_err;

/* The allocator.  realloc-like: fn(ud, p, oldsz, newsz).  newsz == 0 frees p
** and returns NULL; otherwise it returns the new block or NULL on failure (p
** is then untouched).  oldsz is 0 when p is NULL. */
typedef void *(*lem_allocfn)(void *ud, void *p, size_t oldsz, size_t newsz);

typedef struct lem_syms lem_syms;   /* sym.h */
typedef struct lem_bank lem_bank;   /* term.h */

typedef struct lem_ctx {
  lem_allocfn alloc;
  void *alloc_ud;
  size_t limit;       /* 0: none; else the most bytes live at once */
  size_t inuse;       /* bytes live now, as the context counts them */
  size_t peak;        /* the most bytes live at once so far */
  lem_err err;        /* the last error, LEM_OK when none */
  char errmsg[512];   /* its message, "" when none */
  lem_syms *syms;
  lem_bank *bank;
  uint32_t fresh;     /* counter for fresh variable numbers */
} lem_ctx;

/* Create a context.  alloc may be NULL for the C library allocator; limit 0
** means no limit.  Returns NULL only when the allocator fails.  The caller
** owns the result and frees it with lem_ctx_free(). */
lem_ctx *lem_ctx_new(lem_allocfn alloc, void *ud, size_t limit);

/* Free a context and everything allocated through it.  NULL is a no-op. */
void lem_ctx_free(lem_ctx *L);

/* Raw allocation through the context's allocator, counted against its
** limit.  lem_malloc returns NULL (and sets LEM_ENOMEM) on failure.
** lem_realloc returns NULL on failure and leaves p valid.  lem_free accepts
** NULL.  The caller must pass the size it asked for. */
void *lem_malloc(lem_ctx *L, size_t n);
void *lem_calloc(lem_ctx *L, size_t n);
void *lem_realloc(lem_ctx *L, void *p, size_t oldn, size_t newn);
void lem_free(lem_ctx *L, void *p, size_t n);

/* Copy a string (len bytes, NUL added) through the allocator.  Free with
** lem_free(L, s, len + 1). */
char *lem_strndup(lem_ctx *L, const char *s, size_t len);

/* Record an error (printf-style message) and return code, so callers can
** write `return lem_error(L, LEM_ESYNTAX, "...")`. */
lem_err lem_error(lem_ctx *L, lem_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The last error's message ("" if none).  Valid until the next error. */
const char *lem_errmsg(const lem_ctx *L);
void lem_clear_error(lem_ctx *L);

/* A short name for an error code, e.g. "syntax error".  Static storage. */
const char *lem_strerror(lem_err e);

/* Growable array helper: make sure *arr (of elements of size elsz, capacity
** *cap) can hold need elements.  Returns LEM_OK or LEM_ENOMEM. */
lem_err lem_grow(lem_ctx *L, void **arr, uint32_t *cap, uint32_t need,
                 size_t elsz);
#define LEM_GROW(L, arr, cap, need) \
  lem_grow((L), (void **)&(arr), &(cap), (need), sizeof *(arr))

/* 32-bit hashing helpers (FNV-1a and a mixer), deterministic everywhere. */
uint32_t lem_hash_bytes(const void *p, size_t n, uint32_t seed);
static inline uint32_t lem_hash_mix(uint32_t h, uint32_t v) {
  h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
  return h;
}

#endif
