"""JOSE-HPKE interop: the pqjose CLI against pyca/cryptography's HPKE (OpenSSL), both ways.

pyca/cryptography 50 implements HPKE (RFC 9180 and draft-ietf-hpke-pq: ML-KEM, X-Wing,
MLKEM1024-P384, the SHAKE256 KDF) but no JOSE; the small JOSE-HPKE adapter below
(draft-ietf-jose-hpke-encrypt-20 §5-§7, draft-ietf-jose-hpke-pq-pqt-01) is written from the
drafts, independently of pqjose:

- integrated encryption `HPKE-n`: HPKE info "", aad = ASCII(b64(protected) [. b64(aad)]), the
  encapsulated secret is the Encrypted Key, the HPKE ciphertext the JWE Ciphertext, IV and Tag
  empty;
- key encryption `HPKE-n-KE`: `ek` header = encapsulated secret, HPKE info =
  "JOSE-HPKE rcpt" 0xFF enc 0xFF, aad "", plaintext = CEK; content AES-GCM with the JWE AAD.

Directions: keys made by pqjose are loaded by the adapter (and keys made by the adapter by
pqjose); the adapter encrypts and pqjose decrypts, pqjose encrypts and the adapter decrypts;
compact and flattened (with a JWE AAD); a copy with a flipped bit in each part is refused.
"""

import base64
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

hpke = pytest.importorskip("cryptography.hazmat.primitives.hpke")
from cryptography.hazmat.bindings._rust import openssl as _rust  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PQJOSE = os.environ.get("PQJOSE_BIN", str(ROOT / "target" / "debug" / "pqjose"))

# alg -> (KEM, KDF, AEAD, key kind)
SUITES = {
    "HPKE-0": (hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM, "P-256"),
    "HPKE-3": (hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM, "X25519"),
    "HPKE-9": (hpke.KEM.MLKEM768_X25519, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM, "X-Wing"),
    "HPKE-10": (hpke.KEM.MLKEM1024_P384, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM, "MLKEM1024-P384"),
    "HPKE-12": (hpke.KEM.MLKEM768, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM, "ML-KEM-768"),
    "HPKE-13": (hpke.KEM.MLKEM1024, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM, "ML-KEM-1024"),
}
ALGS = [a for base in SUITES for a in (base, base + "-KE")]
PLAINTEXT = "postgres://app:s3cret-\u2013-@db/prod".encode()


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def base(alg: str) -> str:
    return alg[:-3] if alg.endswith("-KE") else alg


# --- keys -------------------------------------------------------------------------------------


def private_from_jwk(jwk: dict):
    kind = SUITES[base(jwk["alg"])][3]
    if kind == "P-256":
        return ec.derive_private_key(int.from_bytes(b64d(jwk["d"]), "big"), ec.SECP256R1())
    if kind == "X25519":
        return x25519.X25519PrivateKey.from_private_bytes(b64d(jwk["d"]))
    seed = b64d(jwk["priv"])
    if kind == "ML-KEM-768":
        return mlkem.MLKEM768PrivateKey.from_seed_bytes(seed)
    if kind == "ML-KEM-1024":
        return mlkem.MLKEM1024PrivateKey.from_seed_bytes(seed)
    if kind == "X-Wing":
        # draft-connolly-cfrg-xwing-kem: SHAKE256(seed, 96) = ML-KEM-768 seed (64) || X25519 sk (32)
        expanded = hashlib.shake_256(seed).digest(96)
        return hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
            x25519.X25519PrivateKey.from_private_bytes(expanded[64:]),
        )
    if kind == "MLKEM1024-P384":
        # SHAKE256(seed) -> ML-KEM-1024 seed (64) || P-384 scalar (48, big-endian; in range here)
        expanded = hashlib.shake_256(seed).digest(64 + 48)
        return hpke.MLKEM1024P384PrivateKey(
            mlkem.MLKEM1024PrivateKey.from_seed_bytes(expanded[:64]),
            ec.derive_private_key(int.from_bytes(expanded[64:], "big"), ec.SECP384R1()),
        )
    raise AssertionError(kind)


def public_from_jwk(jwk: dict):
    kind = SUITES[base(jwk["alg"])][3]
    if kind == "P-256":
        point = b"\x04" + b64d(jwk["x"]) + b64d(jwk["y"])
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    if kind == "X25519":
        return x25519.X25519PublicKey.from_public_bytes(b64d(jwk["x"]))
    pub = b64d(jwk["pub"])
    if kind == "ML-KEM-768":
        return mlkem.MLKEM768PublicKey.from_public_bytes(pub)
    if kind == "ML-KEM-1024":
        return mlkem.MLKEM1024PublicKey.from_public_bytes(pub)
    if kind == "X-Wing":
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(pub[:1184]),
            x25519.X25519PublicKey.from_public_bytes(pub[1184:]),
        )
    if kind == "MLKEM1024-P384":
        return hpke.MLKEM1024P384PublicKey(
            mlkem.MLKEM1024PublicKey.from_public_bytes(pub[:1568]),
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), pub[1568:]),
        )
    raise AssertionError(kind)


