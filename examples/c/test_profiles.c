/*
 * DPoP proofs and delegated tokens through the C ABI (issue 15): make and verify a proof, bind
 * an access token to the proof key, mint a delegated token and read its chain of actors; the
 * refusals come back as their own status codes. Run under ASan and valgrind by 30-c.sh.
 */
#include <stdint.h>

#include "check.h"

static const char *HTU = "https://rs.example/api/items";

static const pqj_key *gen(const char *alg) {
  const pqj_key *key = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate(alg, NULL, &key, err_out));
  return key;
}

/* A verifier over `key`'s public part; `aud` required when not NULL; `jkt` bound when not NULL. */
static const pqj_verifier *verifier_for(const pqj_key *key, const char *aud, const char *jkt) {
  const pqj_keyset *set = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, key, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  if (aud != NULL) CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_add_audience(v, aud, err_out));
  if (jkt != NULL) CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_bind_jkt(v, jkt, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  pqj_validation_free(v);
  pqj_keyset_free(set);
  return ver;
}

static char *sign(const pqj_key *key, const char *claims) {
  pqj_token_builder *b = NULL;
  char *token = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes(claims), strlen(claims), &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign(b, key, &token, err_out));
  pqj_token_builder_free(b);
  return token;
}

static void dpop(void) {
  const pqj_key *client = gen("ML-DSA-65");
  const pqj_key *issuer = gen("Ed25519");
  char *thumb = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_thumbprint(client, &thumb, err_out));
  char claims[256];
  snprintf(claims, sizeof claims, "{\"sub\":\"client\",\"cnf\":{\"jkt\":\"%s\"}}", thumb);
  char *at = sign(issuer, claims);

  char *proof = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_dpop_proof(client, "GET", "https://rs.example/api/items?x=1",
                                             bytes(at), strlen(at), "n-1", &proof, err_out));
  char *jkt = NULL, *pclaims = NULL;
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_dpop_verify(bytes(proof), strlen(proof), "GET", HTU, bytes(at), strlen(at),
                               "n-1", 0, "pqc", &jkt, &pclaims, err_out));
  CHECK(jkt != NULL && strcmp(jkt, thumb) == 0);
  CHECK(pclaims != NULL && strstr(pclaims, "\"htu\":\"https://rs.example/api/items\"") != NULL);

  /* The token verifies only when bound to the proof key. */
  const pqj_verifier *bound = verifier_for(issuer, NULL, jkt);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify(bound, bytes(at), strlen(at), NULL, err_out));
  const pqj_verifier *other = verifier_for(issuer, NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK_STATUS(PQJ_STATUS_BINDING_MISMATCH,
               pqj_verifier_verify(other, bytes(at), strlen(at), NULL, err_out));
  char *bearer = sign(issuer, "{\"sub\":\"client\"}");
  CHECK_STATUS(PQJ_STATUS_NOT_SENDER_CONSTRAINED,
               pqj_verifier_verify(bound, bytes(bearer), strlen(bearer), NULL, err_out));

  /* Refusals, outputs untouched. */
  char *untouched = NULL;
  CHECK_STATUS(PQJ_STATUS_DPOP_METHOD,
               pqj_dpop_verify(bytes(proof), strlen(proof), "POST", HTU, bytes(at), strlen(at),
                               "n-1", 0, NULL, &untouched, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_DPOP_URI,
               pqj_dpop_verify(bytes(proof), strlen(proof), "GET", "https://rs.example/other",
                               bytes(at), strlen(at), "n-1", 0, NULL, &untouched, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_ACCESS_TOKEN_HASH,
               pqj_dpop_verify(bytes(proof), strlen(proof), "GET", HTU, bytes(bearer),
                               strlen(bearer), "n-1", 0, NULL, &untouched, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_NONCE,
               pqj_dpop_verify(bytes(proof), strlen(proof), "GET", HTU, NULL, 0, "n-2", 0, NULL,
                               &untouched, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_ALG_NOT_ALLOWED,
               pqj_dpop_verify(bytes(proof), strlen(proof), "GET", HTU, NULL, 0, NULL, 0,
                               "composite", &untouched, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_URI,
               pqj_dpop_proof(client, "GET", "/relative", NULL, 0, NULL, &untouched, err_out));

  /* Single use through a replay store: a refused proof does not use up its jti; a replay is
   * refused; a Redis that cannot answer refuses (fail closed); no store is an error. */
  {
    const pqj_replay_store *store = NULL, *down = NULL;
    char *jkt2 = NULL;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_memory(16, &store, err_out));
    CHECK_STATUS(PQJ_STATUS_DPOP_METHOD,
                 pqj_dpop_verify_once(store, bytes(proof), strlen(proof), "POST", HTU, bytes(at),
                                      strlen(at), "n-1", 0, NULL, &untouched, NULL, err_out));
    CHECK_STATUS(PQJ_STATUS_OK,
                 pqj_dpop_verify_once(store, bytes(proof), strlen(proof), "GET", HTU, bytes(at),
                                      strlen(at), "n-1", 0, NULL, &jkt2, NULL, err_out));
    CHECK(jkt2 != NULL && strcmp(jkt2, thumb) == 0);
    CHECK_STATUS(PQJ_STATUS_REPLAYED,
                 pqj_dpop_verify_once(store, bytes(proof), strlen(proof), "GET", HTU, bytes(at),
                                      strlen(at), "n-1", 0, NULL, &untouched, NULL, err_out));
    /* Without a store the same proof still verifies (nothing remembered). */
    CHECK_STATUS(PQJ_STATUS_OK,
                 pqj_dpop_verify(bytes(proof), strlen(proof), "GET", HTU, bytes(at), strlen(at),
                                 "n-1", 0, NULL, &untouched, NULL, err_out));
    pqj_string_free(untouched);
    untouched = NULL;
    CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER,
                 pqj_dpop_verify_once(NULL, bytes(proof), strlen(proof), "GET", HTU, bytes(at),
                                      strlen(at), "n-1", 0, NULL, &untouched, NULL, err_out));
    CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_redis("redis://127.0.0.1:1/0", 0, &down, err_out));
    CHECK_STATUS(PQJ_STATUS_REPLAY_STORE_UNAVAILABLE,
                 pqj_dpop_verify_once(down, bytes(proof), strlen(proof), "GET", HTU, bytes(at),
                                      strlen(at), "n-1", 0, NULL, &untouched, NULL, err_out));
    CHECK(untouched == NULL);
    pqj_string_free(jkt2);
    pqj_replay_store_free(down);
    pqj_replay_store_free(store);
  }
  {
    char *pub_jwk = NULL;
    const pqj_key *pub = NULL;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_key_public_jwk(client, &pub_jwk, err_out));
    CHECK_STATUS(PQJ_STATUS_OK,
                 pqj_key_from_jwk(bytes(pub_jwk), strlen(pub_jwk), &pub, err_out));
    CHECK_STATUS(PQJ_STATUS_KEY_NOT_PRIVATE,
                 pqj_dpop_proof(pub, "GET", HTU, NULL, 0, NULL, &untouched, err_out));
    pqj_key_free(pub);
    pqj_string_free(pub_jwk);
  }
  CHECK(untouched == NULL);
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER,
               pqj_dpop_verify(bytes(proof), strlen(proof), NULL, HTU, NULL, 0, NULL, 0, NULL,
                               &untouched, NULL, err_out));

  pqj_string_free(untouched);
  pqj_verifier_free(bound);
  pqj_verifier_free(other);
  pqj_string_free(bearer);
  pqj_string_free(jkt);
  pqj_string_free(pclaims);
  pqj_string_free(proof);
  pqj_string_free(at);
  pqj_string_free(thumb);
  pqj_key_free(issuer);
  pqj_key_free(client);
}

