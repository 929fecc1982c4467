"""The hljgis command exits without the cycle collector's shutdown passes.

At exit CPython runs full collections over every object still tracked (Py_Finalize: one
before the modules are torn down, more while they are). After a render from disk that is
~85k objects of numpy, pandas, pyarrow, Qt and hljgis modules, and the passes took 0.10-0.15 s
of the 0.17-0.21 s a script spent exiting (a render-from-disk job of ~1.4 s on this
2-core machine). They find next to nothing: hljgis keeps no reference cycles around data
(layers are freed when released), and what the modules hold is freed by reference counting
when the interpreter clears them.

Freezing the collector as the last exit handler moves every object into the permanent
generation, which those passes skip. Nothing else changes: every atexit handler (and every
``weakref.finalize`` registered for exit) still runs, modules are still cleared, streams
flushed, C++ destructors of libraries run. Only objects caught in a reference cycle at exit
are not finalised, which the language already allows ("It is not guaranteed that
__del__() methods are called for objects that still exist when the interpreter exits").

Only the ``hljgis`` command (:func:`hljgis.__main__.run`: the CLI and the desktop app)
installs it: a planner's own script that imports hljgis keeps Python's usual exit, since
its objects are not ours to judge.
"""

from __future__ import annotations

import atexit
import gc


def freeze_at_exit() -> None:
    """Move every tracked object to the permanent generation (see the module docstring)."""
    gc.freeze()


def install() -> None:
    """Freeze at exit. Called first thing by the command, before it loads the libraries:
    exit handlers run last registered first, so this one runs after theirs, just before
    the interpreter finalises."""
    atexit.unregister(freeze_at_exit)
    atexit.register(freeze_at_exit)
