/*
** testalloc.h: a counting allocator for tests.
**
** Pass count_alloc and a counter to lem_ctx_new: the counter tracks the
** blocks live, so a test can check that everything was freed (live == 0)
** after a failure path, whatever byte limit the context enforced.
*/
#ifndef LEM_TESTALLOC_H
#define LEM_TESTALLOC_H

#include <stdlib.h>

typedef struct counter {
  long live;  /* blocks live */
  long fails; /* refusals (for allocators that refuse; unused here) */
} counter;

static inline void *count_alloc(void *ud, void *p, size_t oldsz,
                                size_t newsz) {
  counter *c = ud;
  (void)oldsz;
  if (newsz == 0) {
    if (p) c->live--;
    free(p);
    return NULL;
  }
  void *q = realloc(p, newsz);
  if (q && !p) c->live++;
  return q;
}

#endif
