package pqjose_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pqjose "github.com/pqjose/pqjose/bindings/go"
)

var now = time.Unix(1800000000, 0)

func mustKey(t testing.TB, alg, kid string) *pqjose.Key {
	t.Helper()
	k, err := pqjose.GenerateKey(alg, kid)
	if err != nil {
		t.Fatalf("GenerateKey(%s): %v", alg, err)
	}
	t.Cleanup(k.Close)
	return k
}

func mustVerifier(t testing.TB, keys []*pqjose.Key, opts ...pqjose.Option) *pqjose.Verifier {
	t.Helper()
	set, err := pqjose.NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close() // the verifier keeps its own reference
	for _, k := range keys {
		if err := set.Add(k); err != nil {
			t.Fatal(err)
		}
	}
	v, err := pqjose.NewVerifier(set, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

func TestVersion(t *testing.T) {
	if v := pqjose.Version(); !strings.HasPrefix(v, "pqjose ") || !strings.Contains(v, "(rustcrypto)") {
		t.Fatalf("Version() = %q", v)
	}
}

// The Go constants carry the header's numbers, and the header names nothing Go lacks.
func TestStatusConstantsMatchHeader(t *testing.T) {
	header, err := os.ReadFile("../../include/pqjose.h")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "status.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	goConsts := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				goConsts[vs.Names[0].Name] = lit.Value
			}
		}
		return true
	})
	acronyms := map[string]string{"OK": "OK", "UTF8": "UTF8", "JSON": "JSON", "JWK": "JWK", "JWT": "JWT"}
	re := regexp.MustCompile(`PQJ_STATUS_([A-Z0-9_]+) = (\d+),`)
	matches := re.FindAllStringSubmatch(string(header), -1)
	for _, m := range matches {
		name := "Status"
		for _, w := range strings.Split(m[1], "_") {
			if a, ok := acronyms[w]; ok {
				name += a
			} else {
				name += w[:1] + strings.ToLower(w[1:])
			}
		}
		if goConsts[name] != m[2] {
			t.Errorf("PQJ_STATUS_%s = %s, but Go has %s = %q", m[1], m[2], name, goConsts[name])
		}
		n, _ := strconv.Atoi(m[2])
		if pqjose.Status(n).String() == "unknown status" {
			t.Errorf("status %d has no message", n)
		}
	}
	if len(matches) != len(goConsts) || len(matches) < 50 {
		t.Fatalf("header has %d statuses, Go %d", len(matches), len(goConsts))
	}
}

func TestKeys(t *testing.T) {
	k := mustKey(t, "ML-DSA-65", "k1")
	if k.Algorithm() != "ML-DSA-65" || k.KeyID() != "k1" || !k.IsPrivate() {
		t.Fatalf("key: %s %s %v", k.Algorithm(), k.KeyID(), k.IsPrivate())
	}
	pub, err := k.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	var jwk map[string]any
	if err := json.Unmarshal(pub, &jwk); err != nil || jwk["kty"] != "AKP" || jwk["priv"] != nil {
		t.Fatalf("public JWK %s (%v)", pub, err)
	}
	pk, err := pqjose.KeyFromJWK(pub)
	if err != nil {
		t.Fatal(err)
	}
	defer pk.Close()
	if pk.IsPrivate() {
		t.Fatal("public JWK imported as private")
	}
	if _, err := pk.PrivateJWK(); !errors.Is(err, pqjose.StatusKeyNotPrivate) {
		t.Fatalf("PrivateJWK of a public key: %v", err)
	}
	priv, err := k.PrivateJWK()
	if err != nil {
		t.Fatal(err)
	}
	again, err := pqjose.KeyFromJWK(priv)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	t1, _ := k.Thumbprint()
	t2, _ := again.Thumbprint()
	if t1 == "" || t1 != t2 {
		t.Fatalf("thumbprints %q %q", t1, t2)
	}

	_, err = pqjose.GenerateKey("ML-DSA-66", "")
	var e *pqjose.Error
	if !errors.As(err, &e) || e.Status != pqjose.StatusAlgUnknown || !errors.Is(err, pqjose.StatusAlgUnknown) {
		t.Fatalf("unknown alg: %#v", err)
	}
	if _, err := pqjose.GenerateKey("none", ""); !errors.Is(err, pqjose.StatusAlgNone) {
		t.Fatalf("alg none: %v", err)
	}
	if _, err := pqjose.KeyFromJWK([]byte(`{"kty":"oct","kty":"oct"}`)); !errors.Is(err, pqjose.StatusMalformedJWK) {
		t.Fatalf("duplicate member JWK: %v", err)
	}
	if _, err := pqjose.KeyFromJWK(nil); !errors.Is(err, pqjose.StatusMalformedJWK) {
		t.Fatalf("empty JWK: %v", err)
	}
}

func TestPEM(t *testing.T) {
	// RFC 8037 A.1, and its thumbprint (A.3).
	pem := "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"
	k, err := pqjose.KeyFromPEM("Ed25519", []byte(pem), "")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if k.KeyID() != "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" || k.IsPrivate() {
		t.Fatalf("kid %q private %v", k.KeyID(), k.IsPrivate())
	}
	if _, err := pqjose.KeyFromPEM("Ed25519", []byte("-----BEGIN PUBLIC KEY-----"), ""); !errors.Is(err, pqjose.StatusPem) {
		t.Fatalf("bad PEM: %v", err)
	}
}

