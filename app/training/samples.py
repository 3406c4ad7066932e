"""Sample answers a scripted citizen gives for each form field (demo and training scenarios)."""

SAMPLE_ANSWERS: dict[str, str] = {
    "phone": "13812345678",
    "address": "浙江省杭州市西湖区文三路100号",       # told by applicants whose card carries no address
    "bank_account": "6222021202012345678",
    "bank_name": "中国工商银行示范支行",
    "child_name": "李小满",
    "child_birth_date": "2026-11-18",
    "child_sex": "女",
    "birth_cert_no": "Q330123456",
    "household_size": "3",
    "monthly_income": "860",
    "disability_category": "肢体",
    "disability_level": "二级",
    "destination": "上海市",
    "referral_type": "异地长期居住",
    "disease": "糖尿病",
    "employer": "示范机械厂",
    "retire_date": "2026-11-01",
    "device_type": "手动轮椅",
    "spouse_name": "张强",
    "emergency_reason": "家庭主要劳动力突发重病住院，医疗费用支出较大，基本生活暂时困难。",
    "care_level": "中度失能",
    "residence_start": "2026-05-01",
    "work_unit": "示范科技有限公司",
    "hukou_relation": "本人",
    "pension_start": "2026-12",
}

# (bundle, roster index of the applicant, single item) for consecutive demo visits
DEMO_VISITS: list[tuple[str, int, str]] = [
    ("BD-BIRTH", 1, "SB001"),
    ("BD-RETIRE", 0, "SB003"),
    ("BD-DISABILITY", 4, "CL003"),
    ("BD-RESIDENT", 5, "YB003"),
]
