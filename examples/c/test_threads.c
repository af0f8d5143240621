/*
 * Eight threads verify with one shared verifier while another thread rotates the keys of its
 * key set (add, retire with overlap, retire, remove, publish). A token signed by a key that is
 * never rotated must verify every time; a token signed by a rotated key must verify or be
 * refused with PQJ_STATUS_KEY_NOT_FOUND, never anything else (no torn state).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

#define VERIFIERS 8
#define ROTATIONS 40 /* default; PQJ_TEST_ROTATIONS overrides (4..1000), e.g. under valgrind */
#define MIN_VERIFIES 50 /* per thread, even if rotation finishes first */
#define NOW 1800000000

struct shared {
  const pqj_verifier *verifier;
  const char *stable_token; /* signed by a key that stays in the set */
  const char *rotated_token; /* signed by the first rotated key, retired midway */
  pthread_mutex_t lock;
  int done; /* set by the rotator under `lock` */
};

struct counts {
  struct shared *s;
  long stable_ok, rotated_ok, rotated_gone, unexpected;
};

static int rotation_done(struct shared *s) {
  pthread_mutex_lock(&s->lock);
  int d = s->done;
  pthread_mutex_unlock(&s->lock);
  return d;
}

static void *verify_loop(void *arg) {
  struct counts *c = arg;
  struct shared *s = c->s;
  for (long i = 0; i < MIN_VERIFIES || !rotation_done(s); i++) {
    pqj_status st = pqj_verifier_verify_at(s->verifier, bytes(s->stable_token),
                                           strlen(s->stable_token), NOW, NULL, NULL);
    if (st == PQJ_STATUS_OK) {
      c->stable_ok++;
    } else {
      c->unexpected++;
      fprintf(stderr, "stable token refused: %u\n", (unsigned)st);
    }
    st = pqj_verifier_verify_at(s->verifier, bytes(s->rotated_token), strlen(s->rotated_token),
                                NOW, NULL, NULL);
    if (st == PQJ_STATUS_OK) {
      c->rotated_ok++;
    } else if (st == PQJ_STATUS_KEY_NOT_FOUND) {
      c->rotated_gone++;
    } else {
      c->unexpected++;
      fprintf(stderr, "rotated token: unexpected status %u\n", (unsigned)st);
    }
  }
  return NULL;
}

struct rotator {
  struct shared *s;
  const pqj_keyset *set;
  int rotations;
  int failures;
};

/* Valgrind runs one thread at a time, so 40 rotations against eight spinning verifiers take
 * minutes there; the step that runs this under valgrind asks for fewer. */
static int rotation_count(void) {
  const char *e = getenv("PQJ_TEST_ROTATIONS");
  if (e == NULL) return ROTATIONS;
  long n = strtol(e, NULL, 10);
  return (n >= 4 && n <= 1000) ? (int)n : ROTATIONS;
}

static void *rotate_loop(void *arg) {
  struct rotator *r = arg;
  char kid[32], prev[32] = "";
  for (int i = 0; i < r->rotations; i++) {
    const pqj_key *k = NULL;
    char *jwks = NULL;
    snprintf(kid, sizeof kid, "rot-%d", i);
    if (pqj_key_generate("ML-DSA-44", kid, &k, NULL) != PQJ_STATUS_OK ||
        pqj_keyset_add(r->set, k, NULL) != PQJ_STATUS_OK) {
      r->failures++;
    }
    pqj_key_free(k); /* the set keeps its own reference */
    if (prev[0] != '\0') {
      /* Overlap first, then retire at once, then remove. */
      if (pqj_keyset_retire_after(r->set, prev, NOW + 60, NULL) != PQJ_STATUS_OK ||
          pqj_keyset_retire(r->set, prev, NULL) != PQJ_STATUS_OK ||
          pqj_keyset_remove(r->set, prev, NULL) != PQJ_STATUS_OK) {
        r->failures++;
      }
    }
    if (i == r->rotations / 2 && pqj_keyset_remove(r->set, "first", NULL) != PQJ_STATUS_OK) {
      r->failures++;
    }
    if (pqj_keyset_public_jwks(r->set, &jwks, NULL) != PQJ_STATUS_OK) r->failures++;
    pqj_string_free(jwks);
    memcpy(prev, kid, sizeof kid);
  }
  pthread_mutex_lock(&r->s->lock);
  r->s->done = 1;
  pthread_mutex_unlock(&r->s->lock);
  return NULL;
}

