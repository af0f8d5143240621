package pqjose_test

import (
	"errors"
	"fmt"
	"testing"

	pqjose "github.com/pqjose/pqjose/bindings/go"
)

func TestFleetReplayRevocationAndRotation(t *testing.T) {
	a := mustKey(t, "Ed25519", "a")
	b := mustKey(t, "ML-DSA-44", "b")
	store, err := pqjose.NewMemoryReplayStore(0)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	set, _ := pqjose.NewKeySet()
	defer set.Close()
	if err := set.Add(a); err != nil {
		t.Fatal(err)
	}
	v, err := pqjose.NewVerifier(set, pqjose.WithReplayStore(store, true))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	claims := []byte(`{"sub":"agent-7"}`)
	t1, _ := pqjose.SignAt(a, claims, now)
	if _, err := v.VerifyAt(t1, now); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAt(t1, now); !errors.Is(err, pqjose.StatusReplayed) {
		t.Fatalf("replay: %v", err)
	}
	t2, _ := pqjose.SignAt(a, claims, now)
	if err := store.RevokeSubject("agent-7", now); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAt(t2, now); !errors.Is(err, pqjose.StatusRevoked) {
		t.Fatalf("revoked subject: %v", err)
	}

	// Atomic rotation from a fresh JWK Set, and the kids listed.
	pub, _ := b.PublicJWK()
	skipped, err := set.ReplaceFromJWKS([]byte(fmt.Sprintf(`{"keys":[{"kty":"nope","kid":"x"},%s]}`, pub)))
	if err != nil || len(skipped) != 1 || skipped[0].Kid != "x" || skipped[0].Index != 0 {
		t.Fatalf("replace: %v %+v", err, skipped)
	}
	keys, err := set.Keys()
	if err != nil || len(keys) != 1 || keys[0].Kid != "b" || keys[0].Status != "active" {
		t.Fatalf("keys: %v %+v", err, keys)
	}
	if _, err := set.ReplaceFromJWKS([]byte(`{"keys":[]}`)); !errors.Is(err, pqjose.StatusNoUsableKeys) {
		t.Fatalf("empty set: %v", err)
	}
	tb, _ := pqjose.SignAt(b, []byte(`{"sub":"agent-8"}`), now)
	if _, err := v.VerifyAt(tb, now); err != nil {
		t.Fatal(err)
	}

	// Remote sets refuse plain HTTP unless allowed; an unreachable Redis fails closed.
	if _, err := pqjose.NewRemoteKeySet("http://127.0.0.1:1/jwks", false); !errors.Is(err, pqjose.StatusRemoteInsecureUrl) {
		t.Fatalf("insecure: %v", err)
	}
	remote, err := pqjose.NewRemoteKeySet("http://127.0.0.1:1/jwks", true)
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	if err := remote.Refresh(); !errors.Is(err, pqjose.StatusRemoteTransport) {
		t.Fatalf("refresh: %v", err)
	}
	rv, err := pqjose.NewRemoteVerifier(remote)
	if err != nil {
		t.Fatal(err)
	}
	defer rv.Close()
	if _, err := rv.VerifyAt(tb, now); !errors.Is(err, pqjose.StatusRemoteKeysUnavailable) {
		t.Fatalf("remote verify: %v", err)
	}
	down, err := pqjose.NewRedisReplayStore("redis://127.0.0.1:1/0", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	if err := down.RevokeKid("k"); !errors.Is(err, pqjose.StatusReplayStoreUnavailable) {
		t.Fatalf("redis down: %v", err)
	}
}
