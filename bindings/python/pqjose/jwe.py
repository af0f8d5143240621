"""JWE (RFC 7516) over the C ABI: post-quantum secret delivery with JOSE-HPKE (``HPKE-9``
X-Wing, ``HPKE-8`` ML-KEM-768+P-256, ``HPKE-12``/``HPKE-13`` ML-KEM, ...) and the classical
algorithms (``ECDH-ES*``, ``A*KW``, ``dir``, ``RSA-OAEP*``).

    >>> from pqjose.jwe import EncryptionKey, encrypt
    >>> agent = EncryptionKey.generate("HPKE-9")
    >>> jwe = encrypt(agent.public(), b"postgres://app:s3cret@db")
    >>> bytes(agent.decrypt(jwe).plaintext)
    b'postgres://app:s3cret@db'

An :class:`EncryptionKey` is bound to one key-management algorithm and to encryption: it is
not a :class:`pqjose.Key` (which signs and verifies), and a signing JWK is refused. Every
failure of decryption proper raises :class:`pqjose.JweError` with status
``JWE_DECRYPTION`` and no detail (no oracle).
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any, Iterable, Optional, Union

from . import Instant, JsonInput, Text, VerifiedClaims, Verifier, _data, _Handle, _object
from . import _unix
from ._lib import call, lib, take_string, text

_p = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_u8p = ctypes.c_char_p
_size = ctypes.c_size_t
_status = ctypes.c_uint32
_cstr = ctypes.c_char_p

for _name, (_res, _args) in {
    "pqj_jwe_key_generate": (_status, [_cstr, _cstr, _cstr, _cstr, _pp, _pp]),
    "pqj_jwe_key_from_jwk": (_status, [_u8p, _size, _pp, _pp]),
    "pqj_jwe_key_is_private": (ctypes.c_bool, [_p]),
    "pqj_jwe_key_alg": (_cstr, [_p]),
    "pqj_jwe_key_kid": (_cstr, [_p]),
    "pqj_jwe_key_public_jwk": (_status, [_p, _pp, _pp]),
    "pqj_jwe_key_private_jwk": (_status, [_p, _pp, _pp]),
    "pqj_jwe_key_free": (None, [_p]),
    "pqj_jwe_encrypt": (_status, [_p, _cstr, _cstr, _u8p, _size, _pp, _pp]),
    "pqj_jwe_decrypt": (_status, [_p, _u8p, _size, _pp, _pp]),
    "pqj_decrypted_plaintext": (_p, [_p, ctypes.POINTER(_size)]),
    "pqj_decrypted_alg": (_cstr, [_p]),
    "pqj_decrypted_enc": (_cstr, [_p]),
    "pqj_decrypted_kid": (_cstr, [_p]),
    "pqj_decrypted_cty": (_cstr, [_p]),
    "pqj_decrypted_free": (None, [_p]),
    "pqj_jwe_keyset_new": (_status, [_pp, _pp]),
    "pqj_jwe_keyset_from_jwks": (_status, [_u8p, _size, _pp, ctypes.POINTER(_size), _pp]),
    "pqj_jwe_keyset_add": (_status, [_p, _p, _pp]),
    "pqj_jwe_keyset_len": (_size, [_p]),
    "pqj_jwe_keyset_public_jwks": (_status, [_p, _pp, _pp]),
    "pqj_jwe_keyset_decrypt": (_status, [_p, _u8p, _size, _pp, _pp]),
    "pqj_jwe_decrypt_nested": (_status, [_p, _p, _u8p, _size, _pp, _pp]),
    "pqj_jwe_decrypt_nested_at": (_status, [_p, _p, _u8p, _size, ctypes.c_int64, _pp, _pp]),
    "pqj_jwe_keyset_free": (None, [_p]),
}.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args

__all__ = ["Decrypted", "DecryptionKeySet", "EncryptionKey", "encrypt", "encrypt_nested"]

Bytes = Union[bytes, bytearray, memoryview, str]


def _opt(value: Optional[Text], name: str) -> Optional[bytes]:
    return None if value is None else text(value, name)


def _str(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode()


@dataclasses.dataclass(frozen=True)
class Decrypted:
    """An opened JWE. ``plaintext`` is a copy in a ``bytearray`` (the library's buffer is
    zeroized when released): call :meth:`wipe` when done with a secret."""

    plaintext: bytearray
    alg: str
    enc: Optional[str]
    kid: str
    cty: Optional[str]

    def wipe(self) -> None:
        """Overwrite the plaintext with zeros."""
        self.plaintext[:] = bytes(len(self.plaintext))

    def __repr__(self) -> str:
        return (
            f"Decrypted(alg={self.alg!r}, enc={self.enc!r}, kid={self.kid!r}, "
            f"cty={self.cty!r}, plaintext=<{len(self.plaintext)} bytes>)"
        )


def _take_decrypted(ptr: ctypes.c_void_p) -> Decrypted:
    try:
        n = _size()
        p = lib.pqj_decrypted_plaintext(ptr, ctypes.byref(n))
        return Decrypted(
            plaintext=bytearray(ctypes.string_at(p, n.value) if n.value else b""),
            alg=lib.pqj_decrypted_alg(ptr).decode(),
            enc=_str(lib.pqj_decrypted_enc(ptr)),
            kid=lib.pqj_decrypted_kid(ptr).decode(),
            cty=_str(lib.pqj_decrypted_cty(ptr)),
        )
    finally:
        lib.pqj_decrypted_free(ptr)


class EncryptionKey(_Handle):
    """A JWE encryption key bound to one key-management algorithm: private (decrypts, and
    encrypts to its public half) or public (encrypts only)."""

    _free = staticmethod(lib.pqj_jwe_key_free)

    @classmethod
    def generate(
        cls,
        alg: Text,
        *,
        crv: Optional[Text] = None,
        enc: Optional[Text] = None,
        kid: Optional[Text] = None,
    ) -> EncryptionKey:
        """A new private key for ``alg``. ``crv`` picks the curve of an ``ECDH-ES*`` key
        (``P-256`` default, ``P-384``, ``X25519``); ``enc`` sizes a ``dir`` key (required for
        ``dir``); ``kid`` defaults to the RFC 7638 thumbprint."""
        out = ctypes.c_void_p()
        call(
            lib.pqj_jwe_key_generate,
            text(alg, "alg"),
            _opt(crv, "crv"),
            _opt(enc, "enc"),
            _opt(kid, "kid"),
            ctypes.byref(out),
        )
        return cls(out)

    @classmethod
    def from_jwk(cls, jwk: JsonInput) -> EncryptionKey:
        """Import an encryption JWK (dict, str or bytes); private members make a private key.
        A signing JWK is refused (status ``JWE_KEY_MISMATCH``)."""
        data = _data(jwk, "jwk")
        out = ctypes.c_void_p()
        call(lib.pqj_jwe_key_from_jwk, data, len(data), ctypes.byref(out))
        return cls(out)

    @property
    def alg(self) -> str:
        """The key-management algorithm (``"HPKE-9"``, ...)."""
        return str(lib.pqj_jwe_key_alg(self._handle).decode())

    @property
    def kid(self) -> str:
        """The key id."""
        return str(lib.pqj_jwe_key_kid(self._handle).decode())

    @property
    def is_private(self) -> bool:
        """Whether the key can decrypt."""
        return bool(lib.pqj_jwe_key_is_private(self._handle))

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK (private members stripped); refused for ``oct`` keys."""
        return _object(self._string(lib.pqj_jwe_key_public_jwk))

    def private_jwk(self) -> dict[str, Any]:
        """The private JWK, secret members included: store it like a password."""
        return _object(self._string(lib.pqj_jwe_key_private_jwk))

    def public(self) -> EncryptionKey:
        """The public key (what a sender encrypts to)."""
        return EncryptionKey.from_jwk(self.public_jwk())

    def decrypt(self, jwe: Text) -> Decrypted:
        """Open a JWE (compact or JSON) with this private key."""
        data = _data(jwe, "jwe")
        out = ctypes.c_void_p()
        call(lib.pqj_jwe_decrypt, self._handle, data, len(data), ctypes.byref(out))
        return _take_decrypted(out)

    def __repr__(self) -> str:
        if not self._ptr:
            return "EncryptionKey(<closed>)"
        kind = "private" if self.is_private else "public"
        return f"EncryptionKey(alg={self.alg!r}, kid={self.kid!r}, {kind})"


