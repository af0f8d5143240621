package pqjose

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func publicOf(t *testing.T, k *Key) *Key {
	t.Helper()
	jwk, err := k.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := KeyFromJWK(jwk)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// A gateway logging the actions it authorizes: appends from many goroutines, seal, prove,
// check the proof and the whole log with the public key only; a changed record is found with
// its index, and reopening refuses the tampered log.
func TestAuditLog(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	key, err := GenerateKey("ML-DSA-44", "")
	if err != nil {
		t.Fatal(err)
	}
	pub := publicOf(t, key)
	log, err := CreateAuditLog(dir, key, AuditOptions{Every: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateAuditLog(dir, key, AuditOptions{}); !errors.Is(err, StatusAuditNotEmpty) {
		t.Fatalf("create over a log: %v", err)
	}
	var wg sync.WaitGroup
	seen := make([]bool, 40)
	var mu sync.Mutex
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				rec := fmt.Sprintf(`{"sub":"agent-%d","action":"db.write","resource":"t/%d"}`, g, i)
				a, err := log.Append([]byte(rec))
				if err != nil {
					t.Error(err)
					return
				}
				if a.LeafHash != sha256.Sum256(append([]byte{0}, rec...)) {
					t.Errorf("leaf hash of %s", rec)
				}
				mu.Lock()
				seen[a.Index] = true
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	for i, s := range seen {
		if !s {
			t.Fatalf("index %d never returned", i)
		}
	}
	if _, err := log.Append([]byte("[1]")); !errors.Is(err, StatusAuditRecordNotObject) {
		t.Fatalf("append [1]: %v", err)
	}
	if n, err := log.Sync(); err != nil || n != 40 {
		t.Fatalf("sync: %d %v", n, err)
	}
	cp, err := log.Seal()
	if err != nil || strings.Count(cp, ".") != 2 {
		t.Fatalf("seal: %q %v", cp, err)
	}
	proof, err := log.Prove(7, 0)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Index      uint64   `json:"index"`
		Size       uint64   `json:"size"`
		LeafHash   string   `json:"leaf_hash"`
		Path       []string `json:"path"`
		Root       string   `json:"root"`
		Checkpoint string   `json:"checkpoint"`
	}
	if err := json.Unmarshal(proof, &doc); err != nil || doc.Index != 7 || doc.Size != 40 || doc.Checkpoint != cp {
		t.Fatalf("proof %s: %v", proof, err)
	}
	if _, err := log.Prove(0, 3); !errors.Is(err, StatusAuditNoCheckpoint) {
		t.Fatalf("prove against a size without checkpoint: %v", err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append([]byte(`{}`)); err != ErrClosed {
		t.Fatalf("append after close: %v", err)
	}

	if size, err := CheckAuditProof(proof, pub, nil); err != nil || size != 40 {
		t.Fatalf("check proof: %d %v", size, err)
	}
	other := publicOf(t, mustKey(t, "ML-DSA-44"))
	if _, err := CheckAuditProof(proof, other, nil); err == nil {
		t.Fatal("proof verified with another key")
	}
	bad := []byte(strings.Replace(string(proof), `"index":7`, `"index":6`, 1))
	if _, err := CheckAuditProof(bad, pub, nil); !errors.Is(err, StatusAuditInclusionProof) {
		t.Fatalf("moved proof: %v", err)
	}
	if n, err := VerifyAuditLog(dir, pub); err != nil || n != 40 {
		t.Fatalf("verify: %d %v", n, err)
	}

	// Change record 12: verification names it, and reopening for appending refuses the log.
	path := filepath.Join(dir, "records.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	lines[12] = strings.Replace(lines[12], "db.write", "db.drop!", 1)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = VerifyAuditLog(dir, pub)
	if !errors.Is(err, StatusAuditTampered) || !strings.HasSuffix(err.Error(), "at index 12") {
		t.Fatalf("verify tampered: %v", err)
	}
	if _, err := OpenAuditLog(dir, key); !errors.Is(err, StatusAuditTampered) {
		t.Fatalf("reopen tampered: %v", err)
	}
}

func mustKey(t *testing.T, alg string) *Key {
	t.Helper()
	k, err := GenerateKey(alg, "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Reopening an untouched log continues its indexes; Ed25519 checkpoints are signed notes.
func TestAuditLogReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	key := mustKey(t, "Ed25519")
	log, err := CreateAuditLog(dir, key, AuditOptions{SyncEveryRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append([]byte(`{"n":0}`)); err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	log, err = OpenAuditLog(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	a, err := log.Append([]byte(`{"n":1}`))
	if err != nil || a.Index != 1 {
		t.Fatalf("append after reopen: %+v %v", a, err)
	}
	cp, err := log.Seal()
	if err != nil || !strings.Contains(cp, "\n\n\u2014 ") {
		t.Fatalf("signed note: %q %v", cp, err)
	}
	if n, err := VerifyAuditLog(dir, publicOf(t, key)); err != nil || n != 2 {
		t.Fatalf("verify: %d %v", n, err)
	}
}

// Consistency between two checkpoints: proven by the writer, checked with the public key
// only; another key or a changed path is refused.
func TestAuditConsistency(t *testing.T) {
	key, err := GenerateKey("ML-DSA-44", "")
	if err != nil {
		t.Fatal(err)
	}
	pub := publicOf(t, key)
	log, err := CreateAuditLog(filepath.Join(t.TempDir(), "log"), key, AuditOptions{Every: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	for i := 0; i < 5; i++ {
		if _, err := log.Append([]byte(fmt.Sprintf(`{"sub":"agent","n":%d}`, i))); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if _, err := log.Seal(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := log.Seal(); err != nil {
		t.Fatal(err)
	}
	proof, err := log.ProveConsistency(3, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := log.ProveConsistency(2, 5); !errors.Is(err, StatusAuditNoCheckpoint) {
		t.Fatalf("no checkpoint of size 2: %v", err)
	}
	s1, s2, err := CheckAuditConsistency(proof, pub)
	if err != nil || s1 != 3 || s2 != 5 {
		t.Fatalf("check: %d %d %v", s1, s2, err)
	}
	other, err := GenerateKey("ML-DSA-44", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := CheckAuditConsistency(proof, publicOf(t, other)); !errors.Is(err, StatusInvalidSignature) {
		t.Fatalf("another key: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(proof, &doc); err != nil {
		t.Fatal(err)
	}
	path := doc["path"].([]any)
	h := path[0].(string)
	if h[0] == '0' {
		path[0] = "1" + h[1:]
	} else {
		path[0] = "0" + h[1:]
	}
	changed, _ := json.Marshal(doc)
	if _, _, err := CheckAuditConsistency(changed, pub); !errors.Is(err, StatusAuditConsistencyProof) {
		t.Fatalf("changed path: %v", err)
	}
}
