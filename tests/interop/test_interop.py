"""Interoperability of the pqjose CLI with an independent JOSE implementation.

The other side is jwcrypto (JWK, JWS) over pyca/cryptography (OpenSSL), and for SLH-DSA the
pure FIPS 205 `slh-dsa` package, installed from PyPI by scripts/test/20-interop.sh. Keys travel
as JWK files in both directions:

- pqjose keygen/public/sign  ->  jwcrypto verifies (and pyca checks the raw key material);
- jwcrypto generates and signs  ->  pqjose verify accepts, and rejects a tampered token;
- jwcrypto's private JWK  ->  pqjose sign  ->  jwcrypto verifies (foreign private key import);
- JWK Sets both ways, with key selection by kid.

An algorithm the installed Python side does not support is skipped with the reason printed.
"""

import base64
import hashlib
import json
import os
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from jwcrypto import jwk, jws

ROOT = Path(__file__).resolve().parents[2]
PQJOSE = os.environ.get("PQJOSE_BIN", str(ROOT / "target" / "debug" / "pqjose"))

ALGS = [
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "Ed25519",
    "EdDSA",
    "ES256",
    "ES384",
    "RS256",
    "PS256",
    "HS256",
]

# How jwcrypto generates a key for each algorithm.
GENERATE = {
    "ML-DSA-44": dict(kty="AKP", alg="ML-DSA-44"),
    "ML-DSA-65": dict(kty="AKP", alg="ML-DSA-65"),
    "ML-DSA-87": dict(kty="AKP", alg="ML-DSA-87"),
    "Ed25519": dict(kty="OKP", crv="Ed25519"),
    "EdDSA": dict(kty="OKP", crv="Ed25519"),
    "ES256": dict(kty="EC", crv="P-256"),
    "ES384": dict(kty="EC", crv="P-384"),
    "RS256": dict(kty="RSA", size=2048),
    "PS256": dict(kty="RSA", size=2048),
    "HS256": dict(kty="oct", size=256),
}


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def supported(alg: str) -> None:
    """Skip, with the reason, when the Python side cannot do `alg`."""
    if alg not in jws.default_allowed_algs:
        pytest.skip(f"{alg}: not supported by jwcrypto {version('jwcrypto')}")
    if alg.startswith("ML-DSA"):
        try:
            from cryptography.hazmat.primitives.asymmetric import mldsa  # noqa: F401

            jwk.JWK.generate(**GENERATE[alg])
        except Exception as e:  # pragma: no cover - depends on the wheel's OpenSSL
            pytest.skip(f"{alg}: the installed cryptography/OpenSSL lacks ML-DSA ({e})")


