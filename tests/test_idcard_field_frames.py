"""Frames captured from real ID-card readers (../shared/testdata/idcard, personal data replaced), and the forms
such captures arrive in: with an outer wrapper or a stray byte, as the bare payload SDKs hand out, as hex or
Base64 text. Each decodes to the fields expected.json gives, or is named for what it is (a status reply, a
request). The simulator's own frames are tested in test_sam_protocol.py."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli_idcard import decode_bytes
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.captures import read_capture
from app.devices.idcard.text_block import TEXT_SIZE

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("ZONGCHUANG_TESTDATA", ROOT.parent / "shared" / "testdata")) / "idcard"
pytestmark = pytest.mark.skipif(not (TESTDATA / "expected.json").exists(),
                                reason=f"the real reader captures are not here ({TESTDATA})")
NATIONS = {"01": "汉"}
STATUS = {"31": "auth", "80": "no_card", "41": "card", "81": "card", "9F": "found", "90": "success"}


def expected() -> dict:
    return json.loads((TESTDATA / "expected.json").read_text(encoding="utf-8"))["items"]


def with_fields() -> list[str]:
    return sorted(name for name, item in expected().items() if "expected_fields" in item)


def frames() -> list[str]:
    return [name for name in with_fields() if "frame" in name]


def read(name: str) -> bytes:
    return (TESTDATA / name).read_bytes()


def _date(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def assert_fields(result: dict, want: dict) -> None:
    f = result["fields"]
    assert f["name"] == want["name"] and f["address"] == want["address"] and f["id_number"] == want["id_number"]
    assert f["sex"] == want["sex"] and f["sex_label"] == {"1": "男", "2": "女"}[want["sex"]]
    assert f["nation"] == NATIONS[want["nation_code"]]
    assert f["birth_date"] == _date(want["birth"]) and f["valid_from"] == _date(want["valid_from"])
    assert f["issuing_authority"] == want["issuing_authority"]
    if want["valid_to"] == "长期":
        assert f["long_term"] is True and f["valid_to"] is None
    else:
        assert f["long_term"] is False and f["valid_to"] == _date(want["valid_to"])
    assert result["card_type"] == "resident"


@pytest.mark.parametrize("name", with_fields() if TESTDATA.exists() else [])
def test_every_real_text_decodes_to_its_expected_fields(name):
    result = decode_bytes(read(name), masked=False)
    assert_fields(result, expected()[name]["expected_fields"])
    if "frame" in name:
        assert result["kind"] == "response_frame" and result["photo_bytes"] == 1024


@pytest.mark.parametrize("name", sorted(n for n in (expected() if TESTDATA.exists() else {}) if n.endswith(".hex")))
def test_every_real_status_reply_and_request_is_named_for_what_it_is(name):
    result = decode_bytes(read(name))
    meaning = expected()[name]["expected_meaning"]
    if "REQUEST" in meaning:
        assert result["kind"] == "request_frame"
        assert result["request"] == ("find_card" if "find" in meaning else "read_text_photo")
        return
    code = meaning.split()[0]
    assert result["kind"] == "response_frame" and result["sw3"] == code and result["outcome"] == STATUS[code]
    if code in ("90", "9F"):                   # a success reply of another length is no card read
        assert "fields" not in result and result["data_bytes"] == {"90": 8, "9F": 4}[code]


@pytest.mark.parametrize("name", frames() if TESTDATA.exists() else [])
def test_the_forms_captures_arrive_in_decode_to_the_same_fields(name):
    frame = read(name)
    want = expected()[name]["expected_fields"]
    payload = sf.decode_response(frame).data
    forms = {
        "stray byte after": frame + b"\x00",
        "outer wrapper": bytes.fromhex("AA0512A010") + frame,
        "bare payload": payload,
        "Base64 text": base64.b64encode(frame) + b"\n",
        "hex text": " ".join(f"{b:02X}" for b in frame).encode(),
        "payload as Base64": base64.b64encode(payload),
    }
    for form, data in forms.items():
        result = decode_bytes(data, masked=False)
        assert_fields(result, want)
        assert result["photo_bytes"] == 1024, form
    assert read_capture(forms["outer wrapper"]).skipped_before == 5
    assert read_capture(forms["stray byte after"]).skipped_after == 1
    assert read_capture(forms["Base64 text"]).encoding == "base64"


@pytest.mark.parametrize("fingerprint, frame_size", [(0, 1297), (512, 1809), (1024, 2321)])
def test_a_read_with_fingerprint_has_the_sizes_real_readers_send(fingerprint, frame_size):
    card = sf.split_card_data(sf.decode_response(read(frames()[0])).data)
    frame = sf.encode_response(sf.SUCCESS, sf.encode_card_data(card.text, card.photo, b"\x01" * fingerprint))
    assert len(frame) == frame_size
    result = decode_bytes(frame, masked=False)
    assert result["fingerprint_bytes"] == fingerprint and result["fields"]["name"] == "测试样例"


@pytest.mark.parametrize("code, label", [("0", "未知"), ("9", "未说明")])
def test_the_sex_codes_for_unknown_and_not_stated_are_named(code, label):
    text = bytearray(read(next(n for n in with_fields() if "text_text" in n)))
    assert len(text) == TEXT_SIZE
    text[30:32] = code.encode("utf-16-le")
    result = decode_bytes(bytes(text), masked=False)
    assert result["fields"]["sex"] == code and result["fields"]["sex_label"] == label


def test_idcard_decode_masks_unless_asked_for_the_full_text(tmp_path):
    name = frames()[0]
    want = expected()[name]["expected_fields"]
    saved = tmp_path / "capture.b64"
    saved.write_bytes(base64.b64encode(bytes.fromhex("AA0512A010") + read(name) + b"\x07"))

    def run(*extra: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "app", "idcard", "decode", str(saved), *extra], cwd=ROOT,
                              env={**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home")},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    masked = run()
    assert want["name"] not in json.dumps(masked, ensure_ascii=False)
    assert want["id_number"] not in json.dumps(masked) and masked["fields"]["id_number"].endswith(want["id_number"][-4:])
    full = run("--full")
    assert full["fields"]["name"] == want["name"] and full["fields"]["id_number"] == want["id_number"]
    assert full["fields"]["address"] == want["address"]
    assert full["skipped_bytes"] == {"before": 5, "after": 1} and full["encoding"] == "base64"


def test_a_frame_cut_short_or_a_stranger_is_refused_with_its_reason():
    frame = read(frames()[0])
    with pytest.raises(sf.FrameError, match="cut short"):
        read_capture(frame[:600])
    with pytest.raises(sf.FrameError, match="checksum"):
        read_capture(frame[:-1] + bytes([frame[-1] ^ 0xFF]))
    with pytest.raises(sf.FrameError, match="no frame preamble"):
        read_capture(b"\x01\x02\x03" * 50)
