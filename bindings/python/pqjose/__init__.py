"""pqjose for Python: post-quantum JWTs (ML-DSA, SLH-DSA, composite, classical) over the
pqjose C ABI with ctypes.

    >>> key = Key.generate("ML-DSA-65")
    >>> token = sign(key, {"iss": "me", "sub": "agent-7", "task": "t-42"}, ttl=120)
    >>> keys = KeySet([key])
    >>> claims = Verifier(keys, issuers=["me"]).verify(token)
    >>> claims["task"]
    't-42'

Keys, key sets and verifiers are immutable handles, safe to share between threads (the library
releases the GIL during calls); rotating a :class:`KeySet` is safe while other threads verify.
Each has ``close()`` and is a context manager; a forgotten one is released when collected.
Failures raise :class:`PqjoseError` subclasses carrying the :class:`Status`.

:meth:`Verifier.verify_claims` returns :class:`VerifiedClaims`, typed accessors over the C
library's view of a verified token (registered claims as ``str``/``datetime``, custom claims
by name as ``str``, ``int``, ``bool`` or JSON).
"""

from __future__ import annotations

import ctypes
import datetime
import enum
import json
from typing import Any, Dict, Iterable, List, Optional, TypeVar, Union

from ._lib import (
    ClaimAbsent,
    ClaimTypeError,
    KeyProblem,
    PqjoseError,
    TokenError,
    UsageError,
    call,
    lib,
    take_string,
    text,
)
from ._status import Status

__all__ = [
    "ClaimAbsent",
    "ClaimKind",
    "ClaimTypeError",
    "Key",
    "KeySet",
    "KeyProblem",
    "PqjoseError",
    "Status",
    "TokenError",
    "UsageError",
    "Verifier",
    "VerifiedClaims",
    "inspect_unverified",
    "sign",
    "version",
]


def version() -> str:
    """The library version and backend, e.g. ``"pqjose 0.1.0 (rustcrypto)"``."""
    return str(lib.pqj_version().decode())


#: JSON-ish input: a dict or list (serialized), str (UTF-8) or bytes (as is).
JsonInput = Union[Dict[str, Any], List[Any], str, bytes, bytearray, memoryview]
#: Text input: str or UTF-8 bytes.
Text = Union[str, bytes]
#: A duration: seconds or a timedelta.
Seconds = Union[int, float, datetime.timedelta]
#: A point in time: a datetime or Unix seconds.
Instant = Union[int, float, datetime.datetime]


def _data(value: JsonInput, name: str) -> bytes:
    """JSON-ish input: a dict/list is serialized, str encoded, bytes used as is."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":")).encode()
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be dict, str or bytes, not {type(value).__name__}")


def _opt_text(value: Optional[Text], name: str) -> Optional[bytes]:
    return None if value is None else text(value, name)


def _names(value: Union[Text, Iterable[Text]]) -> list[Text]:
    """One name (str or bytes) or several, as a list."""
    if isinstance(value, (str, bytes)):
        return [value]
    return list(value)


def _object(data: str) -> dict[str, Any]:
    """A JSON object the library produced."""
    value: dict[str, Any] = json.loads(data)
    return value


def _seconds(value: Seconds, name: str) -> int:
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _unix(value: Instant) -> int:
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    return int(value)


_H = TypeVar("_H", bound="_Handle")


class _Handle:
    """An owned C handle: ``close()`` once, or let the collector do it."""

    _free: Any = None

    def __init__(self, ptr: ctypes.c_void_p) -> None:
        self._ptr: Optional[ctypes.c_void_p] = ptr

    def close(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            type(self)._free(ptr)

    def __del__(self) -> None:
        self.close()

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _handle(self) -> ctypes.c_void_p:
        if not self._ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    def _string(self, fn: Any) -> str:
        out = ctypes.c_void_p()
        call(fn, self._handle, ctypes.byref(out))
        return take_string(out)


class Key(_Handle):
    """A key bound to one algorithm: private (signs and verifies) or public (verifies)."""

    _free = staticmethod(lib.pqj_key_free)

    @classmethod
    def generate(cls, alg: Text, kid: Optional[Text] = None) -> Key:
        """A new private key for ``alg`` ("ML-DSA-65", "ML-DSA-65-Ed25519", "Ed25519", ...);
        ``kid`` defaults to the RFC 7638 thumbprint."""
        out = ctypes.c_void_p()
        call(lib.pqj_key_generate, text(alg, "alg"), _opt_text(kid, "kid"), ctypes.byref(out))
        return cls(out)

    @classmethod
    def from_jwk(cls, jwk: JsonInput) -> Key:
        """Import a JWK (dict, JSON str or bytes); private if it has private members."""
        data = _data(jwk, "jwk")
        out = ctypes.c_void_p()
        call(lib.pqj_key_from_jwk, data, len(data), ctypes.byref(out))
        return cls(out)

    @classmethod
    def from_pem(cls, alg: Text, pem: Union[str, bytes], kid: Optional[Text] = None) -> Key:
        """Import a PKCS#8 ``PRIVATE KEY`` or SPKI ``PUBLIC KEY`` PEM document for ``alg``."""
        data = _data(pem, "pem")
        out = ctypes.c_void_p()
        call(
            lib.pqj_key_from_pem,
            text(alg, "alg"),
            data,
            len(data),
            _opt_text(kid, "kid"),
            ctypes.byref(out),
        )
        return cls(out)

    @property
    def alg(self) -> str:
        return str(lib.pqj_key_alg(self._handle).decode())

    @property
    def kid(self) -> str:
        return str(lib.pqj_key_kid(self._handle).decode())

    @property
    def is_private(self) -> bool:
        return bool(lib.pqj_key_is_private(self._handle))

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK, with ``kid`` and ``alg``."""
        return _object(self._string(lib.pqj_key_public_jwk))

    def private_jwk(self) -> dict[str, Any]:
        """The private JWK (secret members included: store it like a password)."""
        return _object(self._string(lib.pqj_key_private_jwk))

    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint (SHA-256, base64url)."""
        return self._string(lib.pqj_key_thumbprint)

    def __repr__(self) -> str:
        if not self._ptr:
            return "<pqjose.Key closed>"
        kind = "private" if self.is_private else "public"
        return f"<pqjose.Key {self.alg} {kind} kid={self.kid!r}>"


