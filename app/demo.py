"""The headless demo: whole desk visits on simulated devices in the training profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.accounts import Clerk, Role
from app.domain.case import MaterialStatus
from app.domain.passwords import generate_password
from app.i18n import _
from app.main import build_printing_desk
from app.services.desk import Desk
from app.services.intake import Application
from app.training.samples import DEMO_VISITS, SAMPLE_ANSWERS


@dataclass
class DemoResult:
    applications: list[Application] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    one_time_password: str | None = None


def demo_clerk(desk: Desk) -> Clerk:
    found = desk.store.clerks.find("demo")
    if found:
        return found[0]
    return desk.accounts.create("demo", _("演示学员"), Role.CLERK, generate_password())


def fill_like_a_citizen(desk: Desk, app: Application, clerk: Clerk) -> None:
    values = desk.intake.form_values(app)
    for f in app.fields:
        if not values.get(f.key) and f.key in SAMPLE_ANSWERS:
            values[f.key] = SAMPLE_ANSWERS[f.key]
    problems = desk.intake.save_form(app, values, clerk)
    if problems:
        raise RuntimeError(f"sample answers do not satisfy the form: {problems}")


def collect_materials(desk: Desk, app: Application, clerk: Clerk, defer_one: bool) -> None:
    """Capture every required material on the camera; defer the first deferrable one if asked."""
    for m in app.materials:
        if not m.required or app.status_of(m.code) is not MaterialStatus.MISSING:
            continue
        if defer_one and desk.intake.deferrable(app, m.code):
            desk.intake.mark_material(app, m.code, MaterialStatus.DEFERRED, clerk)
            defer_one = False
            continue
        desk.devices.place_simulated_document(m.name, settled=True)
        desk.intake.attach_pages(app, m.code, [desk.devices.capture_page().jpeg], clerk)


def run_visits(desk: Desk, visits: int) -> DemoResult:
    result = DemoResult(one_time_password=desk.accounts.ensure_first_admin())
    clerk = demo_clerk(desk)
    for n in range(visits):
        bundle, person, single = DEMO_VISITS[n % len(DEMO_VISITS)]
        desk.queue.take_ticket()
        ticket = desk.queue.call_next()
        desk.devices.present_simulated_card(person)
        card = desk.devices.read_card()
        for kind, code, defer in (("bundle", bundle, True), ("item", single, False)):
            app = desk.intake.start(kind, code, clerk, ticket.number if ticket else None, applicant=card.holder)
            fill_like_a_citizen(desk, app, clerk)
            collect_materials(desk, app, clerk, defer_one=defer)
            deferred = any(app.status_of(m.code) is MaterialStatus.DEFERRED for m in app.materials)
            outcome = (desk.intake.accept_with_deferred if deferred else desk.intake.accept)(app, clerk)
            result.applications.append(outcome.app)
            for document in outcome.documents:
                printed = desk.printing.print_document(document, outcome.app.cases, clerk)
                if printed.output:
                    result.files.append(printed.output)
    return result


def run_demo_command(out: Path, visits: int) -> int:
    out = out.resolve()
    desk = build_printing_desk(out, _("模拟打印机（演示输出）"))
    try:
        result = run_visits(desk, max(1, visits))
        from app.ui.screenshot import save_main_window_screenshot

        shot = out / "main-window.png"
        save_main_window_screenshot(desk, demo_clerk(desk), result.applications[-1], shot)
        result.files.append(shot)
    finally:
        desk.close()
    if result.one_time_password:
        print(_("首次运行：已创建管理员账号 admin，一次性密码 {one_time_password}（首次登录须修改）").format(
                one_time_password=result.one_time_password))
    print(_("演示完成：{n_applications} 份申请，数据目录 {paths}").format(
            n_applications=len(result.applications), paths=desk.paths.data))
    for app in result.applications:
        for case in app.cases:
            print(f"  {case.case_number}  {case.item_name}  {case.state.label}")
    print(_("上报到培训区级平台：zongchuang --profile training sync now"))
    print(_("输出文件："))
    for f in result.files:
        print(f"  {f}")
    return 0
