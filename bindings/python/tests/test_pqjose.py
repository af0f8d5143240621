"""Tests of the Python binding over the real library."""

import datetime
import gc
import os
import pathlib
import re
import threading

import pytest

import pqjose
from pqjose import Key, KeySet, Status, Verifier

NOW = 1_800_000_000
_HERE = pathlib.Path(__file__).resolve().parent
# The header: PQJOSE_HEADER, else rust/include of an unpacked sdist, else the source tree's.
HEADER = next(
    (
        p
        for p in (
            pathlib.Path(os.environ.get("PQJOSE_HEADER", "/nonexistent")),
            _HERE.parent / "rust" / "include" / "pqjose.h",
            _HERE.parents[2] / "include" / "pqjose.h",
        )
        if p.is_file()
    ),
    _HERE.parents[2] / "include" / "pqjose.h",
)


def test_version():
    assert pqjose.version().startswith("pqjose ")
    assert pqjose.version().endswith("(rustcrypto)")


def test_status_enum_matches_header():
    found = dict(re.findall(r"PQJ_STATUS_([A-Z0-9_]+) = (\d+),", HEADER.read_text()))
    assert {s.name: str(s.value) for s in Status} == found
    assert len(found) >= 50


def test_keys_and_jwk_round_trip():
    with Key.generate("ML-DSA-65", kid="k1") as key:
        assert (key.alg, key.kid, key.is_private) == ("ML-DSA-65", "k1", True)
        pub = key.public_jwk()
        assert pub["kty"] == "AKP" and "priv" not in pub and pub["kid"] == "k1"
        with Key.from_jwk(pub) as public:
            assert not public.is_private
            with pytest.raises(pqjose.KeyProblem) as e:
                public.private_jwk()
            assert e.value.status is Status.KEY_NOT_PRIVATE
        again = Key.from_jwk(key.private_jwk())
        assert again.thumbprint() == key.thumbprint()
        assert "private" in repr(again)
        again.close()
        assert repr(again) == "<pqjose.Key closed>"
        with pytest.raises(ValueError, match="closed"):
            again.thumbprint()


def test_errors_carry_status_and_message():
    with pytest.raises(pqjose.TokenError) as e:
        Key.generate("ML-DSA-66")
    assert e.value.status is Status.ALG_UNKNOWN
    assert "unknown algorithm" in e.value.message
    with pytest.raises(pqjose.TokenError) as e:
        Key.generate("NoNe")
    assert e.value.status is Status.ALG_NONE
    with pytest.raises(pqjose.UsageError) as e:
        Key.generate(b"\xff")
    assert e.value.status is Status.INVALID_UTF8
    with pytest.raises(pqjose.KeyProblem) as e:
        Key.from_jwk('{"kty":"OKP","kty":"OKP"}')
    assert e.value.status is Status.MALFORMED_JWK
    with pytest.raises(ValueError):
        Key.generate("Ed25519", kid="a\0b")
    with pytest.raises(TypeError):
        Key.from_jwk(42)


