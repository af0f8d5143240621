package pqjose

// #include <stdbool.h>
// #include <stdlib.h>
// #include "pqjose.h"
import "C"

import (
	"runtime"
	"time"
)

// ClaimKind is the JSON kind of a claim in a verified token.
type ClaimKind uint32

// The claim kinds (PQJ_CLAIM_KIND_* in the header).
const (
	ClaimKindAbsent  ClaimKind = 0 // no claim of this name
	ClaimKindNull    ClaimKind = 1
	ClaimKindBool    ClaimKind = 2
	ClaimKindInteger ClaimKind = 3 // an integer in the range of int64
	ClaimKindNumber  ClaimKind = 4 // any other number: read it with GetJSON
	ClaimKindString  ClaimKind = 5
	ClaimKindArray   ClaimKind = 6
	ClaimKindObject  ClaimKind = 7
)

// Claims are the claims of a token that passed verification, read through typed accessors
// (no JSON decoding on the Go side). Safe for concurrent use. Close releases them at once; a
// finalizer releases forgotten ones.
type Claims struct {
	ptr *C.pqj_claims
}

// VerifyClaims is Verify returning the verified claims as Claims.
func (v *Verifier) VerifyClaims(token string) (*Claims, error) {
	return v.verifyClaims(token, nil)
}

// VerifyClaimsAt is VerifyClaims at a given time instead of the system clock.
func (v *Verifier) VerifyClaimsAt(token string, now time.Time) (*Claims, error) {
	return v.verifyClaims(token, &now)
}

func (v *Verifier) verifyClaims(token string, now *time.Time) (*Claims, error) {
	defer runtime.KeepAlive(v)
	if v.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cString(token)
	var out *C.pqj_claims
	err := call(func(e **C.pqj_error) C.pqj_status {
		if now != nil {
			return C.pqj_verifier_verify_claims_at(v.ptr, ptr, n, C.int64_t(now.Unix()), &out, e)
		}
		return C.pqj_verifier_verify_claims(v.ptr, ptr, n, &out, e)
	})
	runtime.KeepAlive(token)
	if err != nil {
		return nil, err
	}
	c := &Claims{ptr: out}
	runtime.SetFinalizer(c, (*Claims).Close)
	return c, nil
}

// Close releases the claims. Idempotent.
func (c *Claims) Close() {
	if c == nil || c.ptr == nil {
		return
	}
	C.pqj_claims_free(c.ptr)
	c.ptr = nil
	runtime.SetFinalizer(c, nil)
}

// Algorithm is the algorithm the token was verified with ("" after Close).
func (c *Claims) Algorithm() string {
	defer runtime.KeepAlive(c)
	if c.ptr == nil {
		return ""
	}
	return C.GoString(C.pqj_claims_alg(c.ptr))
}

// str reads one string accessor; ok is false when the claim is absent.
func (c *Claims) str(f func(**C.char, **C.pqj_error) C.pqj_status) (string, bool) {
	defer runtime.KeepAlive(c)
	if c.ptr == nil {
		return "", false
	}
	var out *C.char
	if call(func(e **C.pqj_error) C.pqj_status { return f(&out, e) }) != nil {
		return "", false
	}
	return takeString(out), true
}

// date reads one date accessor; ok is false when the claim is absent.
func (c *Claims) date(f func(*C.int64_t, **C.pqj_error) C.pqj_status) (time.Time, bool) {
	defer runtime.KeepAlive(c)
	if c.ptr == nil {
		return time.Time{}, false
	}
	var out C.int64_t
	if call(func(e **C.pqj_error) C.pqj_status { return f(&out, e) }) != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(out), 0), true
}

// KeyID is the kid of the key that verified the token; ok is false if the token named none.
func (c *Claims) KeyID() (string, bool) {
	return c.str(func(o **C.char, e **C.pqj_error) C.pqj_status { return C.pqj_claims_kid(c.ptr, o, e) })
}

// JSON is the claims JSON exactly as signed (nil after Close).
func (c *Claims) JSON() []byte {
	s, ok := c.str(func(o **C.char, e **C.pqj_error) C.pqj_status { return C.pqj_claims_json(c.ptr, o, e) })
	if !ok {
		return nil
	}
	return []byte(s)
}

