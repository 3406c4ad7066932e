"""Building and printing the acceptance receipt of an application."""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.printer.base import PrintResult
from app.documents.receipt import AcceptanceReceipt, ReceiptItem, render_acceptance_receipt
from app.domain.accounts import Clerk
from app.domain.case import PRESENT, CaseState, MaterialStatus
from app.domain.errors import DomainError
from app.services.clock import Clock
from app.services.devices import DeviceService
from app.services.intake import Application, IntakeService


@dataclass(frozen=True)
class Centre:
    name: str
    address: str
    phone: str
    window: str


class ReceiptService:
    def __init__(self, centre: Centre, font: str | None, training: bool, intake: IntakeService,
                 devices: DeviceService, clock: Clock):
        self.centre, self.font, self.training = centre, font, training
        self.intake, self.devices, self.clock = intake, devices, clock

    def render(self, app: Application, clerk: Clerk) -> bytes:
        if self.font is None:
            raise DomainError("找不到可嵌入的中文字体，无法生成回执。请安装文泉驿微米黑或在设置中指定字体。")
        if app.state not in (CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED):
            raise DomainError("只有已受理的申请才能打印受理回执")
        case = app.primary
        applicant, agent = case.applicant, case.agent
        names = {m.code: m.name for m in app.materials}
        received = [names[m.code] for m in app.materials if app.status_of(m.code) in PRESENT]
        deferred = [names[m.code] for m in app.materials if app.status_of(m.code) is MaterialStatus.DEFERRED]
        data = AcceptanceReceipt(
            centre_name=self.centre.name, centre_address=self.centre.address, centre_phone=self.centre.phone,
            window_name=self.centre.window, case_number=case.case_number, title=app.title,
            applicant_name=applicant.name, applicant_masked_id=applicant.masked_id,
            items=[ReceiptItem(c.case_number, c.item_name, c.promised_date, c.promised_provisional, c.instant)
                   for c in app.cases],
            received=received, deferred=deferred, deferred_deadline=self.intake.deferred_deadline(app),
            accepted_at=case.accepted_at, clerk_name=clerk.display_name,
            agent_name=agent.identity.name if agent else "", agent_masked_id=agent.identity.masked_id if agent else "",
            training=self.training,
        )
        pdf = render_acceptance_receipt(data, self.font)
        app.last_receipt = pdf
        return pdf

    def print(self, app: Application, clerk: Clerk) -> PrintResult:
        """Print the receipt (rendering it if needed) and record the print on every case."""
        pdf = app.last_receipt or self.render(app, clerk)
        result = self.devices.print_pdf(f"受理回执 {app.primary.case_number}", pdf)
        self.intake.record_print(app, "acceptance_receipt", result.printer, clerk)
        return result
