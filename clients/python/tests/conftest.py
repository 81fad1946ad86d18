"""A private portod for the tests: clients/testing/private_portod.py, started once for the session."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
sys.path.insert(0, PACKAGE_ROOT)
sys.path.insert(0, os.path.join(REPO, 'clients', 'testing'))

import porto  # noqa: E402  (the package of this directory, after ./build.sh)
import private_portod  # noqa: E402


@pytest.fixture(scope='session')
def portod():
    daemon = private_portod.Portod()
    try:
        daemon.start()
    except private_portod.StartFailure as e:
        pytest.fail(str(e))
    yield daemon
    daemon.stop()


@pytest.fixture
def conn(portod):
    """A connection to the test daemon; the containers it leaves are destroyed after the test."""
    connection = porto.Connection(socket_path=portod.socket, timeout=60)
    connection.connect()
    yield connection
    for name in sorted(connection.List(), key=lambda n: -n.count('/')):
        try:
            connection.Destroy(name)
        except porto.exceptions.ContainerDoesNotExist:
            pass  # went with its parent
    connection.disconnect()
