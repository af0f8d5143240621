"""The signed, tamper-evident audit log over the C ABI: an RFC 9162 Merkle tree over the
records, checkpoints signed in the background with the log's key, inclusion proofs, and
whole-log verification with nothing but the public key.

    >>> import tempfile, os
    >>> from pqjose import Key
    >>> from pqjose.audit import AuditLog, verify_log, check_proof
    >>> key = Key.generate("ML-DSA-44")
    >>> public = Key.from_jwk(key.public_jwk())
    >>> d = os.path.join(tempfile.mkdtemp(), "log")
    >>> with AuditLog.create(d, key, every=100) as log:
    ...     index, leaf = log.append(b'{"sub":"agent-7","action":"db.write","outcome":"ok"}')
    ...     checkpoint = log.seal()
    ...     proof = log.prove(index)
    >>> check_proof(proof, public), verify_log(d, public)
    (1, 1)
"""

from __future__ import annotations

import ctypes
import os
from typing import Any, Optional, Tuple, Union

from ._lib import AuditLogError, call, lib, take_string, text

_p = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_u8p = ctypes.c_char_p
_size = ctypes.c_size_t
_u64 = ctypes.c_uint64
_u64p = ctypes.POINTER(ctypes.c_uint64)
_cstr = ctypes.c_char_p

for _name, _args in {
    "pqj_audit_create": [_cstr, _p, _u64, _u64, ctypes.c_bool, _pp, _pp],
    "pqj_audit_open": [_cstr, _p, _pp, _pp],
    "pqj_audit_append": [_p, _u8p, _size, _u64p, ctypes.POINTER(ctypes.c_uint8), _pp],
    "pqj_audit_sync": [_p, _u64p, _pp],
    "pqj_audit_seal": [_p, _pp, _pp],
    "pqj_audit_prove": [_p, _u64, _u64, _pp, _pp],
    "pqj_audit_verify": [_cstr, _p, _u64p, _pp],
    "pqj_audit_check_proof": [_u8p, _size, _p, _u8p, _size, _u64p, _pp],
    "pqj_audit_prove_consistency": [_p, _u64, _u64, _pp, _pp],
    "pqj_audit_check_consistency": [_u8p, _size, _p, _u64p, _u64p, _pp],
}.items():
    _fn = getattr(lib, _name)
    _fn.restype = ctypes.c_uint32
    _fn.argtypes = _args
lib.pqj_audit_log_free.restype = None
lib.pqj_audit_log_free.argtypes = [_p]

__all__ = ["AuditLog", "AuditLogError", "check_consistency", "check_proof", "verify_log"]

Data = Union[str, bytes, bytearray, memoryview]
PathLike = Union[str, "os.PathLike[str]"]


def _path(value: PathLike) -> bytes:
    return text(os.fspath(value), "dir")


