//! Proof documents: inclusion (`{"index","size","leaf_hash","path","root","checkpoint"}`) and
//! consistency, each verifiable with nothing but itself, the record (or checkpoints) and the
//! log's public key.

use serde::{Deserialize, Serialize};

use super::checkpoint::{Checkpoint, verify_checkpoint};
use super::error::AuditError;
use super::merkle::{
    Hash, SubtreeSource, consistency_path, inclusion_path, leaf_hash, root_at, verify_consistency,
    verify_inclusion,
};
use super::storage::{Storage, StoredTree};
use crate::error::Error;
use crate::format::b64;
use crate::keys::VerifyingKey;

/// The longest proof document accepted.
pub const MAX_PROOF_LEN: usize = 1024 * 1024;

mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use super::Hash;

    pub(super) fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }

    pub(super) fn parse(s: &str) -> Option<Hash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok().map(|()| out)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = <&str>::deserialize(d)?;
        parse(s).ok_or_else(|| D::Error::custom("expected 64 hex digits"))
    }

    pub(super) mod list {
        use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::SerializeSeq};

        use super::Hash;

        pub(in super::super) fn serialize<S: Serializer>(
            v: &[Hash],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(v.len()))?;
            for h in v {
                seq.serialize_element(&hex::encode(h))?;
            }
            seq.end()
        }

        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<Hash>, D::Error> {
            let v = Vec::<String>::deserialize(d)?;
            if v.len() > 64 {
                return Err(D::Error::custom("path too long"));
            }
            v.iter()
                .map(|s| super::parse(s).ok_or_else(|| D::Error::custom("expected 64 hex digits")))
                .collect()
        }
    }
}

/// An inclusion proof: record `index` is in the tree of `size` records whose root is `root`,
/// vouched for by `checkpoint` (the signed checkpoint of that size, exactly as stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// The record's index (0-based).
    pub index: u64,
    /// The tree size.
    pub size: u64,
    /// The record's leaf hash.
    #[serde(with = "hex32")]
    pub leaf_hash: Hash,
    /// The RFC 9162 audit path.
    #[serde(with = "hex32::list")]
    pub path: Vec<Hash>,
    /// The tree's root hash.
    #[serde(with = "hex32")]
    pub root: Hash,
    /// The signed checkpoint of tree size `size`.
    pub checkpoint: String,
}

impl InclusionProof {
    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse a JSON document.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        if json.len() > MAX_PROOF_LEN {
            return Err(AuditError::ProofFormat.into());
        }
        serde_json::from_str(json).map_err(|_| AuditError::ProofFormat.into())
    }

    /// Verify the checkpoint with `key`, that it names this size and root, and the audit path.
    pub fn verify(&self, key: &VerifyingKey) -> Result<Checkpoint, Error> {
        let cp = verify_checkpoint(key, &self.checkpoint)?;
        if cp.size() != self.size || *cp.root() != self.root {
            return Err(AuditError::InclusionProof.into());
        }
        verify_inclusion(
            self.index,
            self.size,
            &self.leaf_hash,
            &self.path,
            &self.root,
        )?;
        Ok(cp)
    }

    /// [`InclusionProof::verify`], and that `record` is the proven record.
    pub fn verify_record(&self, key: &VerifyingKey, record: &[u8]) -> Result<Checkpoint, Error> {
        if leaf_hash(record) != self.leaf_hash {
            return Err(AuditError::InclusionProof.into());
        }
        self.verify(key)
    }
}

/// A consistency proof: the tree of `size2` records extends the tree of `size1` records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    /// The older tree size.
    pub size1: u64,
    /// The newer tree size.
    pub size2: u64,
    /// The RFC 9162 consistency path.
    #[serde(with = "hex32::list")]
    pub path: Vec<Hash>,
    /// The signed checkpoint of `size1`.
    pub checkpoint1: String,
    /// The signed checkpoint of `size2`.
    pub checkpoint2: String,
}