class KeySet(_Handle):
    """Verifying keys, any mix of algorithms, rotated live (thread-safe)."""

    _free = staticmethod(lib.pqj_keyset_free)

    def __init__(self, keys: Iterable[Key] = (), _ptr: Optional[ctypes.c_void_p] = None) -> None:
        if _ptr is None:
            _ptr = ctypes.c_void_p()
            call(lib.pqj_keyset_new, ctypes.byref(_ptr))
        super().__init__(_ptr)
        #: Entries skipped as unusable when loaded from a JWK Set.
        self.skipped: int = 0
        for k in keys:
            self.add(k)

    @classmethod
    def from_jwks(cls, jwks: JsonInput) -> KeySet:
        """Load a JWK Set (dict, JSON str or bytes); unusable entries are counted in
        ``skipped``."""
        data = _data(jwks, "jwks")
        out = ctypes.c_void_p()
        skipped = ctypes.c_size_t()
        call(lib.pqj_keyset_from_jwks, data, len(data), ctypes.byref(out), ctypes.byref(skipped))
        s = cls(_ptr=out)
        s.skipped = skipped.value
        return s

    def add(self, key: Key) -> None:
        """Add a key's public part (the caller keeps the key)."""
        call(lib.pqj_keyset_add, self._handle, key._handle)

    def retire(self, kid: Text, not_after: Optional[Instant] = None) -> None:
        """Retire every key with ``kid``: at once, or after ``not_after`` (datetime or Unix
        seconds) for an overlap."""
        if not_after is None:
            call(lib.pqj_keyset_retire, self._handle, text(kid, "kid"))
        else:
            call(lib.pqj_keyset_retire_after, self._handle, text(kid, "kid"), _unix(not_after))

    def remove(self, kid: Text) -> None:
        """Remove every key with ``kid``."""
        call(lib.pqj_keyset_remove, self._handle, text(kid, "kid"))

    def __len__(self) -> int:
        return int(lib.pqj_keyset_len(self._handle))

    def public_jwks(self) -> dict[str, Any]:
        """The JWK Set to publish (``{"keys": [...]}``)."""
        return _object(self._string(lib.pqj_keyset_public_jwks))


