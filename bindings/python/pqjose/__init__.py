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
"""

import ctypes
import datetime
import json

from ._lib import (
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
    "Key",
    "KeySet",
    "KeyProblem",
    "PqjoseError",
    "RemoteKeySet",
    "ReplayStore",
    "Status",
    "TokenError",
    "UsageError",
    "Verifier",
    "inspect_unverified",
    "sign",
    "version",
]


def version() -> str:
    """The library version and backend, e.g. ``"pqjose 0.1.0 (rustcrypto)"``."""
    return lib.pqj_version().decode()


def _data(value, name: str) -> bytes:
    """JSON-ish input: a dict/list is serialized, str encoded, bytes used as is."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":")).encode()
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be dict, str or bytes, not {type(value).__name__}")


def _opt_text(value, name: str):
    return None if value is None else text(value, name)


def _seconds(value, name: str) -> int:
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _unix(value) -> int:
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    return int(value)


class _Handle:
    """An owned C handle: ``close()`` once, or let the collector do it."""

    _free = None

    def __init__(self, ptr: ctypes.c_void_p):
        self._ptr = ptr

    def close(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            type(self)._free(ptr)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def _handle(self) -> ctypes.c_void_p:
        if not self._ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    def _string(self, fn) -> str:
        out = ctypes.c_void_p()
        call(fn, self._handle, ctypes.byref(out))
        return take_string(out)


class Key(_Handle):
    """A key bound to one algorithm: private (signs and verifies) or public (verifies)."""

    _free = staticmethod(lib.pqj_key_free)

    @classmethod
    def generate(cls, alg: str, kid: str = None) -> "Key":
        """A new private key for ``alg`` ("ML-DSA-65", "ML-DSA-65-Ed25519", "Ed25519", ...);
        ``kid`` defaults to the RFC 7638 thumbprint."""
        out = ctypes.c_void_p()
        call(lib.pqj_key_generate, text(alg, "alg"), _opt_text(kid, "kid"), ctypes.byref(out))
        return cls(out)

    @classmethod
    def from_jwk(cls, jwk) -> "Key":
        """Import a JWK (dict, JSON str or bytes); private if it has private members."""
        data = _data(jwk, "jwk")
        out = ctypes.c_void_p()
        call(lib.pqj_key_from_jwk, data, len(data), ctypes.byref(out))
        return cls(out)

    @classmethod
    def from_pem(cls, alg: str, pem, kid: str = None) -> "Key":
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
        return lib.pqj_key_alg(self._handle).decode()

    @property
    def kid(self) -> str:
        return lib.pqj_key_kid(self._handle).decode()

    @property
    def is_private(self) -> bool:
        return bool(lib.pqj_key_is_private(self._handle))

    def public_jwk(self) -> dict:
        """The public JWK, with ``kid`` and ``alg``."""
        return json.loads(self._string(lib.pqj_key_public_jwk))

    def private_jwk(self) -> dict:
        """The private JWK (secret members included: store it like a password)."""
        return json.loads(self._string(lib.pqj_key_private_jwk))

    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint (SHA-256, base64url)."""
        return self._string(lib.pqj_key_thumbprint)

    def __repr__(self):
        if not self._ptr:
            return "<pqjose.Key closed>"
        kind = "private" if self.is_private else "public"
        return f"<pqjose.Key {self.alg} {kind} kid={self.kid!r}>"


class KeySet(_Handle):
    """Verifying keys, any mix of algorithms, rotated live (thread-safe)."""

    _free = staticmethod(lib.pqj_keyset_free)

    def __init__(self, keys=(), _ptr=None):
        if _ptr is None:
            _ptr = ctypes.c_void_p()
            call(lib.pqj_keyset_new, ctypes.byref(_ptr))
        super().__init__(_ptr)
        #: Entries skipped as unusable when loaded from a JWK Set.
        self.skipped = 0
        for k in keys:
            self.add(k)

    @classmethod
    def from_jwks(cls, jwks) -> "KeySet":
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

    def retire(self, kid: str, not_after=None) -> None:
        """Retire every key with ``kid``: at once, or after ``not_after`` (datetime or Unix
        seconds) for an overlap."""
        if not_after is None:
            call(lib.pqj_keyset_retire, self._handle, text(kid, "kid"))
        else:
            call(lib.pqj_keyset_retire_after, self._handle, text(kid, "kid"), _unix(not_after))

    def remove(self, kid: str) -> None:
        """Remove every key with ``kid``."""
        call(lib.pqj_keyset_remove, self._handle, text(kid, "kid"))

    def __len__(self) -> int:
        return lib.pqj_keyset_len(self._handle)

    def public_jwks(self) -> dict:
        """The JWK Set to publish (``{"keys": [...]}``)."""
        return json.loads(self._string(lib.pqj_keyset_public_jwks))

    @classmethod
    def from_jwks_report(cls, jwks):
        """Load a JWK Set; return ``(KeySet, skipped)`` where ``skipped`` lists every unusable
        entry as ``{"index", "kid", "code", "reason"}``."""
        data = _data(jwks, "jwks")
        out, report = ctypes.c_void_p(), ctypes.c_void_p()
        call(lib.pqj_keyset_from_jwks_report, data, len(data), ctypes.byref(out), ctypes.byref(report))
        skipped = json.loads(take_string(report))
        s = cls(_ptr=out)
        s.skipped = len(skipped)
        return s, skipped

    def replace_from_jwks(self, jwks) -> list:
        """Replace the whole contents with the usable keys of a fresh JWK Set, atomically; a
        set without a usable key is refused and the current keys stay. Returns the skipped
        entries."""
        data = _data(jwks, "jwks")
        report = ctypes.c_void_p()
        call(lib.pqj_keyset_replace_from_jwks, self._handle, data, len(data), ctypes.byref(report))
        return json.loads(take_string(report))

    def keys(self) -> list:
        """The keys, oldest first: ``[{"kid", "alg", "status"}]``."""
        return json.loads(self._string(lib.pqj_keyset_kids))


class RemoteKeySet(_Handle):
    """An issuer's JWK Set fetched over HTTPS and cached (max-age within bounds, ETag/304,
    background refresh, one fetch per cooldown for unknown kids, stale-serving for a bounded
    time, then fail closed). Give it to :class:`Verifier` in place of a :class:`KeySet`."""

    _free = staticmethod(lib.pqj_remote_keyset_free)

    def __init__(self, url: str, *, allow_http: bool = False, _ptr=None):
        if _ptr is None:
            _ptr = ctypes.c_void_p()
            call(lib.pqj_remote_keyset_new, text(url, "url"), allow_http, ctypes.byref(_ptr))
        super().__init__(_ptr)

    @classmethod
    def discover(cls, issuer: str, *, allow_http: bool = False) -> "RemoteKeySet":
        """Find the JWK Set through the issuer's metadata (``jwks_uri``)."""
        out = ctypes.c_void_p()
        call(lib.pqj_remote_keyset_discover, text(issuer, "issuer"), allow_http, ctypes.byref(out))
        return cls(None, _ptr=out)

    def refresh(self) -> None:
        """Fetch now; raises on failure (the previous keys stay)."""
        call(lib.pqj_remote_keyset_refresh, self._handle)

    def last_refresh(self):
        """The last fetch as a dict (``None`` before the first)."""
        return json.loads(self._string(lib.pqj_remote_keyset_last_refresh))