// Subject is sub; ok is false if the token has none.
func (c *Claims) Subject() (string, bool) {
	return c.str(func(o **C.char, e **C.pqj_error) C.pqj_status { return C.pqj_claims_sub(c.ptr, o, e) })
}

// Issuer is iss; ok is false if the token has none.
func (c *Claims) Issuer() (string, bool) {
	return c.str(func(o **C.char, e **C.pqj_error) C.pqj_status { return C.pqj_claims_iss(c.ptr, o, e) })
}

// JWTID is jti; ok is false if the token has none.
func (c *Claims) JWTID() (string, bool) {
	return c.str(func(o **C.char, e **C.pqj_error) C.pqj_status { return C.pqj_claims_jti(c.ptr, o, e) })
}

// Audience is aud as a list (one element for a string; nil without aud).
func (c *Claims) Audience() []string {
	defer runtime.KeepAlive(c)
	if c.ptr == nil {
		return nil
	}
	n := int(C.pqj_claims_aud_count(c.ptr))
	var auds []string
	for i := 0; i < n; i++ {
		a, ok := c.str(func(o **C.char, e **C.pqj_error) C.pqj_status {
			return C.pqj_claims_aud(c.ptr, C.size_t(i), o, e)
		})
		if ok {
			auds = append(auds, a)
		}
	}
	return auds
}

// ExpiresAt is exp; ok is false if the token has none.
func (c *Claims) ExpiresAt() (time.Time, bool) {
	return c.date(func(o *C.int64_t, e **C.pqj_error) C.pqj_status { return C.pqj_claims_exp(c.ptr, o, e) })
}

// NotBefore is nbf; ok is false if the token has none.
func (c *Claims) NotBefore() (time.Time, bool) {
	return c.date(func(o *C.int64_t, e **C.pqj_error) C.pqj_status { return C.pqj_claims_nbf(c.ptr, o, e) })
}

// IssuedAt is iat; ok is false if the token has none.
func (c *Claims) IssuedAt() (time.Time, bool) {
	return c.date(func(o *C.int64_t, e **C.pqj_error) C.pqj_status { return C.pqj_claims_iat(c.ptr, o, e) })
}

// withName calls f with name as a C string (ErrClosed after Close).
func (c *Claims) withName(name string, f func(*C.char, **C.pqj_error) C.pqj_status) error {
	defer runtime.KeepAlive(c)
	if c.ptr == nil {
		return ErrClosed
	}
	cname, free := cText(name, false)
	defer free()
	return call(func(e **C.pqj_error) C.pqj_status { return f(cname, e) })
}

// Kind is the JSON kind of claim name (registered or custom); ClaimKindAbsent if there is none.
func (c *Claims) Kind(name string) ClaimKind {
	kind := ClaimKindAbsent
	_ = c.withName(name, func(n *C.char, _ **C.pqj_error) C.pqj_status {
		kind = ClaimKind(C.pqj_claims_kind(c.ptr, n))
		return C.PQJ_STATUS_OK
	})
	return kind
}

// GetString reads the string claim name. The error matches StatusClaimAbsent or
// StatusClaimType with errors.Is.
func (c *Claims) GetString(name string) (string, error) {
	var out *C.char
	err := c.withName(name, func(n *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_claims_get_string(c.ptr, n, &out, e)
	})
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// GetInt reads the integer claim name (in the range of int64).
func (c *Claims) GetInt(name string) (int64, error) {
	var out C.int64_t
	err := c.withName(name, func(n *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_claims_get_int(c.ptr, n, &out, e)
	})
	return int64(out), err
}

// GetBool reads the boolean claim name.
func (c *Claims) GetBool(name string) (bool, error) {
	var out C.bool
	err := c.withName(name, func(n *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_claims_get_bool(c.ptr, n, &out, e)
	})
	return bool(out), err
}

// GetJSON reads claim name, of any type, as compact JSON.
func (c *Claims) GetJSON(name string) ([]byte, error) {
	var out *C.char
	err := c.withName(name, func(n *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_claims_get_json(c.ptr, n, &out, e)
	})
	if err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}