def thumbprint(members: dict) -> str:
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return b64e(hashlib.sha256(canonical).digest())


def python_keypair(alg: str) -> dict:
    """A private JWK made on the Python side (pyca keys, the drafts' JWK members)."""
    kind = SUITES[base(alg)][3]
    if kind == "P-256":
        sk = ec.generate_private_key(ec.SECP256R1())
        n = sk.private_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64e(n.public_numbers.x.to_bytes(32, "big")),
            "y": b64e(n.public_numbers.y.to_bytes(32, "big")),
        }
        jwk["kid"] = thumbprint(dict(jwk))
        jwk["d"] = b64e(n.private_value.to_bytes(32, "big"))
    elif kind == "X25519":
        sk = x25519.X25519PrivateKey.generate()
        jwk = {"kty": "OKP", "crv": "X25519", "x": b64e(sk.public_key().public_bytes_raw())}
        jwk["kid"] = thumbprint(dict(jwk))
        jwk["d"] = b64e(sk.private_bytes_raw())
    else:
        seed = os.urandom(64 if kind.startswith("ML-KEM") else 32)
        skel = {"kty": "AKP", "alg": alg, "priv": b64e(seed)}
        sk = private_from_jwk(skel)
        if kind.startswith("ML-KEM"):
            pub = sk.public_key().public_bytes_raw()
        elif kind == "X-Wing":
            expanded = hashlib.shake_256(seed).digest(96)
            pub = (
                mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64]).public_key().public_bytes_raw()
                + x25519.X25519PrivateKey.from_private_bytes(expanded[64:]).public_key().public_bytes_raw()
            )
        else:
            pytest.skip(f"{alg}: no public-key serialization for the hybrid on the Python side")
        jwk = {"kty": "AKP", "alg": alg, "pub": b64e(pub)}
        jwk["kid"] = thumbprint(dict(jwk))
        jwk["priv"] = b64e(seed)
    jwk["alg"] = alg
    return jwk


# --- the JOSE-HPKE adapter ----------------------------------------------------------------------


def suite_of(alg: str):
    kem, kdf, aead, _ = SUITES[base(alg)]
    return hpke.Suite(kem, kdf, aead), kem.enc_length()


def recipient_info(enc: str) -> bytes:
    return b"JOSE-HPKE rcpt\xff" + enc.encode() + b"\xff"


def adapter_encrypt(jwk: dict, plaintext: bytes, aad: bytes | None = None, flattened=False) -> str:
    alg = jwk["alg"]
    suite, nenc = suite_of(alg)
    pk = public_from_jwk(jwk)
    header = {"alg": alg, "kid": jwk["kid"]}
    if alg.endswith("-KE"):
        cek = os.urandom(32)
        sealed = suite.encrypt(cek, pk, info=recipient_info("A256GCM"))
        header.update(enc="A256GCM", ek=b64e(sealed[:nenc]))
        encrypted_key = sealed[nenc:]
        protected = b64e(json.dumps(header).encode())
        full_aad = protected + ("." + b64e(aad) if aad is not None else "")
        iv = os.urandom(12)
        ct = AESGCM(cek).encrypt(iv, plaintext, full_aad.encode())
        ciphertext, tag = ct[:-16], ct[-16:]
    else:
        protected = b64e(json.dumps(header).encode())
        full_aad = protected + ("." + b64e(aad) if aad is not None else "")
        sealed = _rust.hpke._encrypt_with_aad(suite, plaintext, pk, info=b"", aad=full_aad.encode())
        encrypted_key, ciphertext, iv, tag = sealed[:nenc], sealed[nenc:], b"", b""
    if not flattened:
        assert aad is None
        return ".".join([protected, b64e(encrypted_key), b64e(iv), b64e(ciphertext), b64e(tag)])
    out = {"protected": protected, "encrypted_key": b64e(encrypted_key), "ciphertext": b64e(ciphertext)}
    if iv:
        out.update(iv=b64e(iv), tag=b64e(tag))
    if aad is not None:
        out["aad"] = b64e(aad)
    return json.dumps(out)


