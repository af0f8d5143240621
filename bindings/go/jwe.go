package pqjose

// #include <stdlib.h>
// #include "pqjose.h"
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// EncryptionKey is a JWE encryption key bound to one key-management algorithm ("HPKE-9",
// "HPKE-8", "ECDH-ES+A256KW", "A256KW", "dir", ...): private (decrypts, and encrypts to its
// public half) or public (encrypts only). It is a different type from Key: a signing key
// cannot decrypt and an encryption key cannot sign or verify. Safe for concurrent use.
type EncryptionKey struct {
	ptr *C.pqj_jwe_key
}

// EncryptionKeyParams are the optional parameters of GenerateEncryptionKey.
type EncryptionKeyParams struct {
	// Curve of an ECDH-ES* key: "P-256" (default), "P-384" or "X25519".
	Curve string
	// Enc is the content encryption a "dir" key is sized for (required for "dir").
	Enc string
	// KeyID is the kid; empty means the RFC 7638 thumbprint.
	KeyID string
}

func newEncryptionKey(p *C.pqj_jwe_key) *EncryptionKey {
	k := &EncryptionKey{ptr: p}
	runtime.SetFinalizer(k, (*EncryptionKey).Close)
	return k
}

// Close releases the key (key sets holding it keep their own copy). Idempotent.
func (k *EncryptionKey) Close() {
	if k == nil || k.ptr == nil {
		return
	}
	C.pqj_jwe_key_free(k.ptr)
	k.ptr = nil
	runtime.SetFinalizer(k, nil)
}

// GenerateEncryptionKey makes a new private encryption key for alg.
func GenerateEncryptionKey(alg string, p EncryptionKeyParams) (*EncryptionKey, error) {
	calg, freeAlg := cText(alg, false)
	defer freeAlg()
	ccrv, freeCrv := cText(p.Curve, true)
	defer freeCrv()
	cenc, freeEnc := cText(p.Enc, true)
	defer freeEnc()
	ckid, freeKid := cText(p.KeyID, true)
	defer freeKid()
	var out *C.pqj_jwe_key
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_jwe_key_generate(calg, ccrv, cenc, ckid, &out, e)
	})
	if err != nil {
		return nil, err
	}
	return newEncryptionKey(out), nil
}

// EncryptionKeyFromJWK imports an encryption JWK (JSON). Its alg must be a JWE key-management
// algorithm (a signing JWK fails with StatusJweKeyMismatch). With private members (and for
// every oct JWK) it is a private key.
func EncryptionKeyFromJWK(jwk []byte) (*EncryptionKey, error) {
	ptr, n := cBytes(jwk)
	var out *C.pqj_jwe_key
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_key_from_jwk(ptr, n, &out, e) })
	runtime.KeepAlive(jwk)
	if err != nil {
		return nil, err
	}
	return newEncryptionKey(out), nil
}

// Algorithm is the key-management algorithm ("" after Close).
func (k *EncryptionKey) Algorithm() string {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return ""
	}
	return C.GoString(C.pqj_jwe_key_alg(k.ptr))
}

// KeyID is the key id ("" after Close).
func (k *EncryptionKey) KeyID() string {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return ""
	}
	return C.GoString(C.pqj_jwe_key_kid(k.ptr))
}

// IsPrivate reports whether the key can decrypt.
func (k *EncryptionKey) IsPrivate() bool {
	defer runtime.KeepAlive(k)
	return k.ptr != nil && bool(C.pqj_jwe_key_is_private(k.ptr))
}

func (k *EncryptionKey) stringOut(f func(*C.pqj_jwe_key, **C.char, **C.pqj_error) C.pqj_status) ([]byte, error) {
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

// PublicJWK is the public JWK (JSON) with kid and alg, to give to senders (refused for oct keys).
func (k *EncryptionKey) PublicJWK() ([]byte, error) {
	return k.stringOut(func(p *C.pqj_jwe_key, o **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_jwe_key_public_jwk(p, o, e)
	})
}

// PrivateJWK is the private JWK (JSON), secret members included: store it like a password.
func (k *EncryptionKey) PrivateJWK() ([]byte, error) {
	return k.stringOut(func(p *C.pqj_jwe_key, o **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_jwe_key_private_jwk(p, o, e)
	})
}

// EncryptOptions are the optional parameters of Encrypt.
type EncryptOptions struct {
	// Enc is the content encryption ("A256GCM" when empty); it must be empty for HPKE
	// integrated encryption ("HPKE-n"), which has none.
	Enc string
	// Cty is the cty header member; "JWT" marks a nested (signed-then-encrypted) token.
	Cty string
}

// Encrypt encrypts plaintext to key (public or private) as a compact JWE.
func Encrypt(key *EncryptionKey, plaintext []byte, opts EncryptOptions) (string, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return "", ErrClosed
	}
	cenc, freeEnc := cText(opts.Enc, true)
	defer freeEnc()
	ccty, freeCty := cText(opts.Cty, true)
	defer freeCty()
	ptr, n := cBytes(plaintext)
	var out *C.char
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_jwe_encrypt(key.ptr, cenc, ccty, ptr, n, &out, e)
	})
	runtime.KeepAlive(plaintext)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// EncryptNested encrypts a signed JWT to key with cty "JWT" (a nested token).
func EncryptNested(key *EncryptionKey, token string) (string, error) {
	return Encrypt(key, []byte(token), EncryptOptions{Cty: "JWT"})
}

// Decrypted is an opened JWE. The plaintext is a Go copy of the library's buffer (which is
// zeroized when released); call Wipe when done with a secret.
type Decrypted struct {
	Plaintext []byte
	Algorithm string
	Enc       string // "" for HPKE integrated encryption
	KeyID     string // the kid of the key that opened it
	Cty       string // "" if none
}

