"""`zongchuang --profile training training list|run|quiz`: training scenarios and quizzes, headless (for CI and
for trainers checking a scenario they wrote)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.config.paths import Profile
from app.i18n import _


def add_commands(sub) -> None:
    training = sub.add_parser("training", help=_("培训：情景演练与问卷测试（培训环境）")).add_subparsers(
        dest="action", required=True)
    listing = training.add_parser("list", help=_("列出全部情景"))
    listing.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    run = training.add_parser("run", help=_("按操作列表完成一个情景并评分"))
    run.add_argument("scenario", help=_("情景编号或情景文件（.json）"))
    run.add_argument("--actions", required=True,
                     help=_("操作列表文件（窗口操作脚本的步骤，见 docs/training.md）；model 表示情景自带的标准答案"))
    run.add_argument("--out", type=Path, help=_("打印单据（PDF）的输出文件夹（默认为临时文件夹）"))
    run.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    quiz = training.add_parser("quiz", help=_("按事项目录出题；给出 --answers 时评分"))
    quiz.add_argument("--count", type=int, default=10, help=_("题目数量"))
    quiz.add_argument("--seed", type=int, default=1, help=_("随机种子（相同种子出相同的题）"))
    quiz.add_argument("--answers", type=Path, help=_("答案文件：JSON 数组，每题一个 A/B/C/D"))
    quiz.add_argument("--trainee", help=_("记录成绩的学员账号"))
    quiz.add_argument("--json", action="store_true", help=_("以 JSON 输出"))


def run(args, profile: Profile) -> int:
    if profile is not Profile.TRAINING:
        print(_("情景演练和问卷测试只能在培训环境运行：zongchuang --profile training training …"), file=sys.stderr)
        return 2
    if args.action == "run":
        return _run(args)
    from app.main import build_desk

    desk = build_desk(Profile.TRAINING, idcard=None, camera=None, printer=None)
    try:
        return _list(desk, args) if args.action == "list" else _quiz(desk, args)
    finally:
        desk.close()


def _list(desk, args) -> int:
    scenarios = desk.training_service.scenarios()
    if args.json:
        json.dump([{"id": s.id, "title": s.title, "level": s.level, "tags": list(s.tags),
                    "items": s.bundle or list(s.item_codes), "time_limit_s": s.time_limit_s,
                    "decision": s.expected.decision} for s in scenarios], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for s in scenarios:
        print(_("{id:<36} {level}  {title}（{bundle}，限时 {time_limit_s} 秒）").format(
                id=s.id, level=s.level, title=s.title, bundle=s.bundle or _('、').join(s.item_codes), time_limit_s=s.time_limit_s))
    print(_("共 {n_scenarios} 个情景").format(n_scenarios=len(scenarios)))
    return 0


def _run(args) -> int:
    import tempfile

    from app.main import build_printing_desk
    from app.services.desk_script import StepFailed
    from app.training.scenario import ScenarioError

    with tempfile.TemporaryDirectory(prefix="zongchuang-training-") as scratch:
        desk = build_printing_desk((args.out or Path(scratch)).resolve(), _("模拟打印机（情景演练）"))
        try:
            training = desk.training_service
            try:
                scenario = training.scenario(args.scenario)
            except ScenarioError as e:
                print(str(e), file=sys.stderr)
                return 1
            if args.actions == "model":
                actions = [dict(a) for a in scenario.model]
                if not actions:
                    print(_("情景 {id} 没有标准答案（model）").format(id=scenario.id), file=sys.stderr)
                    return 1
            else:
                try:
                    actions = json.loads(Path(args.actions).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, ValueError) as e:
                    print(_("无法读取操作列表 {actions}：{e}").format(actions=args.actions, e=e), file=sys.stderr)
                    return 1
            try:
                sheet = training.run_actions(scenario, actions)
            except (StepFailed, ScenarioError) as e:
                print(str(e), file=sys.stderr)
                return 1
        finally:
            desk.close()
    if args.json:
        json.dump(sheet.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(_("{title}：{score} 分（{verdict}，及格线 {pass_mark}）").format(
            title=sheet.title, score=sheet.score, verdict=_('通过') if sheet.passed else _('未通过'), pass_mark=sheet.pass_mark))
    for f in sheet.findings:
        print(f"  {'✓' if f.ok else '✗'} {f.message}" + (_("（{points}）").format(points=f.points) if f.points else "")
              + (f" —— {f.guide}" if f.guide and not f.ok else ""))
    return 0


def _quiz(desk, args) -> int:
    training = desk.training_service
    questions = training.quiz(args.count, args.seed)
    if args.answers is None:
        if args.json:
            json.dump({"seed": args.seed, "questions": [q.to_dict() for q in questions]}, sys.stdout,
                      ensure_ascii=False, indent=1)
            print()
        else:
            for n, q in enumerate(questions, 1):
                print(f"{n}. {q.text}")
                for option in q.to_dict()["options"]:
                    print(f"   {option}")
        return 0
    try:
        answers = json.loads(args.answers.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print(_("无法读取答案文件 {answers}：{e}").format(answers=args.answers, e=e), file=sys.stderr)
        return 1
    if not isinstance(answers, list):
        print(_("答案文件应为 JSON 数组，每题一个 A/B/C/D"), file=sys.stderr)
        return 1
    trainee = None
    if args.trainee:
        found = desk.store.clerks.find(args.trainee)
        if found is None:
            print(_("没有学员账号 {trainee}").format(trainee=args.trainee), file=sys.stderr)
            return 1
        trainee = found[0]
    result, _unused = training.hand_in_quiz(trainee, questions, answers, args.seed)
    report = {"seed": args.seed, "score": result.score, "correct": result.correct, "total": result.total,
              "wrong": [{"question": n, "given": "ABCD"[g] if g is not None else None,
                         "answer": "ABCD"[q.answer], "guide": q.guide} for n, q, g in result.wrong]}
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(_("得分 {score}（答对 {correct}/{total}）").format(
                score=result.score, correct=result.correct, total=result.total))
        for w in report["wrong"]:
            print(_("  第 {question} 题：答 {given}，正确答案 {answer}（{guide}）").format(
                    question=w['question'], given=w['given'] or _('（未答）'), answer=w['answer'], guide=w['guide']))
    return 0
