/*
** fuzz_db.c: a libFuzzer target for the proof database reader.
**
** Each input is written to a temporary file, opened as a lemma database,
** its theory reloaded, its proof loaded and checked, and everything freed.
** Whatever the bytes, nothing may crash, hang or leak; errors are expected.
** Seeds: databases written by tests/proofgen.c (a valid database is the
** best start, since most mutations of random bytes die at the header).
**
** Build (clang): clang -g -O1 -fsanitize=fuzzer,address,undefined
**   -Isrc src/[a-z]*.c src/check/check.c tests/fuzz_db.c -lsqlite3
** Without libFuzzer, -DLEM_FUZZ_MAIN gives a main that runs each file named
** on the command line once (for reproducing a crash, or a smoke test).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "mpl.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(lem_ctx *L, const char *path) {
  lem_store *S = NULL;
  lem_proof *P = NULL;
  lem_theory *T = NULL;
  char *name = NULL, *text = NULL;
  size_t len = 0;
  if (lem_store_open(L, path, LEM_STORE_READ, &S)) return;
  if (!lem_store_read_theory(S, &name, &text, &len))
    lem_theory_load_text(L, text, len, "fuzz", &T);
  if (!lem_store_load(S, &P)) {
    lem_check_result r;
    lem_check_proof(L, P, T, NULL, 0, &r);
  }
  /* the version 2 readers: decision points and theorem metadata */
  lem_decision *d = NULL;
  uint32_t nd = 0;
  if (!lem_store_read_decisions(S, 0, &d, &nd))
    lem_store_decisions_free(L, d, nd);
  lem_thm_meta m;
  for (uint32_t t = 1; P && t <= P->nthms && t <= 8; t++)
    if (!lem_store_read_meta(S, P->thms[t - 1].dbid, &m))
      lem_store_meta_free(L, &m);
  if (name) lem_free(L, name, strlen(name) + 1);
  if (text) lem_free(L, text, len + 1);
  lem_theory_free(L, T);
  lem_proof_free(P);
  lem_store_close(S);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[] = "/tmp/lemma-fuzz-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 0;
  size_t off = 0;
  while (off < size) {
    ssize_t n = write(fd, data + off, size - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  close(fd);
  lem_ctx *L = lem_ctx_new(NULL, NULL, 64u << 20); /* bounded memory */
  if (L) run(L, path);
  lem_ctx_free(L);
  unlink(path);
  char side[sizeof path + 4]; /* SQLite may leave WAL side files */
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  return 0;
}

#ifdef LEM_FUZZ_MAIN
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
      LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    fclose(f);
  }
  return 0;
}
#endif
