"""The card's 256-byte text block (UCS-2 little-endian, space padded): decoding, and encoding for the simulator.

Four layouts share the block; the character at offset 248 tells them apart: `J` residence permit for
Hong Kong, Macao and Taiwan residents, `I` old and `Y` 2023 foreigner's permanent residence cards,
anything else the resident ID card.
"""

from __future__ import annotations

from app.devices.idcard.sam_frame import FrameError
from app.domain.identity import NATIONS, CardType, Identity, Sex, card_date

TEXT_SIZE = 256
LONG_TERM = "长期"
TYPE_OFFSET = 248

# (offset, size) in bytes of each field, per layout
RESIDENT_LAYOUT = {
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
    "id": (122, 36), "authority": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
    "type": (248, 2),
}
HMT_LAYOUT = {**RESIDENT_LAYOUT, "pass_number": (220, 18), "issue_count": (238, 4)}
FOREIGNER_OLD_LAYOUT = {
    "english_name": (0, 120), "sex": (120, 2), "id": (122, 30), "nationality": (152, 6), "name": (158, 30),
    "valid_from": (188, 16), "valid_to": (204, 16), "birth": (220, 16), "version": (236, 4),
    "authority": (240, 8), "type": (248, 2),
}
FOREIGNER_2023_LAYOUT = {
    "name": (0, 30), "sex": (30, 2), "issue_count": (32, 4), "birth": (36, 16), "english_name": (52, 70),
    "english_name_more": (220, 22), "id": (122, 36), "valid_from": (188, 16), "valid_to": (204, 16),
    "nationality": (242, 6), "type": (248, 2), "previous_number_link": (250, 6),
}
LAYOUTS = {
    CardType.RESIDENT: RESIDENT_LAYOUT, CardType.HMT_RESIDENCE: HMT_LAYOUT,
    CardType.FOREIGNER_OLD: FOREIGNER_OLD_LAYOUT, CardType.FOREIGNER_2023: FOREIGNER_2023_LAYOUT,
}
TYPE_MARKERS = {CardType.HMT_RESIDENCE: "J", CardType.FOREIGNER_OLD: "I", CardType.FOREIGNER_2023: "Y"}

# Issuing authority of foreigner's permanent residence cards (the old card stores a code only).
FOREIGNER_AUTHORITY = "中华人民共和国国家移民管理局"

# GB/T 2659 (ISO 3166) alpha-3 codes seen most at Chinese service windows; others are shown as the code.
NATIONALITIES = {
    "USA": "美国", "CAN": "加拿大", "GBR": "英国", "FRA": "法国", "DEU": "德国", "ITA": "意大利", "ESP": "西班牙",
    "NLD": "荷兰", "BEL": "比利时", "CHE": "瑞士", "AUT": "奥地利", "SWE": "瑞典", "NOR": "挪威", "DNK": "丹麦",
    "FIN": "芬兰", "IRL": "爱尔兰", "PRT": "葡萄牙", "POL": "波兰", "RUS": "俄罗斯", "UKR": "乌克兰",
    "JPN": "日本", "KOR": "韩国", "PRK": "朝鲜", "MNG": "蒙古", "VNM": "越南", "LAO": "老挝", "KHM": "柬埔寨",
    "THA": "泰国", "MMR": "缅甸", "MYS": "马来西亚", "SGP": "新加坡", "IDN": "印度尼西亚", "PHL": "菲律宾",
    "IND": "印度", "PAK": "巴基斯坦", "BGD": "孟加拉国", "NPL": "尼泊尔", "LKA": "斯里兰卡", "KAZ": "哈萨克斯坦",
    "KGZ": "吉尔吉斯斯坦", "UZB": "乌兹别克斯坦", "TUR": "土耳其", "IRN": "伊朗", "ISR": "以色列", "EGY": "埃及",
    "ZAF": "南非", "NGA": "尼日利亚", "KEN": "肯尼亚", "ETH": "埃塞俄比亚", "AUS": "澳大利亚", "NZL": "新西兰",
    "BRA": "巴西", "ARG": "阿根廷", "MEX": "墨西哥", "CHL": "智利", "PER": "秘鲁", "COL": "哥伦比亚",
}


def _raw(block: bytes, span: tuple[int, int]) -> str:
    off, size = span
    return block[off:off + size].decode("utf-16-le", errors="replace").replace("\x00", " ")


def _text(block: bytes, span: tuple[int, int]) -> str:
    return _raw(block, span).strip()


def card_type_of(block: bytes) -> CardType:
    marker = _text(block, (TYPE_OFFSET, 2))
    return {v: k for k, v in TYPE_MARKERS.items()}.get(marker, CardType.RESIDENT)


def decode_text_block(block: bytes) -> Identity:
    """The identity in a text block of any of the four card types; raises FrameError when malformed."""
    if len(block) != TEXT_SIZE:
        raise FrameError(f"text block must be {TEXT_SIZE} bytes, got {len(block)}")
    card_type = card_type_of(block)
    layout = LAYOUTS[card_type]
    f = {name: _text(block, span) for name, span in layout.items()}
    english = f.get("english_name", "")
    if "english_name_more" in layout:   # the 2023 card continues the English name at offset 220
        english = " ".join((_raw(block, layout["english_name"]) + _raw(block, layout["english_name_more"])).split())
    authority = f.get("authority", "")
    if card_type in (CardType.FOREIGNER_OLD, CardType.FOREIGNER_2023):
        authority = FOREIGNER_AUTHORITY
    return Identity(
        name=f["name"] or english, id_number=f["id"].upper(), sex=Sex.of_code(f["sex"]),
        nation=NATIONS.get(f.get("nation", ""), ""), birth_date=card_date(f["birth"]), address=f.get("address", ""),
        issuing_authority=authority, valid_from=card_date(f["valid_from"]), valid_to=card_date(f["valid_to"]),
        long_term=f["valid_to"] == LONG_TERM, card_type=card_type, english_name=english,
        nationality=f.get("nationality", ""), pass_number=f.get("pass_number", ""),
        issue_count=f.get("issue_count", ""),
    )


def nationality_label(code: str) -> str:
    return NATIONALITIES.get(code, code)


def encode_text_block(card_type: CardType, fields: dict[str, str]) -> bytes:
    """A text block from raw field strings in the card type's layout (the simulator serves these)."""
    layout = LAYOUTS[card_type]
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    values = {**fields, "type": TYPE_MARKERS.get(card_type, " ")}
    if card_type is CardType.FOREIGNER_2023 and len(values.get("english_name", "")) > 35:
        whole = values["english_name"]
        values["english_name"], values["english_name_more"] = whole[:35], whole[35:]
    for name, value in values.items():
        if name not in layout:
            raise KeyError(f"field {name!r} is not in the {card_type.value} layout")
        off, size = layout[name]
        raw = value.encode("utf-16-le")[:size]
        block[off:off + len(raw)] = raw
    return bytes(block)


def decode_appended_address(data: bytes) -> str:
    return data[:len(data) - len(data) % 2].decode("utf-16-le", errors="replace").replace("\x00", " ").strip()
