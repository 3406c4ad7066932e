"""The guide of an item on screen (办事指南): the six elements, legal basis, phone, and every material."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser

from app.domain.catalog import ServiceItem, guide_elements, material_note
from app.i18n import _


def guide_html(items: list[ServiceItem], phone: str, place: str) -> str:
    parts = []
    for item in items:
        rows = "".join(f"<tr><th align=left width=110>{escape(k)}</th><td>{escape(v)}</td></tr>"
                       for k, v in guide_elements(item, phone, place))
        materials = "".join(
            _("<tr><td>{i}</td><td>{name}</td><td>{label} {count}份</td><td>{material_note}</td></tr>").format(
                    i=i, name=escape(m.name), label=escape(m.form.label), count=m.count, material_note=escape(material_note(m))) for i, m in enumerate(item.materials, 1))
        parts.append(
            _("<h3>{name} <small>（{code}）</small></h3><table border=1 cellspacing=0 cellpadding=3 width=100%>{rows}</table><p><b>申请材料目录</b></p><table border=1 cellspacing=0 cellpadding=3 width=100%><tr><th>序号</th><th>材料</th><th>形式及份数</th><th>说明</th></tr>{materials}</table>").format(
                    name=escape(item.name), code=escape(item.code), rows=rows, materials=materials))
    return "".join(parts) or _("<p>在左侧列表中选中事项，这里显示它的办事指南。</p>")


class GuideView(QTextBrowser):
    def __init__(self, phone: str, place: str, parent=None):
        super().__init__(parent)
        self.setObjectName("guide_view")
        self.phone, self.place = phone, place
        self.items: list[ServiceItem] = []
        self.show_items([])

    def show_items(self, items: list[ServiceItem]) -> None:
        self.items = list(items)
        self.setHtml(guide_html(self.items, self.phone, self.place))
