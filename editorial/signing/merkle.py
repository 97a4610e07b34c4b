"""A Merkle tree over the audit log in the manner of RFC 9162 (Certificate Transparency
v2), section 2.1: leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left ||
right), the split at the largest power of two smaller than n. Each leaf is an audit
entry's own hash (32 bytes). Roots and audit paths are computed bottom-up over the tree's
levels (linear time), consistency proofs by the recursive definition of section 2.1.4.1;
both are checked by the iterative algorithms of sections 2.1.3.2 and 2.1.4.2. The tests
hold them to the Certificate Transparency test vectors and to the RFC's recursive
definitions written out again."""

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_from_leaf_hashes(hashes):
    """MTH over already-hashed leaves (``levels`` computes it bottom-up)."""
    if not hashes:
        return EMPTY_ROOT
    return levels(hashes)[-1][0]


def root(leaves):
    return root_from_leaf_hashes([leaf_hash(leaf) for leaf in leaves])


def levels(hashes):
    """Every level of the tree, bottom-up: ``levels[0]`` the leaf hashes, the last the
    root. An odd last node is promoted unchanged, which is RFC 9162's split read upwards."""
    result = [list(hashes)]
    while len(result[-1]) > 1:
        level = result[-1]
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        result.append(paired)
    return result


def inclusion_path(index, hashes_or_levels):
    """PATH(m, D[n]) of RFC 9162 2.1.3.1: the sibling at each level where there is one.
    Takes leaf hashes or the output of ``levels`` (to prove many leaves of one tree)."""
    tree = hashes_or_levels
    if not tree or not isinstance(tree[0], list):
        tree = levels(tree)
    n = len(tree[0])
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside a tree of {n}")
    path = []
    for level in tree[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index >>= 1
    return path


def consistency_path(m, hashes):
    """PROOF(m, D[n]) of RFC 9162 2.1.4.1 over leaf hashes."""
    n = len(hashes)
    if not 0 < m <= n:
        raise ValueError(f"no consistency proof from {m} to {n}")
    return _subproof(m, hashes, True)


def _subproof(m, hashes, complete):
    n = len(hashes)
    if m == n:
        return [] if complete else [root_from_leaf_hashes(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete), root_from_leaf_hashes(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), root_from_leaf_hashes(hashes[:k])]


def verify_inclusion(*, index, tree_size, leaf_hash_value, path, expected_root):
    """RFC 9162 2.1.3.2."""
    if index >= tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash_value
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(*, first, second, first_root, second_root, path):
    """RFC 9162 2.1.4.2."""
    if first > second or first == 0:
        return False
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    if first & (first - 1) == 0:  # a power of two: the first root starts the proof
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
