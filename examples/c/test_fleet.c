/* Fleet calls from C: atomic replacement of a key set from a fresh JWK Set, its kids, the
 * skipped-entries report, replay and revocation checks (in-memory store; the Redis store is the
 * same handle type, tested against a real redis-server in pqjose-redis), and the remote key set
 * refusing plain HTTP and failing closed on an unreachable endpoint. */
#include "check.h"

#define NOW 1900000000
static const char *CLAIMS = "{\"iss\":\"https://issuer.example\",\"sub\":\"agent-7\"}";

static char *sign_at(const pqj_key *key, const char *claims, int64_t now) {
  pqj_token_builder *b = NULL;
  char *token = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes(claims), strlen(claims), &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_set_ttl(b, 600, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign_at(b, key, now, &token, err_out));
  pqj_token_builder_free(b);
  return token;
}

static pqj_status verify_at(const pqj_verifier *ver, const char *token, int64_t now) {
  return pqj_verifier_verify_at(ver, bytes(token), strlen(token), now, NULL, NULL);
}

/* The public JWK Set of one key. */
static char *jwks_of(const pqj_key *key) {
  const pqj_keyset *s = NULL;
  char *jwks = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&s, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(s, key, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_public_jwks(s, &jwks, err_out));
  pqj_keyset_free(s);
  return jwks;
}

static void test_rotation_kids_and_report(void) {
  const pqj_key *a = NULL, *b = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("Ed25519", "a", &a, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("Ed25519", "b", &b, err_out));
  char *ja = jwks_of(a), *jb = jwks_of(b);
  char *ta = sign_at(a, CLAIMS, NOW), *tb = sign_at(b, CLAIMS, NOW);

  /* Import with a report of the skipped entry and why. */
  char mixed[16384];
  int n = snprintf(mixed, sizeof mixed, "{\"keys\":[{\"kty\":\"nope\",\"kid\":\"x\"},%s",
                   ja + strlen("{\"keys\":["));
  CHECK(n > 0 && (size_t)n < sizeof mixed);
  const pqj_keyset *set = NULL;
  char *report = NULL;
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_keyset_from_jwks_report(bytes(mixed), strlen(mixed), &set, &report, err_out));
  CHECK(report != NULL && strstr(report, "\"index\":0") && strstr(report, "\"kid\":\"x\"") &&
        strstr(report, "\"code\":"));
  pqj_string_free(report);

  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify_at(ver, bytes(ta), strlen(ta), NOW, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND, pqj_verifier_verify_at(ver, bytes(tb), strlen(tb), NOW, NULL, err_out));

  /* Rotate: the whole contents replaced at once, seen by the existing verifier. */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_replace_from_jwks(set, bytes(jb), strlen(jb), NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND, pqj_verifier_verify_at(ver, bytes(ta), strlen(ta), NOW, NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify_at(ver, bytes(tb), strlen(tb), NOW, NULL, err_out));
  char *kids = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_kids(set, &kids, err_out));
  CHECK(kids != NULL && strstr(kids, "\"kid\":\"b\"") && strstr(kids, "\"status\":\"active\"") &&
        strstr(kids, "\"kid\":\"a\"") == NULL);
  pqj_string_free(kids);
  /* A set without a usable key never replaces the current one. */
  const char *empty = "{\"keys\":[]}";
  CHECK_STATUS(PQJ_STATUS_NO_USABLE_KEYS,
               pqj_keyset_replace_from_jwks(set, bytes(empty), strlen(empty), NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify_at(ver, bytes(tb), strlen(tb), NOW, NULL, err_out));

  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_keyset_free(set);
  pqj_string_free(ja);
  pqj_string_free(jb);
  pqj_string_free(ta);
  pqj_string_free(tb);
  pqj_key_free(a);
  pqj_key_free(b);
}

