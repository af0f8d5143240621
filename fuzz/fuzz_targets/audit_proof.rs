//! Arbitrary proof documents: inclusion and consistency proofs are parsed and checked against
//! the seeds' log key; nothing panics, every failure is a typed error, and a proof that
//! verifies is consistent with its own checkpoint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqjose::audit::{ConsistencyProof, InclusionProof, merkle};
use pqjose_fuzz::{audit_keys, check_error};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match InclusionProof::from_json(text) {
        Ok(p) => {
            for key in audit_keys() {
                match p.verify(key) {
                    Ok(cp) => {
                        assert_eq!(cp.size(), p.size);
                        assert!(
                            merkle::verify_inclusion(
                                p.index,
                                p.size,
                                &p.leaf_hash,
                                &p.path,
                                &p.root
                            )
                            .is_ok()
                        );
                    }
                    Err(e) => check_error(&e),
                }
            }
        }
        Err(e) => check_error(&e),
    }
    match ConsistencyProof::from_json(text) {
        Ok(p) => {
            for key in audit_keys() {
                match p.verify(key) {
                    Ok((a, b)) => assert!(a.size() <= b.size()),
                    Err(e) => check_error(&e),
                }
            }
        }
        Err(e) => check_error(&e),
    }
});
