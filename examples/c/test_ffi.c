/*
 * Tests of the C ABI against the real header: status codes, error objects, NULL handling,
 * outputs untouched on failure, keys, key sets, tokens, validation and inspection, the typed
 * accessors of verified claims and cloned (shared) handles.
 * Run under AddressSanitizer (or valgrind) by scripts/test/30-c.sh: no leak is allowed.
 */
#include <stdint.h>

#include "check.h"

#define NOW 1800000000 /* a fixed "now" for the *_at functions */

static const char *CLAIMS =
    "{\"iss\":\"https://issuer.example\",\"sub\":\"agent-7\","
    "\"aud\":[\"https://gateway.example\",\"other\"],\"task\":\"t-42\"}";

/* A private key for `alg`, or NULL (the failure is counted). */
static const pqj_key *gen(const char *alg, const char *kid) {
  const pqj_key *key = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate(alg, kid, &key, err_out));
  return key;
}

/* Sign CLAIMS (or `claims`) at `now` with `ttl`; the caller frees the token. */
static char *sign_at(const pqj_key *key, const char *claims, uint64_t ttl, int64_t now) {
  pqj_token_builder *b = NULL;
  char *token = NULL;
  if (claims == NULL) claims = CLAIMS;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes(claims), strlen(claims), &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_set_ttl(b, ttl, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign_at(b, key, now, &token, err_out));
  pqj_token_builder_free(b);
  return token;
}

