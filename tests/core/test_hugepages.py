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


_PROBE = """
import threading
from numpy._core import multiarray as m
from hljgis.core import hugepages as h
seen = [m._get_madvise_hugepage()]
with h.batch_memory():
    seen.append(m._get_madvise_hugepage())
    with h.batch_memory():  # nested
        seen.append(m._get_madvise_hugepage())
    seen.append(m._get_madvise_hugepage())
    t = threading.Thread(target=lambda: h.batch_memory()(lambda: None)())
    t.start(); t.join()  # another thread's batch ending does not switch it back
    seen.append(m._get_madvise_hugepage())
seen.append(m._get_madvise_hugepage())
print(" ".join(map(str, seen)))
"""


def _probe(env: dict) -> list[str]:
    return subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          env=env, check=True).stdout.split()


def test_batch_work_goes_without_the_advice_where_faults_stall():
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    try:
        text = hugepages.DEFRAG.read_text()
    except OSError:
        text = None
    inside = str(hugepages.advise_huge_pages(text))
    assert _probe(env) == ["True", inside, inside, inside, inside, "True"]


def test_an_explicit_environment_setting_wins():
    import os

    assert _probe({**os.environ, "NUMPY_MADVISE_HUGEPAGE": "1"}) == ["True"] * 6
    assert _probe({**os.environ, "NUMPY_MADVISE_HUGEPAGE": "0"}) == ["False"] * 6


def test_this_machine_stalls_so_the_switch_is_exercised():
    """The test machine's kernel (defrag=madvise) is the case the module exists for; on
    one that does not stall, the probe above checks that nothing is switched."""
    try:
        text = hugepages.DEFRAG.read_text()
    except OSError:
        pytest.skip("no THP settings on this kernel")
    if hugepages.advise_huge_pages(text):
        pytest.skip(f"THP defrag here does not stall: {text.strip()}")
    assert hugepages._STALLS or "NUMPY_MADVISE_HUGEPAGE" in __import__("os").environ


@pytest.mark.parametrize("env, want", [({}, "system"),
                                       ({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"},
                                        "mimalloc")])
def test_batch_work_takes_arrow_buffers_from_malloc_where_pages_stall(env, want):
    """mimalloc's first large allocations stalled like numpy's huge pages (4.0 s against
    0.29 s for a million ranked parcels' columns); the user's own choice of pool wins."""
    import os
    import subprocess
    import sys

    code = ("import pyarrow as pa\n"
            "from hljgis.core import hugepages\n"
            "hugepages._STALLS = True\n"
            "before = pa.default_memory_pool().backend_name\n"
            "with hugepages.batch_memory():\n"
            "    print(before, pa.default_memory_pool().backend_name)\n")
    clean = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    before, after = subprocess.run([sys.executable, "-c", code], env={**clean, **env},
                                   capture_output=True, text=True,
                                   check=True).stdout.split()
    if before != "mimalloc":
        pytest.skip(f"this pyarrow's default pool is {before}: nothing to switch")
    assert after == want
