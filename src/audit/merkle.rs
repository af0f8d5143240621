//! RFC 9162 §2.1 Merkle tree hashing, audit paths and consistency proofs (generate and verify).
//!
//! Leaf hash `SHA-256(0x00 ‖ record)`, interior node `SHA-256(0x01 ‖ left ‖ right)`, empty tree
//! `SHA-256()`. Trees are addressed by *complete subtrees*: `(level, index)` covers the leaves
//! `index·2^level .. (index+1)·2^level`. Anything that can return such a subtree hash (the
//! directory's tree file, an in-memory vector) can produce proofs through [`SubtreeSource`].
//!
//! Stored-hash order (as in Go's `golang.org/x/mod/sumdb/tlog`): appending leaf `n` stores its
//! hash followed by the hash of every complete subtree that leaf closes, so a tree of `n` leaves
//! is `2n − popcount(n)` hashes and any complete subtree sits at a computable position
//! ([`stored_hash_index`]).

use sha2::{Digest, Sha256};

use super::error::AuditError;

/// A SHA-256 tree hash.
pub type Hash = [u8; 32];

/// The hash of the empty tree: `SHA-256()` (RFC 9162 §2.1.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash of a record: `SHA-256(0x00 ‖ record)`.
pub fn leaf_hash(record: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(record);
    h.finalize().into()
}

/// An interior node hash: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The position of the complete subtree `(level, index)` in stored-hash order.
pub fn stored_hash_index(level: u32, index: u64) -> u64 {
    // Level L's n-th hash is stored right after level L+1's (2n+1)-th... walk down to level 0:
    // the n-th leaf of level 0 sits at n + n/2 + n/4 + ..., then add the level back.
    let mut n = index;
    for _ in 0..level {
        n = n.wrapping_mul(2).wrapping_add(1);
    }
    let mut i = 0u64;
    while n > 0 {
        i = i.wrapping_add(n);
        n >>= 1;
    }
    i.wrapping_add(u64::from(level))
}

/// How many hashes a tree of `size` leaves stores: `2·size − popcount(size)`.
pub fn stored_hash_count(size: u64) -> u64 {
    size.wrapping_mul(2)
        .wrapping_sub(u64::from(size.count_ones()))
}