/* A verifier over a set holding `key`'s public part, with a configured policy. */
static const pqj_verifier *verifier_for(const pqj_key *key, const char *policy) {
  const pqj_keyset *set = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, key, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_policy(v, policy, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_add_issuer(v, "https://issuer.example", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_add_audience(v, "https://gateway.example", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  /* The verifier keeps its own references: the caller's may go at once. */
  pqj_validation_free(v);
  pqj_keyset_free(set);
  return ver;
}

static pqj_status verify_at(const pqj_verifier *ver, const char *token, int64_t now) {
  return pqj_verifier_verify_at(ver, bytes(token), strlen(token), now, NULL, NULL);
}

static void test_version_and_status(void) {
  const char *v = pqj_version();
  CHECK(strncmp(v, "pqjose ", 7) == 0);
  CHECK(strstr(v, "(rustcrypto)") != NULL);
  CHECK(strcmp(pqj_status_str(PQJ_STATUS_OK), "success") == 0);
  CHECK(strcmp(pqj_status_str(PQJ_STATUS_INVALID_SIGNATURE), "bad signature") == 0);
  CHECK(strcmp(pqj_status_str(PQJ_STATUS_EXPIRED), "token expired") == 0);
  CHECK(strcmp(pqj_status_str(99999), "unknown status") == 0);
  /* Numbers are part of the ABI. */
  CHECK(PQJ_STATUS_NULL_PARAMETER == 1 && PQJ_STATUS_PANIC == 4);
  CHECK(PQJ_STATUS_INVALID_SIGNATURE == 400 && PQJ_STATUS_KEY_NOT_FOUND == 600);
}

static void test_errors_and_null_handling(void) {
  pqj_error *err = NULL;
  const pqj_key *key = (const pqj_key *)&err; /* a sentinel: must stay untouched */
  const pqj_key *const sentinel = key;

  /* A NULL argument: status, message naming it, output untouched. */
  CHECK(pqj_key_generate(NULL, NULL, &key, &err) == PQJ_STATUS_NULL_PARAMETER);
  CHECK(key == sentinel);
  CHECK(err != NULL);
  CHECK(pqj_error_status(err) == PQJ_STATUS_NULL_PARAMETER);
  CHECK(strstr(pqj_error_message(err), "`alg`") != NULL);
  pqj_error_free(err);
  err = NULL;

  /* Unknown and `none` algorithms; err_out may be NULL. */
  CHECK(pqj_key_generate("ML-DSA-66", NULL, &key, NULL) == PQJ_STATUS_ALG_UNKNOWN);
  CHECK(pqj_key_generate("nOnE", NULL, &key, NULL) == PQJ_STATUS_ALG_NONE);
  CHECK(key == sentinel);
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_key_generate("Ed25519", NULL, NULL, err_out));

  /* Invalid UTF-8 text and byte inputs. */
  CHECK_STATUS(PQJ_STATUS_INVALID_UTF8, pqj_key_generate("\xff", NULL, &key, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_UTF8,
               pqj_key_from_jwk((const uint8_t *)"{\"kty\":\"\xc3\"}", 11, &key, err_out));
  /* NULL with a length is refused; NULL with length 0 is an empty input. */
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_key_from_jwk(NULL, 5, &key, err_out));
  CHECK_STATUS(PQJ_STATUS_MALFORMED_JWK, pqj_key_from_jwk(NULL, 0, &key, err_out));
  CHECK(key == sentinel);

  /* Accessors on NULL. */
  CHECK(pqj_error_status(NULL) == PQJ_STATUS_NULL_PARAMETER);
  CHECK(strcmp(pqj_error_message(NULL), "") == 0);
  CHECK(pqj_key_alg(NULL) == NULL && pqj_key_kid(NULL) == NULL);
  CHECK(!pqj_key_is_private(NULL));
  CHECK(pqj_keyset_len(NULL) == 0);

  /* Every free accepts NULL. */
  pqj_error_free(NULL);
  pqj_string_free(NULL);
  pqj_key_free(NULL);
  pqj_keyset_free(NULL);
  pqj_validation_free(NULL);
  pqj_verifier_free(NULL);
  pqj_token_builder_free(NULL);
}

static void test_keys(void) {
  const pqj_key *key = gen("ML-DSA-44", "k-1");
  const pqj_key *pub = NULL, *again = NULL;
  char *jwk = NULL, *priv = NULL, *tp1 = NULL, *tp2 = NULL;
  if (key == NULL) return;
  CHECK(pqj_key_is_private(key));
  CHECK(strcmp(pqj_key_alg(key), "ML-DSA-44") == 0);
  CHECK(strcmp(pqj_key_kid(key), "k-1") == 0);

  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_public_jwk(key, &jwk, err_out));
  CHECK(strstr(jwk, "\"kty\":\"AKP\"") != NULL);
  CHECK(strstr(jwk, "\"priv\"") == NULL);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_from_jwk(bytes(jwk), strlen(jwk), &pub, err_out));
  CHECK(!pqj_key_is_private(pub));
  CHECK(strcmp(pqj_key_kid(pub), "k-1") == 0);

  /* A public key cannot sign or export a private JWK. */
  char *token = (char *)&key;
  pqj_token_builder *b = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(NULL, 0, &b, err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_PRIVATE, pqj_token_builder_sign(b, pub, &token, err_out));
  CHECK(token == (char *)&key);
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_PRIVATE, pqj_key_private_jwk(pub, &priv, err_out));
  pqj_token_builder_free(b);

  /* Private JWK round trip keeps the key (same thumbprint). */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_private_jwk(key, &priv, err_out));
  CHECK(strstr(priv, "\"priv\"") != NULL);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_from_jwk(bytes(priv), strlen(priv), &again, err_out));
  CHECK(pqj_key_is_private(again));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_thumbprint(key, &tp1, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_thumbprint(again, &tp2, err_out));
  CHECK(tp1 != NULL && tp2 != NULL && strcmp(tp1, tp2) == 0 && strlen(tp1) == 43);

  /* HMAC keys have no public form. */
  const pqj_key *hmac = gen("HS256", NULL);
  char *none = NULL;
  CHECK_STATUS(PQJ_STATUS_NO_PUBLIC_FORM, pqj_key_public_jwk(hmac, &none, err_out));
  CHECK(none == NULL);

  /* Default kid is the thumbprint. */
  const pqj_key *ed = gen("Ed25519", NULL);
  char *tp3 = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_thumbprint(ed, &tp3, err_out));
  CHECK(tp3 != NULL && strcmp(tp3, pqj_key_kid(ed)) == 0);

  pqj_string_free(tp3);
  pqj_key_free(ed);
  pqj_key_free(hmac);
  pqj_string_free(tp1);
  pqj_string_free(tp2);
  pqj_string_free(priv);
  pqj_string_free(jwk);
  pqj_key_free(again);
  pqj_key_free(pub);
  pqj_key_free(key);
}

/* RFC 8037 A.1 Ed25519 key as PKCS#8 and SPKI PEM. */
static const char *ED_PRIV_PEM =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char *ED_PUB_PEM =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";

