"""The test identity provider's fixture: a plugin that ``tests/conftest.py`` loads."""

from collections.abc import Iterator

import pytest

from tests.idp.server import IdentityProvider


@pytest.fixture(scope="session")
def identity_provider(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[IdentityProvider]:
    """One provider for the whole run, started only when a test asks for it.

    Stopped at the end of the run whatever the tests did: ``stop()`` kills its
    process group.
    """
    with IdentityProvider(tmp_path_factory.mktemp("idp")) as provider:
        yield provider
