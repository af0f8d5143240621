"""Loading libpqjose_ffi and declaring the C functions (ctypes)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib
from typing import Any

from ._status import Status

_p = ctypes.c_void_p  # every handle, and every char * the library returns
_pp = ctypes.POINTER(ctypes.c_void_p)
_cstr = ctypes.c_char_p
_u8p = ctypes.c_char_p  # const uint8_t * input (bytes)
_size = ctypes.c_size_t
_status = ctypes.c_uint32


_NAMES = ("libpqjose_ffi.so", "libpqjose_ffi.dylib", "pqjose_ffi.dll")


def _find() -> str:
    """The library to load: ``PQJOSE_LIB`` if set (an explicit override), else the copy the
    build put inside this package (an installed wheel), else the build directory of the source
    tree this file sits in (``$CARGO_TARGET_DIR`` or ``target/``, release), else the system's
    library path."""
    env = os.environ.get("PQJOSE_LIB")
    if env:
        return env
    here = pathlib.Path(__file__).resolve().parent
    for name in _NAMES:
        if (here / name).is_file():
            return str(here / name)
    # In the source tree: bindings/python/pqjose -> the repository root.
    root = here.parents[2]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
    if not target.is_absolute():
        target = root / target
    for name in _NAMES:
        if (target / "release" / name).is_file():
            return str(target / "release" / name)
    found = ctypes.util.find_library("pqjose_ffi")
    if found:
        return found
    raise OSError(
        "libpqjose_ffi not found: install the package with pip (which builds it), or build "
        "it with `cargo build -p pqjose-ffi --release` and set PQJOSE_LIB to its path"
    )


#: The path of the loaded C library.
path: str = _find()
lib = ctypes.CDLL(path)

# name: (restype, argtypes). Every fallible function ends with `pqj_error **err_out`.
_SIGNATURES = {
    "pqj_version": (_cstr, []),
    "pqj_status_str": (_cstr, [ctypes.c_uint32]),
    "pqj_string_free": (None, [_p]),
    "pqj_error_status": (_status, [_p]),
    "pqj_error_message": (_cstr, [_p]),
    "pqj_error_free": (None, [_p]),
    "pqj_key_generate": (_status, [_cstr, _cstr, _pp, _pp]),
    "pqj_key_from_jwk": (_status, [_u8p, _size, _pp, _pp]),
    "pqj_key_from_pem": (_status, [_cstr, _u8p, _size, _cstr, _pp, _pp]),
    "pqj_key_is_private": (ctypes.c_bool, [_p]),
    "pqj_key_alg": (_cstr, [_p]),
    "pqj_key_kid": (_cstr, [_p]),
    "pqj_key_public_jwk": (_status, [_p, _pp, _pp]),
    "pqj_key_private_jwk": (_status, [_p, _pp, _pp]),
    "pqj_key_thumbprint": (_status, [_p, _pp, _pp]),
    "pqj_key_free": (None, [_p]),
    "pqj_keyset_new": (_status, [_pp, _pp]),
    "pqj_keyset_from_jwks": (_status, [_u8p, _size, _pp, ctypes.POINTER(_size), _pp]),
    "pqj_keyset_add": (_status, [_p, _p, _pp]),
    "pqj_keyset_retire": (_status, [_p, _cstr, _pp]),
    "pqj_keyset_retire_after": (_status, [_p, _cstr, ctypes.c_int64, _pp]),
    "pqj_keyset_remove": (_status, [_p, _cstr, _pp]),
    "pqj_keyset_len": (_size, [_p]),
    "pqj_keyset_public_jwks": (_status, [_p, _pp, _pp]),
    "pqj_keyset_free": (None, [_p]),
    "pqj_validation_new": (_status, [_pp, _pp]),
    "pqj_validation_set_policy": (_status, [_p, _cstr, _pp]),
    "pqj_validation_allow_alg": (_status, [_p, _cstr, _pp]),
    "pqj_validation_add_issuer": (_status, [_p, _cstr, _pp]),
    "pqj_validation_add_audience": (_status, [_p, _cstr, _pp]),
    "pqj_validation_set_subject": (_status, [_p, _cstr, _pp]),
    "pqj_validation_set_typ": (_status, [_p, _cstr, _pp]),
    "pqj_validation_set_leeway": (_status, [_p, ctypes.c_uint64, _pp]),
    "pqj_validation_set_max_age": (_status, [_p, ctypes.c_uint64, _pp]),
    "pqj_validation_require_claim": (_status, [_p, _cstr, _pp]),
    "pqj_validation_allow_missing_exp": (_status, [_p, _pp]),
    "pqj_validation_allow_unexpected_audience": (_status, [_p, _pp]),
    "pqj_validation_free": (None, [_p]),
    "pqj_verifier_new": (_status, [_p, _p, _pp, _pp]),
    "pqj_verifier_verify": (_status, [_p, _u8p, _size, _pp, _pp]),
    "pqj_verifier_verify_at": (_status, [_p, _u8p, _size, ctypes.c_int64, _pp, _pp]),
    "pqj_verifier_free": (None, [_p]),
    "pqj_token_builder_new": (_status, [_u8p, _size, _pp, _pp]),
    "pqj_token_builder_set_ttl": (_status, [_p, ctypes.c_uint64, _pp]),
    "pqj_token_builder_set_typ": (_status, [_p, _cstr, _pp]),
    "pqj_token_builder_add_header_json": (_status, [_p, _u8p, _size, _pp]),
    "pqj_token_builder_sign": (_status, [_p, _p, _pp, _pp]),
    "pqj_token_builder_sign_at": (_status, [_p, _p, ctypes.c_int64, _pp, _pp]),
    "pqj_token_builder_free": (None, [_p]),
    "pqj_inspect": (_status, [_u8p, _size, _pp, _pp, _pp]),
    "pqj_keyset_from_jwks_report": (_status, [_u8p, _size, _pp, _pp, _pp]),
    "pqj_keyset_replace_from_jwks": (_status, [_p, _u8p, _size, _pp, _pp]),
    "pqj_keyset_kids": (_status, [_p, _pp, _pp]),
    "pqj_remote_keyset_new": (_status, [_cstr, ctypes.c_bool, _pp, _pp]),
    "pqj_remote_keyset_discover": (_status, [_cstr, ctypes.c_bool, _pp, _pp]),
    "pqj_remote_keyset_refresh": (_status, [_p, _pp]),
    "pqj_remote_keyset_last_refresh": (_status, [_p, _pp, _pp]),
    "pqj_remote_keyset_free": (None, [_p]),
    "pqj_verifier_new_remote": (_status, [_p, _p, _pp, _pp]),
    "pqj_replay_store_memory": (_status, [_size, _pp, _pp]),
    "pqj_replay_store_redis": (_status, [_cstr, ctypes.c_uint32, _pp, _pp]),
    "pqj_replay_store_revoke_jti": (_status, [_p, _cstr, _cstr, _pp]),
    "pqj_replay_store_revoke_kid": (_status, [_p, _cstr, _pp]),
    "pqj_replay_store_revoke_subject": (_status, [_p, _cstr, ctypes.c_int64, _pp]),
    "pqj_replay_store_free": (None, [_p]),
    "pqj_validation_set_replay_store": (_status, [_p, _p, ctypes.c_bool, _pp]),
    "pqj_key_clone": (_p, [_p]),
    "pqj_keyset_clone": (_p, [_p]),
    "pqj_verifier_clone": (_p, [_p]),
    "pqj_claims_clone": (_p, [_p]),
    "pqj_verifier_verify_claims": (_status, [_p, _u8p, _size, _pp, _pp]),
    "pqj_verifier_verify_claims_at": (_status, [_p, _u8p, _size, ctypes.c_int64, _pp, _pp]),
    "pqj_claims_alg": (_cstr, [_p]),
    "pqj_claims_kid": (_status, [_p, _pp, _pp]),
    "pqj_claims_json": (_status, [_p, _pp, _pp]),
    "pqj_claims_sub": (_status, [_p, _pp, _pp]),
    "pqj_claims_iss": (_status, [_p, _pp, _pp]),
    "pqj_claims_jti": (_status, [_p, _pp, _pp]),
    "pqj_claims_aud_count": (_size, [_p]),
    "pqj_claims_aud": (_status, [_p, _size, _pp, _pp]),
    "pqj_claims_exp": (_status, [_p, ctypes.POINTER(ctypes.c_int64), _pp]),
    "pqj_claims_nbf": (_status, [_p, ctypes.POINTER(ctypes.c_int64), _pp]),
    "pqj_claims_iat": (_status, [_p, ctypes.POINTER(ctypes.c_int64), _pp]),
    "pqj_claims_kind": (ctypes.c_uint32, [_p, _cstr]),
    "pqj_claims_get_string": (_status, [_p, _cstr, _pp, _pp]),
    "pqj_claims_get_int": (_status, [_p, _cstr, ctypes.POINTER(ctypes.c_int64), _pp]),
    "pqj_claims_get_bool": (_status, [_p, _cstr, ctypes.POINTER(ctypes.c_bool), _pp]),
    "pqj_claims_get_json": (_status, [_p, _cstr, _pp, _pp]),
    "pqj_claims_free": (None, [_p]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


class PqjoseError(Exception):
    """A failed call: ``status`` (a :class:`Status`, or the raw number if this module does not
    know it) and the library's detailed ``message`` (never containing key, token or claim
    bytes)."""

    status: Status | int
    message: str

    def __init__(self, status: int, message: str) -> None:
        try:
            self.status = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        super().__init__(f"{message} (status {int(status)})")


class UsageError(PqjoseError, ValueError):
    """An argument was missing, not UTF-8 or out of range (statuses 1-5)."""


class ClaimAbsent(PqjoseError, LookupError):
    """A verified token has no claim of the name asked for (status ``CLAIM_ABSENT``)."""


class ClaimTypeError(PqjoseError, TypeError):
    """A verified token's claim has another JSON type than asked for (``CLAIM_TYPE``)."""


