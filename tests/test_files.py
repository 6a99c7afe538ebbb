"""replaced_atomically: the target is the old file or the new one, and a failure leaves no temp file."""

from pathlib import Path

import pytest

from taskforce.files import replaced_atomically


def test_a_finished_write_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "store.json"
    target.write_text("old")
    with replaced_atomically(target) as temporary:
        assert temporary.parent == target.parent and temporary != target
        temporary.write_text("new")
        assert target.read_text() == "old"  # readers still see the old file while the new one is written
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json"]


def test_a_failed_write_keeps_the_target_and_removes_the_half_copy(tmp_path: Path) -> None:
    target = tmp_path / "store.json"
    target.write_text("old")
    with pytest.raises(OSError, match="No space left"), replaced_atomically(target) as temporary:
        temporary.write_text("half of the n")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json"]


def test_a_failure_before_anything_is_written_is_passed_on(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    with pytest.raises(KeyboardInterrupt), replaced_atomically(target):
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
