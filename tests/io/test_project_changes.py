"""A project file changed on disk by another program is never overwritten silently."""

import pytest

from hljgis.io import load_project, save_project
from hljgis.io.project_file import ProjectChangedOnDisk, changed_on_disk
from tests.io.test_project_file import project  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))


def test_second_writer_is_stopped_and_first_save_survives(project, tmp_path):  # noqa: F811
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    mine, theirs = load_project(path), load_project(path)
    theirs.metadata["title"] = "theirs"
    save_project(theirs, path)
    assert changed_on_disk(mine) and not changed_on_disk(theirs)
    mine.metadata["title"] = "mine"
    with pytest.raises(ProjectChangedOnDisk, match="changed by another program"):
        save_project(mine, path)
    assert load_project(path).metadata["title"] == "theirs"
    save_project(mine, tmp_path / "mine.hljgis.gpkg")  # save as: always allowed
    assert load_project(tmp_path / "mine.hljgis.gpkg").metadata["title"] == "mine"


def test_overwrite_knowingly_and_own_saves_pass(project, tmp_path):  # noqa: F811
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    mine, theirs = load_project(path), load_project(path)
    save_project(theirs, path)
    mine.metadata["title"] = "mine"
    save_project(mine, path, overwrite_changes=True)
    assert load_project(path).metadata["title"] == "mine"
    save_project(mine, path)  # its own last write is no change by another program
    save_project(mine, path)


def test_autosave_copy_does_not_count_as_a_change(project, tmp_path):  # noqa: F811
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    mine = load_project(path)
    save_project(mine, tmp_path / "copy.hljgis.gpkg", remember=False)
    assert mine.path == str(path) and not changed_on_disk(mine)
    save_project(mine, path)


def test_a_deleted_file_is_simply_written_again(project, tmp_path):  # noqa: F811
    project.remove_layer("dem")  # (a raster is read from the project file itself)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    mine = load_project(path)
    path.unlink()
    assert not changed_on_disk(mine)
    save_project(mine, path)
    assert load_project(path).metadata == mine.metadata
