package pqjose

// #include <stdlib.h>
// #include "pqjose.h"
import "C"

import (
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// AuditLog is an open signed, tamper-evident log of actions (an RFC 9162 Merkle tree over
// the records, with checkpoints signed by the log's key in the background, so Append never
// waits for a signature). One writer per log directory. Safe for concurrent use: calls on one
// log are serialized. Close it when done (it syncs, waits for pending checkpoints and stops
// the signer thread); a finalizer releases a forgotten one.
type AuditLog struct {
	mu  sync.Mutex
	ptr *C.pqj_audit_log
}

// AuditOptions configure a new log. Zero values mean the defaults: a checkpoint every 1000
// records or once the oldest uncovered record is 1 s old, and batched fsync (records are
// durable after Sync, Seal or Close; acknowledge them to others only then).
type AuditOptions struct {
	Every           uint64
	Interval        time.Duration
	SyncEveryRecord bool
}

// Appended is a record's place in the log.
type Appended struct {
	Index    uint64
	LeafHash [32]byte // SHA-256(0x00 || record)
}

func newAuditLog(p *C.pqj_audit_log) *AuditLog {
	l := &AuditLog{ptr: p}
	runtime.SetFinalizer(l, (*AuditLog).Close)
	return l
}

// CreateAuditLog creates a log in dir (created; refused unless empty) signing checkpoints with
// the private key (any algorithm but HMAC), and signs its size-0 checkpoint.
func CreateAuditLog(dir string, key *Key, opts AuditOptions) (*AuditLog, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return nil, ErrClosed
	}
	cdir, free := cText(dir, false)
	defer free()
	interval := C.uint64_t(1000)
	if opts.Interval > 0 {
		interval = C.uint64_t(opts.Interval.Milliseconds())
	}
	var p *C.pqj_audit_log
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_create(cdir, key.ptr, C.uint64_t(opts.Every), interval, C.bool(opts.SyncEveryRecord), &p, e)
	})
	if err != nil {
		return nil, err
	}
	return newAuditLog(p), nil
}

// OpenAuditLog opens the log in dir for appending with its private key. A crash's torn tail is
// cut; every record is rehashed against the stored tree and the latest checkpoint must verify
// with key (a tampered log is refused with StatusAuditTampered).
func OpenAuditLog(dir string, key *Key) (*AuditLog, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return nil, ErrClosed
	}
	cdir, free := cText(dir, false)
	defer free()
	var p *C.pqj_audit_log
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_audit_open(cdir, key.ptr, &p, e) })
	if err != nil {
		return nil, err
	}
	return newAuditLog(p), nil
}

// Append appends one record: one JSON object on one line, stored byte for byte.
func (l *AuditLog) Append(record []byte) (Appended, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var a Appended
	if l.ptr == nil {
		return a, ErrClosed
	}
	r, n := cBytes(record)
	var index C.uint64_t
	var leaf [32]C.uint8_t
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_append(l.ptr, r, n, &index, &leaf[0], e)
	})
	runtime.KeepAlive(record)
	if err != nil {
		return a, err
	}
	a.Index = uint64(index)
	for i, b := range leaf {
		a.LeafHash[i] = byte(b)
	}
	return a, nil
}

// Sync makes every appended record durable and returns the durable size.
func (l *AuditLog) Sync() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return 0, ErrClosed
	}
	var size C.uint64_t
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_audit_sync(l.ptr, &size, e) })
	return uint64(size), err
}

// Seal syncs, signs a checkpoint of everything appended unless the latest covers it, waits for
// it and returns the latest checkpoint as stored (a C2SP signed note for Ed25519 keys, else a
// compact JWS whose payload is the checkpoint text).
func (l *AuditLog) Seal() (string, error) {
	text, err := l.document(func(out **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_seal(l.ptr, out, e)
	})
	return string(text), err
}

// document runs f on the open log, under its lock, and returns the text f stored in *out (a
// checkpoint or a proof).
func (l *AuditLog) document(f func(out **C.char, e **C.pqj_error) C.pqj_status) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	if err := call(func(e **C.pqj_error) C.pqj_status { return f(&out, e) }); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// Prove returns an inclusion proof (JSON {"index","size","leaf_hash","path","root",
// "checkpoint"}) for record index against the checkpoint of tree size size (0: the latest).
func (l *AuditLog) Prove(index, size uint64) ([]byte, error) {
	return l.document(func(out **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_prove(l.ptr, C.uint64_t(index), C.uint64_t(size), out, e)
	})
}

// ProveConsistency returns a consistency proof (JSON) between the log's checkpoints of tree
// sizes size1 and size2 (size1 <= size2, both sizes some checkpoint was sealed at).
func (l *AuditLog) ProveConsistency(size1, size2 uint64) ([]byte, error) {
	return l.document(func(out **C.char, e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_prove_consistency(l.ptr, C.uint64_t(size1), C.uint64_t(size2), out, e)
	})
}

// Close syncs (reporting a failure to), waits for pending checkpoints, stops the signer
// thread and releases the log. Idempotent.
func (l *AuditLog) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return nil
	}
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_audit_sync(l.ptr, nil, e) })
	C.pqj_audit_log_free(l.ptr)
	l.ptr = nil
	runtime.SetFinalizer(l, nil)
	return err
}

// VerifyAuditLog verifies the whole log in dir with its public key (streaming) and returns the
// number of records. A log that fails is StatusAuditTampered; the message ends with "at index
// N": the first record missing, changed or out of place, or a failing checkpoint's tree size.
func VerifyAuditLog(dir string, key *Key) (uint64, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return 0, ErrClosed
	}
	cdir, free := cText(dir, false)
	defer free()
	var n C.uint64_t
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_audit_verify(cdir, key.ptr, &n, e) })
	return uint64(n), err
}

// CheckAuditProof checks an inclusion proof and its checkpoint with the log's public key and
// returns the checkpoint's tree size. A non-nil record must be the proven record's bytes.
func CheckAuditProof(proof []byte, key *Key, record []byte) (uint64, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return 0, ErrClosed
	}
	p, pn := cBytes(proof)
	var r *C.uint8_t
	var rn C.size_t
	if record != nil {
		r, rn = cBytes(record)
		if r == nil {
			// An empty record is still a record to check (never a proven one).
			r = (*C.uint8_t)(unsafe.Pointer(&[1]byte{}))
		}
	}
	var size C.uint64_t
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_check_proof(p, pn, key.ptr, r, rn, &size, e)
	})
	runtime.KeepAlive(proof)
	runtime.KeepAlive(record)
	return uint64(size), err
}

// CheckAuditConsistency checks a consistency proof with the log's public key: both checkpoints
// verify and the first tree is a prefix of the second. It returns the two tree sizes.
func CheckAuditConsistency(proof []byte, key *Key) (uint64, uint64, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return 0, 0, ErrClosed
	}
	p, pn := cBytes(proof)
	var size1, size2 C.uint64_t
	err := call(func(e **C.pqj_error) C.pqj_status {
		return C.pqj_audit_check_consistency(p, pn, key.ptr, &size1, &size2, e)
	})
	runtime.KeepAlive(proof)
	return uint64(size1), uint64(size2), err
}
