/*
** sym.h: interned symbols.
**
** A symbol is a uint32_t naming one string.  Equal strings intern to the same
** symbol, so symbols compare with ==.  Symbol 0 is never handed out (it means
** "none").  Names are byte strings and may hold any byte but NUL.
*/
#ifndef LEM_SYM_H
#define LEM_SYM_H

#include "ctx.h"

typedef uint32_t lem_sym;
#define LEM_NOSYM 0u

/* Internal: create and free a context's table (done by lem_ctx_new/free). */
lem_syms *lem_syms_new(lem_ctx *L);
void lem_syms_free(lem_ctx *L, lem_syms *S);

/* Intern len bytes at s.  Returns the symbol, or LEM_NOSYM on out of memory
** (error in L).  The bytes are copied; s need not outlive the call. */
lem_sym lem_sym_intern(lem_ctx *L, const char *s, size_t len);
lem_sym lem_sym_cstr(lem_ctx *L, const char *s);

/* The symbol's name, NUL-terminated, and its length.  Valid as long as L. */
const char *lem_sym_name(const lem_ctx *L, lem_sym y);
size_t lem_sym_len(const lem_ctx *L, lem_sym y);

/* Look up without interning: LEM_NOSYM if the string was never interned. */
lem_sym lem_sym_find(const lem_ctx *L, const char *s, size_t len);

/* A name for a fresh constant: prefix + base's name, or that with a number
** after it (2, 3, ...), the first such name from suffix *next on (start
** with *next = 0) that is new or was made by this function before; *next
** moves past it.  A name interned any other way is never returned, so a
** caller that keeps one *next per base for the life of a set of constants
** gets names unique among them and different from every other symbol,
** while a later set (a new *next) reuses the same names and so the same
** terms.  LEM_NOSYM with an error in L on out of memory or when the name
** would exceed 127 bytes. */
lem_sym lem_sym_fresh(lem_ctx *L, const char *prefix, lem_sym base,
                      uint32_t *next);

/* Number of symbols interned so far (the largest symbol is count). */
uint32_t lem_sym_count(const lem_ctx *L);

#endif
