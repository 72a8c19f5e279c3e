import pytest

from llg import load_device


@pytest.fixture(scope="session")
def default_device():
    return load_device("default")
