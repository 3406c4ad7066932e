"""Applicant and agent identity: ID numbers (GB 11643), masking, card types, nations (GB/T 3304)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from app.domain.errors import ValidationError
from app.i18n import N_, _
from app.redaction import remember

NATIONS: dict[str, str] = {  # i18n: data (the ethnic groups as the ID card and forms name them)
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
    "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
    "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
    "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
    "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
    "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
    "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

_ASCII_ID = re.compile(r"[0-9]{17}[0-9X]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


class Sex(StrEnum):
    """The sex codes of GB/T 2261.1, as the card and the social-security card carry them."""

    UNKNOWN = "0"          # 未知的性别
    MALE = "1"
    FEMALE = "2"
    UNSPECIFIED = "9"      # 未说明的性别

    @property
    def label(self) -> str:
        return _(_SEX_LABELS[self])

    @classmethod
    def of_code(cls, code: str) -> Sex | None:
        """The sex a card's code (or the words 男 / 女 some vendors' libraries give) stands for."""
        code = (code or "").strip()
        return cls._value2member_map_.get(code) or _SEX_WORDS.get(code)


_SEX_LABELS = {Sex.UNKNOWN: N_("未知"), Sex.MALE: N_("男"), Sex.FEMALE: N_("女"), Sex.UNSPECIFIED: N_("未说明")}
_SEX_WORDS = {"男": Sex.MALE, "女": Sex.FEMALE}  # i18n: data (what vendors' libraries return)


class CardType(StrEnum):
    RESIDENT = "resident"              # 居民身份证
    HMT_RESIDENCE = "hmt_residence"    # 港澳台居民居住证 (J)
    FOREIGNER_OLD = "foreigner_old"    # 外国人永久居留身份证, old format (I)
    FOREIGNER_2023 = "foreigner_2023"  # 外国人永久居留身份证, 2023 format (Y)
    SOCIAL_SECURITY = "social_security"  # 社会保障卡 (its number is normally the ID number)
    MANUAL = "manual"                  # typed in by the clerk

    @property
    def label(self) -> str:
        return {
            CardType.RESIDENT: _("居民身份证"),
            CardType.HMT_RESIDENCE: _("港澳台居民居住证"),
            CardType.FOREIGNER_OLD: _("外国人永久居留身份证"),
            CardType.FOREIGNER_2023: _("外国人永久居留身份证"),
            CardType.SOCIAL_SECURITY: _("社会保障卡"),
            CardType.MANUAL: _("手工录入"),
        }[self]

    @property
    def is_identity_document(self) -> bool:
        """Read from an identity document itself (so the ID-card material is in hand)."""
        return self not in (CardType.MANUAL, CardType.SOCIAL_SECURITY)


def card_date(text: str) -> date | None:
    """A date as identity cards store it, YYYYMMDD; None when the text is not one."""
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class IdNumberCheck:
    """Outcome of checking an ID number: an error rejects it, warnings only inform the clerk."""

    number: str
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.error is None


def _region_known(code: str) -> bool:
    """Whether a GB/T 2260 county code ever existed. Numbers keep the code of where they were issued,
    which may postdate the birth, so the code's period is not compared with the birth year."""
    return any("county" in props for _unused, props in numdb.get("cn/loc").info(code))


def check_id_number(raw: str) -> IdNumberCheck:
    """Check an 18-character resident ID number; an unknown region is a warning, not an error."""
    number = (raw or "").strip().upper()
    if len(number) != 18:
        return IdNumberCheck(number, _("身份证号码应为18位"))
    if any("０" <= c <= "９" or c in "Ｘｘ" for c in number):
        return IdNumberCheck(number, _("身份证号码含全角字符，请切换为半角后输入"))
    if not _ASCII_ID.fullmatch(number):         # str.isdigit() would also take "²" and fullwidth digits
        return IdNumberCheck(number, _("身份证号码只能包含数字，最后一位可以是X"))
    try:
        ric.get_birth_date(number)
    except InvalidComponent:
        return IdNumberCheck(number, _("身份证号码中的出生日期无效"))
    if check_digit(number[:17]) != number[17]:
        return IdNumberCheck(number, _("身份证号码校验位不正确，请核对"))
    if not _region_known(number[:6]):
        return IdNumberCheck(number, None, (_("身份证号码的地区代码不在已知行政区划中，请核对"),))
    return IdNumberCheck(number)


# Region prefixes of residence permits for Hong Kong, Macao and Taiwan residents (not in GB/T 2260).
HMT_REGIONS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}  # i18n: data


