"""Scripted visits, headless: every example in docs/examples runs through `zongchuang desk script` and ends
where its path should, and a step that is not allowed stops the run naming the step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.domain.calendar import WorkingDayCalendar
from tests import pdf_tools

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


def run_script(tmp_path: Path, script: Path | list, check: bool = True) -> subprocess.CompletedProcess:
    if isinstance(script, list):
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / "script.json"
        path.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
        script = path
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "app", "--profile", "training", "desk", "script", str(script),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300)
    if check:
        assert run.returncode == 0, run.stderr
    return run


def district_cases(tmp_path: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "district", "cases", "--data",
                          str(tmp_path / "home" / "training" / "district"), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    return {c["case_number"]: c for c in json.loads(out.stdout)["cases"]}


def documents(report: dict, name: str) -> list[str]:
    return [d for d in report["documents"] if name in Path(d).name]


def types(case: dict) -> list[str]:
    return [e["type"] for e in case["events"]]


def test_return_after_correction(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "return-after-correction.json").stdout)
    (case,) = report["cases"]
    assert case["state"] == "accepted" and case["item"] == "MZ004"
    events = {e["type"]: e for e in case["events"]}
    assert events["correction_notice_issued"]["by"] == "xiaowang" and events["correction_resumed"]["by"] == "xiaoli"
    assert events["accepted"]["at"][:10] > events["correction_notice_issued"]["at"][:10]      # days later
    materials = {m["code"]: m["status"] for m in case["materials"]}
    assert materials["bank_card"] == "captured" and materials["hukou"] == "captured"       # kept, then added
    assert documents(report, "一次性补正告知书") and documents(report, "受理回执")


def test_supply_after_submission_reaches_the_district(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "supply-after-submission.json").stdout)
    (case,) = report["cases"]
    assert case["state"] == "submitted" and case["sync"] == "synced" and case["deferred_open"] == []
    assert types(case).index("material_supplied") > types(case).index("submitted")
    receipt = pdf_tools.flat_text(Path(documents(report, "补交回执")[0]))
    assert "容缺材料已全部补齐" in receipt and "本人银行卡或存折" in receipt
    held = district_cases(tmp_path)[case["case_number"]]
    arrived = held["event_list"]
    assert "material_supplied" in [e["type"] for e in arrived] and not any(e["parked"] for e in arrived)
    assert held["deferred_open"] == []


def test_an_overdue_deferral_is_terminated_by_the_back_office(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "overdue-deferral-terminated.json").stdout)
    (case,) = report["cases"]
    assert case["state"] == "terminated" and types(case)[-1] == "terminated"
    assert district_cases(tmp_path)[case["case_number"]]["decision"] == "terminated"


def test_a_terminated_case_cannot_be_terminated_before_its_deadline(tmp_path):
    steps = json.loads((EXAMPLES / "overdue-deferral-terminated.json").read_text(encoding="utf-8"))
    early = [s for s in steps if s["step"] != "advance"]
    run = run_script(tmp_path, early, check=False)
    index = next(i for i, s in enumerate(early, 1) if s["step"] == "back_office")
    assert run.returncode == 1 and f"第 {index} 步（back_office）未能执行" in run.stderr and "补交期限" in run.stderr


def test_a_refusal_is_approved_by_another_supervisor(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "refusal-approved-by-another.json").stdout)
    (case,) = report["cases"]
    events = {e["type"]: e["by"] for e in case["events"]}
    assert case["state"] == "refused" and events["refusal_requested"] == "xiaowang"
    assert events["refusal_approved"] == "zhaozr" and documents(report, "不予受理告知书")


def test_a_supervisor_cannot_approve_their_own_refusal(tmp_path):
    steps = [{"step": "login", "user": "zhaozr", "password": "training-9", "role": "supervisor"},
             {"step": "read_card", "roster": 5},
             {"step": "choose", "items": ["MZ001"]},
             {"step": "request_refusal", "reason": "户籍不在本区", "guidance": "请到户籍地申请"},
             {"step": "approve_refusal", "user": "zhaozr", "password": "training-9"},
             {"step": "accept"}]
    run = run_script(tmp_path, steps, check=False)
    assert run.returncode == 1 and run.stdout == ""
    assert "第 5 步（approve_refusal）未能执行" in run.stderr and "本人不能审批" in run.stderr
    assert "Traceback" not in run.stderr


def test_cannot_do_requests_are_escalated_and_resolved(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "cannot-do-resolved.json").stdout)
    impossible, coordinated, assisted = report["registrations"]
    assert (impossible["state"], impossible["outcome"], impossible["escalated_to"]) == (
        "resolved", "impossible", "supervisor")
    assert coordinated["outcome"] == "coordinated" and coordinated["linked_case"]
    (linked,) = report["cases"]
    assert linked["case_number"] == coordinated["linked_case"] and linked["item"] == "YB003"
    assert (assisted["outcome"], assisted["escalated_to"]) == ("assisted", "district")
    assert [e["by"] for e in assisted["events"]][-1] == "培训后台"
    notice = pdf_tools.flat_text(Path(documents(report, "办不成事告知单")[0]))
    assert "区医保经办大厅" in notice and "赵主任" in notice


def test_a_stranger_collects_with_a_supervisors_approval(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "handout-to-a-stranger.json").stdout)
    (case,) = report["cases"]
    assert case["state"] == "handed_out"
    slip = pdf_tools.flat_text(Path(documents(report, "出件单")[0]))
    assert "周明（代领人" in slip and "批准代领赵主任" in slip
    steps = json.loads((EXAMPLES / "handout-to-a-stranger.json").read_text(encoding="utf-8"))
    del steps[-1]["approve"]
    run = run_script(tmp_path / "again", steps, check=False)
    assert run.returncode == 1 and f"第 {len(steps)} 步（handout）" in run.stderr and "须经值班负责人批准" in run.stderr


def test_a_home_visit_case_with_an_e_certificate_sent_by_post(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "home-visit-by-post.json").stdout)
    (case,) = report["cases"]
    assert case["channel"] == "home_visit" and case["state"] == "handed_out"
    assert {m["code"]: m["status"] for m in case["materials"]}["hukou"] == "e_certificate"
    receipt = pdf_tools.flat_text(Path(documents(report, "受理回执")[0]))
    assert "上门办" in receipt and "邮寄送达" in receipt
    slip = pdf_tools.flat_text(Path(documents(report, "出件单")[0]))
    assert "SF1029384756" in slip


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_in_the_docs_is_tested_here(script):
    tested = Path(__file__).read_text(encoding="utf-8")
    assert f'"{script}"' in tested, f"docs/examples/{script} runs in no test"


def test_the_production_profile_refuses_scripts(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("[]", encoding="utf-8")
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home")}
    run = subprocess.run([sys.executable, "-m", "app", "desk", "script", str(path), "--out", str(tmp_path)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 2 and "培训环境" in run.stderr and not (tmp_path / "home" / "production").exists()


def test_an_unknown_step_or_a_broken_file_is_told_in_chinese(tmp_path):
    run = run_script(tmp_path, [{"step": "login", "user": "a", "password": "training-1"}, {"step": "fly"}],
                     check=False)
    assert run.returncode == 1 and "第 2 步（fly）未能执行：没有这一步" in run.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    run = run_script(tmp_path, broken, check=False)
    assert run.returncode == 2 and "无法读取脚本" in run.stderr and "Traceback" not in run.stderr


def test_a_bad_rating_is_called_back_rectified_and_rated_again_at_the_district(tmp_path):
    report = json.loads(run_script(tmp_path, EXAMPLES / "bad-rating-followed-up.json").stdout)
    (case,) = report["cases"]
    assert case["rating"] == {"level": 2, "label": "不满意", "tags": ["服务效率"]}
    assert "rated" in types(case) and case["sync"] == "synced"
    rating = district_cases(tmp_path)[case["case_number"]]["rating"]
    assert rating["level"] == 2 and rating["comment"] == "排队等了很久" and rating["clerk"] == "xiaowang"
    # Called back within one working day, rectified within fifteen (the official calendar: weekends and holidays off).
    rated_on = date.fromisoformat(rating["rated_at"][:10])
    calendar = WorkingDayCalendar()
    assert rating["callback_due"] == calendar.add_working_days(rated_on, 1).day.isoformat()
    assert rating["rectify_due"] == calendar.add_working_days(rated_on, 15).day.isoformat()
    assert (date.fromisoformat(rating["rectify_due"]) - rated_on).days >= 19          # three weekends at least
    assert rating["callback_note"].startswith("已电话回访") and rating["rectified_note"].startswith("高峰时段")
    assert rating["follow_up_level"] == 4 and rating["follow_up_label"] == "满意" and rating["level"] == 2
    steps = json.loads((EXAMPLES / "bad-rating-followed-up.json").read_text(encoding="utf-8"))[:7]
    steps.append({"step": "rate", "level": 5})
    run = run_script(tmp_path / "again", steps, check=False)
    assert run.returncode == 1 and "第 8 步（rate）" in run.stderr and "一事一评" in run.stderr
    run = run_script(tmp_path / "bad", [*steps[:6], {"step": "rate", "level": 1}], check=False)
    assert run.returncode == 1 and "差评请选择不满意的方面或写下意见" in run.stderr
