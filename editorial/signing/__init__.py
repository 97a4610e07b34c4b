"""Keys, signed review records and signed checkpoints of the audit log (Merkle proofs in
the manner of RFC 9162). Documents are signed in their RFC 8785 canonical form with
Ed25519; ``scripts/verify_review_record.py`` verifies a record with nothing but the
``cryptography`` package."""