static void test_pem(void) {
  const pqj_key *priv = NULL, *pub = NULL, *bad = NULL;
  char *jwk = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_from_pem("Ed25519", bytes(ED_PRIV_PEM), strlen(ED_PRIV_PEM),
                                               "pem-1", &priv, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_from_pem("Ed25519", bytes(ED_PUB_PEM), strlen(ED_PUB_PEM),
                                               NULL, &pub, err_out));
  CHECK(pqj_key_is_private(priv) && !pqj_key_is_private(pub));
  CHECK(strcmp(pqj_key_kid(priv), "pem-1") == 0);
  /* RFC 8037 A.3: the thumbprint of this key. */
  CHECK(strcmp(pqj_key_kid(pub), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k") == 0);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_public_jwk(priv, &jwk, err_out));
  CHECK(strstr(jwk, "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"") != NULL);
  /* The wrong algorithm for the document, and garbage. */
  CHECK_STATUS(PQJ_STATUS_WRONG_KEY_TYPE,
               pqj_key_from_pem("ES256", bytes(ED_PUB_PEM), strlen(ED_PUB_PEM), NULL, &bad,
                                err_out));
  CHECK_STATUS(PQJ_STATUS_PEM, pqj_key_from_pem("Ed25519", bytes("-----BEGIN PRIVATE KEY-----"),
                                                27, NULL, &bad, err_out));
  CHECK(bad == NULL);
  pqj_string_free(jwk);
  pqj_key_free(pub);
  pqj_key_free(priv);
}

static void test_sign_verify_and_claims(void) {
  const pqj_key *key = gen("ML-DSA-65", NULL);
  const pqj_verifier *ver = verifier_for(key, "pqc");
  char *token = sign_at(key, NULL, 300, NOW);
  char *claims = NULL;
  if (token == NULL || ver == NULL) return;

  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify_at(ver, bytes(token), strlen(token), NOW + 10,
                                                     &claims, err_out));
  CHECK(claims != NULL && strstr(claims, "\"task\":\"t-42\"") != NULL);
  CHECK(claims != NULL && strstr(claims, "\"exp\":1800000300") != NULL);
  /* Verification with the system clock: the token from 2027 is not valid yet or expired. */
  CHECK(pqj_verifier_verify(ver, bytes(token), strlen(token), NULL, NULL) != PQJ_STATUS_OK);

  /* Time checks (leeway 30 s by default). */
  CHECK(verify_at(ver, token, NOW + 300 + 29) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, token, NOW + 300 + 31) == PQJ_STATUS_EXPIRED);
  CHECK(verify_at(ver, token, NOW - 31) == PQJ_STATUS_ISSUED_IN_FUTURE);

  /* Tampering: a flipped signature bit, a truncated token, extra segments. */
  char saved = token[strlen(token) - 5];
  token[strlen(token) - 5] = saved == 'A' ? 'B' : 'A';
  CHECK(verify_at(ver, token, NOW) == PQJ_STATUS_INVALID_SIGNATURE);
  token[strlen(token) - 5] = saved;
  CHECK(verify_at(ver, "a.b", NOW) == PQJ_STATUS_SEGMENT_COUNT);
  CHECK(verify_at(ver, "a.b.c.d", NOW) == PQJ_STATUS_SEGMENT_COUNT);
  CHECK(verify_at(ver, "", NOW) == PQJ_STATUS_SEGMENT_COUNT);
  /* Oversized input is refused by length before anything else (even invalid UTF-8). */
  size_t big_len = (size_t)1 << 21;
  uint8_t *big = malloc(big_len);
  if (big != NULL) {
    memset(big, 0xff, big_len);
    CHECK(pqj_verifier_verify_at(ver, big, big_len, NOW, NULL, NULL) ==
          PQJ_STATUS_TOKEN_TOO_LARGE);
    CHECK(pqj_inspect(big, big_len, NULL, NULL, NULL) == PQJ_STATUS_TOKEN_TOO_LARGE);
    const pqj_key *none = NULL;
    CHECK(pqj_key_from_jwk(big, big_len, &none, NULL) == PQJ_STATUS_MALFORMED_JWK);
    free(big);
  }

  /* A token by another key of the same algorithm (same kid). */
  const pqj_key *other = gen("ML-DSA-65", pqj_key_kid(key));
  char *forged = sign_at(other, NULL, 300, NOW);
  CHECK(verify_at(ver, forged, NOW) == PQJ_STATUS_INVALID_SIGNATURE);

  /* Claims failures. */
  char *wrong_iss = sign_at(key, "{\"iss\":\"evil\",\"aud\":\"https://gateway.example\"}", 60, NOW);
  CHECK(verify_at(ver, wrong_iss, NOW) == PQJ_STATUS_ISSUER);
  char *wrong_aud = sign_at(key, "{\"iss\":\"https://issuer.example\",\"aud\":\"x\"}", 60, NOW);
  CHECK(verify_at(ver, wrong_aud, NOW) == PQJ_STATUS_AUDIENCE);
  char *no_aud = sign_at(key, "{\"iss\":\"https://issuer.example\"}", 60, NOW);
  CHECK(verify_at(ver, no_aud, NOW) == PQJ_STATUS_MISSING_CLAIM);

  /* Output and err_out untouched on failure; detailed message on request. */
  char *untouched = (char *)&ver;
  pqj_error *err = NULL;
  CHECK(pqj_verifier_verify_at(ver, bytes(wrong_iss), strlen(wrong_iss), NOW, &untouched, &err) ==
        PQJ_STATUS_ISSUER);
  CHECK(untouched == (char *)&ver);
  CHECK(err != NULL && strstr(pqj_error_message(err), "issuer") != NULL);
  CHECK(err != NULL && strstr(pqj_error_message(err), "evil") == NULL); /* no claim values */
  pqj_error_free(err);

  pqj_string_free(no_aud);
  pqj_string_free(wrong_aud);
  pqj_string_free(wrong_iss);
  pqj_string_free(forged);
  pqj_key_free(other);
  pqj_string_free(claims);
  pqj_string_free(token);
  pqj_verifier_free(ver);
  pqj_key_free(key);
}

static void test_validation_options(void) {
  const pqj_key *ed = gen("Ed25519", "ed");
  const pqj_key *ml = gen("ML-DSA-44", "ml");
  const pqj_keyset *set = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL;
  const char *claims = "{\"iss\":\"i\",\"sub\":\"s\",\"jti\":\"j-1\"}";
  char *t_ed = sign_at(ed, claims, 60, NOW);
  char *t_ml = sign_at(ml, claims, 60, NOW);

  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, ed, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, ml, err_out));
  CHECK_STATUS(PQJ_STATUS_DUPLICATE_KEY, pqj_keyset_add(set, ml, err_out));

  /* Policy "pqc" refuses Ed25519 even though its key is in the set. */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_UNKNOWN_POLICY, pqj_validation_set_policy(v, "quantum", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_policy(v, "pqc", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  CHECK(verify_at(ver, t_ml, NOW) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, t_ed, NOW) != PQJ_STATUS_OK);
  pqj_verifier_free(ver);

  /* Explicit allow-list: only Ed25519 (policy "any"). */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_policy(v, "any", err_out));
  CHECK_STATUS(PQJ_STATUS_ALG_UNKNOWN, pqj_validation_allow_alg(v, "Ed448", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_allow_alg(v, "Ed25519", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  CHECK(verify_at(ver, t_ed, NOW) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, t_ml, NOW) != PQJ_STATUS_OK);
  pqj_verifier_free(ver);
  pqj_validation_free(v);

  /* Subject, typ, required claims, max age, leeway. */
  struct {
    const char *what;
    pqj_status want;
  } cases[] = {{"sub", PQJ_STATUS_SUBJECT},  {"typ", PQJ_STATUS_TYPE},
               {"req", PQJ_STATUS_MISSING_CLAIM}, {"age", PQJ_STATUS_TOO_OLD},
               {"leeway", PQJ_STATUS_EXPIRED}, {"ok", PQJ_STATUS_OK}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t at = NOW;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
    CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_add_issuer(v, "i", err_out));
    if (strcmp(cases[i].what, "sub") == 0)
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_subject(v, "other", err_out));
    if (strcmp(cases[i].what, "typ") == 0)
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_typ(v, "at+jwt", err_out));
    if (strcmp(cases[i].what, "req") == 0)
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_require_claim(v, "task", err_out));
    if (strcmp(cases[i].what, "age") == 0) {
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_max_age(v, 10, err_out));
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_leeway(v, 0, err_out));
      at = NOW + 11;
    }
    if (strcmp(cases[i].what, "leeway") == 0) {
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_leeway(v, 0, err_out));
      at = NOW + 61;
    }
    if (strcmp(cases[i].what, "ok") == 0) {
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_subject(v, "s", err_out));
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_typ(v, "JWT", err_out));
      CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_require_claim(v, "jti", err_out));
    }
    CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
    pqj_status got = verify_at(ver, t_ml, at);
    if (got != cases[i].want) {
      fprintf(stderr, "case %s: want %u got %u\n", cases[i].what, (unsigned)cases[i].want,
              (unsigned)got);
    }
    CHECK(got == cases[i].want);
    pqj_verifier_free(ver);
    pqj_validation_free(v);
  }
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_ARGUMENT, pqj_validation_set_leeway(v, UINT64_MAX, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_ARGUMENT, pqj_validation_require_claim(v, "", err_out));
  pqj_validation_free(v);

  pqj_string_free(t_ml);
  pqj_string_free(t_ed);
  pqj_keyset_free(set);
  pqj_key_free(ml);
  pqj_key_free(ed);
}