/// The largest tree size whose stored hashes fit in `count` hashes.
pub fn size_for_stored_count(count: u64) -> u64 {
    // stored_hash_count is monotonic; binary search over [0, count].
    let (mut lo, mut hi) = (0u64, count);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if stored_hash_count(mid) <= count {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// The right edge of a growing tree: one complete-subtree hash per set bit of the size, largest
/// first. Appending is O(log n) hashes and memory; the root of the current size is O(log n).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    /// Complete subtrees, largest (leftmost) first.
    hashes: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A range of `size` leaves from its complete subtrees, largest first (one per set bit of
    /// `size`). Returns `None` when the count does not match.
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Option<Self> {
        (hashes.len() == size.count_ones() as usize).then_some(Self { size, hashes })
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Append a leaf hash. Calls `stored` with the leaf hash and then with the hash of every
    /// complete subtree the leaf closes (stored-hash order).
    pub fn push(&mut self, leaf: Hash, mut stored: impl FnMut(&Hash)) {
        stored(&leaf);
        let mut h = leaf;
        let mut n = self.size;
        while n & 1 == 1 {
            match self.hashes.pop() {
                Some(left) => h = node_hash(&left, &h),
                None => break,
            }
            stored(&h);
            n >>= 1;
        }
        self.hashes.push(h);
        self.size += 1;
    }

    /// The root hash of the tree of the current size.
    pub fn root(&self) -> Hash {
        let mut it = self.hashes.iter().rev();
        let Some(last) = it.next() else {
            return empty_root();
        };
        it.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// Random access to complete-subtree hashes of a tree, for proof generation.
pub trait SubtreeSource {
    /// The hash of the complete subtree `(level, index)`.
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError>;
}

/// `MTH(D[start:end])` for a range whose start is aligned to the largest power of two not
/// above its length (every range the RFC's recursion visits is).
fn range_hash(src: &impl SubtreeSource, start: u64, end: u64) -> Result<Hash, AuditError> {
    let mut parts = Vec::new();
    let mut pos = start;
    while pos < end {
        let len = end - pos;
        let level = 63 - len.leading_zeros();
        // The piece's alignment: the largest power of two dividing pos bounds it too.
        let align = if pos == 0 { 63 } else { pos.trailing_zeros() };
        let level = level.min(align);
        parts.push(src.subtree(level, pos >> level)?);
        pos += 1u64 << level;
    }
    let mut it = parts.iter().rev();
    let Some(last) = it.next() else {
        return Ok(empty_root());
    };
    Ok(it.fold(*last, |acc, left| node_hash(left, &acc)))
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split_point(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The root hash of the tree of `size` leaves.
pub fn root_at(src: &impl SubtreeSource, size: u64) -> Result<Hash, AuditError> {
    range_hash(src, 0, size)
}

/// The RFC 9162 §2.1.3.1 audit path for leaf `index` in the tree of `size` leaves.
pub fn inclusion_path(
    src: &impl SubtreeSource,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, AuditError> {
    if index >= size {
        return Err(AuditError::IndexOutOfRange);
    }
    let mut out = Vec::new();
    path(src, index, 0, size, &mut out)?;
    Ok(out)
}

fn path(
    src: &impl SubtreeSource,
    m: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Hash>,
) -> Result<(), AuditError> {
    let n = end - start;
    if n <= 1 {
        return Ok(());
    }
    let k = split_point(n);
    if m < k {
        path(src, m, start, start + k, out)?;
        out.push(range_hash(src, start + k, end)?);
    } else {
        path(src, m - k, start + k, end, out)?;
        out.push(range_hash(src, start, start + k)?);
    }
    Ok(())
}

/// The RFC 9162 §2.1.4.1 consistency proof from the tree of `size1` leaves to that of `size2`
/// (`0 < size1 ≤ size2`; equal sizes give an empty proof).
pub fn consistency_path(
    src: &impl SubtreeSource,
    size1: u64,
    size2: u64,
) -> Result<Vec<Hash>, AuditError> {
    if size1 == 0 || size1 > size2 {
        return Err(AuditError::IndexOutOfRange);
    }
    let mut out = Vec::new();
    subproof(src, size1, 0, size2, true, &mut out)?;
    Ok(out)
}

fn subproof(
    src: &impl SubtreeSource,
    m: u64,
    start: u64,
    end: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), AuditError> {
    let n = end - start;
    if m == n {
        if !complete {
            out.push(range_hash(src, start, end)?);
        }
        return Ok(());
    }
    let k = split_point(n);
    if m <= k {
        subproof(src, m, start, start + k, complete, out)?;
        out.push(range_hash(src, start + k, end)?);
    } else {
        subproof(src, m - k, start + k, end, false, out)?;
        out.push(range_hash(src, start, start + k)?);
    }
    Ok(())
}

fn hash32(b: &[u8]) -> Option<&Hash> {
    b.try_into().ok()
}

/// Verify an inclusion proof (RFC 9162 §2.1.3.2): `leaf_hash` is leaf `index` of the tree of
/// `size` leaves whose root is `root`. Every hash must be 32 bytes.
pub fn verify_inclusion<P: AsRef<[u8]>>(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[P],
    root: &[u8],
) -> Result<(), AuditError> {
    let fail = Err(AuditError::InclusionProof);
    if index >= size {
        return fail;
    }
    let (Some(leaf), Some(root)) = (hash32(leaf_hash), hash32(root)) else {
        return fail;
    };
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        let Some(p) = hash32(p.as_ref()) else {
            return fail;
        };
        if snode == 0 {
            return fail;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode == 0 && r == *root {
        Ok(())
    } else {
        fail
    }
}

/// Verify a consistency proof (RFC 9162 §2.1.4.2) between the tree of `size1` leaves with root
/// `root1` and the tree of `size2` leaves with root `root2`.
///
/// Conventions (those of the transparency-dev vectors): `size1 = 0` is refused (every tree is
/// consistent with the empty one, so such a proof proves nothing); equal sizes need an empty
/// proof and equal roots.
pub fn verify_consistency<P: AsRef<[u8]>>(
    size1: u64,
    size2: u64,
    proof: &[P],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), AuditError> {
    let fail = Err(AuditError::ConsistencyProof);
    if size1 == 0 || size1 > size2 {
        return fail;
    }
    if size1 == size2 {
        return if proof.is_empty() && root1 == root2 {
            Ok(())
        } else {
            fail
        };
    }
    let (Some(first), Some(second)) = (hash32(root1), hash32(root2)) else {
        return fail;
    };
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    for p in proof {
        match hash32(p.as_ref()) {
            Some(h) => path.push(h),
            None => return fail,
        }
    }
    if path.is_empty() {
        return fail;
    }
    if size1.is_power_of_two() {
        path.insert(0, first);
    }
    let (mut fnode, mut snode) = (size1 - 1, size2 - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut it = path.into_iter();
    let Some(start) = it.next() else {
        return fail;
    };
    let (mut fr, mut sr) = (*start, *start);
    for c in it {
        if snode == 0 {
            return fail;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if fr == *first && sr == *second && snode == 0 {
        Ok(())
    } else {
        fail
    }
}

/// An in-memory tree of leaf hashes in stored-hash order: for tests, small logs and the
/// property test. Production logs keep the same order in their storage.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    range: CompactRange,
    stored: Vec<Hash>,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let stored = &mut self.stored;
        self.range.push(leaf, |h| stored.push(*h));
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.range.size()
    }

    /// The root of the current size.
    pub fn root(&self) -> Hash {
        self.range.root()
    }
}

impl SubtreeSource for MemoryTree {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        let i = usize::try_from(stored_hash_index(level, index))
            .map_err(|_| AuditError::IndexOutOfRange)?;
        self.stored
            .get(i)
            .copied()
            .ok_or(AuditError::IndexOutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6962 reference leaves.
    fn reference_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| hex::decode(h).unwrap())
        .collect()
    }

    /// MTH straight from the RFC's recursive definition.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn reference_roots() {
        // certificate-transparency merkle_tree_test / transparency-dev testonly constants.
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let mut tree = MemoryTree::new();
        assert_eq!(
            hex::encode(tree.root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut leaves = Vec::new();
        for (leaf, want) in reference_leaves().iter().zip(roots) {
            leaves.push(leaf_hash(leaf));
            tree.push(leaf_hash(leaf));
            assert_eq!(hex::encode(tree.root()), want);
            assert_eq!(mth(&leaves), tree.root());
            assert_eq!(root_at(&tree, tree.size()).unwrap(), tree.root());
        }
    }

    #[test]
    fn stored_order_matches_tlog() {
        // First positions of tlog's StoredHashIndex table.
        assert_eq!(stored_hash_index(0, 0), 0);
        assert_eq!(stored_hash_index(0, 1), 1);
        assert_eq!(stored_hash_index(1, 0), 2);
        assert_eq!(stored_hash_index(0, 2), 3);
        assert_eq!(stored_hash_index(0, 3), 4);
        assert_eq!(stored_hash_index(1, 1), 5);
        assert_eq!(stored_hash_index(2, 0), 6);
        for n in 0..200u64 {
            assert_eq!(size_for_stored_count(stored_hash_count(n)), n);
            if n > 0 {
                assert_eq!(size_for_stored_count(stored_hash_count(n) - 1), n - 1);
            }
        }
    }

    #[test]
    fn proofs_verify_for_every_small_tree() {
        let mut tree = MemoryTree::new();
        let mut roots = vec![empty_root()];
        for i in 0..40u64 {
            tree.push(leaf_hash(&i.to_be_bytes()));
            roots.push(tree.root());
        }
        for size in 1..=40u64 {
            for index in 0..size {
                let p = inclusion_path(&tree, index, size).unwrap();
                let leaf = leaf_hash(&index.to_be_bytes());
                verify_inclusion(index, size, &leaf, &p, &roots[size as usize]).unwrap();
                assert!(
                    verify_inclusion(index, size, &leaf, &p, &roots[size as usize - 1]).is_err()
                );
            }
            for size1 in 1..=size {
                let p = consistency_path(&tree, size1, size).unwrap();
                verify_consistency(
                    size1,
                    size,
                    &p,
                    &roots[size1 as usize],
                    &roots[size as usize],
                )
                .unwrap();
                if size1 < size {
                    assert!(
                        verify_consistency(
                            size1,
                            size,
                            &p,
                            &roots[size1 as usize - 1],
                            &roots[size as usize]
                        )
                        .is_err()
                    );
                }
            }
        }
    }
}
