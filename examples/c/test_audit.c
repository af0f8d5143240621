/*
 * The audit log from C: create, append, sync, seal, prove, check the proof, prove and check
 * consistency between two checkpoints, verify the whole log, detect a changed record, reopen. Run under AddressSanitizer and valgrind by
 * scripts/test/30-c.sh: no leak is allowed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "check.h"

static void remove_log(const char *dir) {
  const char *files[] = {"log.json", "records.jsonl", "tree", "checkpoints.jsonl"};
  char path[512];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

int main(void) {
  char dir[256];
  snprintf(dir, sizeof dir, "/tmp/pqjose-c-audit-%ld", (long)getpid());
  remove_log(dir);

  const pqj_key *key = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", NULL, &key, err_out));
  char *pub_jwk = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_public_jwk(key, &pub_jwk, err_out));
  const pqj_key *pub = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_from_jwk(bytes(pub_jwk), strlen(pub_jwk), &pub, err_out));

  pqj_audit_log *log = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_create(dir, key, 2, 1000, false, &log, err_out));
  CHECK_STATUS(PQJ_STATUS_AUDIT_NOT_EMPTY, pqj_audit_create(dir, key, 2, 1000, false, &log, err_out));
  const char *records[] = {"{\"sub\":\"agent-1\",\"action\":\"db.write\"}",
                           "{\"sub\":\"agent-2\",\"action\":\"deploy\"}",
                           "{\"sub\":\"agent-3\",\"action\":\"pay\"}"};
  for (uint64_t i = 0; i < 3; i++) {
    uint64_t index = 99;
    uint8_t leaf[32] = {0};
    CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_append(log, bytes(records[i]), strlen(records[i]),
                                                 &index, leaf, err_out));
    CHECK(index == i);
  }
  CHECK_STATUS(PQJ_STATUS_AUDIT_RECORD_NOT_OBJECT,
               pqj_audit_append(log, bytes("[1]"), 3, NULL, NULL, err_out));
  uint64_t durable = 0;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_sync(log, &durable, err_out));
  CHECK(durable == 3);
  char *checkpoint = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_seal(log, &checkpoint, err_out));
  CHECK(checkpoint != NULL && strchr(checkpoint, '.') != NULL); /* a compact JWS */
  pqj_string_free(checkpoint);

  char *proof = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_prove(log, 1, 0, &proof, err_out));
  CHECK_STATUS(PQJ_STATUS_AUDIT_NO_CHECKPOINT, pqj_audit_prove(log, 0, 1, &proof, err_out));
  uint64_t size = 0;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_check_proof(bytes(proof), strlen(proof), pub,
                                                    bytes(records[1]), strlen(records[1]), &size,
                                                    err_out));
  CHECK(size == 3);
  CHECK_STATUS(PQJ_STATUS_AUDIT_INCLUSION_PROOF,
               pqj_audit_check_proof(bytes(proof), strlen(proof), pub, bytes(records[0]),
                                     strlen(records[0]), NULL, err_out));
  CHECK_STATUS(PQJ_STATUS_AUDIT_PROOF_FORMAT,
               pqj_audit_check_proof(bytes("{}"), 2, pub, NULL, 0, NULL, err_out));
  pqj_string_free(proof);

  /* One more record and checkpoint (size 4): the size-3 tree is a prefix of it. */
  const char *fourth = "{\"sub\":\"agent-4\",\"action\":\"read\"}";
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_append(log, bytes(fourth), strlen(fourth), NULL, NULL,
                                               err_out));
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_seal(log, &checkpoint, err_out));
  pqj_string_free(checkpoint);
  char *consistency = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_prove_consistency(log, 3, 4, &consistency, err_out));
  uint64_t size1 = 0, size2 = 0;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_check_consistency(bytes(consistency),
                                                          strlen(consistency), pub, &size1,
                                                          &size2, err_out));
  CHECK(size1 == 3 && size2 == 4);
  /* Another key's checkpoints do not verify; a size no checkpoint has is refused. */
  const pqj_key *stranger = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", NULL, &stranger, err_out));
  CHECK_STATUS(PQJ_STATUS_INVALID_SIGNATURE,
               pqj_audit_check_consistency(bytes(consistency), strlen(consistency), stranger,
                                           NULL, NULL, err_out));
  pqj_key_free(stranger);
  pqj_string_free(consistency);
  CHECK_STATUS(PQJ_STATUS_AUDIT_NO_CHECKPOINT,
               pqj_audit_prove_consistency(log, 1, 4, &consistency, err_out));
  CHECK_STATUS(PQJ_STATUS_AUDIT_PROOF_FORMAT,
               pqj_audit_check_consistency(bytes("{}"), 2, pub, NULL, NULL, err_out));
  pqj_audit_log_free(log);
  pqj_audit_log_free(NULL);

  uint64_t n = 0;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_audit_verify(dir, pub, &n, err_out));
  CHECK(n == 4);

  /* Change one byte of record 1: verification names index 1. */
  char path[512];
  snprintf(path, sizeof path, "%s/records.jsonl", dir);
  FILE *f = fopen(path, "r+");
  CHECK(f != NULL);
  if (f != NULL) {
    long off = (long)strlen(records[0]) + 1 + 9; /* inside "agent-2" */
    fseek(f, off, SEEK_SET);
    fputc('X', f);
    fclose(f);
  }
  pqj_error *err = NULL;
  CHECK(pqj_audit_verify(dir, pub, NULL, &err) == PQJ_STATUS_AUDIT_TAMPERED);
  const char *msg = pqj_error_message(err);
  CHECK(msg != NULL && strstr(msg, "at index 1") != NULL);
  pqj_error_free(err);
  /* Reopening rehashes the records before anything else: the tampered log is refused for
     writing whatever the key (the wrong-key refusal on an intact log is tested in Rust). */
  const pqj_key *other = NULL;
  CHECK_STATUS(PQJ_STATUS_OK, pqj_key_generate("ML-DSA-44", NULL, &other, err_out));
  CHECK_STATUS(PQJ_STATUS_AUDIT_TAMPERED, pqj_audit_open(dir, other, &log, err_out));
  pqj_key_free(other);

  pqj_key_free(pub);
  pqj_key_free(key);
  pqj_string_free(pub_jwk);
  remove_log(dir);
  return check_summary("test_audit");
}