static void test_keyset_rotation_and_jwks(void) {
  const pqj_key *a = gen("ML-DSA-44", "a");
  const pqj_key *b = gen("ES256", "b");
  const pqj_keyset *set = NULL, *loaded = NULL;
  const pqj_verifier *ver = NULL;
  pqj_validation *v = NULL;
  char *jwks = NULL, *jwks2 = NULL;
  size_t skipped = 99;
  const char *claims = "{\"iss\":\"i\"}";
  char *ta = sign_at(a, claims, 600, NOW);
  char *tb = sign_at(b, claims, 600, NOW);

  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, a, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, b, err_out));
  CHECK(pqj_keyset_len(set) == 2);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_public_jwks(set, &jwks, err_out));
  CHECK(jwks != NULL && strstr(jwks, "\"kid\":\"a\"") && strstr(jwks, "\"kid\":\"b\""));
  CHECK(jwks != NULL && strstr(jwks, "\"priv\"") == NULL && strstr(jwks, "\"d\"") == NULL);

  /* Load the published set; one unusable entry is skipped and counted. */
  char mixed[16384];
  int n = snprintf(mixed, sizeof mixed, "{\"keys\":[{\"kty\":\"nope\"},%s",
                   jwks + strlen("{\"keys\":["));
  CHECK(n > 0 && (size_t)n < sizeof mixed);
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_keyset_from_jwks(bytes(mixed), strlen(mixed), &loaded, &skipped, err_out));
  CHECK(skipped == 1);
  CHECK(pqj_keyset_len(loaded) == 2);
  CHECK_STATUS(PQJ_STATUS_MALFORMED_JWK_SET,
               pqj_keyset_from_jwks(bytes("[]"), 2, &loaded, NULL, err_out));

  /* Rotation on the loaded set is seen by a verifier made before it. */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(loaded, v, &ver, err_out));
  CHECK(verify_at(ver, ta, NOW) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, tb, NOW) == PQJ_STATUS_OK);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_retire_after(loaded, "a", NOW + 100, err_out));
  CHECK(verify_at(ver, ta, NOW + 100) == PQJ_STATUS_OK);
  CHECK(verify_at(ver, ta, NOW + 101) == PQJ_STATUS_KEY_NOT_FOUND);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_retire(loaded, "b", err_out));
  CHECK(verify_at(ver, tb, NOW) == PQJ_STATUS_KEY_NOT_FOUND);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_public_jwks(loaded, &jwks2, err_out));
  CHECK(jwks2 != NULL && strstr(jwks2, "\"kid\":\"a\"") && !strstr(jwks2, "\"kid\":\"b\""));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_remove(loaded, "a", err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND, pqj_keyset_remove(loaded, "a", err_out));
  CHECK_STATUS(PQJ_STATUS_KEY_NOT_FOUND, pqj_keyset_retire(loaded, "zzz", err_out));
  CHECK(pqj_keyset_len(loaded) == 1);
  CHECK(verify_at(ver, ta, NOW) != PQJ_STATUS_OK);

  pqj_verifier_free(ver);
  pqj_validation_free(v);
  pqj_string_free(jwks2);
  pqj_string_free(jwks);
  pqj_keyset_free(loaded);
  pqj_keyset_free(set);
  pqj_string_free(tb);
  pqj_string_free(ta);
  pqj_key_free(b);
  pqj_key_free(a);
}