def test_pem_rfc8037():
    pem = (
        "-----BEGIN PUBLIC KEY-----\n"
        "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
        "-----END PUBLIC KEY-----\n"
    )
    key = Key.from_pem("Ed25519", pem)
    assert key.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert key.public_jwk()["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    with pytest.raises(pqjose.KeyProblem) as e:
        Key.from_pem("Ed25519", "-----BEGIN PUBLIC KEY-----")
    assert e.value.status is Status.PEM


@pytest.mark.parametrize("alg", ["ML-DSA-44", "ML-DSA-87-Ed448", "SLH-DSA-SHA2-128f", "Ed25519", "ES384", "PS256"])
def test_sign_verify(alg):
    key = Key.generate(alg)
    verifier = Verifier(
        KeySet([key]),
        issuers="iss",
        audiences=["gw"],
        typ="at+jwt",
        required_claims=["task"],
    )
    claims = {"iss": "iss", "sub": "agent", "aud": "gw", "task": "t-1", "n": [1, 2]}
    token = pqjose.sign(key, claims, ttl=60, typ="at+jwt", header={"x-tenant": "acme"}, now=NOW)
    got = verifier.verify(token, now=NOW + 10)
    assert got["task"] == "t-1" and got["n"] == [1, 2] and got["exp"] == NOW + 60
    when = datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
    assert verifier.verify(token.encode(), now=when)["sub"] == "agent"
    header, unverified = pqjose.inspect_unverified(token)
    assert header["x-tenant"] == "acme" and header["alg"] == alg and unverified == got

    with pytest.raises(pqjose.TokenError) as e:
        verifier.verify(token, now=NOW + 120)
    assert e.value.status is Status.EXPIRED
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(pqjose.TokenError):
        verifier.verify(tampered, now=NOW)
    evil = pqjose.sign(key, dict(claims, iss="evil"), typ="at+jwt", now=NOW)
    with pytest.raises(pqjose.TokenError) as e:
        verifier.verify(evil, now=NOW)
    assert e.value.status is Status.ISSUER and "evil" not in str(e.value)


def test_policy_and_options():
    ed, ml = Key.generate("Ed25519", kid="ed"), Key.generate("ML-DSA-44", kid="ml")
    keys = KeySet([ed, ml])
    t_ed, t_ml = pqjose.sign(ed, now=NOW), pqjose.sign(ml, now=NOW)
    pqc = Verifier(keys, policy="pqc")
    assert pqc.verify(t_ml, now=NOW)
    with pytest.raises(pqjose.TokenError):
        pqc.verify(t_ed, now=NOW)
    with pytest.raises(pqjose.TokenError):
        Verifier(keys, algorithms=["Ed25519"]).verify(t_ml, now=NOW)
    # pqc is pure post-quantum; hybrid adds the composites; composite is composites only.
    hy = Key.generate("ML-DSA-44-Ed25519", kid="hy")
    both = KeySet([ml, hy])
    t_hy = pqjose.sign(hy, now=NOW)
    for policy, pq_ok, hybrid_ok in [("pqc", True, False), ("hybrid", True, True), ("composite", False, True)]:
        v = Verifier(both, policy=policy)
        for token, ok in [(t_ml, pq_ok), (t_hy, hybrid_ok)]:
            if ok:
                assert v.verify(token, now=NOW)
            else:
                with pytest.raises(pqjose.TokenError) as e:
                    v.verify(token, now=NOW)
                assert e.value.status is Status.ALG_NOT_ALLOWED
    with pytest.raises(pqjose.TokenError) as e:
        Verifier(keys, policy="quantum")
    assert e.value.status is Status.UNKNOWN_POLICY
    aged = Verifier(keys, max_age=datetime.timedelta(seconds=10), leeway=0)
    with pytest.raises(pqjose.TokenError) as e:
        aged.verify(t_ml, now=NOW + 11)
    assert e.value.status is Status.TOO_OLD
    with pytest.raises(ValueError):
        Verifier(keys, leeway=-1)
    # Weakening calls are accepted (their effect is the library's, tested there).
    assert Verifier(keys, allow_missing_exp=True, allow_unexpected_audience=True).verify(t_ml, now=NOW)


def test_keyset_rotation_and_jwks():
    a, b = Key.generate("ML-DSA-44", kid="a"), Key.generate("ES256", kid="b")
    keys = KeySet([a])
    with pytest.raises(pqjose.KeyProblem) as e:
        keys.add(a)
    assert e.value.status is Status.DUPLICATE_KEY
    verifier = Verifier(keys)
    ta, tb = pqjose.sign(a, now=NOW), pqjose.sign(b, now=NOW)
    with pytest.raises(pqjose.TokenError) as e:
        verifier.verify(tb, now=NOW)
    assert e.value.status is Status.KEY_NOT_FOUND
    keys.add(b)
    assert verifier.verify(tb, now=NOW)
    keys.retire("a", not_after=NOW + 60)
    assert verifier.verify(ta, now=NOW + 60)
    with pytest.raises(pqjose.TokenError):
        verifier.verify(ta, now=NOW + 61)
    jwks = keys.public_jwks()
    assert {k["kid"] for k in jwks["keys"]} == {"a", "b"}
    jwks["keys"].append({"kty": "unknown"})
    loaded = KeySet.from_jwks(jwks)
    assert (len(loaded), loaded.skipped) == (2, 1)
    keys.retire("b")
    keys.remove("a")
    assert len(keys) == 1
    with pytest.raises(pqjose.TokenError) as e:
        keys.remove("a")
    assert e.value.status is Status.KEY_NOT_FOUND


def test_threads_verify_during_rotation():
    stable = Key.generate("ML-DSA-44", kid="stable")
    keys = KeySet([stable])
    verifier = Verifier(keys, policy="pqc")
    token = pqjose.sign(stable, {"sub": "s"}, now=NOW)
    stop = threading.Event()
    errors, counts = [], []

    def rotate():
        i = 0
        while not stop.is_set():
            with Key.generate("ML-DSA-44", kid=f"r{i}") as k:
                keys.add(k)
            if i:
                keys.remove(f"r{i - 1}")
            i += 1

    def verify():
        n = 0
        try:
            for _ in range(30):
                assert verifier.verify(token, now=NOW)["sub"] == "s"
                n += 1
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        counts.append(n)

    rotator = threading.Thread(target=rotate)
    rotator.start()
    workers = [threading.Thread(target=verify) for _ in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    rotator.join()
    assert errors == [] and sum(counts) == 16 * 30


def test_handles_are_released():
    for _ in range(200):
        k = Key.generate("Ed25519")
        Verifier(KeySet([k]))
    gc.collect()
    k = Key.generate("Ed25519")
    k.close()
    k.close()  # idempotent
