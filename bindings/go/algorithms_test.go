package pqjose_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	pqjose "github.com/pqjose/pqjose/bindings/go"
)

// Every algorithm the library knows: generate, sign, publish (asymmetric only), verify.
func TestEveryAlgorithm(t *testing.T) {
	algs := []string{
		"ML-DSA-44", "ML-DSA-65", "ML-DSA-87",
		"SLH-DSA-SHA2-128s", "SLH-DSA-SHAKE-128s", "SLH-DSA-SHA2-128f", "SLH-DSA-SHA2-192s",
		"SLH-DSA-SHA2-192f", "SLH-DSA-SHA2-256s", "SLH-DSA-SHA2-256f", "SLH-DSA-SHAKE-128f",
		"SLH-DSA-SHAKE-192s", "SLH-DSA-SHAKE-192f", "SLH-DSA-SHAKE-256s", "SLH-DSA-SHAKE-256f",
		"Ed25519", "EdDSA", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
		"HS256", "HS384", "HS512",
		"ML-DSA-44-ES256", "ML-DSA-65-ES256", "ML-DSA-87-ES384", "ML-DSA-44-Ed25519",
		"ML-DSA-65-Ed25519", "ML-DSA-87-Ed448",
	}
	// Small-signature SLH-DSA sets take seconds per signature; PQJOSE_SLOW=1 includes them
	// (the Rust known-answer tests cover them either way).
	slow := map[string]bool{
		"SLH-DSA-SHAKE-128s": true, "SLH-DSA-SHA2-192s": true, "SLH-DSA-SHA2-256s": true,
		"SLH-DSA-SHAKE-192s": true, "SLH-DSA-SHAKE-256s": true,
	}
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			if slow[alg] && os.Getenv("PQJOSE_SLOW") == "" {
				t.Skip("slow; set PQJOSE_SLOW=1")
			}
			t.Parallel()
			k := mustKey(t, alg, "k-"+alg)
			set, _ := pqjose.NewKeySet()
			defer set.Close()
			if err := set.Add(k); err != nil {
				t.Fatal(err)
			}
			v, err := pqjose.NewVerifier(set)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			tok, err := pqjose.SignAt(k, map[string]any{"sub": alg}, now, pqjose.WithTTL(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := v.VerifyAt(tok, now)
			if err != nil {
				t.Fatal(err)
			}
			var c map[string]any
			if json.Unmarshal(raw, &c) != nil || c["sub"] != alg {
				t.Fatalf("claims %s", raw)
			}
			symmetric := alg[:2] == "HS"
			jwk, err := k.PublicJWK()
			if symmetric != (err != nil) {
				t.Fatalf("public JWK: %v", err)
			}
			if !symmetric {
				pub, err := pqjose.KeyFromJWK(jwk)
				if err != nil {
					t.Fatal(err)
				}
				pub.Close()
			}
		})
	}
}
