/*
** policy_io.c: the policy's weights file, in the safetensors format
** (https://huggingface.co/docs/safetensors): an 8-byte little-endian
** header length N, N bytes of JSON, then the tensors' raw little-endian
** float32 data.  The JSON maps each tensor's name to
**   {"dtype":"F32","shape":[rows,cols],"data_offsets":[begin,end]}
** (offsets in bytes from the start of the data) and "__metadata__" to
**   {"format":"lemma-policy","version":"1","width":"128","layers":"2",...}.
** The reader is written for this writer's output but checks everything it
** relies on (names, dtypes, shapes, offsets within the file) and refuses
** the file with a message otherwise; it never trusts a size from the file.
*/
#include "policy_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (64u << 20)

static void param_name(int i, char *buf, size_t n) {
  static const char *const layer[NLP] = {
      "ln1.w", "ln1.b", "qkv.w", "qkv.b", "proj.w", "proj.b",
      "ln2.w", "ln2.b", "fc.w",  "fc.b",  "fcproj.w", "fcproj.b"};
  static const char *const glob[] = {"wte", "wse", "wpe"};
  static const char *const tail[] = {"lnf.w", "lnf.b", "head.w1",
                                     "head.b1", "head.w2", "head.b2"};
  if (i < P_L0) snprintf(buf, n, "%s", glob[i]);
  else if (i < P_LNFW)
    snprintf(buf, n, "h%d.%s", (i - P_L0) / NLP, layer[(i - P_L0) % NLP]);
  else snprintf(buf, n, "%s", tail[i - P_LNFW]);
}

/* The linear scorer's header: one tensor "lin.w" of shape [1,LIN_D]. */
static lem_err linear_header(lem_ctx *L, lem_buf *b) {
  lem_err e = lem_buf_printf(
      L, b,
      "{\"__metadata__\":{\"format\":\"lemma-linear\",\"version\":\"2\","
      "\"features\":\"%d\",\"tmax\":\"%d\",\"types\":\"%d\","
      "\"slots\":\"%d\"},\"lin.w\":{\"dtype\":\"F32\",\"shape\":[1,%d],"
      "\"data_offsets\":[0,%d]}}",
      LIN_D, LEM_POLICY_TMAX, LEM_POLICY_TYPES, LEM_POLICY_SLOTS, LIN_D,
      LIN_D * 4);
  while (!e && b->len % 8) e = lem_buf_puts(L, b, " ");
  return e;
}

static lem_err header(lem_ctx *L, lem_buf *b) {
  lem_err e = lem_buf_printf(
      L, b,
      "{\"__metadata__\":{\"format\":\"lemma-policy\",\"version\":\"2\","
      "\"width\":\"%d\",\"layers\":\"%d\",\"heads\":\"%d\",\"mlp\":\"%d\","
      "\"tmax\":\"%d\",\"types\":\"%d\",\"slots\":\"%d\"}",
      C, NL, NH, F, LEM_POLICY_TMAX, LEM_POLICY_TYPES, LEM_POLICY_SLOTS);
  size_t off = 0;
  for (int i = 0; i < NPAR && !e; i++) {
    char name[32];
    uint32_t r, c;
    param_name(i, name, sizeof name);
    pol_param_shape(i, &r, &c);
    size_t bytes = (size_t)r * c * 4;
    e = lem_buf_printf(L, b,
                       ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%u,%u],"
                       "\"data_offsets\":[%zu,%zu]}",
                       name, r, c, off, off + bytes);
    off += bytes;
  }
  if (!e) e = lem_buf_puts(L, b, "}");
  while (!e && b->len % 8) e = lem_buf_puts(L, b, " ");
  return e;
}

static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f32(unsigned char *p, float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(u >> (8 * i));
}

