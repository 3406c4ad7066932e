"""Nothing personal reaches the log file: ID numbers in every written form, phones, bank cards, addresses,
and the name of anyone the process has met, in messages, arguments and tracebacks alike."""

from __future__ import annotations

import logging

from app.domain.identity import Identity
from app.logging_setup import configure_logging
from app.redaction import redact


def logged(tmp_path, emit) -> str:
    configure_logging(tmp_path)
    emit(logging.getLogger("test.masking"))
    for h in logging.getLogger().handlers:
        h.flush()
    return (tmp_path / "zongchuang.log").read_text(encoding="utf-8")


def test_a_traceback_carrying_personal_data_is_masked(tmp_path):
    person = Identity(name="欧阳秀兰", id_number="110101199003074477", address="北京市东城区景山前街4号2单元301室")

    def emit(log):
        try:
            raise ValueError(f"duplicate applicant {person.name} {person.id_number} at {person.address}")
        except ValueError:
            log.exception("saving failed for %s", person.name)

    text = logged(tmp_path, emit)
    assert "Traceback" in text and "ValueError" in text            # the traceback is there, masked
    assert person.name not in text and person.id_number not in text and "景山前街4号" not in text
    assert "110101********4477" in text and "欧阳**" in text


def test_every_written_form_of_a_number_is_masked(tmp_path):
    samples = {
        "330106650312031": "330106*****2031",               # a first-generation 15-digit number
        "330106 19650312 031X": "330106********031X",        # grouped as people write it
        "3301-0619-6503-1203-1X": "330106********031X",
        "13812345678": "138****5678", "138 1234 5678": "138****5678",
        "6222021202012345678": "6222********5678",            # a bank card
    }
    text = logged(tmp_path, lambda log: [log.info("value %s", raw) for raw in samples])
    for raw, masked in samples.items():
        assert raw not in text and masked in text


def test_what_is_not_personal_stays_readable():
    line = "2026-12-02 09:30:12,345 INFO case ZC01-20261124-0001 synced, 3 attachments, sha 3f2a88123456abcdef"
    assert redact(line) == line
    assert redact("材料文件已损坏（校验不符）") == "材料文件已损坏（校验不符）"


def test_an_address_written_to_the_house_number_is_masked_even_from_a_stranger():
    assert redact("住址：浙江省杭州市西湖区文三路90号") == "住址：浙江省****"
