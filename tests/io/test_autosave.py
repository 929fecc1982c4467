"""The Qt-free autosave helper: a recovery copy after a change, none while the project is
clean or unchanged since the last copy, and errors reported through its callback."""

from __future__ import annotations

import os
import threading

import pytest

from hljgis.io import load_project, recovery
from hljgis.io.autosave import Autosaver
from tests.core.test_session import _session


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    folder = tmp_path / "user"
    monkeypatch.setenv("HLJGIS_USER_DIR", str(folder))
    yield folder
    recovery.finish()  # let go of the lock taken in this folder


def _saver(session):
    outcomes: list[str] = []
    return Autosaver(session, on_done=outcomes.append), outcomes


def test_a_change_is_copied_once_and_a_clean_project_never(user_dir):
    s = _session()
    saver, outcomes = _saver(s)
    assert not saver.tick()  # clean: nothing to keep
    s.set_layer_property("parks", "visible", False)
    assert saver.tick()
    saver.wait()
    assert outcomes == [""]
    copy = load_project(recovery.recovery_path())
    assert copy.layer("parks").visible is False
    assert s.project.dirty and s.project.path is None  # the planner's state untouched
    assert not saver.tick()  # unchanged since the copy: not rewritten
    s.undo()
    assert saver.tick()
    saver.wait()
    assert load_project(recovery.recovery_path()).layer("parks").visible is True
    saver.discard()
    assert not recovery.recovery_path().exists()


def test_a_project_event_outside_the_undo_stack_counts_as_a_change(user_dir):
    """A scenario draft's edit reaches the project as a plain ``changed`` event."""
    s = _session()
    saver, _ = _saver(s)
    s.project.events.changed.emit("scenario-draft")
    assert saver.tick()
    saver.wait()
    assert recovery.recovery_path().exists()


def test_one_write_at_a_time_and_a_new_project_is_followed(user_dir):
    s = _session()
    release = threading.Event()
    written = []

    def slow(project):
        release.wait(10)
        written.append(project)

    saver = Autosaver(s, write=slow)
    s.set_layer_property("parks", "visible", False)
    assert saver.tick() and saver.busy
    assert not saver.tick()  # busy: the next tick waits its turn
    release.set()
    saver.wait()
    other = _session().project
    s.set_project(other)
    other.layer("sites").visible = False  # a change in the new project
    assert saver.tick()
    saver.wait()
    assert written[-1] is other and len(written) == 2
    saver.close()


def test_about_to_save_runs_first_and_its_failure_is_reported(user_dir):
    s = _session()
    saver, outcomes = _saver(s)

    def broken_editor():
        raise RuntimeError("draft not valid")

    s.events.about_to_save.connect(broken_editor)
    s.set_layer_property("parks", "visible", False)
    assert saver.tick()
    saver.wait()
    assert outcomes == ["draft not valid", ""]  # the copy is still written
    assert recovery.recovery_path().exists()


@pytest.mark.parametrize("blocked", [
    pytest.param("read-only", marks=pytest.mark.skipif(
        os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")),
    "file",
])
def test_a_folder_that_cannot_be_written_is_reported(tmp_path, monkeypatch, blocked):
    folder = tmp_path / "user"
    if blocked == "read-only":
        folder.mkdir()
        folder.chmod(0o555)
    else:  # a file where the folder should be: refused for root too
        folder.write_text("not a folder")
    monkeypatch.setenv("HLJGIS_USER_DIR", str(folder))
    s = _session()
    saver, outcomes = _saver(s)
    s.set_layer_property("parks", "visible", False)
    assert saver.tick()
    saver.wait()
    assert len(outcomes) == 1 and outcomes[0]  # the error's message
    assert saver.due()  # not written: the next tick tries again
    if blocked == "read-only":
        folder.chmod(0o755)
