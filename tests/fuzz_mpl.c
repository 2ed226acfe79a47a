/*
** fuzz_mpl.c: a libFuzzer target for the MPL reader.
**
** Each input is read twice: as a theory manifest (lem_theory_load_text) and
** as a formula (lem_read_formula) against the peano theory, which is loaded
** from the embedded copy below (corpus/peano with NaturalNumbers.mpl inlined
** and comments dropped; keep it in step with the corpus).  Everything is
** freed; a failure must leave no theory and a message, and whatever reads
** must print and read back to the same id.
**
** Build and run (see also `make fuzz`):
**   clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L \
**     -fsanitize=fuzzer,address,undefined -Isrc src/ctx.c src/sym.c \
**     src/term.c src/mpl.c tests/fuzz_mpl.c \
**     -o fuzz_mpl && ./fuzz_mpl -max_total_time=60 tests/data/fuzz-seeds
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "mpl.h"
#include "term.h"

static const char PEANO[] =
    "relation in[x,X] : (elem, set);\n"
    "relation in2[x,y,f] : (in, out, op);\n"
    "relation in3[x,y,z,f] : (in, in, out, op);\n"
    "define fXY[f,X,Y] := (&\n"
    "\t(>[x,y](in2[x,y,f])(&(in[x,X])(in[y,Y])))\n"
    "\t(&\n"
    "\t\t(>[x](in[x,X])!(>[y](in[y,Y])!(in2[x,y,f])))\n"
    "\t\t(>[x,y,z](&(in2[x,y,f])(in2[x,z,f]))(=[y,z]))\n"
    "\t)\n"
    ");\n"
    "define fXYZ[f,X,Y,Z] := (&\n"
    "\t(>[x,y,z](in3[x,y,z,f])(&(in[x,X])(&(in[y,Y])(in[z,Z]))))\n"
    "\t(&\n"
    "\t\t(>[x,y](&(in[x,X])(in[y,Y]))!(>[z](in[z,Z])!(in3[x,y,z,f])))\n"
    "\t\t(>[x,y,z,w](&(in3[x,y,z,f])(in3[x,y,w,f]))(=[z,w]))\n"
    "\t)\n"
    ");\n"
    "define NaturalNumbers[N,i0,s,+,*] := (&\n"
    "\t(in[i0,N])\n"
    "(&\n"
    "\t(fXY[s,N,N])\n"
    "(&\n"
    "\t(>[a,b,c](&(in2[a,c,s])(in2[b,c,s]))(=[a,b]))\n"
    "(&\n"
    "\t(>[a](in[a,N])!(in2[a,i0,s]))\n"
    "(&\n"
    "\t(fXYZ[+,N,N,N])\n"
    "(&\n"
    "\t(fXYZ[*,N,N,N])\n"
    "(&\n"
    "\t(>[a](in[a,N])(in3[a,i0,a,+]))\n"
    "(&\n"
    "\t(>[a,b,c,d](&(in3[a,b,c,+])(in2[b,d,s]))(>[e](in2[c,e,s])(in3[a,d,e,+])))\n"
    "(&\n"
    "\t(>[a](in[a,N])(in3[a,i0,i0,*]))\n"
    "\t(>[a,b,c,d](&(in3[a,b,c,*])(in2[b,d,s]))(>[e](in3[c,a,e,+])(in3[a,d,e,*])))\n"
    ")))))))));\n"
    "anchor Peano[N,i0,s,+,*,i1] := (&\n"
    "\t(NaturalNumbers[N,i0,s,+,*])\n"
    "\t(in2[i0,i1,s])\n"
    ");\n"
    "notation in[x,X] \"{x} ∈ {X}\";\n"
    "notation in2[x,y,f] \"{f}({x}) = {y}\";\n"
    "notation in3[x,y,z,f] \"{x} {f} {y} = {z}\";\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) return 0;
  const char *text = (const char *)data;
  lem_theory *T = NULL;
  if (lem_theory_load_text(L, text, size, "fuzz.mpl", &T) == LEM_OK) {
    /* a loaded theory prints and reads back */
    for (uint32_t i = 0; i < T->ndefs; i++) {
      char *s = lem_term_str(L, T->defs[i].body);
      if (!s) abort();
      if (lem_read_body(L, T, T->defs[i].nparams, T->defs[i].params, s,
                        strlen(s), "p", 1, 1) != T->defs[i].body)
        abort();
      lem_free(L, s, strlen(s) + 1);
    }
    lem_theory_free(L, T);
  } else if (T || !lem_errmsg(L)[0]) {
    abort(); /* a failure leaves no theory and always a message */
  }
  lem_theory *P = NULL;
  if (lem_theory_load_text(L, PEANO, sizeof PEANO - 1, "peano.mpl", &P))
    abort();
  lem_term g = lem_read_formula(L, P, text, size, "goal", 1, 1);
  if (g) {
    char *s = lem_term_str(L, g);
    if (!s || lem_read_formula(L, P, s, strlen(s), "p", 1, 1) != g) abort();
    lem_free(L, s, strlen(s) + 1);
  } else if (!lem_errmsg(L)[0]) {
    abort();
  }
  lem_theory_free(L, P);
  lem_ctx_free(L);
  return 0;
}
