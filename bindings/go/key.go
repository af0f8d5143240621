package pqjose

// #include <stdlib.h>
// #include "pqjose.h"
import "C"

import "runtime"

// Key is a key bound to one algorithm: private (signs and verifies) or public (verifies).
// Safe for concurrent use.
type Key struct {
	ptr *C.pqj_key
}

func newKey(p *C.pqj_key) *Key {
	k := &Key{ptr: p}
	runtime.SetFinalizer(k, (*Key).Close)
	return k
}

// Close releases the key (key sets holding it keep their own reference). Idempotent.
func (k *Key) Close() {
	if k == nil || k.ptr == nil {
		return
	}
	C.pqj_key_free(k.ptr)
	k.ptr = nil
	runtime.SetFinalizer(k, nil)
}

// GenerateKey makes a new private key for alg ("ML-DSA-65", "ML-DSA-65-Ed25519", "Ed25519",
// "ES256", ...). An empty kid means the RFC 7638 thumbprint.
func GenerateKey(alg, kid string) (*Key, error) {
	calg, freeAlg := cText(alg, false)
	defer freeAlg()
	ckid, freeKid := cText(kid, true)
	defer freeKid()
	var p *C.pqj_key
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_key_generate(calg, ckid, &p, e) })
	if err != nil {
		return nil, err
	}
	return newKey(p), nil
}

// KeyFromJWK imports a JWK (JSON). With private members it is a private key.
func KeyFromJWK(jwk []byte) (*Key, error) {
	ptr, n := cBytes(jwk)
	var p *C.pqj_key
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_key_from_jwk(ptr, n, &p, e) })
	runtime.KeepAlive(jwk)
	if err != nil {
		return nil, err
	}
	return newKey(p), nil
}

// KeyFromPEM imports a PKCS#8 "PRIVATE KEY" or SPKI "PUBLIC KEY" PEM document for alg. An
// empty kid means the thumbprint.
func KeyFromPEM(alg string, pem []byte, kid string) (*Key, error) {
	calg, freeAlg := cText(alg, false)
	defer freeAlg()
	ckid, freeKid := cText(kid, true)
	defer freeKid()
	ptr, n := cBytes(pem)
	var p *C.pqj_key
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_key_from_pem(calg, ptr, n, ckid, &p, e)
	})
	runtime.KeepAlive(pem)
	if err != nil {
		return nil, err
	}
	return newKey(p), nil
}

// Algorithm is the key's JOSE algorithm name ("" after Close).
func (k *Key) Algorithm() string {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return ""
	}
	return C.GoString(C.pqj_key_alg(k.ptr))
}

// KeyID is the key id ("" after Close).
func (k *Key) KeyID() string {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return ""
	}
	return C.GoString(C.pqj_key_kid(k.ptr))
}

// IsPrivate reports whether the key can sign.
func (k *Key) IsPrivate() bool {
	defer runtime.KeepAlive(k)
	return k.ptr != nil && bool(C.pqj_key_is_private(k.ptr))
}

// stringOut runs a C function that writes one library-owned string.
func (k *Key) stringOut(f func(*C.pqj_key, **C.char, **C.pqj_error) C.pqj_status) ([]byte, error) {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status { return f(k.ptr, &out, e) }); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// PublicJWK is the public JWK (JSON) with kid and alg, to give to verifiers.
func (k *Key) PublicJWK() ([]byte, error) {
	return k.stringOut(func(p *C.pqj_key, o **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_key_public_jwk(p, o, e)
	})
}

// PrivateJWK is the private JWK (JSON), secret members included: store it like a password.
func (k *Key) PrivateJWK() ([]byte, error) {
	return k.stringOut(func(p *C.pqj_key, o **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_key_private_jwk(p, o, e)
	})
}

// Thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url).
func (k *Key) Thumbprint() (string, error) {
	b, err := k.stringOut(func(p *C.pqj_key, o **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_key_thumbprint(p, o, e)
	})
	return string(b), err
}