def pqjose(*args: str, stdin: bytes = b"", check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([PQJOSE, *args], input=stdin, capture_output=True, timeout=120)
    if check and run.returncode != 0:
        raise AssertionError(
            f"pqjose {' '.join(args)} exited {run.returncode}: {run.stderr.decode()}"
        )
    return run


def python_sign(key: jwk.JWK, alg: str, kid: str, claims: dict) -> str:
    token = jws.JWS(json.dumps(claims).encode())
    header = {"alg": alg, "kid": kid, "typ": "JWT"}
    token.add_signature(key, alg=alg, protected=json.dumps(header))
    return token.serialize(compact=True)


def python_verify(token: str, key: jwk.JWK, alg: str) -> dict:
    obj = jws.JWS()
    obj.allowed_algs = [alg]
    obj.deserialize(token)
    obj.verify(key, alg=alg)
    return json.loads(obj.payload)


def python_key(alg: str) -> tuple[jwk.JWK, dict, dict]:
    """A jwcrypto key for `alg`: (key, private JWK dict, verifying JWK dict), both with alg and kid."""
    key = jwk.JWK.generate(**GENERATE[alg])
    kid = key.thumbprint()
    symmetric = alg.startswith("HS")
    private = json.loads(key.export_symmetric() if symmetric else key.export_private())
    private.update(alg=alg, kid=kid)
    if symmetric:
        public = dict(private)
    else:
        public = json.loads(key.export_public())
        public.update(alg=alg, kid=kid)
    return key, private, public


@pytest.mark.parametrize("alg", ALGS)
def test_pqjose_tokens_verify_in_python(alg, tmp_path):
    supported(alg)
    priv_file = tmp_path / "key.json"
    pqjose("keygen", "--alg", alg, "--out", str(priv_file))
    private = json.loads(priv_file.read_text())
    if alg.startswith("HS"):
        public = private
    else:
        public = json.loads(pqjose("public", str(priv_file)).stdout)
        assert not {"d", "p", "q", "dp", "dq", "qi", "k", "priv"} & public.keys()

    key = jwk.JWK(**public)
    # pqjose's default kid is the RFC 7638 (RFC 9964 for AKP) thumbprint; jwcrypto agrees.
    assert key.thumbprint() == public["kid"] == private["kid"]

    claims = {"sub": "agent-7", "iss": "pqjose", "scope": ["read", "write"]}
    token = pqjose(
        "sign", "--key", str(priv_file), "--claims", json.dumps(claims), "--ttl", "300"
    ).stdout.decode().strip()
    header = json.loads(b64d(token.split(".")[0]))
    assert header == {"alg": alg, "kid": public["kid"], "typ": "JWT"}

    got = python_verify(token, key, alg)
    assert {k: got[k] for k in claims} == claims
    assert got["exp"] == got["iat"] + 300
    assert abs(got["iat"] - time.time()) < 120

    # The raw key material, checked with pyca/cryptography directly.
    signing_input, sig = token.rsplit(".", 1)[0].encode(), b64d(token.rsplit(".", 1)[1])
    raw_check(alg, private, public, signing_input, sig)

    # A JWS over raw bytes, too.
    payload = bytes(range(256))
    raw = pqjose("sign", "--key", str(priv_file), "--payload", "-", stdin=payload)
    obj = jws.JWS()
    obj.allowed_algs = [alg]
    obj.deserialize(raw.stdout.decode().strip())
    obj.verify(key, alg=alg)
    assert obj.payload == payload


def raw_check(alg, private, public, signing_input, sig):
    if alg.startswith("ML-DSA"):
        from cryptography.hazmat.primitives.asymmetric import mldsa

        cls = {"ML-DSA-44": mldsa.MLDSA44PrivateKey, "ML-DSA-65": mldsa.MLDSA65PrivateKey,
               "ML-DSA-87": mldsa.MLDSA87PrivateKey}[alg]
        seed = b64d(private["priv"])
        assert len(seed) == 32, "RFC 9964: priv is the 32-byte seed"
        sk = cls.from_seed_bytes(seed)
        assert sk.public_key().public_bytes_raw() == b64d(public["pub"])
        sk.public_key().verify(sig, signing_input)  # pure ML-DSA, empty context
        expected = {"ML-DSA-44": 2420, "ML-DSA-65": 3309, "ML-DSA-87": 4627}[alg]
        assert len(sig) == expected
    elif alg in ("Ed25519", "EdDSA"):
        from cryptography.hazmat.primitives.asymmetric import ed25519

        sk = ed25519.Ed25519PrivateKey.from_private_bytes(b64d(private["d"]))
        assert sk.public_key().public_bytes_raw() == b64d(public["x"])
        sk.public_key().verify(sig, signing_input)
    elif alg in ("ES256", "ES384"):
        assert len(sig) == {"ES256": 64, "ES384": 96}[alg], "fixed-width r||s"
    elif alg.startswith("HS"):
        assert len(b64d(private["k"])) >= 32


@pytest.mark.parametrize("alg", ALGS)
def test_python_tokens_verify_in_pqjose(alg, tmp_path):
    supported(alg)
    key, _, public = python_key(alg)
    pub_file = tmp_path / "verifier.json"
    pub_file.write_text(json.dumps(public))

    now = int(time.time())
    claims = {"sub": "agent-9", "aud": "gateway", "iat": now, "exp": now + 300}
    token = python_sign(key, alg, public["kid"], claims)
    token_file = tmp_path / "token.jwt"
    token_file.write_text(token + "\n")  # one trailing newline is allowed

    run = pqjose("verify", "--key", str(pub_file), "--aud", "gateway", str(token_file))
    assert json.loads(run.stdout) == claims

    # Tampered claims keep the old signature: exit 1, one error line.
    h, _, s = token.split(".")
    forged = f"{h}.{b64e(json.dumps({**claims, 'sub': 'root'}).encode())}.{s}"
    bad = pqjose("verify", "--key", str(pub_file), "--aud", "gateway", stdin=forged.encode(),
                 check=False)
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout == b""
    lines = bad.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines

    # Their expired token is refused.
    old = python_sign(key, alg, public["kid"], {"sub": "x", "exp": now - 3600})
    late = pqjose("verify", "--key", str(pub_file), stdin=old.encode(), check=False)
    assert late.returncode == 1 and b"expired" in late.stderr


@pytest.mark.parametrize("alg", ALGS)
def test_python_private_keys_sign_in_pqjose(alg, tmp_path):
    supported(alg)
    key, private, _ = python_key(alg)
    priv_file = tmp_path / "their-private.json"
    priv_file.write_text(json.dumps(private))
    token = pqjose("sign", "--key", str(priv_file), "--claims", '{"sub":"s"}', "--ttl", "60")
    token = token.stdout.decode().strip()
    got = python_verify(token, key, alg)
    assert got["sub"] == "s"
    assert json.loads(b64d(token.split(".")[0]))["kid"] == private["kid"]
    if not alg.startswith("HS"):
        ours = json.loads(pqjose("public", str(priv_file)).stdout)
        theirs = json.loads(key.export_public()) | {"alg": alg, "kid": private["kid"]}
        assert {k: ours.get(k) for k in theirs} == theirs
        assert not {"d", "p", "q", "dp", "dq", "qi", "k", "priv"} & ours.keys()


def test_jwk_sets_both_ways(tmp_path):
    algs = [a for a in ("ML-DSA-65", "Ed25519", "ES256", "RS256") if a in jws.default_allowed_algs]
    if not algs:
        pytest.skip("no algorithm in common")

    # Theirs -> pqjose --jwks: the token's kid picks the key.
    theirs = [python_key(a) for a in algs]
    jwks_file = tmp_path / "their-jwks.json"
    jwks_file.write_text(json.dumps({"keys": [pub for _, _, pub in theirs]}))
    now = int(time.time())
    for alg, (key, _, pub) in zip(algs, theirs):
        token = python_sign(key, alg, pub["kid"], {"sub": alg, "exp": now + 60})
        run = pqjose("verify", "--jwks", str(jwks_file), stdin=token.encode())
        assert json.loads(run.stdout)["sub"] == alg

    # Ours -> a jwcrypto JWKSet, the key looked up by kid.
    priv_files = []
    for alg in algs:
        f = tmp_path / f"{alg}.json"
        pqjose("keygen", "--alg", alg, "--out", str(f))
        priv_files.append(f)
    our_set = {"keys": [json.loads(f.read_text()) for f in priv_files]}
    public_set = pqjose("public", "-", stdin=json.dumps(our_set).encode()).stdout
    keyset = jwk.JWKSet.from_json(public_set)
    for alg, f in zip(algs, priv_files):
        token = pqjose("sign", "--key", str(f), "--ttl", "60").stdout.decode().strip()
        kid = json.loads(b64d(token.split(".")[0]))["kid"]
        got = python_verify(token, keyset.get_key(kid), alg)
        assert "exp" in got


# SLH-DSA: jwcrypto has no SLH-DSA, so the JOSE layer here is written out by hand over the
# `slh-dsa` package (pure FIPS 205, empty context). Its signing is slow (seconds), so each
# direction runs once per algorithm.
SLH_DSA = {"SLH-DSA-SHA2-128s": "sha2_128s", "SLH-DSA-SHAKE-128s": "shake_128s"}


@pytest.mark.parametrize("alg", sorted(SLH_DSA))
def test_slh_dsa_both_ways(alg, tmp_path):
    try:
        import slhdsa
    except ImportError as e:  # pragma: no cover
        pytest.skip(f"{alg}: the slh-dsa package is not installed ({e})")
    par = getattr(slhdsa, SLH_DSA[alg])

    priv_file, pub_file = tmp_path / "key.json", tmp_path / "pub.json"
    pqjose("keygen", "--alg", alg, "--out", str(priv_file))
    pub_file.write_bytes(pqjose("public", str(priv_file)).stdout)
    private, public = json.loads(priv_file.read_text()), json.loads(pub_file.read_text())
    sk_bytes, pk_bytes = b64d(private["priv"]), b64d(public["pub"])
    assert (len(sk_bytes), len(pk_bytes)) == (64, 32)
    assert sk_bytes[32:] == pk_bytes, "priv = SK.seed || SK.prf || PK.seed || PK.root"
    # RFC 9964 thumbprint (members alg, kty, pub), computed here: jwcrypto knows no SLH-DSA.
    members = {k: public[k] for k in ("alg", "kty", "pub")}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    assert b64e(hashlib.sha256(canonical).digest()) == public["kid"]

    # pqjose signs -> slh-dsa verifies (pure, empty context).
    token = pqjose("sign", "--key", str(priv_file), "--ttl", "60").stdout.decode().strip()
    signing_input, sig = token.rsplit(".", 1)
    sig = b64d(sig)
    assert len(sig) == 7856
    pk = slhdsa.PublicKey.from_digest(pk_bytes, par)
    assert pk.verify_pure(signing_input.encode(), sig)
    assert not pk.verify_pure(signing_input.encode() + b"x", sig)

    # slh-dsa signs with pqjose's private key -> pqjose verifies with the public JWK.
    now = int(time.time())
    header = {"alg": alg, "kid": public["kid"], "typ": "JWT"}
    claims = {"sub": "slh", "exp": now + 60}
    signing_input = f"{b64e(json.dumps(header).encode())}.{b64e(json.dumps(claims).encode())}"
    sk = slhdsa.SecretKey.from_digest(sk_bytes, par)
    their = f"{signing_input}.{b64e(sk.sign_pure(signing_input.encode()))}"
    run = pqjose("verify", "--key", str(pub_file), stdin=their.encode())
    assert json.loads(run.stdout) == claims