class KeyProblem(PqjoseError):
    """A key could not be made, imported, exported or found in a set (statuses 200-299)."""


class JweError(PqjoseError):
    """A JWE was refused or could not be made (statuses 230-249); every failure of decryption
    proper is ``JWE_DECRYPTION``, without detail."""


class TokenError(PqjoseError):
    """A token was refused: format, algorithm, signature, claims, key selection, replay."""


class AuditLogError(PqjoseError):
    """An audit-log operation failed (statuses 1100-1199; ``AUDIT_TAMPERED`` for a log that
    fails verification, its message ending with ``at index N``)."""


def error_for(status: int, message: str) -> PqjoseError:
    """The exception for a status."""
    cls: type[PqjoseError]
    if status == Status.CLAIM_ABSENT:
        cls = ClaimAbsent
    elif status == Status.CLAIM_TYPE:
        cls = ClaimTypeError
    elif status < 100:
        cls = UsageError
    elif 230 <= status < 250:
        cls = JweError
    elif 200 <= status < 300:
        cls = KeyProblem
    elif 1100 <= status < 1200:
        cls = AuditLogError
    else:
        cls = TokenError
    return cls(status, message)


def call(fn: Any, *args: Any) -> None:
    """Call a fallible C function (its trailing ``err_out`` is added) and raise on failure."""
    err = ctypes.c_void_p()
    status = fn(*args, ctypes.byref(err))
    if status == 0:
        return
    message = lib.pqj_error_message(err).decode("utf-8", "replace")
    lib.pqj_error_free(err)
    raise error_for(status, message)


def take_string(ptr: ctypes.c_void_p) -> str:
    """Copy a library-owned string and free (zeroize) the original."""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.pqj_string_free(ptr)


def text(value: str | bytes | bytearray | memoryview, name: str) -> bytes:
    """A str or bytes argument as UTF-8 bytes (NUL-terminated by ctypes for ``const char *``)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    value = bytes(value)
    if b"\0" in value:
        raise ValueError(f"{name} must not contain NUL")
    return value
