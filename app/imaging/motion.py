"""When to take the picture: a page lying still under the camera, once per page.

`AutoCapture` is fed every preview frame (with whether a page was found in it) and answers what
the capture view should show and whether to take a still now. After a still it waits until the
view has clearly changed — the page turned over, replaced or taken away — before arming again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from app.i18n import _

SIGNATURE_SIZE = (64, 48)


class CaptureState(StrEnum):
    NO_PAGE = "no_page"          # nothing to capture
    OFF_FRAME = "off_frame"      # a page, but it runs off the frame: not taken until it is moved into view
    SETTLING = "settling"        # a page, but the view is moving (hand, page being placed)
    STEADY = "steady"            # still: counting down to the capture
    CAPTURE = "capture"          # take the still now (reported once per page)
    DONE = "done"                # captured; waiting for the next page
    WAITING = "waiting"          # a page lay there already: waiting for the clerk to lay the next one
    PAUSED = "paused"            # single-shot mode after its capture, or auto-capture off

    @property
    def label(self) -> str:
        return {"no_page": _("请将材料放在高拍仪下"), "off_frame": _("页面超出画面，请调整"), "settling": _("请保持材料平稳…"), "steady": _("即将拍摄…"),
                "capture": _("正在拍摄…"), "done": _("已拍摄，请放下一页"), "paused": _("自动拍摄已暂停"),
                "waiting": _("桌上已有材料：请放上本材料（或按 F3 拍摄当前画面）")}[self.value]


def signature(frame: np.ndarray) -> np.ndarray:
    """A tiny blurred grey copy of the frame: what is compared between frames."""
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, SIGNATURE_SIZE, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)


CHANGED_LEVELS = 12.0     # a signature pixel this much brighter or darker has changed (noise is far below)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """The fraction of the view that changed between two signatures (a hand is a small part of it)."""
    return float(np.mean(np.abs(a - b) > CHANGED_LEVELS))


@dataclass
class AutoCapture:
    still_seconds: float = 0.8     # how long the view must stay still
    continuous: bool = True        # keep capturing page after page
    motion_threshold: float = 0.004  # fraction of the view changed between frames that still counts as still
    change_threshold: float = 0.08   # fraction changed against the captured view that means a new page
    enabled: bool = True

    def __post_init__(self) -> None:
        self._previous: np.ndarray | None = None
        self._still_since: float | None = None
        self._captured: np.ndarray | None = None
        self._armed = True
        self._baseline_pending = False
        self._waiting = False
        self.progress = 0.0

    def rearm(self, wait_for_change: bool = False) -> None:
        """Capture again even though the view has not changed (e.g. after a recapture request); with
        `wait_for_change`, a page already lying there is only taken once the view has changed."""
        self._captured, self._waiting = None, False
        self._armed = True
        self._baseline_pending = wait_for_change

    def feed(self, frame: np.ndarray, page_present: bool, now: float) -> CaptureState:
        sig = signature(frame)
        moving = self._previous is None or difference(sig, self._previous) > self.motion_threshold
        self._previous = sig
        if self._baseline_pending:
            self._baseline_pending = False
            if page_present:                      # the paper on the desk when capture began is not taken
                self._captured, self._waiting = sig, True
        if self._captured is not None:
            if difference(sig, self._captured) <= self.change_threshold:
                self.progress = 0.0
                return CaptureState.WAITING if self._waiting else CaptureState.DONE
            self._captured, self._waiting = None, False       # the view changed: next page
        if not self.enabled or not self._armed:
            self.progress = 0.0
            return CaptureState.PAUSED
        if not page_present:
            self._still_since, self.progress = None, 0.0
            return CaptureState.NO_PAGE
        if moving:
            self._still_since, self.progress = None, 0.0
            return CaptureState.SETTLING
        if self._still_since is None:
            self._still_since = now
        self.progress = min(1.0, (now - self._still_since) / self.still_seconds) if self.still_seconds else 1.0
        if self.progress < 1.0:
            return CaptureState.STEADY
        self._captured, self._still_since, self.progress, self._waiting = sig, None, 0.0, False
        if not self.continuous:
            self._armed = False
        return CaptureState.CAPTURE
