package pqjose_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	pqjose "github.com/pqjose/pqjose/bindings/go"
)

func TestVerifyClaimsAccessors(t *testing.T) {
	k := mustKey(t, "ML-DSA-44", "ck")
	v := mustVerifier(t, []*pqjose.Key{k}, pqjose.WithIssuer("me"), pqjose.WithAudience("gw"))
	tok, err := pqjose.SignAt(k, map[string]any{
		"iss": "me", "sub": "agent-7", "aud": []string{"gw", "other"}, "jti": "id-1",
		"nbf": now.Unix() - 5, "task": "t-42", "n": -3, "ok": true, "f": 1.5,
		"obj": map[string]any{"a": []int{1, 2}},
	}, now, pqjose.WithTTL(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.VerifyClaimsAt(tok, now)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Algorithm() != "ML-DSA-44" {
		t.Errorf("Algorithm = %q", c.Algorithm())
	}
	if kid, ok := c.KeyID(); !ok || kid != "ck" {
		t.Errorf("KeyID = %q %v", kid, ok)
	}
	if s, ok := c.Subject(); !ok || s != "agent-7" {
		t.Errorf("Subject = %q %v", s, ok)
	}
	if s, ok := c.Issuer(); !ok || s != "me" {
		t.Errorf("Issuer = %q %v", s, ok)
	}
	if s, ok := c.JWTID(); !ok || s != "id-1" {
		t.Errorf("JWTID = %q %v", s, ok)
	}
	if a := c.Audience(); !slices.Equal(a, []string{"gw", "other"}) {
		t.Errorf("Audience = %q", a)
	}
	if e, ok := c.ExpiresAt(); !ok || !e.Equal(now.Add(time.Minute)) {
		t.Errorf("ExpiresAt = %v %v", e, ok)
	}
	if i, ok := c.IssuedAt(); !ok || !i.Equal(now) {
		t.Errorf("IssuedAt = %v %v", i, ok)
	}
	if nb, ok := c.NotBefore(); !ok || nb.Unix() != now.Unix()-5 {
		t.Errorf("NotBefore = %v %v", nb, ok)
	}
	kinds := map[string]pqjose.ClaimKind{"task": pqjose.ClaimKindString, "n": pqjose.ClaimKindInteger,
		"ok": pqjose.ClaimKindBool, "f": pqjose.ClaimKindNumber, "obj": pqjose.ClaimKindObject,
		"aud": pqjose.ClaimKindArray, "nope": pqjose.ClaimKindAbsent}
	for name, want := range kinds {
		if got := c.Kind(name); got != want {
			t.Errorf("Kind(%s) = %d, want %d", name, got, want)
		}
	}
	if s, err := c.GetString("task"); err != nil || s != "t-42" {
		t.Errorf("GetString = %q %v", s, err)
	}
	if n, err := c.GetInt("n"); err != nil || n != -3 {
		t.Errorf("GetInt = %d %v", n, err)
	}
	if b, err := c.GetBool("ok"); err != nil || !b {
		t.Errorf("GetBool = %v %v", b, err)
	}
	if j, err := c.GetJSON("obj"); err != nil || string(j) != `{"a":[1,2]}` {
		t.Errorf("GetJSON = %s %v", j, err)
	}
	if _, err := c.GetInt("task"); !errors.Is(err, pqjose.StatusClaimType) {
		t.Errorf("GetInt(task) err = %v", err)
	}
	if _, err := c.GetString("nope"); !errors.Is(err, pqjose.StatusClaimAbsent) {
		t.Errorf("GetString(nope) err = %v", err)
	}
	if len(c.JSON()) == 0 {
		t.Error("JSON is empty")
	}
	// A refused token has no claims; a closed one reads as empty.
	if _, err := v.VerifyClaimsAt(tok, now.Add(time.Hour)); !errors.Is(err, pqjose.StatusExpired) {
		t.Errorf("expired: %v", err)
	}
	c.Close()
	if _, ok := c.Subject(); ok || c.Algorithm() != "" {
		t.Error("closed claims still read")
	}
	if _, err := c.GetString("task"); !errors.Is(err, pqjose.ErrClosed) {
		t.Errorf("closed GetString: %v", err)
	}
}
