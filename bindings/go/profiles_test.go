package pqjose

import (
	"encoding/json"
	"errors"
	"testing"
)

func keySetOf(t *testing.T, k *Key) *KeySet {
	t.Helper()
	s, err := NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(k); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDPoPProofAndBinding(t *testing.T) {
	client, err := GenerateKey("ML-DSA-44", "")
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := GenerateKey("Ed25519", "")
	if err != nil {
		t.Fatal(err)
	}
	thumb, err := client.Thumbprint()
	if err != nil {
		t.Fatal(err)
	}
	at, err := Sign(issuer, map[string]any{"sub": "client", "cnf": map[string]string{"jkt": thumb}})
	if err != nil {
		t.Fatal(err)
	}
	htu := "https://rs.example/items"
	proof, err := DPoPProof(client, "GET", htu+"?page=2", at, "")
	if err != nil {
		t.Fatal(err)
	}
	jkt, claims, err := VerifyDPoPProof(proof, DPoPCheck{Method: "GET", URI: htu, AccessToken: at, Policy: "pqc"})
	if err != nil {
		t.Fatal(err)
	}
	if jkt != thumb {
		t.Fatalf("jkt %s, want %s", jkt, thumb)
	}
	var c map[string]any
	if err := json.Unmarshal(claims, &c); err != nil || c["htu"] != htu {
		t.Fatalf("claims %s", claims)
	}
	for name, check := range map[string]struct {
		c    DPoPCheck
		want Status
	}{
		"method": {DPoPCheck{Method: "POST", URI: htu, AccessToken: at}, StatusDpopMethod},
		"uri":    {DPoPCheck{Method: "GET", URI: htu + "/x", AccessToken: at}, StatusDpopUri},
		"ath":    {DPoPCheck{Method: "GET", URI: htu, AccessToken: "other"}, StatusAccessTokenHash},
		"nonce":  {DPoPCheck{Method: "GET", URI: htu, Nonce: "n"}, StatusNonce},
	} {
		if _, _, err := VerifyDPoPProof(proof, check.c); !errors.Is(err, check.want) {
			t.Errorf("%s: %v, want %v", name, err, check.want)
		}
	}
	// Single use through a replay store; a refused proof does not use up its jti.
	store, err := NewMemoryReplayStore(16)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	once := DPoPCheck{Method: "GET", URI: htu, AccessToken: at, Replay: store}
	if _, _, err := VerifyDPoPProof(proof, DPoPCheck{Method: "POST", URI: htu, AccessToken: at, Replay: store}); !errors.Is(err, StatusDpopMethod) {
		t.Fatalf("refused proof: %v", err)
	}
	if got, _, err := VerifyDPoPProof(proof, once); err != nil || got != thumb {
		t.Fatalf("first use: %v %s", err, got)
	}
	if _, _, err := VerifyDPoPProof(proof, once); !errors.Is(err, StatusReplayed) {
		t.Fatalf("replay: %v, want %v", err, StatusReplayed)
	}
	keys := keySetOf(t, issuer)
	bound, err := NewVerifier(keys, WithBoundJKT(jkt))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bound.Verify(at); err != nil {
		t.Fatal(err)
	}
	other, _ := NewVerifier(keys, WithBoundJKT("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
	if _, err := other.Verify(at); !errors.Is(err, StatusBindingMismatch) {
		t.Fatalf("other key: %v", err)
	}
}

func TestDelegation(t *testing.T) {
	idp, _ := GenerateKey("ES256", "")
	sts, _ := GenerateKey("ML-DSA-44", "")
	subject, _ := Sign(idp, map[string]any{"sub": "user", "aud": "sts", "scope": "read write"})
	actor, _ := Sign(idp, map[string]any{"sub": "agent-b", "aud": "sts"})
	idpKeys := keySetOf(t, idp)
	atSTS, err := NewVerifier(idpKeys, WithAudience("sts"))
	if err != nil {
		t.Fatal(err)
	}
	token, err := Delegate(atSTS, sts, Delegation{SubjectToken: subject, ActorToken: actor, Issuer: "sts", Audience: "api", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	stsKeys := keySetOf(t, sts)
	atAPI, _ := NewVerifier(stsKeys, WithAudience("api"))
	claims, actors, err := atAPI.VerifyDelegated(token, -1)
	if err != nil {
		t.Fatal(err)
	}
	if string(actors) != `[{"sub":"agent-b"}]` {
		t.Fatalf("actors %s", actors)
	}
	var c map[string]any
	if err := json.Unmarshal(claims, &c); err != nil || c["sub"] != "user" || c["scope"] != "read" {
		t.Fatalf("claims %s", claims)
	}
	if _, err := Delegate(atSTS, sts, Delegation{SubjectToken: subject, Issuer: "sts", Audience: "api", Scope: "admin"}); !errors.Is(err, StatusScopeWidened) {
		t.Fatalf("widened scope: %v", err)
	}
	if _, _, err := atAPI.VerifyDelegated(token, 0); !errors.Is(err, StatusChainTooDeep) {
		t.Fatalf("depth 0: %v", err)
	}
}
