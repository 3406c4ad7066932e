"""Finding items and bundles by name, code, keyword or pinyin initials (e.g. "db" → 低保, "shbzk" → 社会保障卡)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.catalog import Catalog, ServiceItem, merge_fields, merge_materials
from app.domain.pinyin import PinyinInitials
from app.i18n import _


@dataclass(frozen=True)
class CatalogChoice:
    kind: str          # "item" or "bundle"
    code: str
    name: str
    agency: str
    detail: str        # promised time limit or the bundle's items
    search_text: str


class CatalogService:
    def __init__(self, catalog: Catalog, pinyin: PinyinInitials):
        self.catalog = catalog

        def initials(text: str) -> str:
            return " ".join(pinyin.variants(text))

        self.choices: list[CatalogChoice] = []
        for b in catalog.bundles.values():
            names = _("、").join(catalog.item(c).name for c in b.item_codes)
            self.choices.append(CatalogChoice("bundle", b.code, b.name, _("一件事"), names,
                                              f"{b.code} {b.name} {initials(b.name)} {names}".lower()))
        for it in catalog.items.values():
            detail = _("即办件") if it.instant else _("承诺{promised_limit_days}个工作日").format(
                    promised_limit_days=it.guide.promised_limit_days)
            self.choices.append(CatalogChoice(
                "item", it.code, it.name, catalog.agencies[it.agency], detail,
                f"{it.code} {it.name} {initials(it.name)} {' '.join(it.keywords)} "
                f"{' '.join(initials(k) for k in it.keywords)}".lower()))

    def search(self, query: str) -> list[CatalogChoice]:
        """Bundles and items matching every word of the query; all of them for an empty query."""
        words = query.strip().lower().split()
        return [c for c in self.choices if all(w in c.search_text for w in words)]

    def items_of(self, kind: str, code: str) -> list[ServiceItem]:
        return self.catalog.bundle_items(code) if kind == "bundle" else [self.catalog.item(code)]

    def describe(self) -> dict:
        """The whole catalogue as plain data (for `zongchuang catalog list --json`)."""
        c = self.catalog

        def item(it: ServiceItem) -> dict:
            g = it.guide
            return {
                "code": it.code, "name": it.name, "agency": c.agencies[it.agency], "instant": it.instant,
                "guide": {"scope": g.scope.value, "accepting_agency": g.accepting_agency,
                          "deciding_agency": g.deciding_agency, "legal_basis": g.legal_basis,
                          "conditions": g.conditions, "legal_limit_days": g.legal_limit_days,
                          "promised_limit_days": g.promised_limit_days, "fee": g.fee, "visits": g.visits},
                "materials": [{"code": m.code, "name": m.name, "form": m.form.value, "count": m.count,
                               "required": m.required, "deferrable": m.deferrable,
                               "from_id_card": m.from_id_card} for m in it.materials],
                "fields": [{"key": f.key, "label": f.label, "type": f.type.value, "required": f.required,
                            "prefill": f.prefill} for f in it.fields],
            }

        bundles = []
        for b in c.bundles.values():
            items = c.bundle_items(b.code)
            bundles.append({"code": b.code, "name": b.name, "items": list(b.item_codes),
                            "fields": [f.key for f in merge_fields(items)],
                            "materials": [m.code for m in merge_materials(items)]})
        return {"version": c.version, "items": [item(i) for i in c.items.values()], "bundles": bundles}
