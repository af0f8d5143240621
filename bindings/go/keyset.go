package pqjose

// #include "pqjose.h"
import "C"

import (
	"runtime"
	"time"
)

// KeySet holds the verifying keys a Verifier trusts. Safe for concurrent use; rotation (Add,
// Retire, RetireAfter, Remove) is atomic and visible to every Verifier made from the set,
// while they verify.
type KeySet struct {
	ptr *C.pqj_keyset
}

func newKeySet(p *C.pqj_keyset) *KeySet {
	s := &KeySet{ptr: p}
	runtime.SetFinalizer(s, (*KeySet).Close)
	return s
}

// Close releases the set (verifiers made from it keep their own reference). Idempotent.
func (s *KeySet) Close() {
	if s == nil || s.ptr == nil {
		return
	}
	C.pqj_keyset_free(s.ptr)
	s.ptr = nil
	runtime.SetFinalizer(s, nil)
}

// NewKeySet makes an empty key set.
func NewKeySet() (*KeySet, error) {
	var p *C.pqj_keyset
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_keyset_new(&p, e) }); err != nil {
		return nil, err
	}
	return newKeySet(p), nil
}

// KeySetFromJWKS loads a JWK Set ({"keys":[...]}); it also returns how many entries were
// skipped as unusable.
func KeySetFromJWKS(jwks []byte) (*KeySet, int, error) {
	ptr, n := cBytes(jwks)
	var p *C.pqj_keyset
	var skipped C.size_t
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_from_jwks(ptr, n, &p, &skipped, e)
	})
	runtime.KeepAlive(jwks)
	if err != nil {
		return nil, 0, err
	}
	return newKeySet(p), int(skipped), nil
}

// Add adds a key's public part (the caller keeps the key).
func (s *KeySet) Add(k *Key) error {
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(k)
	if s.ptr == nil || k.ptr == nil {
		return ErrClosed
	}
	return call(func(e **C.pqj_error) C.pqj_status { return C.pqj_keyset_add(s.ptr, k.ptr, e) })
}

func (s *KeySet) byKid(kid string, f func(*C.pqj_keyset, *C.char, **C.pqj_error) C.pqj_status) error {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return ErrClosed
	}
	ckid, free := cText(kid, false)
	defer free()
	return call(func(e **C.pqj_error) C.pqj_status { return f(s.ptr, ckid, e) })
}

// Retire stops every key with this kid at once (no longer verifies, no longer published).
func (s *KeySet) Retire(kid string) error {
	return s.byKid(kid, func(p *C.pqj_keyset, k *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_retire(p, k, e)
	})
}

// RetireAfter keeps every key with this kid verifying (and published) until notAfter, then
// stops it.
func (s *KeySet) RetireAfter(kid string, notAfter time.Time) error {
	return s.byKid(kid, func(p *C.pqj_keyset, k *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_retire_after(p, k, C.int64_t(notAfter.Unix()), e)
	})
}

// Remove deletes every key with this kid.
func (s *KeySet) Remove(kid string) error {
	return s.byKid(kid, func(p *C.pqj_keyset, k *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_remove(p, k, e)
	})
}

// Len is the number of keys, in any status.
func (s *KeySet) Len() int {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return 0
	}
	return int(C.pqj_keyset_len(s.ptr))
}

// PublicJWKS is the JWK Set to publish (for example at /.well-known/jwks.json).
func (s *KeySet) PublicJWKS() ([]byte, error) {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_public_jwks(s.ptr, &out, e)
	}); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}
