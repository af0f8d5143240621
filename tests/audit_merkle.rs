//! RFC 9162 proofs against the transparency-dev/merkle vectors (every inclusion and consistency
//! case, valid and mutated), and a property test that random append/seal/prove sequences
//! always verify.

use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use pqjose::audit::merkle::{
    MemoryTree, consistency_path, inclusion_path, leaf_hash, verify_consistency, verify_inclusion,
};
use proptest::prelude::*;
use serde_json::Value;

fn vector_files(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/vectors/transparency-dev-merkle")
        .join(kind);
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn b64(v: &Value) -> Vec<u8> {
    Base64::decode_vec(v.as_str().unwrap()).unwrap()
}

fn proof(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::Null => vec![],
        Value::Array(a) => a.iter().map(b64).collect(),
        _ => panic!("proof"),
    }
}

#[test]
fn inclusion_vectors() {
    let files = vector_files("inclusion");
    assert!(files.len() >= 90, "{} files", files.len());
    let (mut ok, mut bad) = (0, 0);
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let got = verify_inclusion(
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
            &b64(&v["leafHash"]),
            &proof(&v["proof"]),
            &b64(&v["root"]),
        );
        let want_err = v["wantErr"].as_bool().unwrap();
        assert_eq!(got.is_err(), want_err, "{}", f.display());
        if want_err { bad += 1 } else { ok += 1 }
    }
    assert!(ok >= 6 && bad >= 80, "{ok} valid, {bad} mutated");
}

#[test]
fn consistency_vectors() {
    let files = vector_files("consistency");
    assert!(files.len() >= 90, "{} files", files.len());
    let (mut ok, mut bad) = (0, 0);
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let got = verify_consistency(
            v["size1"].as_u64().unwrap(),
            v["size2"].as_u64().unwrap(),
            &proof(&v["proof"]),
            &b64(&v["root1"]),
            &b64(&v["root2"]),
        );
        let want_err = v["wantErr"].as_bool().unwrap();
        assert_eq!(got.is_err(), want_err, "{}", f.display());
        if want_err { bad += 1 } else { ok += 1 }
    }
    assert!(ok >= 6 && bad >= 80, "{ok} valid, {bad} mutated");
}

/// Our generated proofs for the reference tree are exactly the vectors' happy-path proofs.
#[test]
fn generated_proofs_equal_the_vectors() {
    let leaves = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    let mut tree = MemoryTree::new();
    for l in leaves {
        tree.push(leaf_hash(&hex::decode(l).unwrap()));
    }
    let mut checked = 0;
    for f in vector_files("inclusion") {
        if !f.ends_with("happy-path.json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let (i, n) = (
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
        );
        if n > 8 {
            continue;
        }
        let p: Vec<Vec<u8>> = inclusion_path(&tree, i, n)
            .unwrap()
            .iter()
            .map(|h| h.to_vec())
            .collect();
        assert_eq!(p, proof(&v["proof"]), "{}", f.display());
        checked += 1;
    }
    for f in vector_files("consistency") {
        if !f.ends_with("happy-path.json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let (a, b) = (v["size1"].as_u64().unwrap(), v["size2"].as_u64().unwrap());
        if a == 0 || b > 8 {
            continue;
        }
        let p: Vec<Vec<u8>> = consistency_path(&tree, a, b)
            .unwrap()
            .iter()
            .map(|h| h.to_vec())
            .collect();
        assert_eq!(p, proof(&v["proof"]), "{}", f.display());
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

#[derive(Clone, Debug)]
enum Op {
    Append(Vec<u8>),
    Seal,
    Prove(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(Op::Append),
        1 => Just(Op::Seal),
        2 => any::<u64>().prop_map(Op::Prove),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Random append/seal/prove sequences: every inclusion proof against every sealed size, and
    /// every consistency proof between sealed sizes, verifies; a proof against the wrong root
    /// does not.
    #[test]
    fn random_sequences_verify(ops in proptest::collection::vec(op(), 1..120)) {
        let mut tree = MemoryTree::new();
        let mut leaves = Vec::new();
        let mut sealed: Vec<(u64, [u8; 32])> = Vec::new();
        for op in ops {
            match op {
                Op::Append(r) => {
                    let h = leaf_hash(&r);
                    tree.push(h);
                    leaves.push(h);
                }
                Op::Seal => {
                    if tree.size() > 0 {
                        for &(s, r) in &sealed {
                            let p = consistency_path(&tree, s, tree.size()).unwrap();
                            prop_assert!(verify_consistency(s, tree.size(), &p, &r, &tree.root()).is_ok());
                        }
                        sealed.push((tree.size(), tree.root()));
                    }
                }
                Op::Prove(x) => {
                    for &(s, r) in &sealed {
                        let i = x % s;
                        let p = inclusion_path(&tree, i, s).unwrap();
                        prop_assert!(verify_inclusion(i, s, &leaves[i as usize], &p, &r).is_ok());
                        let mut wrong = r;
                        wrong[0] ^= 1;
                        prop_assert!(verify_inclusion(i, s, &leaves[i as usize], &p, &wrong).is_err());
                        if s > 1 {
                            let j = (i + 1) % s;
                            if leaves[j as usize] != leaves[i as usize] {
                                prop_assert!(verify_inclusion(j, s, &leaves[i as usize], &p, &r).is_err());
                            }
                        }
                    }
                }
            }
        }
    }
}
