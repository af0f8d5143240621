"""The Python side of the cross-language check (C and Go have the same command):

    python interop.py sign   DIR NAME   one key per algorithm, one token each:
                                        DIR/NAME.jwks.json and DIR/NAME.tokens
    python interop.py verify DIR NAME   verify DIR/NAME.tokens against DIR/NAME.jwks.json
                                        (tampered copies must be refused)
"""

import json
import pathlib
import sys

import pqjose

ALGS = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "ML-DSA-65-Ed25519", "ML-DSA-44-ES256", "SLH-DSA-SHA2-128s", "Ed25519", "ES256"]


def sign(d: pathlib.Path, name: str) -> None:
    keys = pqjose.KeySet()
    tokens = []
    claims = {"iss": "pqjose-interop", "aud": "interop", "sub": name, "lang": "python"}
    for alg in ALGS:
        with pqjose.Key.generate(alg) as key:
            keys.add(key)
            tokens.append(pqjose.sign(key, claims, ttl=3600))
    (d / f"{name}.jwks.json").write_text(json.dumps(keys.public_jwks()))
    (d / f"{name}.tokens").write_text("\n".join(tokens) + "\n")
    print(f"interop(python): signed {len(tokens)} tokens as {name}")


def verify(d: pathlib.Path, name: str) -> None:
    keys = pqjose.KeySet.from_jwks((d / f"{name}.jwks.json").read_bytes())
    if keys.skipped:
        raise SystemExit(f"interop(python): {keys.skipped} keys of {name} skipped")
    verifier = pqjose.Verifier(
        keys, issuers="pqjose-interop", audiences="interop", subject=name, required_claims=["lang"]
    )
    tokens = (d / f"{name}.tokens").read_text().split()
    for token in tokens:
        verifier.verify(token)
        bad = token[:-3] + ("B" if token[-3] == "A" else "A") + token[-2:]
        try:
            verifier.verify(bad)
        except pqjose.TokenError:
            pass
        else:
            raise SystemExit(f"interop(python): tampered token of {name} accepted")
    if not tokens:
        raise SystemExit(f"interop(python): no tokens from {name}")
    print(f"interop(python): verified {len(tokens)} tokens from {name}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("sign", "verify"):
        raise SystemExit("usage: interop.py sign|verify DIR NAME")
    {"sign": sign, "verify": verify}[sys.argv[1]](pathlib.Path(sys.argv[2]), sys.argv[3])