static char *sign(const pqj_key *key) {
  pqj_token_builder *b = NULL;
  char *token = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_new(bytes("{\"sub\":\"t\"}"), 11, &b, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_token_builder_sign_at(b, key, NOW, &token, err_out));
  pqj_token_builder_free(b);
  return token;
}

int main(void) {
  struct shared s;
  struct counts counts[VERIFIERS];
  struct rotator rot;
  pthread_t verifiers[VERIFIERS], rotator;
  const pqj_key *stable = NULL, *first = NULL;
  const pqj_keyset *set = NULL;
  pqj_validation *v = NULL;

  memset(&s, 0, sizeof s);
  pthread_mutex_init(&s.lock, NULL);
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", "stable", &stable, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", "first", &first, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_new(&set, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, stable, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_keyset_add(set, first, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_new(&v, err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_validation_set_policy(v, "pqc", err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_verifier_new(set, v, &s.verifier, err_out));
  char *stable_token = sign(stable);
  char *rotated_token = sign(first);
  if (check_failures != 0) return check_summary("test_threads");
  s.stable_token = stable_token;
  s.rotated_token = rotated_token;

  for (int i = 0; i < VERIFIERS; i++) {
    memset(&counts[i], 0, sizeof counts[i]);
    counts[i].s = &s;
    CHECK(pthread_create(&verifiers[i], NULL, verify_loop, &counts[i]) == 0);
  }
  rot.s = &s;
  rot.set = set;
  rot.rotations = rotation_count();
  rot.failures = 0;
  CHECK(pthread_create(&rotator, NULL, rotate_loop, &rot) == 0);

  CHECK(pthread_join(rotator, NULL) == 0);
  long stable_ok = 0, rotated_ok = 0, rotated_gone = 0, unexpected = 0, total = 0;
  for (int i = 0; i < VERIFIERS; i++) {
    CHECK(pthread_join(verifiers[i], NULL) == 0);
    stable_ok += counts[i].stable_ok;
    rotated_ok += counts[i].rotated_ok;
    rotated_gone += counts[i].rotated_gone;
    unexpected += counts[i].unexpected;
    CHECK(counts[i].stable_ok >= MIN_VERIFIES);
  }
  total = stable_ok + unexpected;
  printf("%d threads: %ld stable verifications ok; rotated key: %ld ok, %ld key-not-found; "
         "%ld unexpected; %d rotations, %d rotation failures\n",
         VERIFIERS, stable_ok, rotated_ok, rotated_gone, unexpected, rot.rotations, rot.failures);
  CHECK(unexpected == 0);
  CHECK(rot.failures == 0);
  CHECK(total >= VERIFIERS * MIN_VERIFIES);
  /* After rotation: exactly the stable key and the last rotated key remain. */
  CHECK(pqj_keyset_len(set) == 2);
  CHECK(pqj_verifier_verify_at(s.verifier, bytes(rotated_token), strlen(rotated_token), NOW,
                               NULL, NULL) == PQJ_STATUS_KEY_NOT_FOUND);

  pqj_string_free(rotated_token);
  pqj_string_free(stable_token);
  pqj_verifier_free(s.verifier);
  pqj_validation_free(v);
  pqj_keyset_free(set);
  pqj_key_free(first);
  pqj_key_free(stable);
  pthread_mutex_destroy(&s.lock);
  return check_summary("test_threads");
}
