package pqjose

// #include "pqjose.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"time"
)

// SignOption configures Sign.
type SignOption func(b *C.pqj_token_builder, e **C.pqj_error) C.pqj_status

// WithTTL sets the token's lifetime: exp = iat + ttl (whole seconds; default 5 minutes).
func WithTTL(ttl time.Duration) SignOption {
	return func(b *C.pqj_token_builder, e **C.pqj_error) C.pqj_status {
		return C.pqj_token_builder_set_ttl(b, seconds(ttl), e)
	}
}

// WithTokenType sets the header typ (default "JWT"; for example "at+jwt").
func WithTokenType(typ string) SignOption {
	return func(b *C.pqj_token_builder, e **C.pqj_error) C.pqj_status {
		ct, free := cText(typ, false)
		defer free()
		return C.pqj_token_builder_set_typ(b, ct, e)
	}
}

// WithHeader adds extra protected header members (registered names are refused).
func WithHeader(members map[string]any) SignOption {
	return func(b *C.pqj_token_builder, e **C.pqj_error) C.pqj_status {
		js, err := json.Marshal(members)
		if err != nil {
			return C.PQJ_STATUS_INVALID_ARGUMENT
		}
		ptr, n := cBytes(js)
		st := C.pqj_token_builder_add_header_json(b, ptr, n, e)
		runtime.KeepAlive(js)
		return st
	}
}

// Sign builds and signs a JWT. claims is a JSON object: []byte or json.RawMessage as is,
// anything else through encoding/json. Registered claims in it are typed (iss, sub, aud;
// an exp, iat or jti replaces the derived one); iat is now, exp now + TTL, jti random.
func Sign(key *Key, claims any, opts ...SignOption) (string, error) {
	return sign(key, claims, nil, opts)
}

// SignAt is Sign with iat = now instead of the system clock (tests).
func SignAt(key *Key, claims any, now time.Time, opts ...SignOption) (string, error) {
	return sign(key, claims, &now, opts)
}

func sign(key *Key, claims any, now *time.Time, opts []SignOption) (string, error) {
	defer runtime.KeepAlive(key)
	if key == nil || key.ptr == nil {
		return "", ErrClosed
	}
	var js []byte
	switch c := claims.(type) {
	case []byte:
		js = c
	case json.RawMessage:
		js = c
	case nil:
	default:
		var err error
		if js, err = json.Marshal(c); err != nil {
			return "", err
		}
	}
	ptr, n := cBytes(js)
	var b *C.pqj_token_builder
	err := call(func(e **C.pqj_error) C.pqj_status { return C.pqj_token_builder_new(ptr, n, &b, e) })
	runtime.KeepAlive(js)
	if err != nil {
		return "", err
	}
	defer C.pqj_token_builder_free(b)
	for _, opt := range opts {
		if err := call(func(e **C.pqj_error) C.pqj_status { return opt(b, e) }); err != nil {
			return "", err
		}
	}
	var out *C.char
	err = call(func(e **C.pqj_error) C.pqj_status {
		if now != nil {
			return C.pqj_token_builder_sign_at(b, key.ptr, C.int64_t(now.Unix()), &out, e)
		}
		return C.pqj_token_builder_sign(b, key.ptr, &out, e)
	})
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// InspectUnverified decodes a token WITHOUT verifying it: the header and claims JSON may have
// been written by anyone. For display and logs only, never for decisions.
func InspectUnverified(token string) (header, claims []byte, err error) {
	ptr, n := cString(token)
	var h, c *C.char
	err = call(func(e **C.pqj_error) C.pqj_status { return C.pqj_inspect(ptr, n, &h, &c, e) })
	runtime.KeepAlive(token)
	if err != nil {
		return nil, nil, err
	}
	return takeBytes(h), takeBytes(c), nil
}
