"""JWE through the Python binding (issue 12): keys bound to encryption, encrypt/decrypt for the
post-quantum and classical algorithms, the opaque failure, key sets, and a nested token
(ML-DSA signed, HPKE-9 encrypted) opened and verified in one call."""

import pytest

from pqjose import JweError, Key, KeyProblem, KeySet, Status, TokenError, Verifier, sign
from pqjose.jwe import DecryptionKeySet, EncryptionKey, encrypt, encrypt_nested

SECRET = b"db\x00password\xff"


@pytest.mark.parametrize(
    "alg,crv,enc",
    [
        ("HPKE-9", None, None),
        ("HPKE-8", None, None),
        ("HPKE-12", None, None),
        ("HPKE-9-KE", None, "A128GCM"),
        ("HPKE-0", None, None),
        ("ECDH-ES+A256KW", "X25519", "A256CBC-HS512"),
        ("ECDH-ES", "P-384", None),
        ("A256KW", None, "A128CBC-HS256"),
    ],
)
def test_round_trip(alg, crv, enc):
    key = EncryptionKey.generate(alg, crv=crv)
    assert key.alg == alg and key.is_private
    jwe = encrypt(key, SECRET, enc=enc)
    opened = key.decrypt(jwe)
    assert bytes(opened.plaintext) == SECRET and opened.alg == alg and opened.kid == key.kid
    assert opened.enc == (None if alg.startswith("HPKE-") and not alg.endswith("-KE") else enc or "A256GCM")
    opened.wipe()
    assert opened.plaintext == bytearray(len(SECRET))
    assert "password" not in repr(opened)


def test_public_key_and_refusals():
    agent, thief = EncryptionKey.generate("HPKE-9"), EncryptionKey.generate("HPKE-9")
    pub = agent.public()
    assert not pub.is_private and pub.kid == agent.kid
    assert "priv" not in agent.public_jwk() and agent.public_jwk()["kty"] == "AKP"
    jwe = encrypt(pub, "API_KEY=s3cret")
    assert bytes(agent.decrypt(jwe).plaintext) == b"API_KEY=s3cret"
    with pytest.raises(JweError) as e:
        thief.decrypt(jwe)
    assert e.value.status == Status.JWE_DECRYPTION
    # A flipped bit in the ciphertext: the same opaque status.
    head, ct, tail = jwe.rsplit(".", 2)[0], jwe.rsplit(".", 2)[1], jwe.rsplit(".", 2)[2]
    flipped = ct[:-2] + ("A" if ct[-2] != "A" else "B") + ct[-1:]
    with pytest.raises(JweError) as e:
        agent.decrypt(f"{head}.{flipped}.{tail}")
    assert e.value.status == Status.JWE_DECRYPTION
    with pytest.raises(KeyProblem) as e:
        pub.decrypt(jwe)
    assert e.value.status == Status.KEY_NOT_PRIVATE
    with pytest.raises(JweError) as e:
        encrypt(agent, b"x", enc="A256GCM")
    assert e.value.status == Status.JWE_ENC_PRESENCE
    with pytest.raises(JweError) as e:
        EncryptionKey.generate("HPKE-12").decrypt(jwe)
    assert e.value.status == Status.JWE_KEY_MISMATCH
    # A signing key's JWK is not an encryption key.
    with pytest.raises(JweError) as e:
        EncryptionKey.from_jwk(Key.generate("ML-DSA-44").private_jwk())
    assert e.value.status == Status.JWE_KEY_MISMATCH
    again = EncryptionKey.from_jwk(agent.private_jwk())
    assert again.is_private and bytes(again.decrypt(jwe).plaintext) == b"API_KEY=s3cret"


def test_key_set_and_nested_token():
    old, cur = EncryptionKey.generate("HPKE-9"), EncryptionKey.generate("HPKE-9")
    keys = DecryptionKeySet([old, cur])
    assert len(keys) == 2
    with pytest.raises(KeyProblem):
        keys.add(cur)
    assert {k["kid"] for k in keys.public_jwks()["keys"]} == {old.kid, cur.kid}

    issuer = Key.generate("ML-DSA-65")
    token = sign(issuer, {"iss": "vault", "sub": "agent-7", "db_password": "s3cret"}, ttl=300)
    jwe = encrypt_nested(cur.public(), token)
    assert keys.decrypt(jwe).cty == "JWT" and keys.decrypt(jwe).kid == cur.kid

    verifier = Verifier(KeySet([issuer]), issuers=["vault"], policy="pqc")
    claims = keys.decrypt_nested(verifier, jwe)
    assert claims.get_str("db_password") == "s3cret" and claims.alg == "ML-DSA-65"
    with pytest.raises(TokenError) as e:
        keys.decrypt_nested(verifier, jwe, now=4102444800)
    assert e.value.status == Status.EXPIRED
    with pytest.raises(JweError) as e:
        keys.decrypt_nested(verifier, encrypt(cur, token))
    assert e.value.status == Status.JWE_NOT_NESTED
    other = DecryptionKeySet([EncryptionKey.generate("HPKE-9")])
    with pytest.raises(TokenError) as e:
        other.decrypt_nested(verifier, jwe)
    assert e.value.status == Status.KEY_NOT_FOUND

    loaded = DecryptionKeySet.from_jwks({"keys": [cur.private_jwk(), issuer.private_jwk()]})
    assert len(loaded) == 1 and loaded.skipped == 1
    assert loaded.decrypt_nested(verifier, jwe).get_str("sub") == "agent-7"