def encrypt(
    key: EncryptionKey,
    plaintext: Bytes,
    *,
    enc: Optional[Text] = None,
    cty: Optional[Text] = None,
) -> str:
    """Encrypt ``plaintext`` to ``key`` as a compact JWE. ``enc`` defaults to ``A256GCM`` and
    must be None for HPKE integrated encryption (``HPKE-n``); ``cty`` ``"JWT"`` marks a nested
    token."""
    data = plaintext.encode() if isinstance(plaintext, str) else bytes(plaintext)
    out = ctypes.c_void_p()
    call(
        lib.pqj_jwe_encrypt,
        key._handle,
        _opt(enc, "enc"),
        _opt(cty, "cty"),
        data,
        len(data),
        ctypes.byref(out),
    )
    return take_string(out)


def encrypt_nested(key: EncryptionKey, token: Text) -> str:
    """Encrypt a signed JWT to ``key`` with ``cty`` ``JWT`` (signed-then-encrypted)."""
    return encrypt(key, text(token, "token"), cty="JWT")


class DecryptionKeySet(_Handle):
    """A recipient's rotating decryption keys, selected by the JWE's ``kid`` and ``alg``."""

    _free = staticmethod(lib.pqj_jwe_keyset_free)

    def __init__(
        self, keys: Iterable[EncryptionKey] = (), _ptr: Optional[ctypes.c_void_p] = None
    ) -> None:
        if _ptr is None:
            _ptr = ctypes.c_void_p()
            call(lib.pqj_jwe_keyset_new, ctypes.byref(_ptr))
        super().__init__(_ptr)
        for k in keys:
            self.add(k)

    @classmethod
    def from_jwks(cls, jwks: JsonInput) -> DecryptionKeySet:
        """Load a private JWK Set; unusable entries (signing or public keys) are skipped, and
        their number is in ``skipped``."""
        data = _data(jwks, "jwks")
        out = ctypes.c_void_p()
        skipped = _size()
        call(lib.pqj_jwe_keyset_from_jwks, data, len(data), ctypes.byref(out), ctypes.byref(skipped))
        s = cls(_ptr=out)
        s.skipped = int(skipped.value)
        return s

    skipped: int = 0

    def add(self, key: EncryptionKey) -> None:
        """Add a private key (a copy)."""
        call(lib.pqj_jwe_keyset_add, self._handle, key._handle)

    def __len__(self) -> int:
        return int(lib.pqj_jwe_keyset_len(self._handle))

    def public_jwks(self) -> dict[str, Any]:
        """The public JWK Set to publish (``oct`` keys left out)."""
        return _object(self._string(lib.pqj_jwe_keyset_public_jwks))

    def decrypt(self, jwe: Text) -> Decrypted:
        """Open a JWE with the key its ``kid`` and ``alg`` select."""
        data = _data(jwe, "jwe")
        out = ctypes.c_void_p()
        call(lib.pqj_jwe_keyset_decrypt, self._handle, data, len(data), ctypes.byref(out))
        return _take_decrypted(out)

    def decrypt_nested(
        self, verifier: Verifier, jwe: Text, *, now: Optional[Instant] = None
    ) -> VerifiedClaims:
        """Open a nested token in one call: decrypt, require ``cty`` ``JWT``, then verify the
        inner JWT with ``verifier`` (signature, policy, every claim check)."""
        data = _data(jwe, "jwe")
        out = ctypes.c_void_p()
        if now is None:
            call(
                lib.pqj_jwe_decrypt_nested,
                self._handle,
                verifier._handle,
                data,
                len(data),
                ctypes.byref(out),
            )
        else:
            call(
                lib.pqj_jwe_decrypt_nested_at,
                self._handle,
                verifier._handle,
                data,
                len(data),
                _unix(now),
                ctypes.byref(out),
            )
        return VerifiedClaims(out)