class ReplayStore(_Handle):
    """Used jtis and revocations: :meth:`memory` in this process, :meth:`redis` shared by a
    fleet (any Redis error refuses the token). Pass it as ``Verifier(replay_store=...)``."""

    _free = staticmethod(lib.pqj_replay_store_free)

    @classmethod
    def memory(cls, capacity: int = 0) -> "ReplayStore":
        out = ctypes.c_void_p()
        call(lib.pqj_replay_store_memory, capacity, ctypes.byref(out))
        return cls(out)

    @classmethod
    def redis(cls, url: str, *, timeout_ms: int = 0) -> "ReplayStore":
        out = ctypes.c_void_p()
        call(lib.pqj_replay_store_redis, text(url, "url"), timeout_ms, ctypes.byref(out))
        return cls(out)

    def revoke_jti(self, jti: str, iss: str = None) -> None:
        """Revoke the token of issuer ``iss`` with ``jti`` (memory stores: any issuer)."""
        call(lib.pqj_replay_store_revoke_jti, self._handle, _opt_text(iss, "iss"), text(jti, "jti"))

    def revoke_kid(self, kid: str) -> None:
        """Revoke every token verified by the key ``kid``."""
        call(lib.pqj_replay_store_revoke_kid, self._handle, text(kid, "kid"))

    def revoke_subject(self, sub: str, at_or_before) -> None:
        """Revoke every token of ``sub`` issued at or before ``at_or_before`` (datetime or
        Unix seconds)."""
        call(lib.pqj_replay_store_revoke_subject, self._handle, text(sub, "sub"), _unix(at_or_before))


