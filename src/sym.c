/*
** sym.c: the symbol table, an open-addressing hash set of strings.
**
** Strings live in chunked arenas that never move, so lem_sym_name() pointers
** stay valid for the life of the context.
*/
#include "sym.h"

#include <stdio.h>
#include <string.h>

#define CHUNK 65536

typedef struct chunk {
  struct chunk *next;
  size_t size, used;
  char data[];
} chunk;

typedef struct symrec {
  const char *name;
  uint32_t len, hash;
  uint32_t fresh;   /* made by lem_sym_fresh */
} symrec;

struct lem_syms {
  symrec *recs;     /* recs[1..n]; recs[0] unused */
  uint32_t n, cap;
  uint32_t *slots;  /* open addressing, 0 = empty */
  uint32_t nslots;  /* power of two */
  chunk *chunks;
};

lem_syms *lem_syms_new(lem_ctx *L) {
  lem_syms *S = lem_calloc(L, sizeof *S);
  if (!S) return NULL;
  S->nslots = 1024;
  S->slots = lem_calloc(L, S->nslots * sizeof *S->slots);
  if (!S->slots || LEM_GROW(L, S->recs, S->cap, 64)) {
    lem_syms_free(L, S);
    return NULL;
  }
  S->n = 0;
  return S;
}

void lem_syms_free(lem_ctx *L, lem_syms *S) {
  if (!S) return;
  for (chunk *c = S->chunks, *nx; c; c = nx) {
    nx = c->next;
    lem_free(L, c, sizeof *c + c->size);
  }
  lem_free(L, S->slots, S->nslots * sizeof *S->slots);
  lem_free(L, S->recs, S->cap * sizeof *S->recs);
  lem_free(L, S, sizeof *S);
}

static const char *store(lem_ctx *L, lem_syms *S, const char *s, size_t len) {
  chunk *c = S->chunks;
  if (!c || c->size - c->used < len + 1) {
    size_t sz = len + 1 > CHUNK ? len + 1 : CHUNK;
    c = lem_malloc(L, sizeof *c + sz);
    if (!c) return NULL;
    c->size = sz;
    c->used = 0;
    c->next = S->chunks;
    S->chunks = c;
  }
  char *d = c->data + c->used;
  memcpy(d, s, len);
  d[len] = 0;
  c->used += len + 1;
  return d;
}

static uint32_t *find_slot(const lem_syms *S, const char *s, size_t len,
                           uint32_t h) {
  uint32_t mask = S->nslots - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t y = S->slots[i];
    if (!y) return &S->slots[i];
    const symrec *r = &S->recs[y];
    if (r->hash == h && r->len == len && memcmp(r->name, s, len) == 0)
      return &S->slots[i];
  }
}

static lem_err rehash(lem_ctx *L, lem_syms *S) {
  uint32_t n2 = S->nslots * 2;
  uint32_t *ns = lem_calloc(L, (size_t)n2 * sizeof *ns);
  if (!ns) return LEM_ENOMEM;
  for (uint32_t y = 1; y <= S->n; y++) {
    uint32_t i = S->recs[y].hash & (n2 - 1);
    while (ns[i]) i = (i + 1) & (n2 - 1);
    ns[i] = y;
  }
  lem_free(L, S->slots, S->nslots * sizeof *S->slots);
  S->slots = ns;
  S->nslots = n2;
  return LEM_OK;
}

lem_sym lem_sym_intern(lem_ctx *L, const char *s, size_t len) {
  lem_syms *S = L->syms;
  if (len > UINT32_MAX / 2) {
    lem_error(L, LEM_ELIMIT, "symbol name too long");
    return LEM_NOSYM;
  }
  uint32_t h = lem_hash_bytes(s, len, 0);
  uint32_t *slot = find_slot(S, s, len, h);
  if (*slot) return *slot;
  if ((S->n + 1) * 4 >= S->nslots * 3) {
    if (rehash(L, S)) return LEM_NOSYM;
    slot = find_slot(S, s, len, h);
  }
  if (LEM_GROW(L, S->recs, S->cap, S->n + 2)) return LEM_NOSYM;
  const char *name = store(L, S, s, len);
  if (!name) return LEM_NOSYM;
  uint32_t y = ++S->n;
  S->recs[y] = (symrec){name, (uint32_t)len, h, 0};
  *slot = y;
  return y;
}

lem_sym lem_sym_cstr(lem_ctx *L, const char *s) {
  return lem_sym_intern(L, s, strlen(s));
}

lem_sym lem_sym_find(const lem_ctx *L, const char *s, size_t len) {
  const lem_syms *S = L->syms;
  return *find_slot(S, s, len, lem_hash_bytes(s, len, 0));
}

const char *lem_sym_name(const lem_ctx *L, lem_sym y) {
  return y && y <= L->syms->n ? L->syms->recs[y].name : "";
}

size_t lem_sym_len(const lem_ctx *L, lem_sym y) {
  return y && y <= L->syms->n ? L->syms->recs[y].len : 0;
}

uint32_t lem_sym_count(const lem_ctx *L) { return L->syms->n; }

lem_sym lem_sym_fresh(lem_ctx *L, const char *prefix, lem_sym base,
                      uint32_t *next) {
  char buf[128];
  const char *name = lem_sym_name(L, base);
  for (;;) {
    if (*next == UINT32_MAX) {
      lem_error(L, LEM_ELIMIT, "no fresh name left from '%.80s'", name);
      return LEM_NOSYM;
    }
    uint32_t k = (*next)++;
    if (k == 1) continue; /* "a", then "a2", "a3", ... */
    int n = k == 0 ? snprintf(buf, sizeof buf, "%s%.80s", prefix, name)
                   : snprintf(buf, sizeof buf, "%s%.80s%u", prefix, name, k);
    if (n < 0 || (size_t)n >= sizeof buf) {
      lem_error(L, LEM_ELIMIT, "fresh name from '%.80s' too long", name);
      return LEM_NOSYM;
    }
    lem_sym y = lem_sym_find(L, buf, (size_t)n);
    if (y && !L->syms->recs[y].fresh) continue; /* somebody else's */
    if (!y && !(y = lem_sym_intern(L, buf, (size_t)n))) return LEM_NOSYM;
    L->syms->recs[y].fresh = 1;
    return y;
  }
}
