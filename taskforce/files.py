"""Replace a file so that readers see the old one or the new one, never half of one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; write the new file there. On leaving without an
    error, the temporary file replaces ``target`` in one step (same folder, so same file system). On any
    error (a full disk, an interrupt) the temporary file is removed, so no half-written copy is left
    taking its room, and ``target`` is untouched."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
