package pqjose

// #include "pqjose.h"
import "C"

import (
	"runtime"
	"time"
)

// Option configures a Verifier's validation policy. The defaults follow RFC 8725: exp
// required, 30 s leeway, iat in the future refused, a token with an unexpected aud refused,
// any algorithm the key implements.
type Option func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status

func textOption(s string, f func(*C.pqj_validation, *C.char, **C.pqj_error) C.pqj_status) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		cs, free := cText(s, false)
		defer free()
		return f(v, cs, e)
	}
}

// WithPolicy sets the algorithm policy: "pqc" (ML-DSA and SLH-DSA only), "hybrid" (those and
// the composite ML-DSA hybrids), "composite" (composites only) or "any" (the default). Any
// other name fails with StatusUnknownPolicy.
func WithPolicy(policy string) Option {
	return textOption(policy, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_set_policy(v, s, e)
	})
}

// WithAlgorithms adds algorithms to an explicit allow-list (in addition to the policy).
func WithAlgorithms(algs ...string) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		for _, a := range algs {
			ca, free := cText(a, false)
			st := C.pqj_validation_allow_alg(v, ca, e)
			free()
			if st != C.PQJ_STATUS_OK {
				return st
			}
		}
		return C.PQJ_STATUS_OK
	}
}

// WithIssuer accepts an issuer (exact); repeat to accept several. iss becomes required.
func WithIssuer(iss string) Option {
	return textOption(iss, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_add_issuer(v, s, e)
	})
}

// WithAudience accepts an audience; repeat to accept several. aud becomes required.
func WithAudience(aud string) Option {
	return textOption(aud, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_add_audience(v, s, e)
	})
}

// WithSubject requires this subject.
func WithSubject(sub string) Option {
	return textOption(sub, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_set_subject(v, s, e)
	})
}

// WithType requires this header typ (case-insensitive, "application/" optional).
func WithType(typ string) Option {
	return textOption(typ, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_set_typ(v, s, e)
	})
}

// WithRequiredClaims requires these claims (registered or custom) to be present.
func WithRequiredClaims(names ...string) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		for _, n := range names {
			cn, free := cText(n, false)
			st := C.pqj_validation_require_claim(v, cn, e)
			free()
			if st != C.PQJ_STATUS_OK {
				return st
			}
		}
		return C.PQJ_STATUS_OK
	}
}

// seconds converts d to whole seconds for the C side; a negative d is refused there as out of
// range.
func seconds(d time.Duration) C.uint64_t {
	if d < 0 {
		return C.uint64_t(^uint64(0))
	}
	return C.uint64_t(d / time.Second)
}

// WithLeeway sets the clock-skew allowance for exp, nbf and iat (whole seconds).
func WithLeeway(d time.Duration) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_set_leeway(v, seconds(d), e)
	}
}

// WithMaxAge refuses tokens whose iat is older than d (whole seconds); iat becomes required.
func WithMaxAge(d time.Duration) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_set_max_age(v, seconds(d), e)
	}
}

// AllowMissingExp weakens the default: tokens without exp are accepted.
func AllowMissingExp() Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_allow_missing_exp(v, e)
	}
}

// AllowUnexpectedAudience weakens the default: a token with aud is accepted although no
// audience is configured.
func AllowUnexpectedAudience() Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_allow_unexpected_audience(v, e)
	}
}

// Verifier verifies JWTs against a KeySet under a fixed policy. Safe for concurrent use by
// many goroutines, also while the key set is being rotated.
type Verifier struct {
	ptr *C.pqj_verifier
}

// NewVerifier makes a verifier over keys (shared: later rotation applies) with a policy.
func NewVerifier(keys *KeySet, opts ...Option) (*Verifier, error) {
	defer runtime.KeepAlive(keys)
	if keys == nil || keys.ptr == nil {
		return nil, ErrClosed
	}
	var v *C.pqj_validation
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_validation_new(&v, e) }); err != nil {
		return nil, err
	}
	defer C.pqj_validation_free(v)
	for _, opt := range opts {
		if err := call(func(e **C.pqj_error) C.pqj_status { return opt(v, e) }); err != nil {
			return nil, err
		}
	}
	var p *C.pqj_verifier
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_verifier_new(keys.ptr, v, &p, e) }); err != nil {
		return nil, err
	}
	ver := &Verifier{ptr: p}
	runtime.SetFinalizer(ver, (*Verifier).Close)
	return ver, nil
}

// Close releases the verifier. Idempotent.
func (v *Verifier) Close() {
	if v == nil || v.ptr == nil {
		return
	}
	C.pqj_verifier_free(v.ptr)
	v.ptr = nil
	runtime.SetFinalizer(v, nil)
}

// Verify checks token now (signature, then every claim) and returns its claims JSON exactly
// as signed.
func (v *Verifier) Verify(token string) ([]byte, error) {
	return v.verify(token, nil)
}

// VerifyAt is Verify at a given time instead of the system clock (tests, replaying logs).
func (v *Verifier) VerifyAt(token string, now time.Time) ([]byte, error) {
	return v.verify(token, &now)
}

func (v *Verifier) verify(token string, now *time.Time) ([]byte, error) {
	defer runtime.KeepAlive(v)
	if v.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cString(token)
	var out *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		if now != nil {
			return C.pqj_verifier_verify_at(v.ptr, ptr, n, C.int64_t(now.Unix()), &out, e)
		}
		return C.pqj_verifier_verify(v.ptr, ptr, n, &out, e)
	})
	runtime.KeepAlive(token)
	if err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}
