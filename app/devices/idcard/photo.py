"""Decoding the card photo (WLT) with the vendor's licensed decoder DLL (Windows).

The common decoder exports `int GetBmp(char *wlt_file, int interface)`: it reads `<name>.wlt` and
writes `<name>.bmp` beside it, returning 1 on success.
"""

from __future__ import annotations

import ctypes
import logging
import tempfile
from pathlib import Path

from app.devices.errors import DeviceUnavailable
from app.devices.idcard.vendor_dll import load_library
from app.i18n import _

log = logging.getLogger(__name__)


class WltDllPhotoDecoder:
    def __init__(self, dll: Path, interface: int = 2):
        self.lib = load_library(dll)
        self.interface = interface   # 1 = serial, 2 = USB, as the decoder's callers pass it

    def decode(self, wlt: bytes) -> bytes:
        with tempfile.TemporaryDirectory(prefix="zc-photo-") as tmp:
            source = Path(tmp) / "photo.wlt"
            source.write_bytes(wlt)
            result = self.lib.GetBmp(ctypes.c_char_p(str(source).encode("mbcs")), self.interface)
            bmp = source.with_suffix(".bmp")
            if result != 1 or not bmp.exists():
                log.info("WLT decoder returned %s", result)
                raise DeviceUnavailable(_("照片解码失败"))
            return bmp.read_bytes()
