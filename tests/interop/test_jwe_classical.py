"""Classical JWE interop: the pqjose CLI against jwcrypto (over pyca/cryptography), both ways.

For ECDH-ES, ECDH-ES+A128KW and ECDH-ES+A256KW on P-256 and X25519, A256KW and dir, each with
the four content encryptions A128GCM, A256GCM, A128CBC-HS256 and A256CBC-HS512:

- pqjose makes the key and encrypts to its public JWK; jwcrypto decrypts with the private JWK;
- jwcrypto makes the key and encrypts; pqjose decrypts with that private JWK (its `alg` added:
  a pqjose encryption key is bound to one algorithm);
- a copy of jwcrypto's JWE with a flipped bit in each segment is refused by pqjose (exit 1).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
from jwcrypto import jwe as jjwe
from jwcrypto import jwk as jjwk

ROOT = Path(__file__).resolve().parents[2]
PQJOSE = os.environ.get("PQJOSE_BIN", str(ROOT / "target" / "debug" / "pqjose"))

ALGS = [
    ("ECDH-ES", "P-256"),
    ("ECDH-ES", "X25519"),
    ("ECDH-ES+A128KW", "P-256"),
    ("ECDH-ES+A128KW", "X25519"),
    ("ECDH-ES+A256KW", "P-256"),
    ("ECDH-ES+A256KW", "X25519"),
    ("A256KW", None),
    ("dir", None),
]
ENCS = ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"]
CASES = [(alg, crv, enc) for alg, crv in ALGS for enc in ENCS]
IDS = [f"{alg}-{crv or 'oct'}-{enc}" for alg, crv, enc in CASES]
DIR_BITS = {"A128GCM": 128, "A256GCM": 256, "A128CBC-HS256": 256, "A256CBC-HS512": 512}
PLAINTEXT = "db-password: s3cret \u2013 \u00e9".encode()


def cli(*args: str, data: bytes = b"", check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PQJOSE, *args], input=data, capture_output=True, check=check)


def pqjose_key(tmp_path: Path, alg: str, crv, enc: str) -> Path:
    out = tmp_path / "key.jwk"
    args = ["keygen", "--alg", alg, "--out", str(out)]
    if crv:
        args += ["--crv", crv]
    if alg == "dir":
        args += ["--enc", enc]
    cli(*args)
    return out


def jwcrypto_key(alg: str, crv, enc: str) -> jjwk.JWK:
    if crv == "P-256":
        return jjwk.JWK.generate(kty="EC", crv="P-256")
    if crv == "X25519":
        return jjwk.JWK.generate(kty="OKP", crv="X25519")
    return jjwk.JWK.generate(kty="oct", size=256 if alg == "A256KW" else DIR_BITS[enc])


@pytest.mark.parametrize("alg,crv,enc", CASES, ids=IDS)
def test_pqjose_encrypts_jwcrypto_decrypts(tmp_path, alg, crv, enc):
    key_file = pqjose_key(tmp_path, alg, crv, enc)
    private = json.loads(key_file.read_text())
    recipient = key_file
    if alg not in ("A256KW", "dir"):
        recipient = tmp_path / "key.pub.jwk"
        recipient.write_bytes(cli("public", str(key_file)).stdout)
        assert "d" not in json.loads(recipient.read_text())
    jwe = cli("encrypt", "--key", str(recipient), "--enc", enc, data=PLAINTEXT).stdout.strip()
    header = json.loads(jjwe.base64url_decode(jwe.split(b".")[0].decode()))
    assert header["alg"] == alg and header["enc"] == enc
    token = jjwe.JWE()
    token.deserialize(jwe.decode(), key=jjwk.JWK(**private))
    assert token.payload == PLAINTEXT


@pytest.mark.parametrize("alg,crv,enc", CASES, ids=IDS)
def test_jwcrypto_encrypts_pqjose_decrypts(tmp_path, alg, crv, enc):
    key = jwcrypto_key(alg, crv, enc)
    token = jjwe.JWE(PLAINTEXT, protected=json.dumps({"alg": alg, "enc": enc, "kid": "jwcrypto-1"}))
    token.add_recipient(key if crv is None else jjwk.JWK(**key.export_public(as_dict=True)))
    jwe = token.serialize(compact=True)
    private = key.export(private_key=True, as_dict=True)
    private["alg"] = alg
    key_file = tmp_path / "their.jwk"
    key_file.write_text(json.dumps(private))
    got = cli("decrypt", "--key", str(key_file), data=jwe.encode() + b"\n")
    assert got.stdout == PLAINTEXT

    # A flipped bit in each non-empty segment: refused, exit status 1, one error line.
    segments = jwe.split(".")
    for i, seg in enumerate(segments):
        if not seg:
            continue
        j = len(seg) // 2
        flipped = seg[:j] + ("A" if seg[j] != "A" else "B") + seg[j + 1:]
        bad = ".".join(segments[:i] + [flipped] + segments[i + 1:])
        r = cli("decrypt", "--key", str(key_file), data=bad.encode(), check=False)
        assert r.returncode == 1, (i, r.stderr)
        assert r.stdout == b"" and r.stderr.decode().startswith("error: ")
