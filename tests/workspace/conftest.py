import pytest

from tests.factories import TopicFactory


@pytest.fixture
def topic():
    return TopicFactory(name="Neurology", slug="neurology")


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client
