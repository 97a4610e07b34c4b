import pytest

from tests.editorial.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    """A real HTTP receiver on loopback for webhooks (``webhook_receiver``)."""
    server = Receiver().start()
    yield server
    server.stop()
