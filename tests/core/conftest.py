import shutil

import pytest

from tests.servers import migrate


@pytest.fixture(scope="session")
def _migrated_archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive-template")
    migrate(folder)
    return folder


@pytest.fixture
def sqlite_archive(_migrated_archive, tmp_path):
    """The data folder of a fresh, migrated, file-based SQLite archive, for other processes
    (it is SQLite whatever DATABASE_URL says: those processes don't use the test database)."""
    folder = tmp_path / "archive"
    shutil.copytree(_migrated_archive, folder)
    return folder
