/*
** map.h: a hash map from 64-bit keys to 32-bit values.
**
** Open addressing with linear probing; memory through the context's
** allocator.  Iteration order is not defined, so code that must be
** deterministic never iterates a map: it keeps its own ordered lists and uses
** the map only to look things up.  Key UINT64_MAX is reserved (empty slot).
*/
#ifndef LEM_MAP_H
#define LEM_MAP_H

#include "ctx.h"

typedef struct lem_map {
  uint64_t *keys;
  uint32_t *vals;
  uint32_t n, cap; /* cap: 0 or a power of two */
} lem_map;

#define LEM_MAP_EMPTY UINT64_MAX

/* An empty map needs no allocation: lem_map m = {0}. */
void lem_map_free(lem_ctx *L, lem_map *m);

/* Look key up: 1 and *val set if present, else 0. */
int lem_map_get(const lem_map *m, uint64_t key, uint32_t *val);

/* Insert or overwrite.  LEM_OK, LEM_ENOMEM, or LEM_EINVAL for the reserved
** key. */
lem_err lem_map_put(lem_ctx *L, lem_map *m, uint64_t key, uint32_t val);

/* Copy src into a new map *dst (which must be empty). */
lem_err lem_map_copy(lem_ctx *L, lem_map *dst, const lem_map *src);

static inline uint64_t lem_key2(uint32_t a, uint32_t b) {
  return ((uint64_t)a << 32) | b;
}

#endif
