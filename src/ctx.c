/*
** ctx.c: the context, the counting allocator and error reporting.
** See ctx.h for the conventions every other file follows.
*/
#include "ctx.h"
#include "sym.h"
#include "term.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ud, void *p, size_t oldsz, size_t newsz) {
  (void)ud;
  (void)oldsz;
  if (newsz == 0) {
    free(p);
    return NULL;
  }
  return realloc(p, newsz);
}

lem_ctx *lem_ctx_new(lem_allocfn alloc, void *ud, size_t limit) {
  if (!alloc) alloc = default_alloc;
  if (limit && limit < sizeof(lem_ctx)) return NULL;
  lem_ctx *L = alloc(ud, NULL, 0, sizeof *L);
  if (!L) return NULL;
  memset(L, 0, sizeof *L);
  L->alloc = alloc;
  L->alloc_ud = ud;
  L->limit = limit;
  L->inuse = L->peak = sizeof *L;
  L->syms = lem_syms_new(L);
  L->bank = L->syms ? lem_bank_new(L) : NULL;
  if (!L->syms || !L->bank) {
    lem_ctx_free(L);
    return NULL;
  }
  return L;
}

void lem_ctx_free(lem_ctx *L) {
  if (!L) return;
  lem_bank_free(L, L->bank);
  lem_syms_free(L, L->syms);
  L->alloc(L->alloc_ud, L, sizeof *L, 0);
}

void *lem_realloc(lem_ctx *L, void *p, size_t oldn, size_t newn) {
  if (newn > oldn && L->limit &&
      (newn - oldn > L->limit || L->inuse + (newn - oldn) > L->limit)) {
    lem_error(L, LEM_ENOMEM, "out of memory (limit of %zu bytes reached)",
              L->limit);
    return NULL;
  }
  void *q = L->alloc(L->alloc_ud, p, p ? oldn : 0, newn);
  if (!q && newn) {
    lem_error(L, LEM_ENOMEM, "out of memory (asked for %zu bytes)", newn);
    return NULL;
  }
  L->inuse = L->inuse - (p ? oldn : 0) + newn;
  if (L->inuse > L->peak) L->peak = L->inuse;
  return q;
}

void *lem_malloc(lem_ctx *L, size_t n) {
  return lem_realloc(L, NULL, 0, n ? n : 1);
}

void *lem_calloc(lem_ctx *L, size_t n) {
  void *p = lem_malloc(L, n);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

void lem_free(lem_ctx *L, void *p, size_t n) {
  if (!p) return;
  L->alloc(L->alloc_ud, p, n, 0);
  L->inuse -= n;
}

char *lem_strndup(lem_ctx *L, const char *s, size_t len) {
  char *d = lem_malloc(L, len + 1);
  if (!d) return NULL;
  memcpy(d, s, len);
  d[len] = 0;
  return d;
}

lem_err lem_grow(lem_ctx *L, void **arr, uint32_t *cap, uint32_t need,
                 size_t elsz) {
  if (need <= *cap) return LEM_OK;
  uint64_t ncap = *cap ? *cap : 8;
  while (ncap < need) ncap *= 2;
  if (ncap > UINT32_MAX || ncap * elsz > SIZE_MAX / 2)
    return lem_error(L, LEM_ELIMIT, "array too large (%u elements)", need);
  void *p = lem_realloc(L, *arr, (size_t)*cap * elsz, (size_t)ncap * elsz);
  if (!p) return LEM_ENOMEM;
  *arr = p;
  *cap = (uint32_t)ncap;
  return LEM_OK;
}

lem_err lem_error(lem_ctx *L, lem_err code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(L->errmsg, sizeof L->errmsg, fmt, ap);
  va_end(ap);
  L->err = code;
  return code;
}

const char *lem_errmsg(const lem_ctx *L) { return L->errmsg; }

void lem_clear_error(lem_ctx *L) {
  L->err = LEM_OK;
  L->errmsg[0] = 0;
}

const char *lem_strerror(lem_err e) {
  switch (e) {
    case LEM_OK: return "success";
    case LEM_ENOMEM: return "out of memory";
    case LEM_ESYNTAX: return "syntax error";
    case LEM_ESEMANTIC: return "semantic error";
    case LEM_EIO: return "input/output error";
    case LEM_ELIMIT: return "limit exceeded";
    case LEM_EDB: return "database error";
    case LEM_ECHECK: return "proof check failed";
    case LEM_ESMT: return "SMT solver error";
    case LEM_EINVAL: return "invalid argument";
  }
  return "unknown error";
}

uint32_t lem_hash_bytes(const void *p, size_t n, uint32_t seed) {
  const unsigned char *s = p;
  uint32_t h = 2166136261u ^ seed;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 16777619u;
  }
  return h;
}
