// Command interop is the Go side of the cross-language check (C and Python have the same):
//
//	interop sign   DIR NAME   one key per algorithm, one token each: DIR/NAME.jwks.json, DIR/NAME.tokens
//	interop verify DIR NAME   verify DIR/NAME.tokens against DIR/NAME.jwks.json (tampered copies must fail)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	pqjose "github.com/pqjose/pqjose/bindings/go"
)

var algs = []string{"ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "ML-DSA-65-Ed25519", "ML-DSA-44-ES256", "SLH-DSA-SHA2-128s", "Ed25519", "ES256"}

func sign(dir, name string) error {
	set, err := pqjose.NewKeySet()
	if err != nil {
		return err
	}
	defer set.Close()
	var tokens []string
	claims := map[string]any{"iss": "pqjose-interop", "aud": "interop", "sub": name, "lang": "go"}
	for _, alg := range algs {
		k, err := pqjose.GenerateKey(alg, "")
		if err != nil {
			return fmt.Errorf("%s: %w", alg, err)
		}
		if err := set.Add(k); err != nil {
			return err
		}
		tok, err := pqjose.Sign(k, claims, pqjose.WithTTL(time.Hour))
		k.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", alg, err)
		}
		tokens = append(tokens, tok)
	}
	jwks, err := set.PublicJWKS()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jwks.json"), jwks, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".tokens"), []byte(strings.Join(tokens, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Printf("interop(go): signed %d tokens as %s\n", len(tokens), name)
	return nil
}

func verify(dir, name string) error {
	jwks, err := os.ReadFile(filepath.Join(dir, name+".jwks.json"))
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, name+".tokens"))
	if err != nil {
		return err
	}
	set, skipped, err := pqjose.KeySetFromJWKS(jwks)
	if err != nil {
		return err
	}
	defer set.Close()
	if skipped != 0 {
		return fmt.Errorf("%d keys of %s skipped", skipped, name)
	}
	v, err := pqjose.NewVerifier(set, pqjose.WithIssuer("pqjose-interop"), pqjose.WithAudience("interop"),
		pqjose.WithSubject(name), pqjose.WithRequiredClaims("lang"))
	if err != nil {
		return err
	}
	defer v.Close()
	n := 0
	for _, tok := range strings.Fields(string(raw)) {
		if _, err := v.Verify(tok); err != nil {
			return fmt.Errorf("token %d of %s: %w", n, name, err)
		}
		c := byte('A')
		if tok[len(tok)-3] == 'A' {
			c = 'B'
		}
		bad := tok[:len(tok)-3] + string(c) + tok[len(tok)-2:]
		if _, err := v.Verify(bad); err == nil {
			return fmt.Errorf("tampered token %d of %s accepted", n, name)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no tokens from %s", name)
	}
	fmt.Printf("interop(go): verified %d tokens from %s\n", n, name)
	return nil
}

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "sign" && os.Args[1] != "verify") {
		fmt.Fprintln(os.Stderr, "usage: interop sign|verify DIR NAME")
		os.Exit(2)
	}
	run := sign
	if os.Args[1] == "verify" {
		run = verify
	}
	if err := run(os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "interop(go):", err)
		os.Exit(1)
	}
}
