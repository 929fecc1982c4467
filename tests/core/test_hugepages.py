"""numpy's huge-page advice follows the kernel's THP defrag policy."""

import subprocess
import sys

import pytest

from hljgis.core import hugepages


@pytest.mark.parametrize(("text", "advise"), [
    ("always defer defer+madvise [madvise] never\n", False),
    ("[always] defer defer+madvise madvise never\n", False),
    ("always defer [defer+madvise] madvise never\n", False),
    ("always [defer] defer+madvise madvise never\n", True),
    ("always defer defer+madvise madvise [never]\n", True),
    (None, True),
    ("", True),
])
def test_advice_follows_the_defrag_policy(text, advise):
    assert hugepages.advise_huge_pages(text) is advise


def _numpy_advice(env: dict) -> str:
    code = ("import hljgis; from numpy._core import multiarray as m; "
            "print(m._get_madvise_hugepage())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True).stdout.strip()


def test_importing_hljgis_applies_the_policy_of_this_machine():
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    try:
        text = hugepages.DEFRAG.read_text()
    except OSError:
        text = None
    assert _numpy_advice(env) == str(hugepages.advise_huge_pages(text))


def test_an_explicit_environment_setting_wins():
    import os

    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "1"}
    assert _numpy_advice(env) == "True"