impl ConsistencyProof {
    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse a JSON document.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        if json.len() > MAX_PROOF_LEN {
            return Err(AuditError::ProofFormat.into());
        }
        serde_json::from_str(json).map_err(|_| AuditError::ProofFormat.into())
    }

    /// Verify both checkpoints with `key` and the path between them.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(Checkpoint, Checkpoint), Error> {
        let c1 = verify_checkpoint(key, &self.checkpoint1)?;
        let c2 = verify_checkpoint(key, &self.checkpoint2)?;
        if c1.size() != self.size1 || c2.size() != self.size2 || c1.origin() != c2.origin() {
            return Err(AuditError::ConsistencyProof.into());
        }
        verify_consistency(self.size1, self.size2, &self.path, c1.root(), c2.root())?;
        Ok((c1, c2))
    }
}

/// Parse a stored checkpoint's text *without* verifying its signature (to find it by size;
/// proofs are verified by their reader).
pub(crate) fn peek_checkpoint(stored: &str) -> Result<Checkpoint, AuditError> {
    let text = if stored.contains('\n') {
        let split = stored.rfind("\n\n").ok_or(AuditError::CheckpointFormat)?;
        stored
            .get(..=split)
            .ok_or(AuditError::CheckpointFormat)?
            .to_owned()
    } else {
        let payload = stored
            .split('.')
            .nth(1)
            .ok_or(AuditError::CheckpointFormat)?;
        let bytes = b64::decode(payload).map_err(|_| AuditError::CheckpointFormat)?;
        String::from_utf8(bytes).map_err(|_| AuditError::CheckpointFormat)?
    };
    Checkpoint::parse_text(&text)
}

/// The stored checkpoint of tree size `size`, or the latest one.
pub(crate) fn find_checkpoint(
    storage: &(impl Storage + ?Sized),
    size: Option<u64>,
) -> Result<(Checkpoint, String), AuditError> {
    let mut found = None;
    let mut reader = storage.checkpoints()?;
    while let Some(text) = reader.next_checkpoint()? {
        let cp = peek_checkpoint(&text)?;
        match size {
            Some(s) if cp.size() == s => return Ok((cp, text)),
            Some(_) => {}
            None => found = Some((cp, text)),
        }
    }
    found.ok_or(AuditError::NoCheckpoint)
}

/// An inclusion proof for record `index` against the stored checkpoint of tree size `size`
/// (default: the latest).
pub fn prove_inclusion(
    storage: &(impl Storage + ?Sized),
    index: u64,
    size: Option<u64>,
) -> Result<InclusionProof, Error> {
    let (cp, text) = find_checkpoint(storage, size)?;
    let tree = StoredTree(storage);
    if index >= cp.size() {
        return Err(AuditError::IndexOutOfRange.into());
    }
    let root = root_at(&tree, cp.size())?;
    if root != *cp.root() {
        return Err(AuditError::tampered(super::TamperKind::CheckpointRoot, cp.size()).into());
    }
    Ok(InclusionProof {
        index,
        size: cp.size(),
        leaf_hash: tree.subtree(0, index)?,
        path: inclusion_path(&tree, index, cp.size())?,
        root,
        checkpoint: text,
    })
}

/// A consistency proof between the stored checkpoints of sizes `size1` and `size2`.
pub fn prove_consistency(
    storage: &(impl Storage + ?Sized),
    size1: u64,
    size2: u64,
) -> Result<ConsistencyProof, Error> {
    let (_, t1) = find_checkpoint(storage, Some(size1))?;
    let (_, t2) = find_checkpoint(storage, Some(size2))?;
    let path = consistency_path(&StoredTree(storage), size1, size2)?;
    Ok(ConsistencyProof {
        size1,
        size2,
        path,
        checkpoint1: t1,
        checkpoint2: t2,
    })
}
