"""No two operations on a case can race: printing, saving the form and marking materials at the same time,
from several threads, each event lands once, numbered without a gap."""

from __future__ import annotations

import threading

import pytest

from app.domain.case import MaterialStatus
from app.domain.documents import DocumentKind
from app.services.workers import WrongThread, runs_on

ROUNDS = 8


def test_printing_saving_and_marking_one_case_at_once_keeps_every_event(desk, clerk):
    desk.devices.present_simulated_card(1)
    holder = desk.devices.read_card().holder
    app = desk.intake.start("bundle", "BD-BIRTH", clerk, applicant=holder)
    before = {c.id: len(desk.store.cases.events(c.id)) for c in app.cases}
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def together(work):
        def run():
            try:
                start.wait()
                for n in range(ROUNDS):
                    work(n)
            except BaseException as e:          # collected and asserted below
                errors.append(e)
        return threading.Thread(target=run)

    def print_letter(kind):
        return lambda n: desk.printing.print_document(kind, app.cases, clerk, reprint=n > 0)

    def save(n):
        desk.intake.save_form(app, {**desk.intake.form_values(app), "phone": f"1381234{n:04d}"}, clerk)

    def mark(n):
        desk.intake.mark_material(app, "hukou", MaterialStatus.RECEIVED if n % 2 == 0 else MaterialStatus.MISSING,
                                  clerk)

    threads = [together(print_letter(DocumentKind.ID_COPY)), together(print_letter(DocumentKind.ID_COPY)),
               together(save), together(mark)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    for case in app.cases:
        events = desk.store.cases.events(case.id)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        types = [e.type for e in events[before[case.id]:]]
        assert types.count("document_printed") == 2 * ROUNDS, case.case_number
        assert types.count("fields_filled") == ROUNDS
        needs_hukou = "hukou" in case.materials
        assert types.count("material_marked") == (ROUNDS if needs_hukou else 0)
        stored = desk.store.cases.get(case.id)
        assert stored.fields["phone"] == f"1381234{ROUNDS - 1:04d}"
    assert len(desk.printing.print_log(app.primary.id)) == 2 * ROUNDS


class _Writer:
    def __init__(self, workers):
        self.workers = workers

    @runs_on("db")
    def write(self):
        return self.wait_for_camera()

    @runs_on("camera")
    def wait_for_camera(self):
        return "never"

    @runs_on("db")
    def read_inside(self):
        return self.read()

    @runs_on("read")
    def read(self):
        return threading.current_thread().name


def test_the_database_writer_never_waits_on_another_worker(desk):
    writer = _Writer(desk.workers)
    with pytest.raises(WrongThread, match="wait on 'camera'"):
        writer.write()
    assert writer.read_inside().startswith("db")          # the writer reads for itself
    assert writer.read().startswith("read")
