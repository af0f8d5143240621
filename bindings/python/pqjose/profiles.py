"""DPoP proofs (RFC 9449) and delegated tokens (RFC 8693 ``act``) over the C ABI.

    >>> from pqjose import Key, KeySet, Verifier, sign
    >>> from pqjose.profiles import dpop_proof, verify_dpop_proof
    >>> client = Key.generate("ML-DSA-44")
    >>> proof = dpop_proof(client, "GET", "https://rs.example/items?page=2")
    >>> jkt, claims = verify_dpop_proof(proof, "GET", "https://rs.example/items")
    >>> jkt == client.thumbprint(), claims["htu"]
    (True, 'https://rs.example/items')
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, List, Optional, Tuple, Union

from ._lib import call, lib, take_string, text

Text = Union[str, bytes]

_p = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_u8p = ctypes.c_char_p
_size = ctypes.c_size_t
_status = ctypes.c_uint32
_cstr = ctypes.c_char_p

for _name, _args in {
    "pqj_dpop_proof": [_p, _cstr, _cstr, _u8p, _size, _cstr, _pp, _pp],
    "pqj_dpop_verify": [_u8p, _size, _cstr, _cstr, _u8p, _size, _cstr, ctypes.c_uint64, _cstr,
                        _pp, _pp, _pp],
    "pqj_dpop_verify_once": [_p, _u8p, _size, _cstr, _cstr, _u8p, _size, _cstr, ctypes.c_uint64,
                             _cstr, _pp, _pp, _pp],
    "pqj_validation_bind_jkt": [_p, _cstr, _pp],
    "pqj_delegate": [_p, _u8p, _size, _u8p, _size, _p, _cstr, _cstr, _cstr, ctypes.c_uint64,
                     _pp, _pp],
    "pqj_verify_delegated": [_p, _u8p, _size, ctypes.c_int32, _pp, _pp, _pp],
}.items():
    _fn = getattr(lib, _name)
    _fn.restype = _status
    _fn.argtypes = _args

__all__ = ["delegate", "dpop_proof", "verify_delegated", "verify_dpop_proof"]


def _token(value: Optional[Text], name: str) -> Tuple[Optional[bytes], int]:
    """An optional token: None -> (NULL, 0)."""
    if value is None:
        return None, 0
    data = text(value, name)
    return data, len(data)


def _opt(value: Optional[Text], name: str) -> Optional[bytes]:
    return None if value is None else text(value, name)


def dpop_proof(
    key: Any,
    htm: Text,
    htu: Text,
    *,
    access_token: Optional[Text] = None,
    nonce: Optional[Text] = None,
) -> str:
    """A DPoP proof made with the private ``key`` for the request ``htm`` to ``htu`` (its query
    and fragment are left out); ``access_token`` adds ``ath``, ``nonce`` adds ``nonce``."""
    at, atn = _token(access_token, "access_token")
    out = ctypes.c_void_p()
    call(lib.pqj_dpop_proof, key._handle, text(htm, "htm"), text(htu, "htu"), at, atn,
         _opt(nonce, "nonce"), ctypes.byref(out))
    return take_string(out)


def verify_dpop_proof(
    proof: Text,
    htm: Text,
    htu: Text,
    *,
    access_token: Optional[Text] = None,
    nonce: Optional[Text] = None,
    max_age: int = 0,
    policy: Optional[Text] = None,
    replay: Optional[Any] = None,
) -> Tuple[str, Dict[str, Any]]:
    """Verify a proof for the request ``htm`` to ``htu`` (RFC 9449 §4.3; ``ath`` checked when
    ``access_token`` is given, ``nonce`` when given, ``iat`` at most ``max_age`` seconds old,
    0 for the default 60). With ``replay`` (a :class:`pqjose.ReplayStore`) each proof ``jti``
    is accepted once (scoped by the proof key; a Redis store makes that hold across a fleet; a
    replay raises with ``Status.REPLAYED``). Returns ``(jkt, claims)``: the proof key's
    thumbprint (a bound access token's ``cnf.jkt``) and the proof's claims. Check the token's
    binding with ``Verifier(..., bound_jkt=jkt)``."""
    data = text(proof, "proof")
    at, atn = _token(access_token, "access_token")
    jkt, claims = ctypes.c_void_p(), ctypes.c_void_p()
    rest = (data, len(data), text(htm, "htm"), text(htu, "htu"), at, atn, _opt(nonce, "nonce"),
            int(max_age), _opt(policy, "policy"), ctypes.byref(jkt), ctypes.byref(claims))
    if replay is None:
        call(lib.pqj_dpop_verify, *rest)
    else:
        call(lib.pqj_dpop_verify_once, replay._handle, *rest)
    parsed: Dict[str, Any] = json.loads(take_string(claims))
    return take_string(jkt), parsed


def delegate(
    verifier: Any,
    key: Any,
    *,
    subject_token: Text,
    issuer: Text,
    audience: Text,
    actor_token: Optional[Text] = None,
    scope: Optional[Text] = None,
    ttl: int = 0,
) -> str:
    """Mint a delegated token (RFC 8693): ``subject_token`` (and ``actor_token``) must pass
    ``verifier``; the new token, signed with ``key``, keeps the subject, records the actor in
    ``act`` (nesting the subject's), narrows ``scope`` (None: unchanged) and lives ``ttl``
    seconds (0: 300 s or the subject's remaining lifetime if shorter)."""
    st, stn = _token(subject_token, "subject_token")
    at, atn = _token(actor_token, "actor_token")
    out = ctypes.c_void_p()
    call(lib.pqj_delegate, verifier._handle, st, stn, at, atn, key._handle,
         text(issuer, "issuer"), text(audience, "audience"), _opt(scope, "scope"), int(ttl),
         ctypes.byref(out))
    return take_string(out)


def verify_delegated(
    verifier: Any, token: Text, *, max_depth: int = -1
) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Verify a delegated token with ``verifier``, its ``act`` chain at most ``max_depth``
    deep (negative: the default 4). Returns ``(claims, actors)``, actors outermost first."""
    data = text(token, "token")
    claims, actors = ctypes.c_void_p(), ctypes.c_void_p()
    call(lib.pqj_verify_delegated, verifier._handle, data, len(data), int(max_depth),
         ctypes.byref(claims), ctypes.byref(actors))
    parsed: Dict[str, Any] = json.loads(take_string(claims))
    chain: List[Dict[str, Any]] = json.loads(take_string(actors))
    return parsed, chain
