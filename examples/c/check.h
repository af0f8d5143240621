/* Minimal test helpers shared by the C tests (no framework needed). */
#ifndef PQJOSE_EXAMPLES_CHECK_H
#define PQJOSE_EXAMPLES_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqjose.h"

static int check_failures = 0;
static int check_passes = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (cond) {                                                                  \
      check_passes++;                                                            \
    } else {                                                                     \
      check_failures++;                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                            \
  } while (0)

/* Expect a call to return `want`; on a mismatch print the error's message. Frees the error. */
#define CHECK_STATUS(want, call)                                                         \
  do {                                                                                   \
    pqj_error *check_err_ = NULL;                                                        \
    pqj_error **err_out = &check_err_;                                                   \
    pqj_status check_got_ = (call);                                                      \
    if (check_got_ == (pqj_status)(want)) {                                              \
      check_passes++;                                                                    \
    } else {                                                                             \
      check_failures++;                                                                  \
      fprintf(stderr, "%s:%d: %s\n  want %u (%s), got %u (%s): %s\n", __FILE__, __LINE__, \
              #call, (unsigned)(want), pqj_status_str((uint32_t)(want)),                 \
              (unsigned)check_got_, pqj_status_str((uint32_t)check_got_),                \
              pqj_error_message(check_err_));                                            \
    }                                                                                    \
    if (check_got_ == PQJ_STATUS_OK && check_err_ != NULL) {                             \
      check_failures++;                                                                  \
      fprintf(stderr, "%s:%d: err_out written on success\n", __FILE__, __LINE__);       \
    }                                                                                    \
    pqj_error_free(check_err_);                                                          \
  } while (0)

/* The calls inside CHECK_STATUS use `err_out` for their last argument. */

static inline int check_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passes, check_failures);
  return check_failures == 0 ? 0 : 1;
}

static inline const uint8_t *bytes(const char *s) { return (const uint8_t *)s; }

#endif
