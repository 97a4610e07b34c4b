"""What the signing key has signed: the public halves of our keys (published at
``/review-keys.json``), each approval's signed review record, and signed checkpoints of
the audit log (``/audit/checkpoints.json``)."""

from django.db import models


class SigningKey(models.Model):
    """The public half of a key that signs records and checkpoints. Kept after rotation,
    so that everything it signed still verifies."""

    key_id = models.CharField(max_length=40, primary_key=True)
    algorithm = models.CharField(max_length=20, default="Ed25519", editable=False)
    public_key = models.CharField(
        max_length=64, editable=False, help_text="Raw 32-byte Ed25519 public key, base64."
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.algorithm} key {self.key_id}"


class SignedReviewRecord(models.Model):
    """The review record of one approval, signed in the transaction that approved. The
    canonical bytes are stored as signed, so the record verifies byte for byte for ever,
    whatever later happens to the rows it was built from."""

    review_record = models.OneToOneField(
        "articles.ReviewRecord", on_delete=models.PROTECT, related_name="+"
    )
    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="+")
    revision_number = models.PositiveIntegerField()
    approval_sequence = models.PositiveBigIntegerField(
        help_text="Sequence of the audit entry that records the approval."
    )
    approval_hash = models.CharField(max_length=64)
    document = models.TextField(help_text="The signed record, RFC 8785 canonical JSON.")
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=100, help_text="Ed25519 signature, base64.")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_at"]
        indexes = [
            models.Index(
                fields=["article", "revision_number", "-signed_at"], name="signedrecord_lookup_idx"
            )
        ]

    def __str__(self):
        return f"Signed review record of {self.article_id} r{self.revision_number}"


class AuditCheckpoint(models.Model):
    """A signed statement of the audit log's size, head and Merkle root at one moment."""

    number = models.PositiveIntegerField(unique=True)
    tree_size = models.PositiveBigIntegerField(help_text="Entries covered: 1 … tree_size.")
    head_hash = models.CharField(max_length=64)
    root_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    document = models.TextField(help_text="The signed checkpoint, RFC 8785 canonical JSON.")
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Checkpoint {self.number}: {self.tree_size} entries"
