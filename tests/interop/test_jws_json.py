"""The JWS JSON serialization (RFC 7515 §7.2) between the pqjose CLI and jwcrypto.

jwcrypto (over pyca/cryptography) reads and writes the flattened and the general form, with
several signatures on one payload. Both directions, with the migration pair a verifier meets
in practice: one classical (ES256) and one post-quantum (ML-DSA-44) signature on one token.

- `pqjose sign --json --key EC --key PQ` -> jwcrypto verifies each signature with its key;
- jwcrypto signs (general, flattened, a `kid` in the unprotected header) -> `pqjose verify`
  accepts under the rule the CLI states: at least one signature whose algorithm the policy and
  `--alg` allow verifies; the others are ignored.
"""

import json
import time

import pytest
from jwcrypto import jwk, jws

from test_interop import b64d, pqjose, python_key, supported

PAIR = ("ES256", "ML-DSA-44")


def keys(tmp_path):
    """Our two private key files and their public JWKs as jwcrypto keys."""
    out = {}
    for alg in PAIR:
        supported(alg)
        priv = tmp_path / f"{alg}.json"
        pqjose("keygen", "--alg", alg, "--kid", alg.lower(), "--out", str(priv))
        public = json.loads(pqjose("public", str(priv)).stdout)
        out[alg] = (priv, jwk.JWK(**public))
    return out


def their_verify(text, key, alg):
    obj = jws.JWS()
    obj.allowed_algs = [alg]
    obj.deserialize(text)
    obj.verify(key, alg=alg)
    return obj


def test_pqjose_general_and_flattened_verify_in_jwcrypto(tmp_path):
    k = keys(tmp_path)
    claims = {"sub": "agent-7", "iss": "pqjose"}
    text = pqjose(
        "sign", "--json", "--key", str(k["ES256"][0]), "--key", str(k["ML-DSA-44"][0]),
        "--claims", json.dumps(claims), "--ttl", "300",
    ).stdout.decode()
    doc = json.loads(text)
    assert [json.loads(b64d(s["protected"])) for s in doc["signatures"]] == [
        {"alg": "ES256", "kid": "es256", "typ": "JWT"},
        {"alg": "ML-DSA-44", "kid": "ml-dsa-44", "typ": "JWT"},
    ]
    for alg in PAIR:
        got = json.loads(their_verify(text, k[alg][1], alg).payload)
        assert {n: got[n] for n in claims} == claims
        assert got["exp"] == got["iat"] + 300
    # A wrong key verifies nothing.
    other = jwk.JWK.generate(kty="EC", crv="P-256")
    with pytest.raises(jws.InvalidJWSSignature):
        their_verify(text, other, "ES256")

    # One key: the flattened form, which jwcrypto reads as such.
    flat = pqjose(
        "sign", "--json", "--key", str(k["ML-DSA-44"][0]), "--payload", "-",
        stdin=bytes(range(256)),
    ).stdout.decode()
    assert "signatures" not in json.loads(flat)
    assert their_verify(flat, k["ML-DSA-44"][1], "ML-DSA-44").payload == bytes(range(256))


def their_general(pairs, payload, unprotected_kid=False):
    """jwcrypto signs `payload` once per (key, alg, kid), in the JSON serialization."""
    obj = jws.JWS(payload)
    for key, alg, kid in pairs:
        protected = {"alg": alg, "typ": "JWT"}
        header = None
        if unprotected_kid:
            header = json.dumps({"kid": kid})
        else:
            protected["kid"] = kid
        obj.add_signature(key, alg=alg, protected=json.dumps(protected), header=header)
    return obj.serialize(compact=False)


def test_jwcrypto_json_serializations_verify_in_pqjose(tmp_path):
    for alg in PAIR:
        supported(alg)
    theirs = {alg: python_key(alg) for alg in PAIR}
    pub = {}
    for alg, (_, _, public) in theirs.items():
        pub[alg] = tmp_path / f"their-{alg}.json"
        pub[alg].write_text(json.dumps(public))
    jwks = tmp_path / "their.jwks"
    jwks.write_text(json.dumps({"keys": [p for _, _, p in theirs.values()]}))

    now = int(time.time())
    claims = {"sub": "agent-9", "iat": now, "exp": now + 300}
    payload = json.dumps(claims).encode()
    pairs = [(key, alg, public["kid"]) for alg, (key, _, public) in theirs.items()]

    for unprotected_kid in (False, True):
        text = their_general(pairs, payload, unprotected_kid)
        assert len(json.loads(text)["signatures"]) == 2
        f = tmp_path / "general.json"
        f.write_text(text)
        ok = pqjose("verify", "--jwks", str(jwks), "--policy", "pqc", str(f))
        assert json.loads(ok.stdout) == claims
        pqjose("verify", "--key", str(pub["ES256"]), str(f))
        pqjose("verify", "--key", str(pub["ML-DSA-44"]), "--alg", "ML-DSA-44", str(f))
        # The classical key cannot satisfy a post-quantum policy: the ES256 signature is ignored.
        bad = pqjose("verify", "--key", str(pub["ES256"]), "--policy", "pqc", str(f),
                     check=False)
        assert bad.returncode == 1 and bad.stdout == b"", bad.stderr

    # Their ML-DSA signature broken: pqc refuses, the classical one still satisfies `any`.
    doc = json.loads(their_general(pairs, payload))
    sig = doc["signatures"][1]["signature"]
    doc["signatures"][1]["signature"] = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    broken = json.dumps(doc).encode()
    assert pqjose("verify", "--jwks", str(jwks), "--policy", "pqc", stdin=broken,
                  check=False).returncode == 1
    pqjose("verify", "--jwks", str(jwks), stdin=broken)

    # One signature from jwcrypto: the flattened form.
    key, _, public = theirs["ML-DSA-44"]
    flat = their_general([(key, "ML-DSA-44", public["kid"])], payload)
    assert "signatures" not in json.loads(flat)
    ok = pqjose("verify", "--key", str(pub["ML-DSA-44"]), "--policy", "pqc", stdin=flat.encode())
    assert json.loads(ok.stdout) == claims
