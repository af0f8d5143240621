"""DPoP (RFC 9449) interoperability of the pqjose CLI with independent implementations.

- Proofs built by jwcrypto (over pyca/cryptography: ES256, Ed25519, and ML-DSA where the
  installed cryptography has it) verify with `pqjose dpop verify`, bound to an access token
  whose cnf.jkt jwcrypto computed; tampered ones are refused with exit 1.
- Proofs made by `pqjose dpop proof` pass an independent checker written here from RFC 9449
  §4.2/§4.3 (typ, alg, public jwk, signature by that jwk via jwcrypto, claims, htu without query
  and fragment, iat window, ath) and RFC 7638 (the jkt of `sign --cnf-jwk`).
"""

import base64
import hashlib
import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from jwcrypto import jwk, jws

ROOT = Path(__file__).resolve().parents[2]
PQJOSE = os.environ.get("PQJOSE_BIN", str(ROOT / "target" / "debug" / "pqjose"))

HTU = "https://rs.example.com/api/items"

GENERATE = {
    "ES256": dict(kty="EC", crv="P-256"),
    "Ed25519": dict(kty="OKP", crv="Ed25519"),
    "ML-DSA-44": dict(kty="AKP", alg="ML-DSA-44"),
    "ML-DSA-65": dict(kty="AKP", alg="ML-DSA-65"),
    "ML-DSA-87": dict(kty="AKP", alg="ML-DSA-87"),
}