class Verifier(_Handle):
    """Verifies JWTs against a :class:`KeySet` (shared: rotation applies) under a policy.

    Defaults (RFC 8725): ``exp`` required, 30 s leeway, ``iat`` in the future refused, a token
    with an unexpected ``aud`` refused, any algorithm the key implements. ``policy`` is "pqc"
    (ML-DSA and SLH-DSA only), "hybrid" (those and the composites), "composite" (composites
    only) or "any"; another name raises with ``Status.UNKNOWN_POLICY``. ``algorithms`` is an
    extra allow-list.
    """

    _free = staticmethod(lib.pqj_verifier_free)

    def __init__(
        self,
        keys: KeySet,
        *,
        issuers: Union[Text, Iterable[Text]] = (),
        audiences: Union[Text, Iterable[Text]] = (),
        subject: Optional[Text] = None,
        typ: Optional[Text] = None,
        leeway: Optional[Seconds] = None,
        max_age: Optional[Seconds] = None,
        policy: Optional[Text] = None,
        algorithms: Iterable[Text] = (),
        required_claims: Iterable[Text] = (),
        allow_missing_exp: bool = False,
        allow_unexpected_audience: bool = False,
        bound_jkt: Optional[Text] = None,
    ) -> None:
        issuer_list = _names(issuers)
        audience_list = _names(audiences)
        v = ctypes.c_void_p()
        call(lib.pqj_validation_new, ctypes.byref(v))
        try:
            if policy is not None:
                call(lib.pqj_validation_set_policy, v, text(policy, "policy"))
            for alg in algorithms:
                call(lib.pqj_validation_allow_alg, v, text(alg, "alg"))
            for iss in issuer_list:
                call(lib.pqj_validation_add_issuer, v, text(iss, "issuer"))
            for aud in audience_list:
                call(lib.pqj_validation_add_audience, v, text(aud, "audience"))
            if subject is not None:
                call(lib.pqj_validation_set_subject, v, text(subject, "subject"))
            if typ is not None:
                call(lib.pqj_validation_set_typ, v, text(typ, "typ"))
            if leeway is not None:
                call(lib.pqj_validation_set_leeway, v, _seconds(leeway, "leeway"))
            if max_age is not None:
                call(lib.pqj_validation_set_max_age, v, _seconds(max_age, "max_age"))
            for name in required_claims:
                call(lib.pqj_validation_require_claim, v, text(name, "claim"))
            if allow_missing_exp:
                call(lib.pqj_validation_allow_missing_exp, v)
            if allow_unexpected_audience:
                call(lib.pqj_validation_allow_unexpected_audience, v)
            if bound_jkt is not None:
                from . import profiles  # noqa: F401  (declares pqj_validation_bind_jkt)

                call(lib.pqj_validation_bind_jkt, v, text(bound_jkt, "bound_jkt"))
            out = ctypes.c_void_p()
            call(lib.pqj_verifier_new, keys._handle, v, ctypes.byref(out))
        finally:
            lib.pqj_validation_free(v)
        super().__init__(out)

    def verify_raw(self, token: Text, *, now: Optional[Instant] = None) -> str:
        """Verify ``token`` (str or bytes) and return its claims JSON exactly as signed.
        ``now`` (datetime or Unix seconds) replaces the system clock."""
        data = _data(token, "token")
        out = ctypes.c_void_p()
        if now is None:
            call(lib.pqj_verifier_verify, self._handle, data, len(data), ctypes.byref(out))
        else:
            call(
                lib.pqj_verifier_verify_at,
                self._handle,
                data,
                len(data),
                _unix(now),
                ctypes.byref(out),
            )
        return take_string(out)

    def verify(self, token: Text, *, now: Optional[Instant] = None) -> dict[str, Any]:
        """Verify ``token`` and return its claims as a dict."""
        return _object(self.verify_raw(token, now=now))

    def verify_claims(self, token: Text, *, now: Optional[Instant] = None) -> VerifiedClaims:
        """Verify ``token`` and return its claims as :class:`VerifiedClaims` (typed
        accessors read by the C library; close it, or use it as a context manager)."""
        data = _data(token, "token")
        out = ctypes.c_void_p()
        if now is None:
            call(lib.pqj_verifier_verify_claims, self._handle, data, len(data), ctypes.byref(out))
        else:
            call(
                lib.pqj_verifier_verify_claims_at,
                self._handle,
                data,
                len(data),
                _unix(now),
                ctypes.byref(out),
            )
        return VerifiedClaims(out)


def sign(
    key: Key,
    claims: Optional[JsonInput] = None,
    *,
    ttl: Optional[Seconds] = None,
    typ: Optional[Text] = None,
    header: Optional[JsonInput] = None,
    now: Optional[Instant] = None,
) -> str:
    """Sign a JWT. ``claims``: dict, JSON str or bytes; registered claims are typed (an ``exp``,
    ``iat`` or ``jti`` in it replaces the derived one). ``ttl`` (seconds or timedelta, default
    300), ``typ`` (default "JWT"), ``header`` extra protected members, ``now`` replaces the
    system clock."""
    data = b"" if claims is None else _data(claims, "claims")
    b = ctypes.c_void_p()
    call(lib.pqj_token_builder_new, data or None, len(data), ctypes.byref(b))
    try:
        if ttl is not None:
            call(lib.pqj_token_builder_set_ttl, b, _seconds(ttl, "ttl"))
        if typ is not None:
            call(lib.pqj_token_builder_set_typ, b, text(typ, "typ"))
        if header:
            h = _data(header, "header")
            call(lib.pqj_token_builder_add_header_json, b, h, len(h))
        out = ctypes.c_void_p()
        if now is None:
            call(lib.pqj_token_builder_sign, b, key._handle, ctypes.byref(out))
        else:
            call(lib.pqj_token_builder_sign_at, b, key._handle, _unix(now), ctypes.byref(out))
        return take_string(out)
    finally:
        lib.pqj_token_builder_free(b)