static void test_replay_and_revocation(void) {
  const pqj_key *k = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("Ed25519", "k", &k, err_out));
  const pqj_keyset *set = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, k, err_out));
  const pqj_replay_store *store = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_memory(0, &store, err_out));
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_replay_store(v, store, true, err_out));
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_validation_set_replay_store(v, NULL, true, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));

  char *t1 = sign_at(k, CLAIMS, NOW), *t2 = sign_at(k, CLAIMS, NOW + 5), *t3 = sign_at(k, CLAIMS, NOW + 9);
  CHECK(verify_at(ver, t1, NOW + 10) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, t1, NOW + 10) == PQJ_STATUS_REPLAYED);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_revoke_subject(store, "agent-7", NOW + 5, err_out));
  CHECK(verify_at(ver, t2, NOW + 10) == PQJ_STATUS_REVOKED);
  CHECK(verify_at(ver, t3, NOW + 10) == PQJ_STATUS_OK);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_revoke_kid(store, "k", err_out));
  char *t4 = sign_at(k, CLAIMS, NOW + 9);
  CHECK(verify_at(ver, t4, NOW + 10) == PQJ_STATUS_REVOKED);

  /* A Redis that cannot be reached refuses (fail closed). */
  const pqj_replay_store *down = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_replay_store_redis("redis://127.0.0.1:1/0", 0, &down, err_out));
  CHECK_STATUS(PQJ_STATUS_REPLAY_STORE_UNAVAILABLE, pqj_replay_store_revoke_kid(down, "k", err_out));
  pqj_validation *vd = NULL;
  const pqj_verifier *verd = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&vd, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_replay_store(vd, down, false, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, vd, &verd, err_out));
  CHECK(verify_at(verd, t3, NOW + 10) == PQJ_STATUS_REPLAY_STORE_UNAVAILABLE);

  pqj_replay_store_free(NULL);
  pqj_verifier_free(verd);
  pqj_validation_free(vd);
  pqj_replay_store_free(down);
  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_replay_store_free(store);
  pqj_keyset_free(set);
  pqj_string_free(t1);
  pqj_string_free(t2);
  pqj_string_free(t3);
  pqj_string_free(t4);
  pqj_key_free(k);
}

static void test_remote_keyset(void) {
  const pqj_remote_keyset *r = NULL;
  CHECK_STATUS(PQJ_STATUS_REMOTE_INSECURE_URL,
               pqj_remote_keyset_new("http://127.0.0.1:1/jwks", false, &r, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_remote_keyset_new("http://127.0.0.1:1/jwks", true, &r, err_out));
  char *last = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_remote_keyset_last_refresh(r, &last, err_out));
  CHECK(last != NULL && strcmp(last, "null") == 0);
  pqj_string_free(last);
  CHECK_STATUS(PQJ_STATUS_REMOTE_TRANSPORT, pqj_remote_keyset_refresh(r, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_remote_keyset_last_refresh(r, &last, err_out));
  CHECK(last != NULL && strstr(last, "\"ok\":false") && strstr(last, "\"code\":612"));
  pqj_string_free(last);

  const pqj_key *k = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("Ed25519", "k", &k, err_out));
  char *t = sign_at(k, CLAIMS, NOW);
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new_remote(r, v, &ver, err_out));
  /* Nothing fetched (and the cooldown holds back a second try): no key, fail closed. */
  CHECK(verify_at(ver, t, NOW) == PQJ_STATUS_REMOTE_KEYS_UNAVAILABLE);
  pqj_remote_keyset_free(r); /* the verifier keeps its own reference */
  CHECK(verify_at(ver, t, NOW) == PQJ_STATUS_REMOTE_KEYS_UNAVAILABLE);
  pqj_remote_keyset_free(NULL);
  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_string_free(t);
  pqj_key_free(k);
}

int main(void) {
  test_rotation_kids_and_report();
  test_replay_and_revocation();
  test_remote_keyset();
  return check_summary("test_fleet");
}