type claims struct {
	Iss  string `json:"iss"`
	Sub  string `json:"sub"`
	Aud  string `json:"aud"`
	Task string `json:"task"`
	Exp  int64  `json:"exp,omitempty"`
}

func TestSignVerify(t *testing.T) {
	for _, alg := range []string{"ML-DSA-44", "ML-DSA-65-Ed25519", "Ed25519", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			k := mustKey(t, alg, "")
			v := mustVerifier(t, []*pqjose.Key{k},
				pqjose.WithIssuer("iss"), pqjose.WithAudience("gw"), pqjose.WithRequiredClaims("task"),
				pqjose.WithType("at+jwt"))
			tok, err := pqjose.SignAt(k, claims{Iss: "iss", Sub: "agent", Aud: "gw", Task: "t-1"}, now,
				pqjose.WithTTL(time.Minute), pqjose.WithTokenType("at+jwt"),
				pqjose.WithHeader(map[string]any{"x-tenant": "acme"}))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := v.VerifyAt(tok, now.Add(10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			var got claims
			if err := json.Unmarshal(raw, &got); err != nil || got.Task != "t-1" || got.Exp != now.Unix()+60 {
				t.Fatalf("claims %s (%v)", raw, err)
			}
			if _, err := v.VerifyAt(tok, now.Add(2*time.Minute)); !errors.Is(err, pqjose.StatusExpired) {
				t.Fatalf("expired: %v", err)
			}
			bad := tok[:len(tok)-4] + map[bool]string{true: "AAAA", false: "BBBB"}[!strings.HasSuffix(tok, "AAAA")]
			if _, err := v.VerifyAt(bad, now); err == nil {
				t.Fatal("tampered token accepted")
			}
			other, _ := pqjose.SignAt(k, []byte(`{"iss":"evil","aud":"gw","task":"x"}`), now, pqjose.WithTokenType("at+jwt"))
			_, err = v.VerifyAt(other, now)
			if !errors.Is(err, pqjose.StatusIssuer) || strings.Contains(err.Error(), "evil") {
				t.Fatalf("wrong issuer: %v", err)
			}
			h, c, err := pqjose.InspectUnverified(tok)
			if err != nil || !strings.Contains(string(h), `"x-tenant":"acme"`) || !strings.Contains(string(c), `"task":"t-1"`) {
				t.Fatalf("inspect: %s %s %v", h, c, err)
			}
		})
	}
}

func TestPolicyAndOptions(t *testing.T) {
	ed := mustKey(t, "Ed25519", "ed")
	ml := mustKey(t, "ML-DSA-44", "ml")
	tEd, _ := pqjose.SignAt(ed, nil, now)
	tMl, _ := pqjose.SignAt(ml, nil, now)
	pqc := mustVerifier(t, []*pqjose.Key{ed, ml}, pqjose.WithPolicy("pqc"))
	if _, err := pqc.VerifyAt(tMl, now); err != nil {
		t.Fatal(err)
	}
	if _, err := pqc.VerifyAt(tEd, now); err == nil {
		t.Fatal("pqc policy accepted Ed25519")
	}
	// pqc is pure post-quantum; hybrid adds the composites; composite is composites only.
	hy := mustKey(t, "ML-DSA-44-Ed25519", "hy")
	tHy, _ := pqjose.SignAt(hy, nil, now)
	for _, c := range []struct {
		policy     string
		pq, hybrid bool
	}{{"pqc", true, false}, {"hybrid", true, true}, {"composite", false, true}} {
		v := mustVerifier(t, []*pqjose.Key{ml, hy}, pqjose.WithPolicy(c.policy))
		if _, err := v.VerifyAt(tMl, now); (err == nil) != c.pq {
			t.Fatalf("%s, ML-DSA-44: %v", c.policy, err)
		}
		_, err := v.VerifyAt(tHy, now)
		if (err == nil) != c.hybrid || (err != nil && !errors.Is(err, pqjose.StatusAlgNotAllowed)) {
			t.Fatalf("%s, ML-DSA-44-Ed25519: %v", c.policy, err)
		}
	}
	only := mustVerifier(t, []*pqjose.Key{ed, ml}, pqjose.WithAlgorithms("Ed25519"))
	if _, err := only.VerifyAt(tMl, now); err == nil {
		t.Fatal("allow-list ignored")
	}
	if _, err := pqjose.NewVerifier(nil); !errors.Is(err, pqjose.ErrClosed) {
		t.Fatal(err)
	}
	set, _ := pqjose.NewKeySet()
	defer set.Close()
	if _, err := pqjose.NewVerifier(set, pqjose.WithPolicy("quantum")); !errors.Is(err, pqjose.StatusUnknownPolicy) {
		t.Fatalf("bad policy: %v", err)
	}
	if _, err := pqjose.NewVerifier(set, pqjose.WithLeeway(-time.Second)); !errors.Is(err, pqjose.StatusInvalidArgument) {
		t.Fatalf("negative leeway: %v", err)
	}
	aged := mustVerifier(t, []*pqjose.Key{ml}, pqjose.WithMaxAge(10*time.Second), pqjose.WithLeeway(0))
	if _, err := aged.VerifyAt(tMl, now.Add(11*time.Second)); !errors.Is(err, pqjose.StatusTooOld) {
		t.Fatalf("max age: %v", err)
	}
}

