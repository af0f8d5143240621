"""Fleet features through the Python binding: replay and revocation checks, atomic rotation
from a fresh JWK Set with a report of skipped entries, remote key sets failing closed."""

import json

import pytest

import pqjose
from pqjose import Key, KeySet, RemoteKeySet, ReplayStore, Status, Verifier

NOW = 1_800_000_000


def test_replay_and_subject_revocation():
    key = Key.generate("Ed25519", kid="k")
    store = ReplayStore.memory()
    v = Verifier(KeySet([key]), replay_store=store)
    t1 = pqjose.sign(key, {"sub": "agent-7"}, now=NOW)
    assert v.verify(t1, now=NOW)["sub"] == "agent-7"
    with pytest.raises(pqjose.TokenError) as e:
        v.verify(t1, now=NOW)
    assert e.value.status == Status.REPLAYED
    t2 = pqjose.sign(key, {"sub": "agent-7"}, now=NOW)
    store.revoke_subject("agent-7", NOW)
    with pytest.raises(pqjose.PqjoseError) as e:
        v.verify(t2, now=NOW)
    assert e.value.status == Status.REVOKED
    # Revocation only: the same token may be used again until revoked.
    again = Verifier(KeySet([key]), replay_store=ReplayStore.memory(), single_use=False)
    t3 = pqjose.sign(key, {"sub": "agent-8"}, now=NOW)
    assert again.verify(t3, now=NOW) == again.verify(t3, now=NOW)


def test_rotation_report_and_kids():
    a, b = Key.generate("Ed25519", kid="a"), Key.generate("ML-DSA-44", kid="b")
    doc = {"keys": [{"kty": "nope", "kid": "x"}, a.public_jwk()]}
    keys, skipped = KeySet.from_jwks_report(doc)
    assert [(s["index"], s["kid"]) for s in skipped] == [(0, "x")]
    assert skipped[0]["code"] > 0 and skipped[0]["reason"]
    v = Verifier(keys)
    tb = pqjose.sign(b, {}, now=NOW)
    with pytest.raises(pqjose.PqjoseError):
        v.verify(tb, now=NOW)
    assert keys.replace_from_jwks({"keys": [b.public_jwk()]}) == []
    assert "exp" in v.verify(tb, now=NOW)
    assert [k["kid"] for k in keys.keys()] == ["b"]
    with pytest.raises(pqjose.PqjoseError) as e:
        keys.replace_from_jwks(json.dumps({"keys": []}))
    assert e.value.status == Status.NO_USABLE_KEYS
    assert len(keys) == 1


def test_remote_and_redis_fail_closed():
    with pytest.raises(pqjose.PqjoseError) as e:
        RemoteKeySet("http://127.0.0.1:1/jwks")
    assert e.value.status == Status.REMOTE_INSECURE_URL
    remote = RemoteKeySet("http://127.0.0.1:1/jwks", allow_http=True)
    assert remote.last_refresh() is None
    with pytest.raises(pqjose.PqjoseError) as e:
        remote.refresh()
    assert e.value.status == Status.REMOTE_TRANSPORT
    assert remote.last_refresh()["ok"] is False
    key = Key.generate("Ed25519", kid="k")
    with pytest.raises(pqjose.PqjoseError) as e:
        Verifier(remote).verify(pqjose.sign(key, {}, now=NOW), now=NOW)
    assert e.value.status == Status.REMOTE_KEYS_UNAVAILABLE
    down = ReplayStore.redis("redis://127.0.0.1:1/0")
    with pytest.raises(pqjose.PqjoseError) as e:
        down.revoke_kid("k")
    assert e.value.status == Status.REPLAY_STORE_UNAVAILABLE