class Verifier(_Handle):
    """Verifies JWTs against a :class:`KeySet` (shared: rotation applies) under a policy.

    Defaults (RFC 8725): ``exp`` required, 30 s leeway, ``iat`` in the future refused, a token
    with an unexpected ``aud`` refused, any algorithm the key implements. ``policy`` is "pqc",
    "hybrid", "composite" or "any"; ``algorithms`` an extra allow-list.
    """

    _free = staticmethod(lib.pqj_verifier_free)

    def __init__(
        self,
        keys: KeySet,
        *,
        issuers=(),
        audiences=(),
        subject=None,
        typ=None,
        leeway=None,
        max_age=None,
        policy=None,
        algorithms=(),
        required_claims=(),
        allow_missing_exp=False,
        allow_unexpected_audience=False,
        replay_store=None,
        single_use=True,
    ):
        if isinstance(issuers, str):
            issuers = [issuers]
        if isinstance(audiences, str):
            audiences = [audiences]
        v = ctypes.c_void_p()
        call(lib.pqj_validation_new, ctypes.byref(v))
        try:
            if policy is not None:
                call(lib.pqj_validation_set_policy, v, text(policy, "policy"))
            for alg in algorithms:
                call(lib.pqj_validation_allow_alg, v, text(alg, "alg"))
            for iss in issuers:
                call(lib.pqj_validation_add_issuer, v, text(iss, "issuer"))
            for aud in audiences:
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
            if replay_store is not None:
                call(lib.pqj_validation_set_replay_store, v, replay_store._handle, single_use)
            out = ctypes.c_void_p()
            new = lib.pqj_verifier_new_remote if isinstance(keys, RemoteKeySet) else lib.pqj_verifier_new
            call(new, keys._handle, v, ctypes.byref(out))
        finally:
            lib.pqj_validation_free(v)
        super().__init__(out)

    def verify_raw(self, token, *, now=None) -> str:
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

    def verify(self, token, *, now=None) -> dict:
        """Verify ``token`` and return its claims as a dict."""
        return json.loads(self.verify_raw(token, now=now))


def sign(key: Key, claims=None, *, ttl=None, typ=None, header=None, now=None) -> str:
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


def inspect_unverified(token):
    """Decode ``token`` WITHOUT verifying it: (header, claims) dicts that anyone could have
    written. For display and logs only, never for decisions."""
    data = _data(token, "token")
    h, c = ctypes.c_void_p(), ctypes.c_void_p()
    call(lib.pqj_inspect, data, len(data), ctypes.byref(h), ctypes.byref(c))
    return json.loads(take_string(h)), json.loads(take_string(c))