def _bytes(value: Data, name: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    return bytes(value)


class AuditLog:
    """An open audit log (one writer per directory). Checkpoints are signed by a background
    thread, so :meth:`append` never waits for a signature. Safe to share between threads
    (calls are serialized). Close it (or use ``with``): that syncs, waits for pending
    checkpoints and stops the signer thread."""

    def __init__(self, ptr: ctypes.c_void_p) -> None:
        self._ptr: Optional[ctypes.c_void_p] = ptr

    @classmethod
    def create(
        cls,
        directory: PathLike,
        key: Any,
        every: int = 1000,
        interval_ms: int = 1000,
        sync_every_record: bool = False,
    ) -> "AuditLog":
        """Create a log in ``directory`` (created; refused unless empty) that signs checkpoints
        with the private ``key`` every ``every`` records or once the oldest uncovered record is
        ``interval_ms`` old. With batched fsync (the default) records are durable after
        :meth:`sync`, :meth:`seal` or :meth:`close`: acknowledge them to others only then."""
        if every < 1 or interval_ms < 0:
            raise ValueError("every must be >= 1 and interval_ms >= 0")
        out = ctypes.c_void_p()
        call(lib.pqj_audit_create, _path(directory), key._handle, every, interval_ms,
             sync_every_record, ctypes.byref(out))
        return cls(out)

    @classmethod
    def open(cls, directory: PathLike, key: Any) -> "AuditLog":
        """Open the log in ``directory`` for appending with its private ``key``. A crash's torn
        tail is cut; every record is rehashed against the stored tree and the latest checkpoint
        must verify (a tampered log raises :class:`AuditLogError` ``AUDIT_TAMPERED``)."""
        out = ctypes.c_void_p()
        call(lib.pqj_audit_open, _path(directory), key._handle, ctypes.byref(out))
        return cls(out)

    @property
    def _handle(self) -> ctypes.c_void_p:
        if not self._ptr:
            raise ValueError("AuditLog is closed")
        return self._ptr

    def append(self, record: Data) -> Tuple[int, bytes]:
        """Append one record (one JSON object on one line, stored byte for byte); returns its
        index and leaf hash ``SHA-256(0x00 || record)``."""
        data = _bytes(record, "record")
        index = ctypes.c_uint64()
        leaf = (ctypes.c_uint8 * 32)()
        call(lib.pqj_audit_append, self._handle, data, len(data), ctypes.byref(index), leaf)
        return index.value, bytes(leaf)

    def sync(self) -> int:
        """Make every appended record durable; returns the durable size."""
        size = ctypes.c_uint64()
        call(lib.pqj_audit_sync, self._handle, ctypes.byref(size))
        return size.value

    def seal(self) -> str:
        """Sync, sign a checkpoint of everything appended unless the latest covers it, and
        return the latest checkpoint as stored (a C2SP signed note for Ed25519 keys, else a
        compact JWS whose payload is the checkpoint text)."""
        out = ctypes.c_void_p()
        call(lib.pqj_audit_seal, self._handle, ctypes.byref(out))
        return take_string(out)

    def prove(self, index: int, size: Optional[int] = None) -> str:
        """An inclusion proof (JSON) for record ``index`` against the checkpoint of tree size
        ``size`` (default: the latest)."""
        if index < 0 or (size is not None and size < 1):
            raise ValueError("index must be >= 0 and size >= 1")
        out = ctypes.c_void_p()
        call(lib.pqj_audit_prove, self._handle, index, size or 0, ctypes.byref(out))
        return take_string(out)

    def prove_consistency(self, size1: int, size2: int) -> str:
        """A consistency proof (JSON) between the checkpoints of tree sizes ``size1`` and
        ``size2`` (``size1 <= size2``, both sizes some checkpoint was sealed at)."""
        if size1 < 0 or size2 < 0:
            raise ValueError("sizes must be >= 0")
        out = ctypes.c_void_p()
        call(lib.pqj_audit_prove_consistency, self._handle, size1, size2, ctypes.byref(out))
        return take_string(out)

    def close(self) -> None:
        """Sync (raising on failure), wait for pending checkpoints and release the log.
        Idempotent."""
        ptr = getattr(self, "_ptr", None)
        if not ptr:
            return
        try:
            call(lib.pqj_audit_sync, ptr, None)
        finally:
            self._ptr = None
            lib.pqj_audit_log_free(ptr)

    def __del__(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            lib.pqj_audit_log_free(ptr)

    def __enter__(self) -> "AuditLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def verify_log(directory: PathLike, key: Any) -> int:
    """Verify the whole log in ``directory`` with its public ``key`` (streaming); returns the
    number of records. A log that fails raises :class:`AuditLogError` with status
    ``AUDIT_TAMPERED``; its message ends with ``at index N`` (the first record missing,
    changed or out of place, or a failing checkpoint's tree size)."""
    n = ctypes.c_uint64()
    call(lib.pqj_audit_verify, _path(directory), key._handle, ctypes.byref(n))
    return n.value


def check_proof(proof: Data, key: Any, record: Optional[Data] = None) -> int:
    """Check an inclusion proof and its checkpoint with the log's public ``key``; with
    ``record``, also that the proof is for these bytes. Returns the checkpoint's tree size."""
    data = _bytes(proof, "proof")
    rec = None if record is None else _bytes(record, "record")
    size = ctypes.c_uint64()
    # A non-NULL pointer for an empty record (ctypes passes b"" as a valid pointer).
    call(lib.pqj_audit_check_proof, data, len(data), key._handle, rec,
         0 if rec is None else len(rec), ctypes.byref(size))
    return size.value


def check_consistency(proof: Data, key: Any) -> Tuple[int, int]:
    """Check a consistency proof with the log's public ``key``: both checkpoints verify and the
    first tree is a prefix of the second. Returns the two tree sizes."""
    data = _bytes(proof, "proof")
    size1, size2 = ctypes.c_uint64(), ctypes.c_uint64()
    call(lib.pqj_audit_check_consistency, data, len(data), key._handle, ctypes.byref(size1),
         ctypes.byref(size2))
    return size1.value, size2.value