PRIVATE = {"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def run(*args, stdin=None):
    return subprocess.run(
        [PQJOSE, *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def generate(alg):
    try:
        return jwk.JWK.generate(**GENERATE[alg])
    except Exception as e:  # an older cryptography/jwcrypto without ML-DSA
        pytest.skip(f"{alg} not supported by the installed jwcrypto/cryptography: {e}")


def jcs_thumbprint(public: dict) -> str:
    """RFC 7638 from scratch (AKP: alg, kty, pub per RFC 9964 §6)."""
    members = {
        "EC": ["crv", "kty", "x", "y"],
        "OKP": ["crv", "kty", "x"],
        "RSA": ["e", "kty", "n"],
        "AKP": ["alg", "kty", "pub"],
    }[public["kty"]]
    canon = json.dumps({m: public[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64u(hashlib.sha256(canon.encode()).digest())


def jwcrypto_proof(key, alg, htm, htu, access_token=None, iat=None, jti=None, header_extra=None,
                   claims_extra=None):
    public = json.loads(key.export_public())
    public.pop("kid", None)
    header = {"typ": "dpop+jwt", "alg": alg, "jwk": public}
    header.update(header_extra or {})
    claims = {"jti": jti or str(uuid.uuid4()), "htm": htm, "htu": htu,
              "iat": int(time.time()) if iat is None else iat}
    if access_token is not None:
        claims["ath"] = b64u(hashlib.sha256(access_token.encode()).digest())
    claims.update(claims_extra or {})
    token = jws.JWS(json.dumps(claims).encode())
    token.add_signature(key, alg=alg, protected=json.dumps(header))
    return token.serialize(compact=True)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def issuer_token(tmp_path, cnf_jwk_path):
    """An access token from pqjose, bound with --cnf-jwk to the client's public key."""
    r = run("keygen", "--alg", "ML-DSA-65", "--out", str(tmp_path / "issuer.jwk"))
    assert r.returncode == 0, r.stderr
    r = run("sign", "--key", str(tmp_path / "issuer.jwk"), "--claims", '{"sub":"client"}',
            "--ttl", "300", "--cnf-jwk", cnf_jwk_path)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@pytest.mark.parametrize("alg", list(GENERATE))
def test_jwcrypto_proofs_verify_in_pqjose(tmp_path, alg):
    key = generate(alg)
    public_path = write(tmp_path, "client.pub.jwk", key.export_public())
    token = issuer_token(tmp_path, public_path)
    claims = json.loads(b64d(token.split(".")[1]))
    # pqjose's cnf.jkt is the thumbprint jwcrypto and the RFC 7638 recipe compute.
    assert claims["cnf"]["jkt"] == key.thumbprint() == jcs_thumbprint(json.loads(key.export_public()))
    at = write(tmp_path, "at", token + "\n")

    proof = jwcrypto_proof(key, alg, "POST", HTU, access_token=token)
    pf = write(tmp_path, "proof", proof + "\n")
    r = run("dpop", "verify", "--htm", "POST", "--htu", HTU + "?page=2", "--access-token", at, pf)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["jkt"] == key.thumbprint()
    assert out["claims"]["htu"] == HTU

    refused = {
        "another method": (jwcrypto_proof(key, alg, "GET", HTU, access_token=token), "htm"),
        "another URL": (jwcrypto_proof(key, alg, "POST", HTU + "/x", access_token=token), "htu"),
        "htu with query": (jwcrypto_proof(key, alg, "POST", HTU + "?a=1", access_token=token), "query"),
        "stale iat": (jwcrypto_proof(key, alg, "POST", HTU, access_token=token,
                                     iat=int(time.time()) - 600), "too old"),
        "wrong ath": (jwcrypto_proof(key, alg, "POST", HTU, access_token="other"), "ath"),
        "wrong typ": (jwcrypto_proof(key, alg, "POST", HTU, access_token=token,
                                     header_extra={"typ": "JWT"}), "typ"),
    }
    for what, (bad, reason) in refused.items():
        r = run("dpop", "verify", "--htm", "POST", "--htu", HTU, "--access-token", at,
                write(tmp_path, "bad", bad))
        assert r.returncode == 1, (what, r.stderr)
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
        assert reason in r.stderr, (what, r.stderr)

    # The proof key is not the bound one.
    other = generate(alg)
    stolen = jwcrypto_proof(other, alg, "POST", HTU, access_token=token)
    r = run("dpop", "verify", "--htm", "POST", "--htu", HTU, "--access-token", at,
            write(tmp_path, "stolen", stolen))
    assert r.returncode == 1 and "cnf.jkt" in r.stderr, r.stderr
    # A tampered signature.
    h, p, s = proof.split(".")
    sig = bytearray(b64d(s))
    sig[0] ^= 1
    r = run("dpop", "verify", "--htm", "POST", "--htu", HTU, stdin=f"{h}.{p}.{b64u(bytes(sig))}")
    assert r.returncode == 1, r.stderr
    # A private key in the header.
    private = json.loads(key.export_private())
    h2 = json.loads(b64d(h))
    h2["jwk"] = private
    forged = jws.JWS(b64d(p))
    forged.add_signature(key, alg=alg, protected=json.dumps(h2))
    r = run("dpop", "verify", "--htm", "POST", "--htu", HTU,
            stdin=forged.serialize(compact=True))
    assert r.returncode == 1 and "private" in r.stderr, r.stderr


def check_proof_rfc9449(proof, htm, htu, key_alg, access_token=None, now=None):
    """An independent DPoP proof check written from RFC 9449 §4.2-4.3."""
    h_b64, p_b64, s_b64 = proof.split(".")
    header = json.loads(b64d(h_b64))
    claims = json.loads(b64d(p_b64))
    assert header["typ"] == "dpop+jwt"
    assert header["alg"] == key_alg and header["alg"] != "none" and not header["alg"].startswith("HS")
    assert set(header["jwk"]) & PRIVATE == set(), "private key in jwk"
    public = jwk.JWK(**header["jwk"])
    verifier = jws.JWS()
    verifier.deserialize(proof)
    verifier.verify(public, alg=header["alg"])
    for claim in ("jti", "htm", "htu", "iat"):
        assert claim in claims, claim
    assert len(claims["jti"]) >= 16
    assert claims["htm"] == htm
    assert "?" not in claims["htu"] and "#" not in claims["htu"]
    assert claims["htu"] == htu.split("?")[0].split("#")[0]
    now = now or time.time()
    assert now - 60 <= claims["iat"] <= now + 5
    if access_token is not None:
        assert claims["ath"] == b64u(hashlib.sha256(access_token.encode("ascii")).digest())
    return public


@pytest.mark.parametrize("alg", ["ES256", "Ed25519", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"])
def test_pqjose_proofs_pass_an_rfc9449_check(tmp_path, alg):
    generate(alg)  # skips when the Python side cannot check this algorithm
    kf = str(tmp_path / "client.jwk")
    r = run("keygen", "--alg", alg, "--out", kf)
    assert r.returncode == 0, r.stderr
    at = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    atf = write(tmp_path, "at", at + "\n")
    url = HTU + "?q=1#frag"
    r = run("dpop", "proof", "--key", kf, "--htm", "DELETE", "--htu", url, "--access-token", atf,
            "--nonce", "n-1")
    assert r.returncode == 0, r.stderr
    proof = r.stdout.strip()
    public = check_proof_rfc9449(proof, "DELETE", url, alg, access_token=at)
    assert json.loads(b64d(proof.split(".")[1]))["nonce"] == "n-1"
    # The thumbprint of the proof key is what `sign --cnf-jwk` binds.
    token = issuer_token(tmp_path, kf)
    assert json.loads(b64d(token.split(".")[1]))["cnf"]["jkt"] == public.thumbprint()
    assert public.thumbprint() == jcs_thumbprint(json.loads(public.export_public()))


def test_cli_contract(tmp_path):
    kf = str(tmp_path / "k.jwk")
    assert run("keygen", "--alg", "Ed25519", "--out", kf).returncode == 0
    # Usage errors are 2, rejections 1.
    assert run("dpop", "proof", "--key", kf, "--htm", "GET").returncode == 2
    assert run("dpop", "proof", "--key", kf, "--htm", "GET", "--htu", "/relative").returncode == 2
    proof = run("dpop", "proof", "--key", kf, "--htm", "GET", "--htu", HTU).stdout
    assert run("dpop", "verify", "--htm", "GET", "--htu", HTU, stdin=proof).returncode == 0
    assert run("dpop", "verify", "--htm", "GET", "--htu", HTU, "--max-age", "x", stdin=proof).returncode == 2
    assert run("dpop", "verify", "--htm", "GET", "--htu", HTU, stdin="garbage").returncode == 1
    assert run("dpop", "verify", "--htm", "GET", "--htu", HTU, "--policy", "pqc", stdin=proof).returncode == 1
    assert run("dpop", "verify", "--htm", "GET", "--htu", HTU, "--nonce", "n", stdin=proof).returncode == 1
    # A bearer token (no cnf.jkt) with --access-token: not sender-constrained.
    assert run("keygen", "--alg", "ML-DSA-44", "--out", str(tmp_path / "i.jwk")).returncode == 0
    bearer = run("sign", "--key", str(tmp_path / "i.jwk"), "--ttl", "60").stdout.strip()
    atf = write(tmp_path, "bearer", bearer)
    bound_proof = run("dpop", "proof", "--key", kf, "--htm", "GET", "--htu", HTU,
                      "--access-token", atf).stdout
    r = run("dpop", "verify", "--htm", "GET", "--htu", HTU, "--access-token", atf, stdin=bound_proof)
    assert r.returncode == 1 and "sender-constrained" in r.stderr, r.stderr