static float get_f32(const unsigned char *p) {
  uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
               (uint32_t)p[3] << 24;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

lem_err lem_policy_save(lem_ctx *L, const lem_policy *P, const char *path) {
  lem_buf h = {0};
  if (P->linear ? linear_header(L, &h) : header(L, &h)) {
    lem_buf_free(L, &h);
    return LEM_ENOMEM;
  }
  FILE *f = fopen(path, "wb");
  if (!f) {
    lem_buf_free(L, &h);
    return lem_error(L, LEM_EIO, "%s: %s", path, strerror(errno));
  }
  unsigned char len[8], buf[4 * 256];
  put_u64(len, h.len);
  int ok = fwrite(len, 1, 8, f) == 8 && fwrite(h.p, 1, h.len, f) == h.len;
  for (int i = 0; i < (P->linear ? 1 : NPAR) && ok; i++) {
    const float *w = P->linear ? P->params : P->p[i];
    size_t size = P->linear ? LIN_D : P->psize[i];
    for (size_t j = 0; j < size && ok; j += 256) {
      size_t n = size - j < 256 ? size - j : 256;
      for (size_t k = 0; k < n; k++) put_f32(buf + 4 * k, w[j + k]);
      ok = fwrite(buf, 4, n, f) == n;
    }
  }
  ok = fclose(f) == 0 && ok;
  lem_buf_free(L, &h);
  return ok ? LEM_OK : lem_error(L, LEM_EIO, "%s: write failed", path);
}

/* Read a whole file (at most MAX_FILE bytes) through L: *out (a block of
** *cap bytes, for lem_free) holds *len bytes. */
static lem_err slurp(lem_ctx *L, const char *path, unsigned char **out,
                     size_t *cap_out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return lem_error(L, LEM_EIO, "%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  unsigned char *p = lem_malloc(L, cap);
  lem_err e = p ? LEM_OK : LEM_ENOMEM;
  while (!e) {
    if (n == cap) {
      if (cap >= MAX_FILE) {
        e = lem_error(L, LEM_ESYNTAX, "%s: larger than a policy can be", path);
        break;
      }
      unsigned char *q = lem_realloc(L, p, cap, cap * 2);
      if (!q) {
        e = LEM_ENOMEM;
        break;
      }
      p = q, cap *= 2;
    }
    size_t got = fread(p + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) e = lem_error(L, LEM_EIO, "%s: read failed", path);
      break;
    }
  }
  fclose(f);
  if (e) {
    if (p) lem_free(L, p, cap);
    return e;
  }
  *out = p, *cap_out = cap, *len = n;
  return LEM_OK;
}

/* Parse the unsigned integers of "key":[a,b] after s (within hdr). */
static int get_pair(const char *s, const char *key, uint64_t v[2]) {
  const char *k = strstr(s, key);
  const char *end = strchr(s, '}');
  if (!k || (end && k > end)) return -1;
  k += strlen(key);
  for (int i = 0; i < 2; i++) {
    char *e;
    if (*k < '0' || *k > '9') return -1;
    v[i] = strtoull(k, &e, 10);
    k = e;
    if (*k != (i == 0 ? ',' : ']')) return -1;
    k++;
  }
  return 0;
}

/* Check the header's entry for parameter i; *off gets its data offset. */
static lem_err check_entry(lem_ctx *L, const char *path, const char *hdr,
                           int i, size_t datalen, size_t *off) {
  char name[32], key[40];
  uint32_t r, c;
  uint64_t shape[2], offs[2];
  param_name(i, name, sizeof name);
  pol_param_shape(i, &r, &c);
  snprintf(key, sizeof key, "\"%s\":{", name);
  const char *s = strstr(hdr, key);
  if (!s) return lem_error(L, LEM_ESYNTAX, "%s: no tensor '%s'", path, name);
  s += strlen(key);
  const char *end = strchr(s, '}');
  const char *dt = strstr(s, "\"dtype\":\"F32\"");
  if (!end || !dt || dt > end)
    return lem_error(L, LEM_ESYNTAX, "%s: tensor '%s' is not F32", path, name);
  if (get_pair(s, "\"shape\":[", shape) || shape[0] != r || shape[1] != c)
    return lem_error(L, LEM_ESYNTAX, "%s: tensor '%s' should have shape "
                     "[%u,%u]", path, name, r, c);
  if (get_pair(s, "\"data_offsets\":[", offs) || offs[1] < offs[0] ||
      offs[1] - offs[0] != (uint64_t)r * c * 4 || offs[1] > datalen)
    return lem_error(L, LEM_ESYNTAX, "%s: tensor '%s' has bad data offsets",
                     path, name);
  *off = (size_t)offs[0];
  return LEM_OK;
}

/* The header's length after checking the 8-byte prefix, or 0. */
static uint64_t header_len(const unsigned char *p, size_t n) {
  if (n < 8) return 0;
  uint64_t hl = 0;
  for (int i = 0; i < 8; i++) hl |= (uint64_t)p[i] << (8 * i);
  return hl > n - 8 || hl < 2 || p[8] != '{' ? 0 : hl;
}

/* Read the linear scorer's weights (file p, n bytes, header length hl). */
static lem_err parse_linear(lem_ctx *L, const char *path,
                            const unsigned char *p, size_t n, uint64_t hl,
                            lem_policy *P) {
  char *hdr = lem_strndup(L, (const char *)p + 8, (size_t)hl);
  if (!hdr) return LEM_ENOMEM;
  lem_buf want = {0};
  lem_err e = linear_header(L, &want);
  if (!e && (strlen(hdr) != hl || hl != want.len ||
             memcmp(hdr, want.p, want.len)))
    e = lem_error(L, LEM_ESYNTAX, "%s: not a lemma linear scorer of this "
                  "version (its header differs)", path);
  if (!e && n - 8 - hl != (size_t)LIN_D * 4)
    e = lem_error(L, LEM_ESYNTAX, "%s: tensor 'lin.w' has bad data offsets",
                  path);
  for (size_t j = 0; !e && j < LIN_D; j++)
    P->params[j] = get_f32(p + 8 + hl + 4 * j);
  lem_buf_free(L, &want);
  lem_free(L, hdr, (size_t)hl + 1);
  return e;
}

static lem_err parse(lem_ctx *L, const char *path, const unsigned char *p,
                     size_t n, lem_policy *P) {
  uint64_t hl = header_len(p, n);
  if (!hl) return lem_error(L, LEM_ESYNTAX, "%s: not a safetensors file", path);
  char *hdr = lem_strndup(L, (const char *)p + 8, (size_t)hl);
  if (!hdr) return LEM_ENOMEM;
  lem_err e = LEM_OK;
  char want[256];
  snprintf(want, sizeof want,
           "\"format\":\"lemma-policy\",\"version\":\"2\",\"width\":\"%d\","
           "\"layers\":\"%d\",\"heads\":\"%d\",\"mlp\":\"%d\",\"tmax\":\"%d\","
           "\"types\":\"%d\",\"slots\":\"%d\"",
           C, NL, NH, F, LEM_POLICY_TMAX, LEM_POLICY_TYPES, LEM_POLICY_SLOTS);
  if (strlen(hdr) != hl || !strstr(hdr, want))
    e = lem_error(L, LEM_ESYNTAX, "%s: not a lemma policy of this version "
                  "(its metadata differ)", path);
  const unsigned char *data = p + 8 + hl;
  size_t datalen = n - 8 - (size_t)hl;
  for (int i = 0; i < NPAR && !e; i++) {
    size_t off = 0;
    e = check_entry(L, path, hdr, i, datalen, &off);
    for (size_t j = 0; !e && j < P->psize[i]; j++)
      P->p[i][j] = get_f32(data + off + 4 * j);
  }
  lem_free(L, hdr, (size_t)hl + 1);
  return e;
}

lem_err lem_policy_load(lem_ctx *L, const char *path, int train,
                        lem_policy **out) {
  *out = NULL;
  unsigned char *p = NULL;
  size_t cap = 0, n = 0;
  lem_err e = slurp(L, path, &p, &cap, &n);
  if (e) return e;
  /* which model: the linear scorer's metadata come first in its header */
  uint64_t hl = header_len(p, n);
  static const char lin[] = "{\"__metadata__\":{\"format\":\"lemma-linear\"";
  int linear = hl >= sizeof lin - 1 && !memcmp(p + 8, lin, sizeof lin - 1);
  lem_policy *P = linear ? lem_policy_new_linear(L, train)
                         : pol_alloc(L, train);  /* weights: the file's */
  if (!P) e = LEM_ENOMEM;
  if (!e) e = linear ? parse_linear(L, path, p, n, hl, P)
                     : parse(L, path, p, n, P);
  if (!e) pol_pack(P);
  lem_free(L, p, cap);
  if (e) {
    lem_policy_free(L, P);
    return e;
  }
  *out = P;
  return LEM_OK;
}
