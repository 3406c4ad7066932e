"""Turning any failure into a sentence for the clerk (details go to the log)."""

from __future__ import annotations

import logging

from app.devices.errors import DeviceError
from app.documents.fonts import FontNotFound
from app.domain.errors import DomainError
from app.i18n import N_, _
from app.imaging.encode import ImageError
from app.store.errors import StoreError

log = logging.getLogger(__name__)

GENERIC = N_("操作未完成，请重试；如仍失败请联系技术支持（详细信息已记入日志）。")


def clerk_message(error: BaseException) -> str:
    if isinstance(error, DomainError | DeviceError | StoreError | FontNotFound | ImageError):
        return _(str(error))    # a message raised while composing a printed document is Chinese until here
    log.error("unexpected failure", exc_info=error)
    return _(GENERIC)
