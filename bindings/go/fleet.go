package pqjose

// #include "pqjose.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"time"
)

// SkippedKey is a JWK Set entry that could not be used, and why.
type SkippedKey struct {
	Index  int    `json:"index"`
	Kid    string `json:"kid"`
	Code   Status `json:"code"`
	Reason string `json:"reason"`
}

func skippedFrom(p *C.char) ([]SkippedKey, error) {
	var out []SkippedKey
	if p == nil {
		return out, nil
	}
	err := json.Unmarshal(takeBytes(p), &out)
	return out, err
}

// KeySetFromJWKSReport loads a JWK Set and reports every entry skipped and why.
func KeySetFromJWKSReport(jwks []byte) (*KeySet, []SkippedKey, error) {
	ptr, n := cBytes(jwks)
	var p *C.pqj_keyset
	var report *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_from_jwks_report(ptr, n, &p, &report, e)
	})
	runtime.KeepAlive(jwks)
	if err != nil {
		return nil, nil, err
	}
	skipped, err := skippedFrom(report)
	return newKeySet(p), skipped, err
}

// ReplaceFromJWKS replaces the whole contents of the set with the usable keys of a fresh JWK
// Set, atomically (verifications see the old keys or the new ones, never a mix). A set without
// one usable key is refused (StatusNoUsableKeys) and the current keys stay.
func (s *KeySet) ReplaceFromJWKS(jwks []byte) ([]SkippedKey, error) {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cBytes(jwks)
	var report *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_keyset_replace_from_jwks(s.ptr, ptr, n, &report, e)
	})
	runtime.KeepAlive(jwks)
	if err != nil {
		return nil, err
	}
	return skippedFrom(report)
}

// KeyInfo describes one key of a set.
type KeyInfo struct {
	Kid    string `json:"kid"`
	Alg    string `json:"alg"`
	Status string `json:"status"`
}

// Keys lists the keys of the set, oldest first.
func (s *KeySet) Keys() ([]KeyInfo, error) {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_keyset_kids(s.ptr, &out, e) }); err != nil {
		return nil, err
	}
	var keys []KeyInfo
	err := json.Unmarshal(takeBytes(out), &keys)
	return keys, err
}

// RemoteKeySet is an issuer's JWK Set fetched over HTTPS and cached (max-age within bounds,
// ETag/304, background refresh, one fetch per cooldown for unknown kids, stale-serving for a
// bounded time, then fail closed). Safe for concurrent use.
type RemoteKeySet struct {
	ptr *C.pqj_remote_keyset
}

func newRemote(p *C.pqj_remote_keyset) *RemoteKeySet {
	r := &RemoteKeySet{ptr: p}
	runtime.SetFinalizer(r, (*RemoteKeySet).Close)
	return r
}

// NewRemoteKeySet fetches the JWK Set at url (https; http only with allowHTTP) on first use.
func NewRemoteKeySet(url string, allowHTTP bool) (*RemoteKeySet, error) {
	curl, free := cText(url, false)
	defer free()
	var p *C.pqj_remote_keyset
	if err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_remote_keyset_new(curl, C.bool(allowHTTP), &p, e)
	}); err != nil {
		return nil, err
	}
	return newRemote(p), nil
}

// DiscoverRemoteKeySet finds the JWK Set through the issuer's metadata (jwks_uri).
func DiscoverRemoteKeySet(issuer string, allowHTTP bool) (*RemoteKeySet, error) {
	ciss, free := cText(issuer, false)
	defer free()
	var p *C.pqj_remote_keyset
	if err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_remote_keyset_discover(ciss, C.bool(allowHTTP), &p, e)
	}); err != nil {
		return nil, err
	}
	return newRemote(p), nil
}

// Refresh fetches now and returns the outcome.
func (r *RemoteKeySet) Refresh() error {
	defer runtime.KeepAlive(r)
	if r.ptr == nil {
		return ErrClosed
	}
	return call(func(e **C.pqj_error) C.pqj_status { return C.pqj_remote_keyset_refresh(r.ptr, e) })
}

// LastRefresh returns the last fetch as JSON ("null" before the first).
func (r *RemoteKeySet) LastRefresh() (string, error) {
	defer runtime.KeepAlive(r)
	if r.ptr == nil {
		return "", ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_remote_keyset_last_refresh(r.ptr, &out, e) }); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// Close releases the remote key set (verifiers keep their own reference). Idempotent.