static void delegation(void) {
  const pqj_key *idp = gen("ES256");
  const pqj_key *sts = gen("ML-DSA-44");
  char *subject = sign(idp, "{\"sub\":\"user\",\"aud\":\"sts\",\"scope\":\"read write\","
                            "\"act\":{\"sub\":\"agent-a\"}}");
  char *actor = sign(idp, "{\"sub\":\"agent-b\",\"aud\":\"sts\"}");
  char *deep = sign(idp, "{\"sub\":\"user\",\"aud\":\"sts\",\"act\":{\"sub\":\"d\",\"act\":"
                         "{\"sub\":\"c\",\"act\":{\"sub\":\"b\",\"act\":{\"sub\":\"a\"}}}}}");
  const pqj_verifier *at_sts = verifier_for(idp, "sts", NULL);
  char *token = NULL;
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_delegate(at_sts, bytes(subject), strlen(subject), bytes(actor), strlen(actor),
                            sts, "sts", "api", "read", 0, &token, err_out));
  const pqj_verifier *at_api = verifier_for(sts, "api", NULL);
  char *claims = NULL, *actors = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verify_delegated(at_api, bytes(token), strlen(token), -1,
                                                   &claims, &actors, err_out));
  CHECK(actors != NULL && strcmp(actors, "[{\"sub\":\"agent-b\"},{\"sub\":\"agent-a\"}]") == 0);
  CHECK(claims != NULL && strstr(claims, "\"scope\":\"read\"") != NULL);
  CHECK(claims != NULL && strstr(claims, "\"sub\":\"user\"") != NULL);
  CHECK_STATUS(PQJ_STATUS_CHAIN_TOO_DEEP,
               pqj_verify_delegated(at_api, bytes(token), strlen(token), 1, NULL, NULL, err_out));

  char *untouched = NULL;
  CHECK_STATUS(PQJ_STATUS_SCOPE_WIDENED,
               pqj_delegate(at_sts, bytes(subject), strlen(subject), NULL, 0, sts, "sts", "api",
                            "admin", 0, &untouched, err_out));
  CHECK_STATUS(PQJ_STATUS_LIFETIME_EXTENDED,
               pqj_delegate(at_sts, bytes(subject), strlen(subject), NULL, 0, sts, "sts", "api",
                            NULL, 3600, &untouched, err_out));
  CHECK_STATUS(PQJ_STATUS_CHAIN_TOO_DEEP,
               pqj_delegate(at_sts, bytes(deep), strlen(deep), bytes(actor), strlen(actor), sts,
                            "sts", "api", NULL, 0, &untouched, err_out));
  /* A subject token the verifier's keys did not sign. */
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND,
               pqj_delegate(at_api, bytes(subject), strlen(subject), NULL, 0, sts, "sts", "api",
                            NULL, 0, &untouched, err_out));
  CHECK(untouched == NULL);

  pqj_string_free(claims);
  pqj_string_free(actors);
  pqj_string_free(token);
  pqj_verifier_free(at_api);
  pqj_verifier_free(at_sts);
  pqj_string_free(deep);
  pqj_string_free(actor);
  pqj_string_free(subject);
  pqj_key_free(sts);
  pqj_key_free(idp);
}

int main(void) {
  dpop();
  delegation();
  return check_summary("test_profiles");
}
