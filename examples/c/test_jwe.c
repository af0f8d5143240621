/*
 * JWE through the C ABI (issue 12): generate and import encryption keys for the post-quantum,
 * PQ/T and classical algorithms, encrypt and decrypt (compact, a plaintext with NUL bytes),
 * key sets selected by kid, the opaque failure for a wrong key or a flipped bit, keys bound to
 * one purpose (a signing JWK is no encryption key), and a nested token (ML-DSA signed, HPKE-9
 * encrypted) opened and verified in one call. Run under ASan and valgrind by 30-c.sh.
 */
#include <stdint.h>

#include "check.h"

static const pqj_jwe_key *gen(const char *alg, const char *crv, const char *enc) {
  const pqj_jwe_key *key = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_generate(alg, crv, enc, NULL, &key, err_out));
  return key;
}

static char *encrypt(const pqj_jwe_key *key, const char *enc, const char *cty,
                     const uint8_t *msg, size_t len) {
  char *jwe = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_encrypt(key, enc, cty, msg, len, &jwe, err_out));
  return jwe;
}

/* Decrypt `jwe` with `key` and compare the plaintext; returns whether it matched. */
static int opens_to(const pqj_jwe_key *key, const char *jwe, const uint8_t *msg, size_t len) {
  const pqj_decrypted *d = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_decrypt(key, bytes(jwe), strlen(jwe), &d, err_out));
  size_t n = 0;
  const uint8_t *p = pqj_decrypted_plaintext(d, &n);
  int ok = d != NULL && n == len && (len == 0 || memcmp(p, msg, len) == 0);
  pqj_decrypted_free(d);
  return ok;
}