def adapter_decrypt(jwk: dict, jwe: str) -> bytes:
    jwe = jwe.strip()
    if jwe.startswith("{"):
        o = json.loads(jwe)
        protected, ek_b64 = o["protected"], o.get("encrypted_key", "")
        iv, ct, tag = o.get("iv", ""), o["ciphertext"], o.get("tag", "")
        aad = o.get("aad")
        assert "header" not in o and "unprotected" not in o
    else:
        protected, ek_b64, iv, ct, tag = jwe.split(".")
        aad = None
    header = json.loads(b64d(protected))
    alg = header["alg"]
    assert alg == jwk["alg"], (alg, jwk["alg"])
    suite, _ = suite_of(alg)
    sk = private_from_jwk(jwk)
    full_aad = (protected + ("." + aad if aad is not None else "")).encode()
    if alg.endswith("-KE"):
        enc = header["enc"]
        assert enc == "A256GCM"
        cek = suite.decrypt(b64d(header["ek"]) + b64d(ek_b64), sk, info=recipient_info(enc))
        return AESGCM(cek).decrypt(b64d(iv), b64d(ct) + b64d(tag), full_aad)
    assert "enc" not in header and "ek" not in header and iv == "" and tag == ""
    return _rust.hpke._decrypt_with_aad(suite, b64d(ek_b64) + b64d(ct), sk, info=b"", aad=full_aad)


# --- helpers ------------------------------------------------------------------------------------


def pqjose(*args: str, stdin: bytes = b"", check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([PQJOSE, *args], input=stdin, capture_output=True, timeout=120)
    if check:
        assert run.returncode == 0, run.stderr.decode()
    return run


def tampered_compact(jwe: str):
    """Copies with one flipped bit in each non-empty part."""
    parts = jwe.strip().split(".")
    for i, p in enumerate(parts):
        if not p:
            continue
        raw = bytearray(b64d(p))
        raw[len(raw) // 2] ^= 0x01
        copy = list(parts)
        copy[i] = b64e(bytes(raw))
        yield i, ".".join(copy)


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_pqjose_encrypts_pyca_decrypts(alg, tmp_path):
    key = tmp_path / "agent.jwk"
    pqjose("keygen", "--alg", alg, "--out", str(key))
    jwk = json.loads(key.read_text())
    pub = json.loads(pqjose("public", str(key)).stdout)
    # The adapter reads pqjose's public JWK the same way as its private one.
    assert pub["kid"] == jwk["kid"] and "priv" not in pub and "d" not in pub

    compact = pqjose("encrypt", "--key", str(key), stdin=PLAINTEXT).stdout.decode()
    assert adapter_decrypt(jwk, compact) == PLAINTEXT
    aad = tmp_path / "aad"
    aad.write_bytes(b"The Fellowship of the Ring")
    flat = pqjose("encrypt", "--key", str(key), "--json", "--aad", str(aad), stdin=PLAINTEXT).stdout
    assert adapter_decrypt(jwk, flat.decode()) == PLAINTEXT
    for i, bad in tampered_compact(compact):
        with pytest.raises(Exception):
            adapter_decrypt(jwk, bad)


@pytest.mark.parametrize("alg", ALGS)
def test_pyca_encrypts_pqjose_decrypts(alg, tmp_path):
    # A key pqjose generated, and (for the kinds the Python side can serialize) a key the Python
    # side generated and pqjose imports.
    key = tmp_path / "agent.jwk"
    pqjose("keygen", "--alg", alg, "--out", str(key))
    jwks = [json.loads(key.read_text())]
    if SUITES[base(alg)][3] != "MLKEM1024-P384":
        jwks.append(python_keypair(alg))
    for n, jwk in enumerate(jwks):
        path = tmp_path / f"k{n}.jwk"
        path.write_text(json.dumps(jwk))
        # pqjose derives the same public key and kid from the private members.
        pub = json.loads(pqjose("public", str(path)).stdout)
        assert pub["kid"] == jwk["kid"], alg
        compact = adapter_encrypt(jwk, PLAINTEXT)
        out = pqjose("decrypt", "--key", str(path), stdin=compact.encode() + b"\n")
        assert out.stdout == PLAINTEXT
        flat = adapter_encrypt(jwk, PLAINTEXT, aad=b"The Fellowship of the Ring", flattened=True)
        assert pqjose("decrypt", "--key", str(path), stdin=flat.encode()).stdout == PLAINTEXT
        for i, bad in tampered_compact(compact):
            run = pqjose("decrypt", "--key", str(path), stdin=bad.encode(), check=False)
            assert run.returncode == 1, (alg, i, run.stderr)
            assert run.stdout == b""
