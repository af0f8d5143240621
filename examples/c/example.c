/*
 * pqjose from C: an issuer mints a short-lived ML-DSA-65 token; a gateway verifies it against
 * the issuer's published JWK Set under a post-quantum-only policy.
 *
 *   cargo build -p pqjose-ffi --release
 *   cc -std=c99 -Wall -Wextra -Werror example.c $(PKG_CONFIG_PATH=../.. pkg-config --cflags --libs pqjose)
 */
#include <stdio.h>
#include <string.h>

#include "pqjose.h"

/* Print the failure and return 1 when `status` is not OK. */
static int failed(const char *what, pqj_status status, pqj_error *err) {
  if (status == PQJ_STATUS_OK) {
    return 0;
  }
  fprintf(stderr, "%s: %s (status %u): %s\n", what, pqj_status_str(status), (unsigned)status,
          pqj_error_message(err));
  pqj_error_free(err);
  return 1;
}

int main(void) {
  int rc = 1;
  pqj_error *err = NULL;
  const pqj_key *key = NULL;
  pqj_token_builder *builder = NULL;
  char *token = NULL, *jwks = NULL, *claims = NULL;
  const pqj_keyset *keys = NULL;
  pqj_validation *validation = NULL;
  const pqj_verifier *verifier = NULL;
  const char *claims_json =
      "{\"iss\":\"https://issuer.example\",\"sub\":\"agent-7\","
      "\"aud\":\"https://gateway.example\",\"task\":\"t-42\"}";

  printf("%s\n", pqj_version());

  /* Issuer: a key, a token, and the public JWK Set to publish. */
  if (failed("generate", pqj_key_generate("ML-DSA-65", NULL, &key, &err), err)) goto out;
  if (failed("builder", pqj_token_builder_new((const uint8_t *)claims_json, strlen(claims_json),
                                              &builder, &err), err)) goto out;
  if (failed("ttl", pqj_token_builder_set_ttl(builder, 120, &err), err)) goto out;
  if (failed("typ", pqj_token_builder_set_typ(builder, "at+jwt", &err), err)) goto out;
  if (failed("sign", pqj_token_builder_sign(builder, key, &token, &err), err)) goto out;
  if (failed("keyset", pqj_keyset_new(&keys, &err), err)) goto out;
  if (failed("add", pqj_keyset_add(keys, key, &err), err)) goto out;
  if (failed("jwks", pqj_keyset_public_jwks(keys, &jwks, &err), err)) goto out;
  pqj_keyset_free(keys);
  keys = NULL;
  printf("token: %zu bytes, kid %s\n", strlen(token), pqj_key_kid(key));

  /* Gateway: load the JWK Set once, then verify each request's token. */
  if (failed("load jwks", pqj_keyset_from_jwks((const uint8_t *)jwks, strlen(jwks), &keys, NULL,
                                               &err), err)) goto out;
  if (failed("validation", pqj_validation_new(&validation, &err), err)) goto out;
  if (failed("policy", pqj_validation_set_policy(validation, "pqc", &err), err)) goto out;
  if (failed("issuer", pqj_validation_add_issuer(validation, "https://issuer.example", &err), err))
    goto out;
  if (failed("audience",
             pqj_validation_add_audience(validation, "https://gateway.example", &err), err))
    goto out;
  if (failed("typ", pqj_validation_set_typ(validation, "at+jwt", &err), err)) goto out;
  if (failed("require", pqj_validation_require_claim(validation, "task", &err), err)) goto out;
  if (failed("verifier", pqj_verifier_new(keys, validation, &verifier, &err), err)) goto out;
  if (failed("verify", pqj_verifier_verify(verifier, (const uint8_t *)token, strlen(token),
                                           &claims, &err), err)) goto out;
  printf("verified claims: %s\n", claims);

  /* A tampered token is refused, with a status and a message. */
  token[strlen(token) - 2] ^= 1;
  pqj_status st = pqj_verifier_verify(verifier, (const uint8_t *)token, strlen(token), NULL, &err);
  printf("tampered token: %s (status %u): %s\n", pqj_status_str(st), (unsigned)st,
         pqj_error_message(err));
  pqj_error_free(err);
  rc = st == PQJ_STATUS_OK ? 1 : 0;

out:
  pqj_string_free(claims);
  pqj_verifier_free(verifier);
  pqj_validation_free(validation);
  pqj_keyset_free(keys);
  pqj_string_free(jwks);
  pqj_string_free(token);
  pqj_token_builder_free(builder);
  pqj_key_free(key);
  return rc;
}