// Wipe overwrites the plaintext with zeros.
func (d *Decrypted) Wipe() {
	for i := range d.Plaintext {
		d.Plaintext[i] = 0
	}
}

func optString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func takeDecrypted(d *C.pqj_decrypted) *Decrypted {
	defer C.pqj_decrypted_free(d)
	var n C.size_t
	p := C.pqj_decrypted_plaintext(d, &n)
	return &Decrypted{
		Plaintext: C.GoBytes(unsafe.Pointer(p), C.int(n)),
		Algorithm: C.GoString(C.pqj_decrypted_alg(d)),
		Enc:       optString(C.pqj_decrypted_enc(d)),
		KeyID:     C.GoString(C.pqj_decrypted_kid(d)),
		Cty:       optString(C.pqj_decrypted_cty(d)),
	}
}

// Decrypt opens a JWE (compact or JSON) with this private key. Every failure of decryption
// proper is StatusJweDecryption, with no detail (no oracle).
func (k *EncryptionKey) Decrypt(jwe string) (*Decrypted, error) {
	defer runtime.KeepAlive(k)
	if k.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cString(jwe)
	var out *C.pqj_decrypted
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_decrypt(k.ptr, ptr, n, &out, e) })
	runtime.KeepAlive(jwe)
	if err != nil {
		return nil, err
	}
	return takeDecrypted(out), nil
}

// DecryptionKeySet is a recipient's rotating decryption keys, selected by the JWE's kid and
// alg. Safe for concurrent use; Add is atomic.
type DecryptionKeySet struct {
	ptr *C.pqj_jwe_keyset
}

func newDecryptionKeySet(p *C.pqj_jwe_keyset) *DecryptionKeySet {
	s := &DecryptionKeySet{ptr: p}
	runtime.SetFinalizer(s, (*DecryptionKeySet).Close)
	return s
}

// Close releases the set. Idempotent.
func (s *DecryptionKeySet) Close() {
	if s == nil || s.ptr == nil {
		return
	}
	C.pqj_jwe_keyset_free(s.ptr)
	s.ptr = nil
	runtime.SetFinalizer(s, nil)
}

// NewDecryptionKeySet makes an empty set.
func NewDecryptionKeySet() (*DecryptionKeySet, error) {
	var p *C.pqj_jwe_keyset
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_keyset_new(&p, e) }); err != nil {
		return nil, err
	}
	return newDecryptionKeySet(p), nil
}

// DecryptionKeySetFromJWKS loads a private JWK Set; it also returns how many entries were
// skipped (signing keys, public keys, unknown types).
func DecryptionKeySetFromJWKS(jwks []byte) (*DecryptionKeySet, int, error) {
	ptr, n := cBytes(jwks)
	var p *C.pqj_jwe_keyset
	var skipped C.size_t
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_jwe_keyset_from_jwks(ptr, n, &p, &skipped, e)
	})
	runtime.KeepAlive(jwks)
	if err != nil {
		return nil, 0, err
	}
	return newDecryptionKeySet(p), int(skipped), nil
}

// Add adds a private key (a copy; the caller keeps the key).
func (s *DecryptionKeySet) Add(k *EncryptionKey) error {
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(k)
	if s.ptr == nil || k == nil || k.ptr == nil {
		return ErrClosed
	}
	return call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_keyset_add(s.ptr, k.ptr, e) })
}

// Len is the number of keys.
func (s *DecryptionKeySet) Len() int {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return 0
	}
	return int(C.pqj_jwe_keyset_len(s.ptr))
}

// PublicJWKS is the public JWK Set to publish (oct keys left out).
func (s *DecryptionKeySet) PublicJWKS() ([]byte, error) {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_keyset_public_jwks(s.ptr, &out, e) }); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// Decrypt opens a JWE with the key its kid and alg select (StatusKeyNotFound if none fits).
func (s *DecryptionKeySet) Decrypt(jwe string) (*Decrypted, error) {
	defer runtime.KeepAlive(s)
	if s.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cString(jwe)
	var out *C.pqj_decrypted
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_jwe_keyset_decrypt(s.ptr, ptr, n, &out, e) })
	runtime.KeepAlive(jwe)
	if err != nil {
		return nil, err
	}
	return takeDecrypted(out), nil
}

// DecryptNested opens a nested token in one call: decrypt with this set, require cty "JWT",
// then verify the inner JWT with v (signature, policy, every claim check) now.
func (s *DecryptionKeySet) DecryptNested(v *Verifier, jwe string) (*Claims, error) {
	return s.decryptNested(v, jwe, nil)
}

// DecryptNestedAt is DecryptNested with the inner token's time checks at now.
func (s *DecryptionKeySet) DecryptNestedAt(v *Verifier, jwe string, now time.Time) (*Claims, error) {
	return s.decryptNested(v, jwe, &now)
}

func (s *DecryptionKeySet) decryptNested(v *Verifier, jwe string, now *time.Time) (*Claims, error) {
	defer runtime.KeepAlive(s)
	defer runtime.KeepAlive(v)
	if s.ptr == nil || v == nil || v.ptr == nil {
		return nil, ErrClosed
	}
	ptr, n := cString(jwe)
	var out *C.pqj_claims
	err := call(func(e **C.pqj_error) C.pqj_status {
		if now != nil {
			return C.pqj_jwe_decrypt_nested_at(s.ptr, v.ptr, ptr, n, C.int64_t(now.Unix()), &out, e)
		}
		return C.pqj_jwe_decrypt_nested(s.ptr, v.ptr, ptr, n, &out, e)
	})
	runtime.KeepAlive(jwe)
	if err != nil {
		return nil, err
	}
	c := &Claims{ptr: out}
	runtime.SetFinalizer(c, (*Claims).Close)
	return c, nil
}
