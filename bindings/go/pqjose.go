// Package pqjose is a Go binding of pqjose, the post-quantum JOSE/JWT library, over its C ABI
// (include/pqjose.h) with cgo.
//
// Import path: github.com/pqjose/pqjose/bindings/go (package name pqjose). The C library is
// found with pkg-config: either build it in the repository (cargo build -p pqjose-ffi
// --release, which writes pqjose.pc into the build directory, target/release or
// $CARGO_TARGET_DIR/release) or install it (scripts/install.sh --prefix PREFIX, then
// PREFIX/lib/pkgconfig), and point PKG_CONFIG_PATH there. See README.md in this directory for
// the go.mod replace / go.work setup and the build-cache pitfall.
//
// Keys, key sets and verifiers are immutable handles, safe for concurrent use by many
// goroutines; rotating the keys of a KeySet is safe while other goroutines verify. Each has a
// Close method that releases it at once; a finalizer releases a forgotten one. Close must not
// be called while another goroutine is still using the handle.
//
// Every error is an *Error carrying the library's Status and a detailed message; errors.Is
// matches it against a Status (errors.Is(err, pqjose.StatusExpired)).
package pqjose

// #cgo pkg-config: pqjose
// #include <stdlib.h>
// #include <string.h>
// #include "pqjose.h"
import "C"

import (
	"errors"
	"unsafe"
)

// Error is a failed call: the status and the library's detailed message (which names the
// check that failed and never contains key, token or claim bytes).
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "pqjose: " + e.Status.String()
	}
	return "pqjose: " + e.Message
}

// Unwrap returns the Status, so errors.Is(err, pqjose.StatusInvalidSignature) works.
func (e *Error) Unwrap() error { return e.Status }

// ErrClosed is returned when a handle is used after Close.
var ErrClosed = errors.New("pqjose: handle used after Close")

// Version is the library version and backend, for example "pqjose 0.1.0 (rustcrypto)".
func Version() string { return C.GoString(C.pqj_version()) }

// call runs one C function that takes an err_out last and turns its outcome into an error.
// The error object is per call (no thread-local state), so it is right even though cgo calls
// of one goroutine may run on different OS threads.
func call(f func(errOut **C.pqj_error) C.pqj_status) error {
	var cerr *C.pqj_error
	st := f(&cerr)
	if st == C.PQJ_STATUS_OK {
		return nil
	}
	e := &Error{Status: Status(st), Message: C.GoString(C.pqj_error_message(cerr))}
	C.pqj_error_free(cerr)
	return e
}

// cBytes is a read-only view of b for the duration of one call (no copy). The C side never
// keeps the pointer. An empty slice is passed as NULL with length 0.
func cBytes(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// cString is like cBytes for a string.
func cString(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// cText is a NUL-terminated copy of s for a `const char *` argument; free it with the
// returned function. An empty string gives NULL ("not given") when optional is true.
func cText(s string, optional bool) (*C.char, func()) {
	if optional && s == "" {
		return nil, func() {}
	}
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

// takeString copies a library-owned string into Go memory and frees (zeroizes) the original.
func takeString(p *C.char) string {
	defer C.pqj_string_free(p)
	return C.GoString(p)
}

// takeBytes is takeString as a []byte.
func takeBytes(p *C.char) []byte {
	defer C.pqj_string_free(p)
	return C.GoBytes(unsafe.Pointer(p), C.int(C.strlen(p)))
}
