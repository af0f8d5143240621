package pqjose

// #include "pqjose.h"
import "C"

import (
	"runtime"
	"time"
)

// DPoPProof makes a DPoP proof (RFC 9449) with the private key for the request htm (HTTP
// method) to htu (absolute http(s) URI; its query and fragment are left out of the proof). A
// non-empty accessToken adds ath, a non-empty nonce adds nonce.
func DPoPProof(key *Key, htm, htu, accessToken, nonce string) (string, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return "", ErrClosed
	}
	chtm, f1 := cText(htm, false)
	defer f1()
	chtu, f2 := cText(htu, false)
	defer f2()
	cnonce, f3 := cText(nonce, true)
	defer f3()
	at, atn := cString(accessToken)
	var out *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_dpop_proof(key.ptr, chtm, chtu, at, atn, cnonce, &out, e)
	})
	runtime.KeepAlive(accessToken)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// DPoPCheck is what a DPoP proof must match. Zero values mean "not required": no access
// token (no ath check), no nonce, the default 60 s maximum age, any algorithm.
type DPoPCheck struct {
	Method      string
	URI         string
	AccessToken string
	Nonce       string
	MaxAge      time.Duration
	Policy      string
	// Replay, when set, accepts each proof jti once (remembered for the proof's iat window,
	// scoped by the proof key); a Redis store makes that hold across a fleet. A replay is
	// StatusReplayed; a refused proof does not use up its jti.
	Replay *ReplayStore
}

// VerifyDPoPProof verifies a proof against a request (RFC 9449 §4.3) and returns the
// thumbprint of its key (what a bound access token's cnf.jkt must be) and its claims JSON.
// Check the access token's binding with WithBoundJKT when verifying the token.
func VerifyDPoPProof(proof string, check DPoPCheck) (jkt string, claims []byte, err error) {
	chtm, f1 := cText(check.Method, false)
	defer f1()
	chtu, f2 := cText(check.URI, false)
	defer f2()
	cnonce, f3 := cText(check.Nonce, true)
	defer f3()
	cpolicy, f4 := cText(check.Policy, true)
	defer f4()
	p, pn := cString(proof)
	at, atn := cString(check.AccessToken)
	maxAge := C.uint64_t(0)
	if check.MaxAge != 0 {
		maxAge = seconds(check.MaxAge)
	}
	var cjkt, cclaims *C.char
	err = call(func(e **C.pqj_error) C.pqj_status {
		if check.Replay != nil {
			return C.pqj_dpop_verify_once(check.Replay.ptr, p, pn, chtm, chtu, at, atn, cnonce, maxAge, cpolicy, &cjkt, &cclaims, e)
		}
		return C.pqj_dpop_verify(p, pn, chtm, chtu, at, atn, cnonce, maxAge, cpolicy, &cjkt, &cclaims, e)
	})
	runtime.KeepAlive(check.Replay)
	runtime.KeepAlive(proof)
	runtime.KeepAlive(check.AccessToken)
	if err != nil {
		return "", nil, err
	}
	return takeString(cjkt), takeBytes(cclaims), nil
}

// WithBoundJKT requires tokens bound to the DPoP key with this thumbprint (cnf.jkt).
func WithBoundJKT(jkt string) Option {
	return textOption(jkt, func(v *C.pqj_validation, s *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_validation_bind_jkt(v, s, e)
	})
}

// Delegation is a request to mint a delegated token (RFC 8693): the subject token (and an
// optional actor token) must pass the verifier; Scope empty keeps the subject's scope; TTL
// zero is 300 s or the subject's remaining lifetime if shorter.
type Delegation struct {
	SubjectToken string
	ActorToken   string
	Issuer       string
	Audience     string
	Scope        string
	TTL          time.Duration
}

// Delegate verifies the request's tokens with v and mints the delegated token with key.
func Delegate(v *Verifier, key *Key, d Delegation) (string, error) {
	defer runtime.KeepAlive(v)
	defer runtime.KeepAlive(key)
	if v == nil || v.ptr == nil || key == nil || key.ptr == nil {
		return "", ErrClosed
	}
	ciss, f1 := cText(d.Issuer, false)
	defer f1()
	caud, f2 := cText(d.Audience, false)
	defer f2()
	cscope, f3 := cText(d.Scope, true)
	defer f3()
	st, stn := cString(d.SubjectToken)
	at, atn := cString(d.ActorToken)
	ttl := C.uint64_t(0)
	if d.TTL != 0 {
		ttl = seconds(d.TTL)
	}
	var out *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_delegate(v.ptr, st, stn, at, atn, key.ptr, ciss, caud, cscope, ttl, &out, e)
	})
	runtime.KeepAlive(d)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// VerifyDelegated verifies a delegated token with v, its act chain at most maxDepth deep
// (negative: the default 4), and returns its claims JSON and its actors (a JSON array of the
// act objects, outermost first).
func (v *Verifier) VerifyDelegated(token string, maxDepth int) (claims, actors []byte, err error) {
	defer runtime.KeepAlive(v)
	if v.ptr == nil {
		return nil, nil, ErrClosed
	}
	if maxDepth > 1<<20 {
		maxDepth = 1 << 20
	}
	p, n := cString(token)
	var cclaims, cactors *C.char
	err = call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_verify_delegated(v.ptr, p, n, C.int32_t(maxDepth), &cclaims, &cactors, e)
	})
	runtime.KeepAlive(token)
	if err != nil {
		return nil, nil, err
	}
	return takeBytes(cclaims), takeBytes(cactors), nil
}
