"""`zongchuang --profile training training list|run|quiz`: training scenarios and quizzes, headless (for CI and
for trainers checking a scenario they wrote)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.config.paths import Profile


def add_commands(sub) -> None:
    training = sub.add_parser("training", help="培训：情景演练与问卷测试（培训环境）").add_subparsers(
        dest="action", required=True)
    listing = training.add_parser("list", help="列出全部情景")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    run = training.add_parser("run", help="按操作列表完成一个情景并评分")
    run.add_argument("scenario", help="情景编号或情景文件（.json）")
    run.add_argument("--actions", required=True,
                     help="操作列表文件（窗口操作脚本的步骤，见 docs/training.md）；model 表示情景自带的标准答案")
    run.add_argument("--out", type=Path, help="打印单据（PDF）的输出文件夹（默认为临时文件夹）")
    run.add_argument("--json", action="store_true", help="以 JSON 输出")
    quiz = training.add_parser("quiz", help="按事项目录出题；给出 --answers 时评分")
    quiz.add_argument("--count", type=int, default=10, help="题目数量")
    quiz.add_argument("--seed", type=int, default=1, help="随机种子（相同种子出相同的题）")
    quiz.add_argument("--answers", type=Path, help="答案文件：JSON 数组，每题一个 A/B/C/D")
    quiz.add_argument("--trainee", help="记录成绩的学员账号")
    quiz.add_argument("--json", action="store_true", help="以 JSON 输出")


def run(args, profile: Profile) -> int:
    if profile is not Profile.TRAINING:
        print("情景演练和问卷测试只能在培训环境运行：zongchuang --profile training training …", file=sys.stderr)
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
        print(f"{s.id:<36} {s.level}  {s.title}（{s.bundle or '、'.join(s.item_codes)}，限时 {s.time_limit_s} 秒）")
    print(f"共 {len(scenarios)} 个情景")
    return 0


def _run(args) -> int:
    import tempfile

    from app.main import build_printing_desk
    from app.services.desk_script import StepFailed
    from app.training.scenario import ScenarioError

    with tempfile.TemporaryDirectory(prefix="zongchuang-training-") as scratch:
        desk = build_printing_desk((args.out or Path(scratch)).resolve(), "模拟打印机（情景演练）")
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
                    print(f"情景 {scenario.id} 没有标准答案（model）", file=sys.stderr)
                    return 1
            else:
                try:
                    actions = json.loads(Path(args.actions).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, ValueError) as e:
                    print(f"无法读取操作列表 {args.actions}：{e}", file=sys.stderr)
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
    print(f"{sheet.title}：{sheet.score} 分（{'通过' if sheet.passed else '未通过'}，及格线 {sheet.pass_mark}）")
    for f in sheet.findings:
        print(f"  {'✓' if f.ok else '✗'} {f.message}" + (f"（{f.points}）" if f.points else "")
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
        print(f"无法读取答案文件 {args.answers}：{e}", file=sys.stderr)
        return 1
    if not isinstance(answers, list):
        print("答案文件应为 JSON 数组，每题一个 A/B/C/D", file=sys.stderr)
        return 1
    trainee = None
    if args.trainee:
        found = desk.store.clerks.find(args.trainee)
        if found is None:
            print(f"没有学员账号 {args.trainee}", file=sys.stderr)
            return 1
        trainee = found[0]
    result, _ = training.hand_in_quiz(trainee, questions, answers, args.seed)
    report = {"seed": args.seed, "score": result.score, "correct": result.correct, "total": result.total,
              "wrong": [{"question": n, "given": "ABCD"[g] if g is not None else None,
                         "answer": "ABCD"[q.answer], "guide": q.guide} for n, q, g in result.wrong]}
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(f"得分 {result.score}（答对 {result.correct}/{result.total}）")
        for w in report["wrong"]:
            print(f"  第 {w['question']} 题：答 {w['given'] or '（未答）'}，正确答案 {w['answer']}（{w['guide']}）")
    return 0