def inspect_unverified(token: Text) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode ``token`` WITHOUT verifying it: (header, claims) dicts that anyone could have
    written. For display and logs only, never for decisions."""
    data = _data(token, "token")
    h, c = ctypes.c_void_p(), ctypes.c_void_p()
    call(lib.pqj_inspect, data, len(data), ctypes.byref(h), ctypes.byref(c))
    return _object(take_string(h)), _object(take_string(c))


class ClaimKind(enum.IntEnum):
    """The JSON kind of a claim (``PQJ_CLAIM_KIND_*``)."""

    ABSENT = 0
    NULL = 1
    BOOL = 2
    INTEGER = 3
    NUMBER = 4
    STRING = 5
    ARRAY = 6
    OBJECT = 7


class VerifiedClaims(_Handle):
    """The claims of a token that passed verification, read by the C library: registered claims
    as properties (``None`` when absent), any claim by name with :meth:`get_str`,
    :meth:`get_int`, :meth:`get_bool`, :meth:`get_json` (:class:`ClaimAbsent` when absent,
    :class:`ClaimTypeError` for another type). Immutable; a context manager."""

    _free = staticmethod(lib.pqj_claims_free)

    def _opt_string(self, fn: Any, *args: Any) -> Optional[str]:
        out = ctypes.c_void_p()
        try:
            call(fn, self._handle, *args, ctypes.byref(out))
        except ClaimAbsent:
            return None
        return take_string(out)

    def _opt_date(self, fn: Any) -> Optional[datetime.datetime]:
        out = ctypes.c_int64()
        try:
            call(fn, self._handle, ctypes.byref(out))
        except ClaimAbsent:
            return None
        return datetime.datetime.fromtimestamp(out.value, tz=datetime.timezone.utc)

    @property
    def alg(self) -> str:
        """The algorithm the token was verified with."""
        return str(lib.pqj_claims_alg(self._handle).decode())

    @property
    def kid(self) -> Optional[str]:
        """The ``kid`` of the key that verified the token, if the token named one."""
        return self._opt_string(lib.pqj_claims_kid)

    @property
    def sub(self) -> Optional[str]:
        return self._opt_string(lib.pqj_claims_sub)

    @property
    def iss(self) -> Optional[str]:
        return self._opt_string(lib.pqj_claims_iss)

    @property
    def jti(self) -> Optional[str]:
        return self._opt_string(lib.pqj_claims_jti)

    @property
    def aud(self) -> list[str]:
        """``aud`` as a list (one element for a string, empty without ``aud``)."""
        n = lib.pqj_claims_aud_count(self._handle)
        return [s for i in range(n) if (s := self._opt_string(lib.pqj_claims_aud, i)) is not None]

    @property
    def exp(self) -> Optional[datetime.datetime]:
        return self._opt_date(lib.pqj_claims_exp)

    @property
    def nbf(self) -> Optional[datetime.datetime]:
        return self._opt_date(lib.pqj_claims_nbf)

    @property
    def iat(self) -> Optional[datetime.datetime]:
        return self._opt_date(lib.pqj_claims_iat)

    def kind(self, name: Text) -> ClaimKind:
        """The JSON kind of claim ``name`` (registered or custom)."""
        return ClaimKind(lib.pqj_claims_kind(self._handle, text(name, "name")))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, (str, bytes)) and self.kind(name) is not ClaimKind.ABSENT

    def get_str(self, name: Text) -> str:
        out = ctypes.c_void_p()
        call(lib.pqj_claims_get_string, self._handle, text(name, "name"), ctypes.byref(out))
        return take_string(out)

    def get_int(self, name: Text) -> int:
        out = ctypes.c_int64()
        call(lib.pqj_claims_get_int, self._handle, text(name, "name"), ctypes.byref(out))
        return out.value

    def get_bool(self, name: Text) -> bool:
        out = ctypes.c_bool()
        call(lib.pqj_claims_get_bool, self._handle, text(name, "name"), ctypes.byref(out))
        return bool(out.value)

    def get_json(self, name: Text) -> Any:
        """Claim ``name`` of any type, decoded from its JSON."""
        out = ctypes.c_void_p()
        call(lib.pqj_claims_get_json, self._handle, text(name, "name"), ctypes.byref(out))
        return json.loads(take_string(out))

    def json(self) -> str:
        """The claims JSON exactly as signed."""
        return self._string(lib.pqj_claims_json)

    def to_dict(self) -> dict[str, Any]:
        """All claims as a dict."""
        return _object(self.json())

    def __repr__(self) -> str:
        if not self._ptr:
            return "<pqjose.VerifiedClaims closed>"
        return f"<pqjose.VerifiedClaims {self.alg} sub={self.sub!r}>"
