"""Device simulators speak the real bytes; the registry keeps them out of production."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.config.paths import Profile, resources_dir
from app.config.settings import Settings
from app.devices import registry
from app.devices.errors import DeviceUnavailable, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster
from app.devices.idcard.text_block import decode_text_block
from app.domain.identity import CardType


def test_request_frames_match_the_documented_bytes():
    assert sf.encode_request(sf.FIND_CARD) == bytes.fromhex("AAAAAA9669000320 0122".replace(" ", ""))
    assert sf.encode_request(sf.STATUS) == bytes.fromhex("AAAAAA96690003 11FFED".replace(" ", ""))


def test_a_frame_with_a_bad_checksum_is_rejected():
    frame = bytearray(sf.encode_response(sf.SUCCESS, b"data"))
    frame[-1] ^= 0xFF
    with pytest.raises(sf.FrameError, match="checksum"):
        sf.decode_response(bytes(frame))


@given(st.binary(max_size=300))
def test_frame_decoder_raises_only_its_typed_error(data):
    try:
        sf.decode_response(data)
    except sf.FrameError:
        pass


def test_simulated_reader_serves_a_card_once_until_it_is_lifted():
    reader = SimulatedIdCardReader(load_roster(resources_dir()))
    reader.open()
    with pytest.raises(NoCard):
        reader.read_card()
    reader.present(5)
    card = reader.read_card()
    assert card.identity.name == "刘芳" and card.identity.nation == "壮"
    assert card.appended_address.startswith("浙江省杭州市余杭区")
    assert len(card.photo_wlt) == 1024
    with pytest.raises(NoCard):
        reader.read_card()
    reader.lift()
    reader.present(7)
    assert reader.read_card().identity.card_type is CardType.HMT_RESIDENCE


def test_the_simulated_read_response_has_the_documented_size():
    reader = SimulatedIdCardReader(load_roster(resources_dir()))
    reader.present(0)
    reader.module.handle(sf.encode_request(sf.FIND_CARD))
    reader.module.handle(sf.encode_request(sf.SELECT_CARD))
    frame = reader.module.handle(sf.encode_request(sf.READ_TEXT_PHOTO))
    assert len(frame) == 1295 and frame[5:7] == b"\x05\x08"
    identity = decode_text_block(frame[14:270])
    assert identity.long_term and identity.id_number == "33010619650312031X"


def test_simulators_are_refused_in_production(tmp_path):
    with pytest.raises(DeviceUnavailable, match="正式环境"):
        registry.make_idcard_reader(Settings(idcard_driver="simulator"), Profile.PRODUCTION, resources_dir())
    with pytest.raises(DeviceUnavailable, match="正式环境"):
        registry.make_social_security_reader(Settings(sscard_driver="simulator"), Profile.PRODUCTION, resources_dir())
    with pytest.raises(DeviceUnavailable, match="正式环境"):
        registry.make_printer(Settings(printer_driver="simulator"), Profile.PRODUCTION, tmp_path)


def test_printers_follow_the_profile_and_the_receipt_setting(tmp_path):
    from app.devices.printer.escpos_printer import EscPosPrinter
    from app.devices.printer.simulator import SimulatedPrinter
    from app.devices.printer.spooler import SpoolerPrinter

    assert isinstance(registry.make_printer(Settings(), Profile.TRAINING, tmp_path), SimulatedPrinter)
    a4 = registry.make_printer(Settings(a4_printer="HP LaserJet"), Profile.PRODUCTION, tmp_path)
    assert isinstance(a4, SpoolerPrinter) and a4.name == "HP LaserJet"
    assert registry.make_receipt_printer(Settings(), a4) is a4
    thermal = registry.make_receipt_printer(Settings(receipt_printer="tcp://10.0.0.9:9100"), a4)
    assert isinstance(thermal, EscPosPrinter) and thermal.kwargs["host"] == "10.0.0.9"
    other = registry.make_receipt_printer(Settings(receipt_printer="GP-80 回执"), a4)
    assert isinstance(other, SpoolerPrinter) and other.name == "GP-80 回执"
    assert registry.make_camera(Settings(camera_driver="simulator"), Profile.TRAINING) is not None
    with pytest.raises(DeviceUnavailable, match="正式环境"):
        registry.make_camera(Settings(camera_driver="simulator"), Profile.PRODUCTION)
    with pytest.raises(DeviceUnavailable, match="正式环境"):
        registry.make_camera(Settings(camera_driver="video", camera_video="desk.avi"), Profile.PRODUCTION)
    with pytest.raises(DeviceUnavailable, match="camera_video"):
        registry.make_camera(Settings(camera_driver="video"), Profile.TRAINING)
    with pytest.raises(DeviceUnavailable, match="qt"):
        registry.make_camera(Settings(camera_driver="twain"), Profile.PRODUCTION)


def test_simulated_camera_renders_a_document_on_a_desk():
    from app.devices.camera.simulator import SimulatedCamera

    cam = SimulatedCamera(still_size=(800, 600), seed=1)
    cam.place("出生医学证明", settled=True)
    cam.open()
    frame = cam.capture_still()
    assert frame.shape == (600, 800, 3)
    centre = frame[250:350, 350:450].mean()
    corner = frame[:40, :40].mean()
    assert centre > corner + 40     # a bright page in the middle of a darker desk


def test_printer_simulator_writes_the_pdf(tmp_path: Path):
    from app.devices.printer.base import PrintJob
    from app.devices.printer.simulator import SimulatedPrinter

    result = SimulatedPrinter(tmp_path).print_pdf(PrintJob("受理回执 ZC01-20261124-0001", b"%PDF-1.4 test"))
    assert result.output.read_bytes() == b"%PDF-1.4 test"
