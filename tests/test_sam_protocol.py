"""The SAM frame codec and the text-block decoder, against the documented bytes and arbitrary input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.devices.idcard import sam_frame as sf
from app.devices.idcard.text_block import card_type_of, decode_appended_address, decode_text_block
from app.domain.identity import CardType, Sex

# --- frames ---------------------------------------------------------------------------------------


def test_documented_request_frames():
    assert sf.encode_request(sf.FIND_CARD) == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert sf.encode_request(sf.STATUS) == bytes.fromhex("AAAAAA9669 0003 11FF ED")


@given(st.sampled_from([sf.RESET, sf.STATUS, sf.READ_MODULE_ID, sf.FIND_CARD, sf.SELECT_CARD,
                        sf.READ_TEXT_PHOTO, sf.READ_APPENDED_ADDRESS]), st.binary(max_size=64))
def test_request_round_trip(command, data):
    assert sf.decode_request(sf.encode_request(command, data)) == (command, data)


@given(st.integers(0, 255), st.binary(max_size=1500), st.integers(0, 255), st.integers(0, 255))
def test_response_round_trip(sw3, data, sw1, sw2):
    frame = sf.encode_response(sw3, data, sw1, sw2)
    assert int.from_bytes(frame[5:7], "big") == len(frame) - 7
    assert sf.decode_response(frame) == sf.Response(sw1, sw2, sw3, data)


CODES = {0x90: sf.Outcome.SUCCESS, 0x9F: sf.Outcome.FOUND, 0x91: sf.Outcome.NO_CONTENT, 0x80: sf.Outcome.NO_CARD,
         0x10: sf.Outcome.REQUEST_REJECTED, 0x11: sf.Outcome.REQUEST_REJECTED, 0x21: sf.Outcome.REQUEST_REJECTED,
         0x23: sf.Outcome.REQUEST_REJECTED, 0x24: sf.Outcome.MODULE_FAULT, 0x31: sf.Outcome.AUTH_FAILED,
         0x32: sf.Outcome.AUTH_FAILED, 0x33: sf.Outcome.AUTH_FAILED, 0x40: sf.Outcome.CARD_UNREADABLE,
         0x41: sf.Outcome.CARD_UNREADABLE, 0x47: sf.Outcome.CARD_UNREADABLE, 0x60: sf.Outcome.MODULE_FAULT,
         0x66: sf.Outcome.MODULE_FAULT, 0x81: sf.Outcome.CARD_UNREADABLE}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_documented_result_code_has_an_outcome_and_a_chinese_message(code):
    response = sf.decode_response(sf.encode_response(code))
    assert response.outcome is CODES[code]
    assert response.message and "未知" not in response.message


def test_an_undocumented_code_is_unknown_not_an_error():
    response = sf.decode_response(sf.encode_response(0x77))
    assert response.outcome is sf.Outcome.UNKNOWN and "77" in response.message


def test_bad_checksum_length_and_truncation_are_frame_errors():
    frame = sf.encode_response(0x90, b"abc")
    with pytest.raises(sf.FrameError, match="checksum"):
        sf.decode_response(frame[:-1] + bytes([frame[-1] ^ 1]))
    with pytest.raises(sf.FrameError, match="length"):
        sf.decode_response(frame[:5] + b"\x00\x09" + frame[7:])
    with pytest.raises(sf.FrameError):
        sf.decode_response(frame[:-2])
    with pytest.raises(sf.FrameError, match="preamble"):
        sf.decode_response(b"\x00" + frame[1:])
    with pytest.raises(sf.FrameError, match="status"):
        sf.decode_response(sf.encode_frame(b"\x00\x00"))


def test_read_response_layout_matches_the_documented_offsets():
    text, photo = bytes(range(256)), bytes(1024)
    frame = sf.encode_response(0x90, sf.encode_card_data(text, photo))
    assert len(frame) == 1295 and frame[5:7] == b"\x05\x08" and frame[7:10] == b"\x00\x00\x90"
    assert frame[10:12] == b"\x01\x00" and frame[12:14] == b"\x04\x00" and frame[14:270] == text
    data = sf.split_card_data(sf.decode_response(frame).data)
    assert (data.text, data.photo, data.fingerprint) == (text, photo, b"")
    with_fp = sf.encode_response(0x90, sf.encode_card_data(text, photo, b"\x07" * 1024))
    assert with_fp[14:16] == b"\x04\x00" and with_fp[16:272] == text      # a third length, then text moves by 2
    assert sf.split_card_data(sf.decode_response(with_fp).data, with_fingerprint=True).fingerprint == b"\x07" * 1024
    with pytest.raises(sf.FrameError):
        sf.split_card_data(sf.decode_response(frame).data[:-1])


def test_module_id_is_printed_as_vendors_do():
    raw = bytes.fromhex("05000100e3d834011492dc00a41d5783")
    assert sf.format_module_id(raw) == "05.01-20240611-0014455316-2203524516"
    with pytest.raises(sf.FrameError):
        sf.format_module_id(raw[:15])


@settings(max_examples=400)
@given(st.binary(max_size=1400))
def test_arbitrary_bytes_never_raise_anything_but_frame_error(data):
    for decode in (sf.decode_response, sf.decode_request, sf.split_card_data):
        try:
            decode(data)
        except sf.FrameError:
            pass


@settings(max_examples=300)
@given(st.binary(min_size=3, max_size=1300))
def test_well_framed_garbage_decodes_or_raises_frame_error(body):
    response = sf.decode_response(sf.encode_frame(body))
    try:
        data = sf.split_card_data(response.data)
        decode_text_block(data.text)
    except sf.FrameError:
        pass


# --- text blocks, built by hand at the documented offsets ------------------------------------------


def block(fields: dict[int, str]) -> bytes:
    raw = bytearray(" ".encode("utf-16-le") * 128)
    for offset, value in fields.items():
        encoded = value.encode("utf-16-le")
        raw[offset:offset + len(encoded)] = encoded
    return bytes(raw)


def test_resident_card_with_long_term_validity():
    identity = decode_text_block(block({0: "张伟明", 30: "1", 32: "01", 36: "19650312", 52: "浙江省杭州市西湖区文三路218号",
                                        122: "33010619650312031x", 158: "杭州市公安局西湖分局", 188: "20150601",
                                        204: "长期"}))
    assert identity.card_type is CardType.RESIDENT
    assert (identity.name, identity.sex, identity.nation) == ("张伟明", Sex.MALE, "汉")
    assert identity.id_number == "33010619650312031X"
    assert identity.birth_date == date(1965, 3, 12) and identity.valid_from == date(2015, 6, 1)
    assert identity.long_term and identity.valid_to is None and not identity.is_expired(date(2099, 1, 1))
    assert identity.address == "浙江省杭州市西湖区文三路218号" and identity.issuing_authority == "杭州市公安局西湖分局"
    assert identity.warnings(date(2026, 11, 24)) == []


@pytest.mark.parametrize(("code", "nation"), [("97", "其他"), ("98", "外国血统中国籍人士"), ("56", "基诺"), ("99", "")])
def test_nation_codes_including_97_and_98(code, nation):
    assert decode_text_block(block({0: "某人", 32: code, 122: "330106196503120314"})).nation == nation


def test_expired_card_and_bad_number_are_warnings():
    identity = decode_text_block(block({0: "阿依古丽·买买提", 30: "2", 32: "05", 122: "650102199502080647",
                                        188: "20130510", 204: "20230510"}))
    warnings = identity.warnings(date(2026, 11, 24))
    assert any("过期" in w for w in warnings) and any("校验位" in w for w in warnings)


def test_hmt_residence_permit():
    identity = decode_text_block(block({0: "黄家明", 30: "1", 36: "19870618", 122: "810000198706180451",
                                        204: "20270808", 220: "H60214587", 238: "01", 248: "J"}))
    assert identity.card_type is CardType.HMT_RESIDENCE and identity.nation == ""
    assert (identity.pass_number, identity.issue_count) == ("H60214587", "01")
    assert identity.warnings(date(2026, 11, 24)) == []          # 810000 is Hong Kong, not an unknown region


def test_old_foreigner_card():
    identity = decode_text_block(block({0: "SMITH, JOHN WILLIAM", 120: "1", 122: "USA330165010101", 152: "USA",
                                        158: "约翰·史密斯", 188: "20150310", 204: "20350310", 220: "19650101",
                                        236: "1500", 240: "3300", 248: "I"}))
    assert identity.card_type is CardType.FOREIGNER_OLD
    assert (identity.name, identity.english_name, identity.nationality) == ("约翰·史密斯", "SMITH, JOHN WILLIAM", "USA")
    assert identity.birth_date == date(1965, 1, 1) and identity.valid_to == date(2035, 3, 10)
    assert identity.sex is Sex.MALE and identity.id_number == "USA330165010101"
    assert identity.warnings(date(2026, 11, 24)) == []


def test_2023_foreigner_card_with_a_continued_english_name():
    english = "GARCIA MARTINEZ, MARIA DE LOS ANGELES"
    identity = decode_text_block(block({0: "玛丽亚·加西亚", 30: "2", 32: "00", 36: "19900315", 52: english[:35],
                                        122: "933724199003150014", 188: "20240105", 204: "20340105",
                                        220: english[35:], 242: "ESP", 248: "Y"}))
    assert identity.card_type is CardType.FOREIGNER_2023
    assert identity.english_name == english and identity.nationality == "ESP"
    assert identity.birth_date == date(1990, 3, 15) and identity.issue_count == "00"
    assert identity.warnings(date(2026, 11, 24)) == []
    broken = decode_text_block(block({0: "某人", 122: "933724199003150015", 248: "Y"}))
    assert any("永久居留" in w for w in broken.warnings(date(2026, 11, 24)))


def test_unknown_region_is_a_warning_not_a_rejection():
    identity = decode_text_block(block({0: "周明", 122: "330114199205170021"}))
    assert identity.warnings(date(2026, 11, 24)) == ["身份证号码的地区代码不在已知行政区划中，请核对"]
    identity.validate()


def test_fields_are_trimmed_of_padding_and_nuls():
    identity = decode_text_block(block({0: "李\x00秀英  ", 52: "  某地\x00\x00"}))
    assert identity.address == "某地"
    assert card_type_of(block({248: "X"})) is CardType.RESIDENT


def test_appended_address():
    assert decode_appended_address(("文一西路969号" + " " * 30).encode("utf-16-le")[:70]) == "文一西路969号"
    assert decode_appended_address(b"\x41") == ""


@settings(max_examples=400)
@given(st.binary(min_size=256, max_size=256))
def test_any_256_bytes_decode_or_raise_frame_error(data):
    try:
        identity = decode_text_block(data)
    except sf.FrameError:
        return
    identity.warnings(date(2026, 11, 24))


@given(st.binary(max_size=600).filter(lambda b: len(b) != 256))
def test_wrong_sized_text_block_is_a_frame_error(data):
    with pytest.raises(sf.FrameError):
        decode_text_block(data)
