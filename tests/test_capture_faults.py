"""A full disk while capturing: a clear message, and the case exactly as it was."""

from __future__ import annotations

import os
import subprocess

import pytest

from app.domain.case import MaterialStatus
from app.store.attachments import AttachmentStore
from app.store.errors import StoreError


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB tmpfs: real ENOSPC from the kernel (needs root, as in CI)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_gives_a_clear_message_and_keeps_the_case(desk, clerk, tiny_disk):
    app = desk.intake.start("bundle", "BD-BIRTH", clerk)
    code = next(m.code for m in app.materials if not m.from_id_card)
    desk.devices.place_simulated_document("出生医学证明", settled=True)
    page = desk.devices.capture_page()
    desk.materials.add(app, code, [page.jpeg], clerk)
    before = [len(desk.store.cases.events(c.id)) for c in app.cases]
    desk.store.attachments = AttachmentStore(tiny_disk)       # the attachment folder's disk fills up
    (tiny_disk / "filler").write_bytes(b"\0" * (240 * 1024))
    with pytest.raises(StoreError, match="磁盘空间已满"):
        desk.materials.add(app, code, [page.jpeg + b"another page"], clerk)
    assert [len(desk.store.cases.events(c.id)) for c in app.cases] == before
    assert len(app.attachments_of(code)) == 1 and app.status_of(code) is MaterialStatus.CAPTURED
    assert not list(tiny_disk.rglob("*.part"))
    stored = desk.store.cases.get(app.primary.id)
    assert len(stored.materials[code].attachments) == 1