func (r *RemoteKeySet) Close() {
	if r == nil || r.ptr == nil {
		return
	}
	C.pqj_remote_keyset_free(r.ptr)
	r.ptr = nil
	runtime.SetFinalizer(r, nil)
}

// NewRemoteVerifier makes a verifier over a remote key set with a policy.
func NewRemoteVerifier(remote *RemoteKeySet, opts ...Option) (*Verifier, error) {
	defer runtime.KeepAlive(remote)
	if remote == nil || remote.ptr == nil {
		return nil, ErrClosed
	}
	return newVerifier(opts, func(v *C.pqj_validation, p **C.pqj_verifier, e **C.pqj_error) C.pqj_status {
		return C.pqj_verifier_new_remote(remote.ptr, v, p, e)
	})
}

// ReplayStore keeps used jtis and revocations: in memory, or in a Redis shared by a fleet.
type ReplayStore struct {
	ptr *C.pqj_replay_store
}

func newStore(p *C.pqj_replay_store) *ReplayStore {
	s := &ReplayStore{ptr: p}
	runtime.SetFinalizer(s, (*ReplayStore).Close)
	return s
}

// NewMemoryReplayStore remembers at most capacity unexpired jtis (0: 100,000).
func NewMemoryReplayStore(capacity int) (*ReplayStore, error) {
	var p *C.pqj_replay_store
	if err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_replay_store_memory(C.size_t(capacity), &p, e)
	}); err != nil {
		return nil, err
	}
	return newStore(p), nil
}

// NewRedisReplayStore uses the Redis at url (redis://HOST:PORT[/DB]); every call is bounded by
// timeout (0: 50 ms) and any error refuses the token (StatusReplayStoreUnavailable).
func NewRedisReplayStore(url string, timeout time.Duration) (*ReplayStore, error) {
	curl, free := cText(url, false)
	defer free()
	var p *C.pqj_replay_store
	if err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_replay_store_redis(curl, C.uint32_t(timeout.Milliseconds()), &p, e)
	}); err != nil {
		return nil, err
	}
	return newStore(p), nil
}

func (s *ReplayStore) text2(a, b string, optionalA bool, f func(*C.pqj_replay_store, *C.char, *C.char, **C.pqj_error) C.pqj_status) error {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return ErrClosed
	}
	ca, freeA := cText(a, optionalA)
	defer freeA()
	cb, freeB := cText(b, false)
	defer freeB()
	return call(func(e **C.pqj_error) C.pqj_status { return f(s.ptr, ca, cb, e) })
}

// RevokeJTI revokes the token of issuer iss with this jti ("" iss: any issuer, memory only).
func (s *ReplayStore) RevokeJTI(iss, jti string) error {
	return s.text2(iss, jti, true, func(p *C.pqj_replay_store, a, b *C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_replay_store_revoke_jti(p, a, b, e)
	})
}

// RevokeKid revokes every token verified by the key kid.
func (s *ReplayStore) RevokeKid(kid string) error {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return ErrClosed
	}
	ckid, free := cText(kid, false)
	defer free()
	return call(func(e **C.pqj_error) C.pqj_status { return C.pqj_replay_store_revoke_kid(s.ptr, ckid, e) })
}

// RevokeSubject revokes every token of sub issued at or before the given time.
func (s *ReplayStore) RevokeSubject(sub string, atOrBefore time.Time) error {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return ErrClosed
	}
	csub, free := cText(sub, false)
	defer free()
	return call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_replay_store_revoke_subject(s.ptr, csub, C.int64_t(atOrBefore.Unix()), e)
	})
}

// Close releases the store (verifiers using it keep their own reference). Idempotent.
func (s *ReplayStore) Close() {
	if s == nil || s.ptr == nil {
		return
	}
	C.pqj_replay_store_free(s.ptr)
	s.ptr = nil
	runtime.SetFinalizer(s, nil)
}

// WithReplayStore checks revocations in store and, with singleUse, accepts each jti once only.
func WithReplayStore(store *ReplayStore, singleUse bool) Option {
	return func(v *C.pqj_validation, e **C.pqj_error) C.pqj_status {
		defer runtime.KeepAlive(store)
		if store == nil {
			return C.pqj_validation_set_replay_store(v, nil, C.bool(singleUse), e)
		}
		return C.pqj_validation_set_replay_store(v, store.ptr, C.bool(singleUse), e)
	}
}
