/*
 * Cross-language check, the C side (Go and Python have the same command):
 *
 *   interop sign   DIR NAME   generate one key per algorithm, sign a token with each, write
 *                             DIR/NAME.jwks.json (public keys) and DIR/NAME.tokens (one a line)
 *   interop verify DIR NAME   verify every token of DIR/NAME.tokens against DIR/NAME.jwks.json
 *                             (and check a tampered copy of each is refused)
 *
 * Keys are exchanged only as a public JWK Set; tokens only as compact JWTs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqjose.h"

static const char *ALGS[] = {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "ML-DSA-65-Ed25519",
                             "ML-DSA-44-ES256", "SLH-DSA-SHA2-128s", "Ed25519", "ES256"};
#define NALGS (sizeof ALGS / sizeof ALGS[0])

static int fail(const char *what, pqj_status st, pqj_error *err) {
  fprintf(stderr, "interop(c): %s: %s (%u): %s\n", what, pqj_status_str(st), (unsigned)st,
          pqj_error_message(err));
  pqj_error_free(err);
  return 1;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      buf[n] = '\0';
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

static int sign_all(const char *dir, const char *name) {
  char path[4096], claims[256];
  const pqj_keyset *set = NULL;
  pqj_error *err = NULL;
  pqj_status st;
  int rc = 0;
  FILE *tokens;
  snprintf(path, sizeof path, "%s/%s.tokens", dir, name);
  tokens = fopen(path, "w");
  if (tokens == NULL) return 1;
  snprintf(claims, sizeof claims,
           "{\"iss\":\"pqjose-interop\",\"aud\":\"interop\",\"sub\":\"%s\",\"lang\":\"c\"}", name);
  if ((st = pqj_keyset_new(&set, &err)) != PQJ_STATUS_OK) rc = fail("keyset", st, err);
  for (size_t i = 0; i < NALGS && rc == 0; i++) {
    const pqj_key *key = NULL;
    pqj_token_builder *b = NULL;
    char *token = NULL;
    if ((st = pqj_key_generate(ALGS[i], NULL, &key, &err)) != PQJ_STATUS_OK ||
        (st = pqj_keyset_add(set, key, &err)) != PQJ_STATUS_OK ||
        (st = pqj_token_builder_new((const uint8_t *)claims, strlen(claims), &b, &err)) !=
            PQJ_STATUS_OK ||
        (st = pqj_token_builder_set_ttl(b, 3600, &err)) != PQJ_STATUS_OK ||
        (st = pqj_token_builder_sign(b, key, &token, &err)) != PQJ_STATUS_OK) {
      rc = fail(ALGS[i], st, err);
    } else {
      fprintf(tokens, "%s\n", token);
    }
    pqj_string_free(token);
    pqj_token_builder_free(b);
    pqj_key_free(key);
  }
  fclose(tokens);
  char *jwks = NULL;
  if (rc == 0 && (st = pqj_keyset_public_jwks(set, &jwks, &err)) != PQJ_STATUS_OK) {
    rc = fail("jwks", st, err);
  }
  if (rc == 0) {
    snprintf(path, sizeof path, "%s/%s.jwks.json", dir, name);
    FILE *f = fopen(path, "w");
    rc = f == NULL || fputs(jwks, f) < 0;
    if (f != NULL) fclose(f);
  }
  pqj_string_free(jwks);
  pqj_keyset_free(set);
  if (rc == 0) printf("interop(c): signed %zu tokens as %s\n", NALGS, name);
  return rc;
}

static int verify_all(const char *dir, const char *name) {
  char path[4096];
  pqj_error *err = NULL;
  pqj_status st;
  const pqj_keyset *set = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  int rc = 0, n = 0;
  snprintf(path, sizeof path, "%s/%s.jwks.json", dir, name);
  char *jwks = read_file(path);
  snprintf(path, sizeof path, "%s/%s.tokens", dir, name);
  char *tokens = read_file(path);
  if (jwks == NULL || tokens == NULL) {
    fprintf(stderr, "interop(c): cannot read %s/%s.*\n", dir, name);
    rc = 1;
    goto out;
  }
  size_t skipped = 0;
  if ((st = pqj_keyset_from_jwks((const uint8_t *)jwks, strlen(jwks), &set, &skipped, &err)) !=
          PQJ_STATUS_OK ||
      (st = pqj_validation_new(&v, &err)) != PQJ_STATUS_OK ||
      (st = pqj_validation_add_issuer(v, "pqjose-interop", &err)) != PQJ_STATUS_OK ||
      (st = pqj_validation_add_audience(v, "interop", &err)) != PQJ_STATUS_OK ||
      (st = pqj_validation_set_subject(v, name, &err)) != PQJ_STATUS_OK ||
      (st = pqj_validation_require_claim(v, "lang", &err)) != PQJ_STATUS_OK ||
      (st = pqj_verifier_new(set, v, &ver, &err)) != PQJ_STATUS_OK) {
    rc = fail("setup", st, err);
    goto out;
  }
  if (skipped != 0) {
    fprintf(stderr, "interop(c): %zu keys of %s skipped\n", skipped, name);
    rc = 1;
  }
  for (char *line = strtok(tokens, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char *claims = NULL;
    size_t len = strlen(line);
    if ((st = pqj_verifier_verify(ver, (const uint8_t *)line, len, &claims, &err)) !=
        PQJ_STATUS_OK) {
      rc = fail("verify", st, err);
      err = NULL;
      continue;
    }
    pqj_string_free(claims);
    line[len - 3] = line[len - 3] == 'A' ? 'B' : 'A'; /* tamper with the signature */
    if (pqj_verifier_verify(ver, (const uint8_t *)line, len, NULL, NULL) == PQJ_STATUS_OK) {
      fprintf(stderr, "interop(c): tampered token accepted\n");
      rc = 1;
    }
    n++;
  }
  if (n == 0) rc = 1;
  if (rc == 0) printf("interop(c): verified %d tokens from %s\n", n, name);
out:
  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_keyset_free(set);
  free(tokens);
  free(jwks);
  return rc;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "sign") == 0) return sign_all(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "verify") == 0) return verify_all(argv[2], argv[3]);
  fprintf(stderr, "usage: interop sign|verify DIR NAME\n");
  return 2;
}