func TestKeySetRotation(t *testing.T) {
	a := mustKey(t, "ML-DSA-44", "a")
	b := mustKey(t, "ML-DSA-44", "b")
	set, err := pqjose.NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if err := set.Add(a); err != nil {
		t.Fatal(err)
	}
	if err := set.Add(a); !errors.Is(err, pqjose.StatusDuplicateKey) {
		t.Fatalf("duplicate: %v", err)
	}
	v, err := pqjose.NewVerifier(set)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ta, _ := pqjose.SignAt(a, nil, now)
	tb, _ := pqjose.SignAt(b, nil, now)
	if _, err := v.VerifyAt(tb, now); !errors.Is(err, pqjose.StatusKeyNotFound) {
		t.Fatalf("before add: %v", err)
	}
	_ = set.Add(b)
	if _, err := v.VerifyAt(tb, now); err != nil {
		t.Fatalf("after add: %v", err)
	}
	if err := set.RetireAfter("a", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAt(ta, now.Add(time.Minute)); err != nil {
		t.Fatalf("in overlap: %v", err)
	}
	if _, err := v.VerifyAt(ta, now.Add(61*time.Second)); !errors.Is(err, pqjose.StatusKeyNotFound) {
		t.Fatalf("after overlap: %v", err)
	}
	jwks, _ := set.PublicJWKS()
	loaded, skipped, err := pqjose.KeySetFromJWKS(jwks)
	if err != nil || skipped != 0 || loaded.Len() != 2 {
		t.Fatalf("reload: %v %d", err, skipped)
	}
	loaded.Close()
	if err := set.Remove("a"); err != nil || set.Len() != 1 {
		t.Fatal(err)
	}
	if err := set.Retire("zzz"); !errors.Is(err, pqjose.StatusKeyNotFound) {
		t.Fatal(err)
	}
}

// Many goroutines share one verifier while another goroutine rotates the key set.
func TestConcurrentVerifyDuringRotation(t *testing.T) {
	stable := mustKey(t, "ML-DSA-44", "stable")
	set, _ := pqjose.NewKeySet()
	defer set.Close()
	_ = set.Add(stable)
	v, err := pqjose.NewVerifier(set, pqjose.WithPolicy("pqc"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	tok, _ := pqjose.SignAt(stable, map[string]any{"sub": "s"}, now)

	const goroutines, perGoroutine = 64, 20
	var ok, failed atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // rotator
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			k, err := pqjose.GenerateKey("Ed25519", fmt.Sprintf("r%d", i))
			if err != nil {
				t.Error(err)
				return
			}
			_ = set.Add(k)
			k.Close()
			if i > 0 {
				_ = set.Remove(fmt.Sprintf("r%d", i-1))
			}
		}
	}()
	var vg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		vg.Add(1)
		go func() {
			defer vg.Done()
			for i := 0; i < perGoroutine; i++ {
				if _, err := v.VerifyAt(tok, now); err != nil {
					failed.Add(1)
					t.Error(err)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	vg.Wait()
	close(done)
	wg.Wait()
	if ok.Load() != goroutines*perGoroutine || failed.Load() != 0 {
		t.Fatalf("%d ok, %d failed", ok.Load(), failed.Load())
	}
	t.Logf("%d goroutines: %d verifications during rotation", goroutines, ok.Load())
}

func TestCloseAndFinalizers(t *testing.T) {
	k, _ := pqjose.GenerateKey("Ed25519", "")
	k.Close()
	k.Close() // idempotent
	if _, err := k.PublicJWK(); !errors.Is(err, pqjose.ErrClosed) {
		t.Fatalf("use after close: %v", err)
	}
	if _, err := pqjose.Sign(k, nil); !errors.Is(err, pqjose.ErrClosed) {
		t.Fatalf("sign after close: %v", err)
	}
	// Forgotten handles are released by finalizers.
	for i := 0; i < 100; i++ {
		k, _ := pqjose.GenerateKey("Ed25519", "")
		s, _ := pqjose.NewKeySet()
		_ = s.Add(k)
		v, _ := pqjose.NewVerifier(s)
		_ = v
	}
	runtime.GC()
	runtime.GC()
}

func BenchmarkVerify(b *testing.B) {
	for _, alg := range []string{"ML-DSA-65", "ML-DSA-65-Ed25519", "Ed25519"} {
		b.Run(alg, func(b *testing.B) {
			k := mustKey(b, alg, "")
			v := mustVerifier(b, []*pqjose.Key{k})
			tok, err := pqjose.Sign(k, map[string]any{"sub": "bench"}, pqjose.WithTTL(time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := v.Verify(tok); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
