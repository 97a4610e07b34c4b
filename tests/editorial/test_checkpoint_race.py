"""Two sweeps at once (invariant 6) each try to sign a checkpoint: neither fails, no number
is taken twice, and every checkpoint signed is a true statement of the log."""

import threading

import pytest
from django.db import connection

from editorial.models import AuditCheckpoint, AuditEntry
from editorial.signing import checkpoints, merkle

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 4


@pytest.mark.parametrize("first", [True, False], ids=["first checkpoint", "later checkpoint"])
def test_concurrent_checkpoints_never_fail_or_collide(approved, first):
    if not first:
        checkpoints.write_checkpoint()
    barrier = threading.Barrier(WRITERS)
    outcomes = []

    def writer():
        try:
            barrier.wait(timeout=30)
            outcomes.append(checkpoints.write_checkpoint())
        except Exception as error:  # noqa: BLE001 - every exception is an outcome to check
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert any(outcomes)
    numbers = list(AuditCheckpoint.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    hashes = [
        bytes.fromhex(h)
        for h in AuditEntry.objects.order_by("sequence").values_list("hash", flat=True)
    ]
    assert {c.root_hash for c in AuditCheckpoint.objects.all()} == {merkle.root(hashes).hex()}