static void round_trips(void) {
  static const uint8_t msg[] = {'d', 'b', '\0', 'p', 'w', 0xff, '\n'};
  static const struct {
    const char *alg, *crv, *enc;
  } cases[] = {
      {"HPKE-9", NULL, NULL},          {"HPKE-9-KE", NULL, "A128GCM"},
      {"HPKE-8", NULL, NULL},          {"HPKE-12", NULL, NULL},
      {"HPKE-13-KE", NULL, NULL},      {"HPKE-10", NULL, NULL},
      {"HPKE-0", NULL, NULL},          {"ECDH-ES", "X25519", "A128CBC-HS256"},
      {"ECDH-ES+A256KW", "P-384", NULL}, {"A256KW", NULL, "A256CBC-HS512"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const pqj_jwe_key *key = gen(cases[i].alg, cases[i].crv, NULL);
    CHECK(pqj_jwe_key_is_private(key));
    CHECK(strcmp(pqj_jwe_key_alg(key), cases[i].alg) == 0);
    char *jwe = encrypt(key, cases[i].enc, NULL, msg, sizeof msg);
    CHECK(jwe != NULL && opens_to(key, jwe, msg, sizeof msg));
    pqj_string_free(jwe);
    pqj_jwe_key_free(key);
  }
  /* dir: the key is sized for its enc. */
  const pqj_jwe_key *dir = gen("dir", NULL, "A256GCM");
  char *jwe = encrypt(dir, "A256GCM", NULL, msg, sizeof msg);
  CHECK(jwe != NULL && opens_to(dir, jwe, msg, sizeof msg));
  pqj_string_free(jwe);
  pqj_jwe_key_free(dir);
}

static void public_keys_and_refusals(void) {
  static const uint8_t msg[] = "API_KEY=s3cret";
  const pqj_jwe_key *agent = gen("HPKE-9", NULL, NULL);
  const pqj_jwe_key *thief = gen("HPKE-9", NULL, NULL);

  /* The public JWK has no private member; imported, it encrypts but cannot decrypt. */
  char *pub = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_public_jwk(agent, &pub, err_out));
  CHECK(pub != NULL && strstr(pub, "\"priv\"") == NULL && strstr(pub, "\"kty\":\"AKP\"") != NULL);
  const pqj_jwe_key *recipient = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_from_jwk(bytes(pub), strlen(pub), &recipient, err_out));
  CHECK(!pqj_jwe_key_is_private(recipient));
  CHECK(strcmp(pqj_jwe_key_kid(recipient), pqj_jwe_key_kid(agent)) == 0);
  char *jwe = encrypt(recipient, NULL, NULL, msg, sizeof msg - 1);
  CHECK(opens_to(agent, jwe, msg, sizeof msg - 1));

  const pqj_decrypted *d = (const pqj_decrypted *)1; /* must stay untouched on failure */
  const pqj_decrypted *untouched = d;
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_PRIVATE,
               pqj_jwe_decrypt(recipient, bytes(jwe), strlen(jwe), &d, err_out));
  CHECK_STATUS(PQJ_STATUS_JWE_DECRYPTION,
               pqj_jwe_decrypt(thief, bytes(jwe), strlen(jwe), &d, err_out));
  /* A flipped bit in the ciphertext: the same opaque status. */
  char *bad = malloc(strlen(jwe) + 1);
  strcpy(bad, jwe);
  char *last = strrchr(bad, '.');
  last[-2] = last[-2] == 'A' ? 'B' : 'A';
  CHECK_STATUS(PQJ_STATUS_JWE_DECRYPTION, pqj_jwe_decrypt(agent, bytes(bad), strlen(bad), &d, err_out));
  CHECK_STATUS(PQJ_STATUS_JWE_SEGMENT_COUNT, pqj_jwe_decrypt(agent, bytes("a.b"), 3, &d, err_out));
  CHECK(d == untouched);

  /* The private JWK round-trips; enc is refused with integrated HPKE; a wrong-alg key. */
  char *priv = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_private_jwk(agent, &priv, err_out));
  const pqj_jwe_key *again = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_from_jwk(bytes(priv), strlen(priv), &again, err_out));
  CHECK(pqj_jwe_key_is_private(again) && opens_to(again, jwe, msg, sizeof msg - 1));
  char *none = NULL;
  CHECK_STATUS(PQJ_STATUS_JWE_ENC_PRESENCE,
               pqj_jwe_encrypt(agent, "A256GCM", NULL, msg, 3, &none, err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_PRIVATE, pqj_jwe_key_private_jwk(recipient, &none, err_out));
  CHECK_STATUS(PQJ_STATUS_JWE_UNSUPPORTED_ALGORITHM,
               pqj_jwe_key_generate("RSA1_5", NULL, NULL, NULL, &again, err_out));
  CHECK_STATUS(PQJ_STATUS_WRONG_KEY_TYPE,
               pqj_jwe_key_generate("HPKE-9", "P-256", NULL, NULL, &again, err_out));
  const pqj_jwe_key *hpke12 = gen("HPKE-12", NULL, NULL);
  CHECK_STATUS(PQJ_STATUS_JWE_KEY_MISMATCH,
               pqj_jwe_decrypt(hpke12, bytes(jwe), strlen(jwe), &d, err_out));
  CHECK(none == NULL);

  /* A signing key's JWK is not an encryption key. */
  const pqj_key *signer = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", NULL, &signer, err_out));
  char *sjwk = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_private_jwk(signer, &sjwk, err_out));
  const pqj_jwe_key *not_enc = NULL;
  CHECK_STATUS(PQJ_STATUS_JWE_KEY_MISMATCH,
               pqj_jwe_key_from_jwk(bytes(sjwk), strlen(sjwk), &not_enc, err_out));
  CHECK(not_enc == NULL);

  /* NULL arguments. */
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER,
               pqj_jwe_encrypt(NULL, NULL, NULL, msg, 3, &none, err_out));
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_jwe_decrypt(agent, bytes(jwe), strlen(jwe), NULL, err_out));
  CHECK(pqj_jwe_key_alg(NULL) == NULL && !pqj_jwe_key_is_private(NULL));
  CHECK(pqj_decrypted_plaintext(NULL, NULL) == NULL);

  pqj_string_free(sjwk);
  pqj_key_free(signer);
  pqj_jwe_key_free(hpke12);
  pqj_jwe_key_free(again);
  pqj_string_free(priv);
  free(bad);
  pqj_string_free(jwe);
  pqj_jwe_key_free(recipient);
  pqj_string_free(pub);
  pqj_jwe_key_free(thief);
  pqj_jwe_key_free(agent);
  pqj_jwe_key_free(NULL);
  pqj_decrypted_free(NULL);
}

