"""DPoP proofs and delegated tokens through the Python binding (issue 15)."""

import pytest

from pqjose import Key, KeySet, ReplayStore, Status, TokenError, Verifier, sign
from pqjose.profiles import delegate, dpop_proof, verify_delegated, verify_dpop_proof

HTU = "https://rs.example/items"


def test_dpop_proof_and_binding():
    client, issuer = Key.generate("ML-DSA-65"), Key.generate("Ed25519")
    at = sign(issuer, {"sub": "client", "cnf": {"jkt": client.thumbprint()}}, ttl=60)
    proof = dpop_proof(client, "POST", HTU + "?a=1", access_token=at, nonce="n")
    jkt, claims = verify_dpop_proof(proof, "POST", HTU, access_token=at, nonce="n", policy="pqc")
    assert jkt == client.thumbprint() and claims["htu"] == HTU and claims["nonce"] == "n"
    for kwargs, status in [
        (dict(htm="GET", htu=HTU), Status.DPOP_METHOD),
        (dict(htm="POST", htu=HTU + "/x"), Status.DPOP_URI),
        (dict(htm="POST", htu=HTU, access_token="other"), Status.ACCESS_TOKEN_HASH),
        (dict(htm="POST", htu=HTU, nonce="m"), Status.NONCE),
    ]:
        with pytest.raises(TokenError) as e:
            verify_dpop_proof(proof, **kwargs)
        assert e.value.status == status
    # Single use through a replay store; a refused proof does not use up its jti.
    store = ReplayStore.memory(16)
    with pytest.raises(TokenError) as e:
        verify_dpop_proof(proof, "GET", HTU, access_token=at, nonce="n", replay=store)
    assert e.value.status == Status.DPOP_METHOD
    once = dict(access_token=at, nonce="n", replay=store)
    assert verify_dpop_proof(proof, "POST", HTU, **once)[0] == jkt
    with pytest.raises(TokenError) as e:
        verify_dpop_proof(proof, "POST", HTU, **once)
    assert e.value.status == Status.REPLAYED
    assert Verifier(KeySet([issuer]), bound_jkt=jkt).verify(at)["sub"] == "client"
    with pytest.raises(TokenError) as e:
        Verifier(KeySet([issuer]), bound_jkt="A" * 43).verify(at)
    assert e.value.status == Status.BINDING_MISMATCH


def test_delegation():
    idp, sts = Key.generate("ES256"), Key.generate("ML-DSA-44")
    subject = sign(idp, {"sub": "user", "aud": "sts", "scope": "read write"}, ttl=600)
    actor = sign(idp, {"sub": "agent-b", "aud": "sts"}, ttl=600)
    at_sts = Verifier(KeySet([idp]), audiences=["sts"])
    token = delegate(at_sts, sts, subject_token=subject, actor_token=actor, issuer="sts",
                     audience="api", scope="read")
    claims, actors = verify_delegated(Verifier(KeySet([sts]), audiences=["api"]), token)
    assert claims["sub"] == "user" and claims["scope"] == "read"
    assert actors == [{"sub": "agent-b"}]
    with pytest.raises(TokenError) as e:
        delegate(at_sts, sts, subject_token=subject, issuer="sts", audience="api", scope="admin")
    assert e.value.status == Status.SCOPE_WIDENED
    with pytest.raises(TokenError) as e:
        verify_delegated(Verifier(KeySet([sts]), audiences=["api"]), token, max_depth=0)
    assert e.value.status == Status.CHAIN_TOO_DEEP
