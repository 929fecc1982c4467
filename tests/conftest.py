"""Test-wide setup: offscreen Qt, no network, and a record of any socket use.

pytest-socket (``--disable-socket`` in pyproject) makes any internet socket in a test fail
that test. The audit hook below also records every socket connect/bind outside tests'
control (e.g. in a library's background thread); the session fails if any was attempted.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile

import pytest

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
        if event == "socket.getaddrinfo":
            host = args[0]
            if host in (None, "localhost", "127.0.0.1", "::1"):
                return
            NETWORK_ATTEMPTS.append((event, host))
            return
        NETWORK_ATTEMPTS.append((event, args[1] if len(args) > 1 else None))


sys.addaudithook(_audit)


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
