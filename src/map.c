/*
** map.c: the 64-to-32-bit hash map of map.h.
*/
#include "map.h"

#include <string.h>

static uint32_t slot_of(uint64_t k, uint32_t mask) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (uint32_t)k & mask;
}

void lem_map_free(lem_ctx *L, lem_map *m) {
  lem_free(L, m->keys, (size_t)m->cap * sizeof *m->keys);
  lem_free(L, m->vals, (size_t)m->cap * sizeof *m->vals);
  memset(m, 0, sizeof *m);
}

int lem_map_get(const lem_map *m, uint64_t key, uint32_t *val) {
  if (!m->cap) return 0;
  uint32_t mask = m->cap - 1;
  for (uint32_t i = slot_of(key, mask);; i = (i + 1) & mask) {
    if (m->keys[i] == key) {
      *val = m->vals[i];
      return 1;
    }
    if (m->keys[i] == LEM_MAP_EMPTY) return 0;
  }
}

static lem_err resize(lem_ctx *L, lem_map *m, uint32_t ncap) {
  uint64_t *k = lem_malloc(L, (size_t)ncap * sizeof *k);
  uint32_t *v = k ? lem_malloc(L, (size_t)ncap * sizeof *v) : NULL;
  if (!v) {
    lem_free(L, k, (size_t)ncap * sizeof *k);
    return LEM_ENOMEM;
  }
  memset(k, 0xff, (size_t)ncap * sizeof *k);
  for (uint32_t i = 0; i < m->cap; i++) {
    if (m->keys[i] == LEM_MAP_EMPTY) continue;
    uint32_t j = slot_of(m->keys[i], ncap - 1);
    while (k[j] != LEM_MAP_EMPTY) j = (j + 1) & (ncap - 1);
    k[j] = m->keys[i];
    v[j] = m->vals[i];
  }
  uint32_t n = m->n;
  lem_map_free(L, m);
  m->keys = k;
  m->vals = v;
  m->cap = ncap;
  m->n = n;
  return LEM_OK;
}

lem_err lem_map_put(lem_ctx *L, lem_map *m, uint64_t key, uint32_t val) {
  if (key == LEM_MAP_EMPTY)
    return lem_error(L, LEM_EINVAL, "lem_map_put: reserved key");
  if ((uint64_t)(m->n + 1) * 4 >= (uint64_t)m->cap * 3) {
    if (m->cap >= (1u << 31)) return lem_error(L, LEM_ELIMIT, "map too large");
    lem_err e = resize(L, m, m->cap ? m->cap * 2 : 16);
    if (e) return e;
  }
  uint32_t mask = m->cap - 1;
  uint32_t i = slot_of(key, mask);
  while (m->keys[i] != LEM_MAP_EMPTY && m->keys[i] != key) i = (i + 1) & mask;
  if (m->keys[i] == LEM_MAP_EMPTY) m->n++;
  m->keys[i] = key;
  m->vals[i] = val;
  return LEM_OK;
}

lem_err lem_map_copy(lem_ctx *L, lem_map *dst, const lem_map *src) {
  memset(dst, 0, sizeof *dst);
  if (!src->cap) return LEM_OK;
  dst->keys = lem_malloc(L, (size_t)src->cap * sizeof *dst->keys);
  dst->vals = dst->keys ? lem_malloc(L, (size_t)src->cap * sizeof *dst->vals)
                        : NULL;
  if (!dst->vals) {
    lem_free(L, dst->keys, (size_t)src->cap * sizeof *dst->keys);
    dst->keys = NULL;
    return LEM_ENOMEM;
  }
  memcpy(dst->keys, src->keys, (size_t)src->cap * sizeof *dst->keys);
  memcpy(dst->vals, src->vals, (size_t)src->cap * sizeof *dst->vals);
  dst->n = src->n;
  dst->cap = src->cap;
  return LEM_OK;
}