static void test_builder_and_inspect(void) {
  const pqj_key *key = gen("ML-DSA-44-Ed25519", "hybrid");
  pqj_token_builder *b = NULL;
  char *token = NULL, *header = NULL, *claims = NULL;
  const char *c = "{\"sub\":\"agent\",\"n\":1}";
  if (key == NULL) return;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes(c), strlen(c), &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_set_typ(b, "at+jwt", err_out));
  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_token_builder_add_header_json(b, bytes("{\"x-tenant\":\"acme\"}"), 19, err_out));
  CHECK_STATUS(PQJ_STATUS_HEADER_MEMBER,
               pqj_token_builder_add_header_json(b, bytes("{\"alg\":\"none\"}"), 14, err_out));
  CHECK_STATUS(PQJ_STATUS_HEADER_MEMBER,
               pqj_token_builder_add_header_json(b, bytes("{\"jwk\":{}}"), 10, err_out));
  CHECK_STATUS(PQJ_STATUS_DUPLICATE_MEMBER,
               pqj_token_builder_add_header_json(b, bytes("{\"a\":1,\"a\":2}"), 13, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_ARGUMENT,
               pqj_token_builder_add_header_json(b, bytes("[1]"), 3, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_set_ttl(b, 60, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign_at(b, key, NOW, &token, err_out));

  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_inspect(bytes(token), strlen(token), &header, &claims, err_out));
  CHECK(header != NULL && strstr(header, "\"alg\":\"ML-DSA-44-Ed25519\"") != NULL);
  CHECK(header != NULL && strstr(header, "\"typ\":\"at+jwt\"") != NULL);
  CHECK(header != NULL && strstr(header, "\"x-tenant\":\"acme\"") != NULL);
  CHECK(header != NULL && strstr(header, "\"kid\":\"hybrid\"") != NULL);
  CHECK(claims != NULL && strstr(claims, "\"exp\":1800000060") != NULL);
  CHECK(claims != NULL && strstr(claims, "\"jti\":") != NULL);
  /* Only one output wanted; malformed input refused with nothing written. */
  char *only = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_inspect(bytes(token), strlen(token), NULL, &only, err_out));
  char *kept = (char *)&b;
  CHECK_STATUS(PQJ_STATUS_SEGMENT_COUNT, pqj_inspect(bytes("x.y"), 3, &kept, NULL, err_out));
  CHECK(kept == (char *)&b);
  CHECK_STATUS(PQJ_STATUS_ALG_NONE,
               pqj_inspect(bytes("eyJhbGciOiJub25lIn0.e30."), 24, &kept, NULL, err_out));

  /* Claims JSON is parsed strictly. */
  pqj_token_builder *bad = NULL;
  CHECK_STATUS(PQJ_STATUS_DUPLICATE_MEMBER,
               pqj_token_builder_new(bytes("{\"a\":1,\"a\":1}"), 13, &bad, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_CLAIM,
               pqj_token_builder_new(bytes("{\"exp\":\"soon\"}"), 14, &bad, err_out));
  CHECK(bad == NULL);

  pqj_string_free(only);
  pqj_string_free(claims);
  pqj_string_free(header);
  pqj_string_free(token);
  pqj_token_builder_free(b);
  pqj_key_free(key);
}

/* The three restrictive policies are distinct: pqc is ML-DSA/SLH-DSA only, hybrid adds the
 * composites, composite is the composites only. */
static void test_policies_are_distinct(void) {
  static const char *const algs[] = {"ML-DSA-44", "ML-DSA-44-Ed25519", "Ed25519"};
  static const char *const policies[] = {"pqc", "hybrid", "composite", "any"};
  /* accepted[alg][policy] */
  static const int accepted[3][4] = {{1, 1, 0, 1}, {0, 1, 1, 1}, {0, 0, 0, 1}};
  for (size_t a = 0; a < 3; a++) {
    const pqj_key *key = gen(algs[a], NULL);
    char *token = sign_at(key, NULL, 300, NOW);
    for (size_t p = 0; p < 4 && token != NULL; p++) {
      const pqj_verifier *ver = verifier_for(key, policies[p]);
      pqj_status want = accepted[a][p] ? PQJ_STATUS_OK : PQJ_STATUS_ALG_NOT_ALLOWED;
      CHECK(ver != NULL && verify_at(ver, token, NOW) == want);
      pqj_verifier_free(ver);
    }
    pqj_string_free(token);
    pqj_key_free(key);
  }
  CHECK(strcmp(pqj_status_str(PQJ_STATUS_UNKNOWN_POLICY),
               "unknown algorithm policy (one of pqc, hybrid, composite, any)") == 0);
}

/* Expect string accessor `call` (writing `out`) to succeed with `want`, then free it. */
#define CHECK_STR(want, call)                     \
  do {                                            \
    char *out = NULL;                             \
    CHECK_STATUS(PQJ_STATUS_OK, call);            \
    CHECK(out != NULL && strcmp(out, want) == 0); \
    pqj_string_free(out);                         \
  } while (0)

static const char *RICH_CLAIMS =
    "{\"iss\":\"https://issuer.example\",\"sub\":\"agent-7\",\"jti\":\"id-1\","
    "\"aud\":[\"https://gateway.example\",\"other\"],\"nbf\":1799999990,"
    "\"task\":\"t-\\u00e9\",\"n\":-42,\"ok\":true,\"f\":1.5,\"big\":18446744073709551615,"
    "\"obj\":{\"a\":[1,2]},\"nul\":null}";

static void test_verified_claims(void) {
  const pqj_key *key = gen("ML-DSA-65", "claims-k");
  const pqj_verifier *ver = verifier_for(key, "pqc");
  char *token = sign_at(key, RICH_CLAIMS, 300, NOW);
  const pqj_claims *c = NULL;
  int64_t i = 0;
  bool b = false;
  if (key == NULL || ver == NULL || token == NULL) return;

  CHECK_STATUS(PQJ_STATUS_OK,
               pqj_verifier_verify_claims_at(ver, bytes(token), strlen(token), NOW, &c, err_out));
  CHECK(c != NULL);
  CHECK(strcmp(pqj_claims_alg(c), "ML-DSA-65") == 0);
  CHECK_STR("claims-k", pqj_claims_kid(c, &out, err_out));
  /* Registered claims, typed. */
  CHECK_STR("agent-7", pqj_claims_sub(c, &out, err_out));
  CHECK_STR("https://issuer.example", pqj_claims_iss(c, &out, err_out));
  CHECK_STR("id-1", pqj_claims_jti(c, &out, err_out));
  CHECK(pqj_claims_aud_count(c) == 2);
  CHECK_STR("https://gateway.example", pqj_claims_aud(c, 0, &out, err_out));
  CHECK_STR("other", pqj_claims_aud(c, 1, &out, err_out));
  {
    char *out = (char *)&i; /* untouched on failure */
    CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_aud(c, 2, &out, err_out));
    CHECK(out == (char *)&i);
  }
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_exp(c, &i, err_out));
  CHECK(i == NOW + 300);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_iat(c, &i, err_out));
  CHECK(i == NOW);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_nbf(c, &i, err_out));
  CHECK(i == 1799999990);
  /* Custom claims, typed, after asking their kind. */
  CHECK(pqj_claims_kind(c, "task") == PQJ_CLAIM_KIND_STRING);
  CHECK(pqj_claims_kind(c, "n") == PQJ_CLAIM_KIND_INTEGER);
  CHECK(pqj_claims_kind(c, "ok") == PQJ_CLAIM_KIND_BOOL);
  CHECK(pqj_claims_kind(c, "f") == PQJ_CLAIM_KIND_NUMBER);
  CHECK(pqj_claims_kind(c, "big") == PQJ_CLAIM_KIND_NUMBER);
  CHECK(pqj_claims_kind(c, "obj") == PQJ_CLAIM_KIND_OBJECT);
  CHECK(pqj_claims_kind(c, "aud") == PQJ_CLAIM_KIND_ARRAY);
  CHECK(pqj_claims_kind(c, "nul") == PQJ_CLAIM_KIND_NULL);
  CHECK(pqj_claims_kind(c, "exp") == PQJ_CLAIM_KIND_INTEGER);
  CHECK(pqj_claims_kind(c, "missing") == PQJ_CLAIM_KIND_ABSENT);
  CHECK(pqj_claims_kind(NULL, "task") == PQJ_CLAIM_KIND_ABSENT);
  CHECK(pqj_claims_kind(c, NULL) == PQJ_CLAIM_KIND_ABSENT);
  CHECK_STR("t-\xc3\xa9", pqj_claims_get_string(c, "task", &out, err_out));
  CHECK_STR("agent-7", pqj_claims_get_string(c, "sub", &out, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_get_int(c, "n", &i, err_out));
  CHECK(i == -42);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_get_int(c, "iat", &i, err_out));
  CHECK(i == NOW);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_get_bool(c, "ok", &b, err_out));
  CHECK(b);
  CHECK_STR("{\"a\":[1,2]}", pqj_claims_get_json(c, "obj", &out, err_out));
  CHECK_STR("\"t-\xc3\xa9\"", pqj_claims_get_json(c, "task", &out, err_out));
  CHECK_STR("1.5", pqj_claims_get_json(c, "f", &out, err_out));
  CHECK_STR("18446744073709551615", pqj_claims_get_json(c, "big", &out, err_out));
  CHECK_STR("null", pqj_claims_get_json(c, "nul", &out, err_out));
  /* Wrong type and absent claims: statuses, outputs untouched. */
  i = 7;
  CHECK_STATUS(PQJ_STATUS_CLAIM_TYPE, pqj_claims_get_int(c, "task", &i, err_out));
  CHECK_STATUS(PQJ_STATUS_CLAIM_TYPE, pqj_claims_get_int(c, "f", &i, err_out));
  CHECK_STATUS(PQJ_STATUS_CLAIM_TYPE, pqj_claims_get_int(c, "big", &i, err_out));
  CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_get_int(c, "missing", &i, err_out));
  CHECK(i == 7);
  CHECK_STATUS(PQJ_STATUS_CLAIM_TYPE, pqj_claims_get_bool(c, "n", &b, err_out));
  {
    char *out = NULL;
    CHECK_STATUS(PQJ_STATUS_CLAIM_TYPE, pqj_claims_get_string(c, "n", &out, err_out));
    CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_get_json(c, "missing", &out, err_out));
    CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_claims_get_string(c, NULL, &out, err_out));
    CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_claims_get_string(NULL, "sub", &out, err_out));
    CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER, pqj_claims_get_string(c, "sub", NULL, err_out));
    CHECK_STATUS(PQJ_STATUS_INVALID_UTF8, pqj_claims_get_string(c, "\xff", &out, err_out));
    CHECK(out == NULL);
  }
  /* The whole payload, exactly as signed. */
  {
    char *json = NULL;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_claims_json(c, &json, err_out));
    CHECK(json != NULL && strstr(json, "\"task\":\"t-\xc3\xa9\"") != NULL);
    pqj_string_free(json);
  }
  pqj_claims_free(c);

  /* A token without the optional claims: each accessor says absent. */
  {
    const pqj_verifier *loose = NULL;
    const pqj_keyset *set = NULL;
    pqj_validation *v = NULL;
    char *bare = sign_at(key, "{}", 60, NOW);
    char *out = NULL;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
    CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, key, err_out));
    CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
    CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &loose, err_out));
    c = NULL;
    CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_verify_claims_at(loose, bytes(bare), strlen(bare),
                                                              NOW, &c, err_out));
    CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_sub(c, &out, err_out));
    CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_iss(c, &out, err_out));
    CHECK_STATUS(PQJ_STATUS_CLAIM_ABSENT, pqj_claims_nbf(c, &i, err_out));
    CHECK(pqj_claims_aud_count(c) == 0);
    CHECK(out == NULL);
    pqj_claims_free(c);
    pqj_verifier_free(loose);
    pqj_validation_free(v);
    pqj_keyset_free(set);
    pqj_string_free(bare);
  }

  /* A refused token gives no claims handle. */
  c = NULL;
  CHECK_STATUS(PQJ_STATUS_EXPIRED, pqj_verifier_verify_claims_at(ver, bytes(token), strlen(token),
                                                                 NOW + 3600, &c, err_out));
  CHECK(c == NULL);
  CHECK_STATUS(PQJ_STATUS_NULL_PARAMETER,
               pqj_verifier_verify_claims(ver, bytes(token), strlen(token), NULL, err_out));
  CHECK(pqj_claims_alg(NULL) == NULL && pqj_claims_aud_count(NULL) == 0);
  pqj_claims_free(NULL);

  pqj_string_free(token);
  pqj_verifier_free(ver);
  pqj_key_free(key);
}