def check_document_number(card_type: CardType, raw: str) -> IdNumberCheck:
    """Check the number of any identity document; what cannot be verified for certain only warns.

    Resident cards and manual entries follow GB 11643 strictly. J permits use the same rule with the
    810000/820000/830000 regions. Foreigner cards were authenticated by the reader's security module,
    so a number that breaks the published format only warns: 2023 cards (Y) carry 18 characters that
    start with 9 and end in a GB 11643 check character; old cards (I) carry 3 letters and 12 digits.
    """
    number = (raw or "").strip().upper()
    if card_type in (CardType.RESIDENT, CardType.MANUAL, CardType.SOCIAL_SECURITY):
        return check_id_number(number)
    if card_type is CardType.HMT_RESIDENCE:
        check = check_id_number(number)
        if check.valid and number[:6] in HMT_REGIONS:
            return IdNumberCheck(number)
        if check.valid:
            return IdNumberCheck(number, None, (_("居住证号码的地区代码应为810000、820000或830000，请核对"),))
        return check
    if card_type is CardType.FOREIGNER_2023:
        ok = (len(number) == 18 and number.isascii() and number[0] == "9" and number[:17].isdigit()
              and check_digit(number[:17]) == number[17])
        return IdNumberCheck(number, None, () if ok else (_("永久居留身份证号码格式或校验位异常，请核对"),))
    ok = len(number) == 15 and number.isascii() and number[:3].isalpha() and number[3:].isdigit()
    return IdNumberCheck(number, None, () if ok else (_("永久居留身份证号码格式异常，请核对"),))


def mask_id_number(number: str) -> str:
    """Mask an ID number for lists, logs and printouts: 330106********1234."""
    n = (number or "").strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_name(name: str) -> str:
    """Mask a personal name for logs: 张*, 欧阳**."""
    n = (name or "").strip()
    if len(n) <= 1:
        return "*" * len(n)
    keep = 2 if len(n) >= 4 else 1
    return n[:keep] + "*" * (len(n) - keep)


@dataclass(frozen=True)
class Identity:
    """A person as read from an identity card or typed in by the clerk."""

    name: str
    id_number: str
    sex: Sex | None = None
    nation: str = ""
    birth_date: date | None = None
    address: str = ""
    issuing_authority: str = ""
    valid_from: date | None = None
    valid_to: date | None = None       # None with long_term=True means 长期
    long_term: bool = False
    card_type: CardType = CardType.RESIDENT
    phone: str = ""
    english_name: str = ""             # foreigner's permanent residence cards
    nationality: str = ""              # GB/T 2659 alpha-3 code (foreigner cards)
    pass_number: str = ""              # 通行证号码 on the J residence permit
    issue_count: str = ""              # 签发次数 (J) or 换证次数 (Y)

    def __post_init__(self) -> None:
        # Whoever this process meets is masked in every later log line and crash report.
        remember(self.name, self.id_number, self.address, self.phone, self.english_name, self.pass_number)

    def is_expired(self, on: date) -> bool:
        return not self.long_term and self.valid_to is not None and self.valid_to < on

    def warnings(self, on: date) -> list[str]:
        """Everything the clerk should be told about this identity (none of it blocks intake)."""
        out: list[str] = []
        if self.is_expired(on):
            out.append(_("证件已于{valid_to:%Y年%m月%d日}过期").format(valid_to=self.valid_to))
        check = check_document_number(self.card_type, self.id_number)
        if check.error:
            out.append(check.error)
        out.extend(check.warnings)
        return out

    def validate(self) -> None:
        """Reject what cannot be used for a case: no name, or an invalid resident ID number."""
        if not self.name.strip():
            raise ValidationError(_("请填写姓名"), "name")
        check = check_document_number(self.card_type, self.id_number)
        if check.error:
            raise ValidationError(check.error, "id_number")

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("birth_date", "valid_from", "valid_to"):
            d[k] = d[k].isoformat() if d[k] else None
        d["sex"] = self.sex.value if self.sex else None
        d["card_type"] = self.card_type.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Identity:
        def day(v):
            return date.fromisoformat(v) if v else None

        return cls(
            name=d["name"], id_number=d["id_number"], sex=Sex(d["sex"]) if d.get("sex") else None,
            nation=d.get("nation", ""), birth_date=day(d.get("birth_date")), address=d.get("address", ""),
            issuing_authority=d.get("issuing_authority", ""), valid_from=day(d.get("valid_from")),
            valid_to=day(d.get("valid_to")), long_term=d.get("long_term", False),
            card_type=CardType(d.get("card_type", "resident")), phone=d.get("phone", ""),
            english_name=d.get("english_name", ""), nationality=d.get("nationality", ""),
            pass_number=d.get("pass_number", ""), issue_count=d.get("issue_count", ""),
        )

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)


@dataclass(frozen=True)
class Agent:
    """Someone applying on the applicant's behalf (代办人)."""

    identity: Identity
    relation: str = field(default="")

    def to_dict(self) -> dict:
        return {"identity": self.identity.to_dict(), "relation": self.relation}

    @classmethod
    def from_dict(cls, d: dict) -> Agent:
        return cls(Identity.from_dict(d["identity"]), d.get("relation", ""))
