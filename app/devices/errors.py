"""Typed device failures; str(error) is a sentence the clerk can act on."""

from app.i18n import N_, _


class DeviceError(Exception):
    """A device failed; the message tells the clerk what to do."""


class DeviceUnavailable(DeviceError):
    """The device is not connected, not configured or not allowed in this profile."""


class CardReadError(DeviceError):
    """The card could not be read (damaged card, card lifted, module error)."""


class NoCard(CardReadError):
    """No card on the reader."""

    def __init__(self, message: str = N_("请将身份证放在阅读器上")):
        super().__init__(_(message))


class CaptureError(DeviceError):
    """The camera could not deliver a picture."""


class PrinterError(DeviceError):
    """The printer refused or failed the job; the job is kept for a retry."""