/* Clones are more references to one object: rotation through one is seen through the other,
   and each reference is freed once, in any order. */
static void test_clone_handles(void) {
  const pqj_key *key = gen("Ed25519", "clone-k");
  const pqj_keyset *set = NULL, *set2 = NULL;
  pqj_validation *v = NULL;
  const pqj_verifier *ver = NULL, *ver2 = NULL;
  const pqj_key *key2 = pqj_key_clone(key);
  char *token = sign_at(key, "{}", 60, NOW);
  if (key == NULL || token == NULL) return;
  CHECK(key2 != NULL && strcmp(pqj_key_kid(key2), "clone-k") == 0);
  pqj_key_free(key); /* the clone keeps the key alive */
  CHECK(strcmp(pqj_key_alg(key2), "Ed25519") == 0);

  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  set2 = pqj_keyset_clone(set);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set2, key2, err_out));
  CHECK(pqj_keyset_len(set) == 1);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &ver, err_out));
  pqj_validation_free(v);
  ver2 = pqj_verifier_clone(ver);
  pqj_verifier_free(ver);
  pqj_keyset_free(set);
  CHECK(verify_at(ver2, token, NOW) == PQJ_STATUS_OK);
  /* Retiring through the remaining key set reference reaches the cloned verifier. */
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_retire(set2, "clone-k", err_out));
  CHECK(verify_at(ver2, token, NOW) == PQJ_STATUS_KEY_NOT_FOUND);
  CHECK(pqj_key_clone(NULL) == NULL && pqj_keyset_clone(NULL) == NULL);
  CHECK(pqj_verifier_clone(NULL) == NULL && pqj_claims_clone(NULL) == NULL);
  pqj_keyset_free(set2);
  pqj_verifier_free(ver2);
  pqj_key_free(key2);
  pqj_string_free(token);
}

int main(void) {
  test_version_and_status();
  test_errors_and_null_handling();
  test_keys();
  test_pem();
  test_sign_verify_and_claims();
  test_validation_options();
  test_policies_are_distinct();
  test_keyset_rotation_and_jwks();
  test_builder_and_inspect();
  test_verified_claims();
  test_clone_handles();
  return check_summary("test_ffi");
}
