"""The Merkle tree of the audit log against the Certificate Transparency test vectors
(RFC 6962 / RFC 9162: the eight leaves of the reference implementations' tests), and
against the RFC's recursive definitions written out again here, independently."""

import hashlib

import pytest

from editorial.signing import merkle

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]
CONSISTENCY = {
    (1, 8): INCLUSION_0_OF_8,
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


# RFC 9162 2.1.1 and 2.1.3.1, as written in the RFC (the module computes them bottom-up).
def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m, leaves):
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_certificate_transparency_vectors(size):
    assert merkle.root(LEAVES[:size]).hex() == ROOTS[size - 1]


def test_the_empty_tree_is_the_hash_of_nothing():
    assert merkle.root([]).hex() == hashlib.sha256(b"").hexdigest()


def test_proofs_match_the_reference_proofs():
    assert [h.hex() for h in merkle.inclusion_path(0, HASHES)] == INCLUSION_0_OF_8
    assert merkle.inclusion_path(0, HASHES[:1]) == []
    for (first, second), expected in CONSISTENCY.items():
        assert [h.hex() for h in merkle.consistency_path(first, HASHES[:second])] == expected
    assert merkle.consistency_path(1, HASHES[:1]) == []


def test_every_proof_of_the_reference_tree_verifies_and_no_other():
    for size in range(1, 9):
        root = bytes.fromhex(ROOTS[size - 1])
        for index in range(size):
            proof = merkle.inclusion_path(index, HASHES[:size])
            assert merkle.verify_inclusion(
                index=index,
                tree_size=size,
                leaf_hash_value=HASHES[index],
                path=proof,
                expected_root=root,
            )
            assert not merkle.verify_inclusion(
                index=index,
                tree_size=size,
                leaf_hash_value=merkle.leaf_hash(b"forged"),
                path=proof,
                expected_root=root,
            )
            if size > 1:
                assert not merkle.verify_inclusion(
                    index=(index + 1) % size,
                    tree_size=size,
                    leaf_hash_value=HASHES[index],
                    path=proof,
                    expected_root=root,
                )
        for first in range(1, size + 1):
            proof = merkle.consistency_path(first, HASHES[:size])
            first_root = bytes.fromhex(ROOTS[first - 1])
            assert merkle.verify_consistency(
                first=first, second=size, first_root=first_root, second_root=root, path=proof
            )
            if first < size:
                other = bytes.fromhex(ROOTS[(first + 2) % 8])
                assert not merkle.verify_consistency(
                    first=first, second=size, first_root=other, second_root=root, path=proof
                )
                assert not merkle.verify_consistency(
                    first=first,
                    second=size,
                    first_root=first_root,
                    second_root=root,
                    path=proof[1:],
                )


def test_larger_trees_agree_with_the_recursive_definition():
    leaves = [f"entry-{i}".encode() for i in range(300)]
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    for size in (1, 2, 3, 5, 7, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300):
        assert merkle.root(leaves[:size]) == mth(leaves[:size])
        for index in {0, size // 2, size - 1}:
            assert merkle.inclusion_path(index, hashes[:size]) == path(index, leaves[:size])
    for first, second in ((1, 300), (63, 64), (64, 65), (100, 257), (256, 300)):
        assert merkle.verify_consistency(
            first=first,
            second=second,
            first_root=mth(leaves[:first]),
            second_root=mth(leaves[:second]),
            path=merkle.consistency_path(first, hashes[:second]),
        )


def test_an_index_outside_the_tree_is_refused():
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_path(8, HASHES)
    assert not merkle.verify_inclusion(
        index=8, tree_size=8, leaf_hash_value=HASHES[0], path=[], expected_root=HASHES[0]
    )
