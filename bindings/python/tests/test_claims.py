"""Typed claim accessors (VerifiedClaims) and the packaging of the library."""

import datetime
import os
import pathlib

import pytest

import pqjose
from pqjose import ClaimAbsent, ClaimKind, ClaimTypeError, Key, KeySet, Status, Verifier

NOW = 1_800_000_000
UTC = datetime.timezone.utc


def test_verified_claims_accessors():
    with Key.generate("ML-DSA-44", kid="ck") as key:
        claims = {
            "iss": "me",
            "sub": "agent-7",
            "aud": ["gw", "other"],
            "jti": "id-1",
            "nbf": NOW - 5,
            "task": "t-\u00e9",
            "n": -3,
            "ok": True,
            "f": 1.5,
            "obj": {"a": [1, 2]},
            "nul": None,
        }
        token = pqjose.sign(key, claims, ttl=60, now=NOW)
        verifier = Verifier(KeySet([key]), issuers="me", audiences="gw")
        with verifier.verify_claims(token, now=NOW) as c:
            assert (c.alg, c.kid, c.sub, c.iss, c.jti) == ("ML-DSA-44", "ck", "agent-7", "me", "id-1")
            assert c.aud == ["gw", "other"]
            assert c.exp == datetime.datetime.fromtimestamp(NOW + 60, UTC)
            assert c.iat == datetime.datetime.fromtimestamp(NOW, UTC)
            assert c.nbf == datetime.datetime.fromtimestamp(NOW - 5, UTC)
            kinds = {"task": ClaimKind.STRING, "n": ClaimKind.INTEGER, "ok": ClaimKind.BOOL,
                     "f": ClaimKind.NUMBER, "obj": ClaimKind.OBJECT, "aud": ClaimKind.ARRAY,
                     "nul": ClaimKind.NULL, "nope": ClaimKind.ABSENT}
            assert {k: c.kind(k) for k in kinds} == kinds
            assert "task" in c and "nope" not in c
            assert c.get_str("task") == "t-\u00e9"
            assert c.get_int("n") == -3 and c.get_int("exp") == NOW + 60
            assert c.get_bool("ok") is True
            assert c.get_json("obj") == {"a": [1, 2]} and c.get_json("f") == 1.5
            with pytest.raises(ClaimTypeError) as e:
                c.get_int("task")
            assert e.value.status is Status.CLAIM_TYPE and isinstance(e.value, TypeError)
            with pytest.raises(ClaimAbsent) as e:
                c.get_str("nope")
            assert e.value.status is Status.CLAIM_ABSENT and isinstance(e.value, LookupError)
            assert c.to_dict()["task"] == "t-\u00e9"
        with pytest.raises(ValueError):
            c.sub  # closed
        bare = Verifier(KeySet([key])).verify_claims(pqjose.sign(key, {}, now=NOW), now=NOW)
        assert (bare.sub, bare.iss, bare.nbf, bare.aud) == (None, None, None, [])
        with pytest.raises(pqjose.TokenError) as e:
            verifier.verify_claims(token, now=NOW + 3600)
        assert e.value.status is Status.EXPIRED


def test_library_is_the_packaged_copy():
    """Installed from a wheel (PQJOSE_LIB unset), the library is the copy inside the package,
    and the package is typed."""
    package = pathlib.Path(pqjose.__file__).parent
    assert (package / "py.typed").is_file()
    if os.environ.get("PQJOSE_LIB") or os.environ.get("PQJOSE_TEST_FROM_SOURCE"):
        pytest.skip("testing a library named by PQJOSE_LIB / the source tree")
    assert pathlib.Path(pqjose._lib.path).parent == package
