package pqjose

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestJWERoundTrips(t *testing.T) {
	secret := []byte("db\x00password\xff")
	for _, c := range []struct{ alg, crv, enc string }{
		{"HPKE-9", "", ""}, {"HPKE-8", "", ""}, {"HPKE-12", "", ""}, {"HPKE-13-KE", "", "A128GCM"},
		{"HPKE-0", "", ""}, {"ECDH-ES+A256KW", "X25519", "A256CBC-HS512"}, {"A256KW", "", ""},
	} {
		key, err := GenerateEncryptionKey(c.alg, EncryptionKeyParams{Curve: c.crv})
		if err != nil {
			t.Fatalf("%s: %v", c.alg, err)
		}
		if key.Algorithm() != c.alg || !key.IsPrivate() {
			t.Fatalf("%s: alg %q private %v", c.alg, key.Algorithm(), key.IsPrivate())
		}
		jwe, err := Encrypt(key, secret, EncryptOptions{Enc: c.enc})
		if err != nil {
			t.Fatalf("%s: %v", c.alg, err)
		}
		d, err := key.Decrypt(jwe)
		if err != nil || !bytes.Equal(d.Plaintext, secret) || d.KeyID != key.KeyID() {
			t.Fatalf("%s: %v %+v", c.alg, err, d)
		}
		d.Wipe()
		if !bytes.Equal(d.Plaintext, make([]byte, len(secret))) {
			t.Fatal("Wipe left bytes")
		}
		key.Close()
	}
}

func TestJWERefusals(t *testing.T) {
	agent, _ := GenerateEncryptionKey("HPKE-9", EncryptionKeyParams{})
	thief, _ := GenerateEncryptionKey("HPKE-9", EncryptionKeyParams{})
	pubJWK, err := agent.PublicJWK()
	if err != nil || bytes.Contains(pubJWK, []byte(`"priv"`)) {
		t.Fatalf("%v %s", err, pubJWK)
	}
	pub, err := EncryptionKeyFromJWK(pubJWK)
	if err != nil || pub.IsPrivate() || pub.KeyID() != agent.KeyID() {
		t.Fatal(err)
	}
	jwe, err := Encrypt(pub, []byte("API_KEY=s3cret"), EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := thief.Decrypt(jwe); !errors.Is(err, StatusJweDecryption) {
		t.Fatalf("wrong key: %v", err)
	}
	i := strings.LastIndex(jwe, ".") - 2
	flip := byte('A')
	if jwe[i] == 'A' {
		flip = 'B'
	}
	if _, err := agent.Decrypt(jwe[:i] + string(flip) + jwe[i+1:]); !errors.Is(err, StatusJweDecryption) {
		t.Fatalf("flipped bit: %v", err)
	}
	if _, err := pub.Decrypt(jwe); !errors.Is(err, StatusKeyNotPrivate) {
		t.Fatalf("public key: %v", err)
	}
	if _, err := Encrypt(agent, []byte("x"), EncryptOptions{Enc: "A256GCM"}); !errors.Is(err, StatusJweEncPresence) {
		t.Fatalf("enc with HPKE-9: %v", err)
	}
	signer, _ := GenerateKey("ML-DSA-44", "")
	sjwk, _ := signer.PrivateJWK()
	if _, err := EncryptionKeyFromJWK(sjwk); !errors.Is(err, StatusJweKeyMismatch) {
		t.Fatalf("signing JWK: %v", err)
	}
}

func TestJWENested(t *testing.T) {
	old, _ := GenerateEncryptionKey("HPKE-9", EncryptionKeyParams{})
	cur, _ := GenerateEncryptionKey("HPKE-9", EncryptionKeyParams{KeyID: "agent-2026"})
	keys, err := NewDecryptionKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if keys.Add(old) != nil || keys.Add(cur) != nil || keys.Len() != 2 {
		t.Fatal("add")
	}
	if err := keys.Add(cur); !errors.Is(err, StatusDuplicateKey) {
		t.Fatalf("duplicate: %v", err)
	}
	jwks, _ := keys.PublicJWKS()
	if !bytes.Contains(jwks, []byte("agent-2026")) || bytes.Contains(jwks, []byte("priv")) {
		t.Fatalf("%s", jwks)
	}

	issuer, _ := GenerateKey("ML-DSA-65", "")
	token, err := Sign(issuer, map[string]any{"iss": "vault", "sub": "agent-7", "db_password": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	jwe, err := EncryptNested(cur, token)
	if err != nil {
		t.Fatal(err)
	}
	d, err := keys.Decrypt(jwe)
	if err != nil || d.Cty != "JWT" || d.KeyID != "agent-2026" || d.Enc != "" || d.Algorithm != "HPKE-9" {
		t.Fatalf("%v %+v", err, d)
	}
	issuers := keySetOf(t, issuer)
	v, err := NewVerifier(issuers, WithIssuer("vault"), WithPolicy("pqc"))
	if err != nil {
		t.Fatal(err)
	}
	claims, err := keys.DecryptNested(v, jwe)
	if err != nil {
		t.Fatal(err)
	}
	if pw, err := claims.GetString("db_password"); err != nil || pw != "s3cret" {
		t.Fatalf("claim %q %v", pw, err)
	}
	if _, err := keys.DecryptNestedAt(v, jwe, time.Unix(4102444800, 0)); !errors.Is(err, StatusExpired) {
		t.Fatalf("expired: %v", err)
	}
	plain, _ := Encrypt(cur, []byte(token), EncryptOptions{})
	if _, err := keys.DecryptNested(v, plain); !errors.Is(err, StatusJweNotNested) {
		t.Fatalf("not nested: %v", err)
	}
	priv, _ := cur.PrivateJWK()
	spriv, _ := issuer.PrivateJWK()
	set, _ := json.Marshal(map[string][]json.RawMessage{"keys": {priv, spriv}})
	loaded, skipped, err := DecryptionKeySetFromJWKS(set)
	if err != nil || skipped != 1 || loaded.Len() != 1 {
		t.Fatalf("%v skipped %d", err, skipped)
	}
	if _, err := loaded.DecryptNested(v, jwe); err != nil {
		t.Fatal(err)
	}
}