static void key_sets_and_nested(void) {
  const pqj_jwe_key *old = gen("HPKE-9", NULL, NULL);
  const pqj_jwe_key *cur = gen("HPKE-9", NULL, NULL);
  const pqj_jwe_keyset *set = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_add(set, old, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_add(set, cur, err_out));
  CHECK_STATUS(PQJ_STATUS_DUPLICATE_KEY, pqj_jwe_keyset_add(set, cur, err_out));
  CHECK(pqj_jwe_keyset_len(set) == 2);
  char *jwks = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_public_jwks(set, &jwks, err_out));
  CHECK(jwks != NULL && strstr(jwks, pqj_jwe_key_kid(cur)) != NULL && strstr(jwks, "priv") == NULL);

  /* The issuer signs a credential with ML-DSA and encrypts it to the agent's current key. */
  const pqj_key *issuer = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-65", NULL, &issuer, err_out));
  const char *claims = "{\"iss\":\"vault\",\"sub\":\"agent-7\",\"db_password\":\"s3cret\"}";
  pqj_token_builder *b = NULL;
  char *token = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes(claims), strlen(claims), &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign(b, issuer, &token, err_out));
  pqj_token_builder_free(b);
  char *jwe = encrypt(cur, NULL, "JWT", bytes(token), strlen(token));

  const pqj_decrypted *d = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_decrypt(set, bytes(jwe), strlen(jwe), &d, err_out));
  CHECK(d != NULL && strcmp(pqj_decrypted_kid(d), pqj_jwe_key_kid(cur)) == 0);
  CHECK(d != NULL && strcmp(pqj_decrypted_cty(d), "JWT") == 0 && pqj_decrypted_enc(d) == NULL);
  CHECK(d != NULL && strcmp(pqj_decrypted_alg(d), "HPKE-9") == 0);
  pqj_decrypted_free(d);

  const pqj_keyset *issuers = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&issuers, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(issuers, issuer, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_add_issuer(v, "vault", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_policy(v, "pqc", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(issuers, v, &ver, err_out));

  const pqj_claims *c = NULL;
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_jwe_decrypt_nested(set, ver, bytes(jwe), strlen(jwe), &c, err_out));
  char *pw = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_get_string(c, "db_password", &pw, err_out));
  CHECK(pw != NULL && strcmp(pw, "s3cret") == 0);
  pqj_string_free(pw);
  pqj_claims_free(c);
  c = NULL;

  /* The token is built with a default lifetime: far in the future it has expired. */
  CHECK_STATUS(PQJ_STATUS_EXPIRED, pqj_jwe_decrypt_nested_at(set, ver, bytes(jwe), strlen(jwe),
                                                             4102444800, &c, err_out));
  /* Not nested: the same token without cty JWT. */
  char *plain = encrypt(cur, NULL, NULL, bytes(token), strlen(token));
  CHECK_STATUS(PQJ_STATUS_JWE_NOT_NESTED,
               pqj_jwe_decrypt_nested(set, ver, bytes(plain), strlen(plain), &c, err_out));
  /* Another agent's set cannot open it. */
  const pqj_jwe_keyset *other = NULL;
  const pqj_jwe_key *stranger = gen("HPKE-9", NULL, NULL);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_new(&other, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_add(other, stranger, err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND,
               pqj_jwe_decrypt_nested(other, ver, bytes(jwe), strlen(jwe), &c, err_out));
  CHECK(c == NULL);

  /* From a private JWK Set: the signing key's entry is skipped. */
  char *priv = NULL, *spriv = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_key_private_jwk(cur, &priv, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_private_jwk(issuer, &spriv, err_out));
  size_t n = strlen(priv) + strlen(spriv) + 32;
  char *set_json = malloc(n);
  snprintf(set_json, n, "{\"keys\":[%s,%s]}", priv, spriv);
  const pqj_jwe_keyset *loaded = NULL;
  size_t skipped = 99;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_jwe_keyset_from_jwks(bytes(set_json), strlen(set_json), &loaded,
                                                       &skipped, err_out));
  CHECK(skipped == 1 && pqj_jwe_keyset_len(loaded) == 1);
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_jwe_decrypt_nested(loaded, ver, bytes(jwe), strlen(jwe), &c, err_out));
  pqj_claims_free(c);

  free(set_json);
  pqj_string_free(spriv);
  pqj_string_free(priv);
  pqj_jwe_keyset_free(loaded);
  pqj_jwe_keyset_free(other);
  pqj_jwe_key_free(stranger);
  pqj_string_free(plain);
  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_keyset_free(issuers);
  pqj_string_free(jwe);
  pqj_string_free(token);
  pqj_key_free(issuer);
  pqj_string_free(jwks);
  pqj_jwe_keyset_free(set);
  pqj_jwe_keyset_free(NULL);
  pqj_jwe_key_free(cur);
  pqj_jwe_key_free(old);
}

int main(void) {
  round_trips();
  public_keys_and_refusals();
  key_sets_and_nested();
  return check_summary("test_jwe");
}
