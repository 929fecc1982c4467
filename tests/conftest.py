"""Test-wide setup: offscreen Qt, no network, and a record of any socket use.

pytest-socket (``--disable-socket --allow-unix-socket`` in pyproject) makes creating any
internet socket raise, loopback ones included. A library may catch that error and go on
(urllib3's IPv6 probe on ::1 did, so the block went unseen): every blocked socket is
therefore also recorded, and the test during which it happened fails. The audit hook records
any socket connect/bind/lookup that gets past the blocker (e.g. a socket made before it was
installed); the session fails if any was attempted.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile

import pytest
import pytest_socket

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# recovery copies and save locks of the tests never land in the tester's own data folder
os.environ.setdefault("HLJGIS_USER_DIR", tempfile.mkdtemp(prefix="hljgis-test-user-"))

NETWORK_ATTEMPTS: list[tuple[str, object]] = []


def _audit(event: str, args) -> None:
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo"):
        sock = args[0] if args else None
        family = getattr(sock, "family", None)
        if family == socket.AF_UNIX:
            return
        if event == "socket.getaddrinfo":  # loopback names count too
            NETWORK_ATTEMPTS.append((event, args[0]))
            return
        NETWORK_ATTEMPTS.append((event, args[1] if len(args) > 1 else None))


sys.addaudithook(_audit)


class _RecordedBlock(pytest_socket.SocketBlockedError):
    """pytest-socket's error, which also records where the socket was asked for."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        import traceback

        where = [f"{f.filename}:{f.lineno}" for f in traceback.extract_stack()[:-2]
                 if "pytest_socket" not in f.filename][-3:]
        NETWORK_ATTEMPTS.append(("socket blocked", where))


pytest_socket.SocketBlockedError = _RecordedBlock  # pytest-socket raises it by this name


@pytest.fixture(autouse=True)
def _no_socket_in_this_test():
    """Fail the test during which a socket was asked for, even if the error was caught."""
    before = len(NETWORK_ATTEMPTS)
    yield
    if len(NETWORK_ATTEMPTS) > before:
        pytest.fail(f"a socket was opened: {NETWORK_ATTEMPTS[before:before + 3]}",
                    pytrace=False)


@pytest.fixture
def expect_blocked_socket():
    """For the tests that show the guard works: their blocked socket is expected."""
    before = len(NETWORK_ATTEMPTS)
    yield
    assert len(NETWORK_ATTEMPTS) > before, "the socket was not recorded"
    del NETWORK_ATTEMPTS[before:]


def pytest_sessionfinish(session, exitstatus):
    if NETWORK_ATTEMPTS:
        print(f"\nNETWORK ACCESS ATTEMPTED during the test session: {NETWORK_ATTEMPTS[:10]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.fixture
def fixtures_dir():
    from pathlib import Path

    return Path(FIXTURES)


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """Create the QApplication first, for the whole session: exports create a bare
    QGuiApplication when none exists (they never need widgets), and a widget test after
    that would abort ("Must construct a QApplication before a QWidget")."""
    return qapp
