"""The audit log through the Python binding (issue 16): append from threads, seal, prove,
check the proof and the whole log with the public key only, tampering found with its index."""

import hashlib
import json
import threading

import pytest

from pqjose import Key, PqjoseError, Status
from pqjose.audit import AuditLog, AuditLogError, check_consistency, check_proof, verify_log


def public(key):
    return Key.from_jwk(key.public_jwk())


def test_append_seal_prove_verify(tmp_path):
    d = tmp_path / "log"
    key = Key.generate("ML-DSA-44")
    pub = public(key)
    log = AuditLog.create(d, key, every=8)
    with pytest.raises(AuditLogError) as e:
        AuditLog.create(d, key)
    assert e.value.status == Status.AUDIT_NOT_EMPTY

    seen = {}
    lock = threading.Lock()

    def worker(g):
        for i in range(10):
            rec = json.dumps({"sub": f"agent-{g}", "action": "db.write", "n": i}).encode()
            index, leaf = log.append(rec)
            assert leaf == hashlib.sha256(b"\x00" + rec).digest()
            with lock:
                seen[index] = rec

    threads = [threading.Thread(target=worker, args=(g,)) for g in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(40))
    with pytest.raises(AuditLogError) as e:
        log.append(b"[1]")
    assert e.value.status == Status.AUDIT_RECORD_NOT_OBJECT
    assert log.sync() == 40
    checkpoint = log.seal()
    assert checkpoint.count(".") == 2  # a compact JWS for ML-DSA
    proof = log.prove(7)
    doc = json.loads(proof)
    assert (doc["index"], doc["size"], doc["checkpoint"]) == (7, 40, checkpoint)
    assert doc["leaf_hash"] == hashlib.sha256(b"\x00" + seen[7]).hexdigest()
    with pytest.raises(AuditLogError) as e:
        log.prove(0, size=3)
    assert e.value.status == Status.AUDIT_NO_CHECKPOINT
    log.close()
    log.close()
    with pytest.raises(ValueError):
        log.append(b"{}")

    assert check_proof(proof, pub) == 40
    assert check_proof(proof, pub, record=seen[7]) == 40
    with pytest.raises(AuditLogError):
        check_proof(proof, pub, record=seen[6])
    with pytest.raises(AuditLogError) as e:
        check_proof(proof.replace('"index":7', '"index":6'), pub)
    assert e.value.status == Status.AUDIT_INCLUSION_PROOF
    with pytest.raises(Exception):
        check_proof(proof, public(Key.generate("ML-DSA-44")))
    assert verify_log(d, pub) == 40

    # Change record 12: verification names it; reopening for appending refuses the log.
    path = d / "records.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[12] = lines[12].replace(b"db.write", b"db.drop!")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(AuditLogError) as e:
        verify_log(d, pub)
    assert e.value.status == Status.AUDIT_TAMPERED
    assert e.value.message.endswith("at index 12")
    with pytest.raises(AuditLogError) as e:
        AuditLog.open(d, key)
    assert e.value.status == Status.AUDIT_TAMPERED


def test_reopen_continues_and_ed25519_signs_notes(tmp_path):
    d = tmp_path / "log"
    key = Key.generate("Ed25519")
    with AuditLog.create(d, key, sync_every_record=True) as log:
        assert log.append('{"n":0}')[0] == 0
    with AuditLog.open(d, key) as log:
        assert log.append(b'{"n":1}')[0] == 1
        note = log.seal()
    assert "\n\n\u2014 " in note
    assert verify_log(str(d), public(key)) == 2


def test_consistency_between_checkpoints(tmp_path):
    key = Key.generate("ML-DSA-44")
    pub = public(key)
    with AuditLog.create(tmp_path / "log", key, every=1000) as log:
        for i in range(3):
            log.append(json.dumps({"sub": "agent", "n": i}))
        first = log.seal()
        for i in range(3, 5):
            log.append(json.dumps({"sub": "agent", "n": i}))
        second = log.seal()
        proof = log.prove_consistency(3, 5)
        with pytest.raises(AuditLogError) as e:
            log.prove_consistency(2, 5)  # no checkpoint of size 2
        assert e.value.status == Status.AUDIT_NO_CHECKPOINT
    doc = json.loads(proof)
    assert (doc["size1"], doc["size2"]) == (3, 5)
    assert (doc["checkpoint1"], doc["checkpoint2"]) == (first, second)
    assert check_consistency(proof, pub) == (3, 5)
    # Another key's view, or a changed path, is refused.
    with pytest.raises(PqjoseError) as e:
        check_consistency(proof, public(Key.generate("ML-DSA-44")))
    assert e.value.status == Status.INVALID_SIGNATURE
    h = doc["path"][0]
    doc["path"][0] = ("0" if h[0] != "0" else "1") + h[1:]
    with pytest.raises(AuditLogError) as e:
        check_consistency(json.dumps(doc), pub)
    assert e.value.status == Status.AUDIT_CONSISTENCY_PROOF
