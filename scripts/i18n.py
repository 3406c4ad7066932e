"""The interface's text for translators: which Chinese literals in app/ are marked, which are not, which lack English.

    python scripts/i18n.py check     # unmarked user-facing Chinese, and marked text without an English entry
    python scripts/i18n.py todo      # the marked text resources/i18n/en.json lacks, as a JSON skeleton
    python scripts/i18n.py prune     # drop the entries of en.json that no code says any more

Marked text is the literal first argument of `_()` (translated where it is shown) or `N_()` (a table
built at import, translated where it is shown). Chinese that is not text for the clerk is exempt:
the printed documents, the contents of sample documents and the training material (EXEMPT_FILES), literals used as data
(compared, indexed, dictionary keys, patterns), and statements marked `# i18n: data` on their
first line.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = ROOT / "app"
TABLE = ROOT / "resources" / "i18n" / "en.json"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PRAGMA = "# i18n: data"
MARKERS = {"_", "N_"}

# Chinese by rule or by nature: what the window prints, and what simulated citizens' documents say.
EXEMPT_FILES = (
    "app/documents/",                          # printed documents stay Chinese whatever the interface speaks
    "app/devices/camera/sample_documents.py",  # the text on simulated paper documents
    "app/training/samples.py",                 # sample citizens and their papers
    "app/devices/idcard/text_block.py",        # the ID card's own code tables (ethnic groups)
    "app/imaging/stamp.py",                    # the verification stamp printed on copies
    "app/services/documents.py",               # what each printed document says (its errors are marked)
    # Training material is written in the language of the centre's practice: what simulated citizens
    # say, the quiz's questions, and the score sheet's lines (a printed document).
    "app/training/scenario.py", "app/training/quiz.py", "app/training/scoring.py", "app/training/authoring.py",
)
# Calls whose literal arguments are data: patterns and the string operations that match text.
DATA_CALLS = {"compile", "match", "fullmatch", "search", "sub", "subn", "findall", "finditer", "split", "rsplit",
              "startswith", "endswith", "replace", "strip", "lstrip", "rstrip", "removeprefix", "removesuffix",
              "count", "find", "rfind", "index", "partition", "rpartition", "maketrans", "translate", "get", "pop",
              "setdefault", "encode", "objectName", "setObjectName", "findChild", "findChildren"}
KEY_CALLS = {"get", "pop", "setdefault"}
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str
    kind: str       # "unmarked", "fstring" (Chinese in an f-string: use _("…{x}").format(x=…)), "log"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_log_call(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in LOG_CALLS):
        return False
    owner = func.value
    return (isinstance(owner, ast.Name) and owner.id in ("log", "logger", "logging")) or (
        isinstance(owner, ast.Call) and _call_name(owner) == "getLogger")


def _data_context(node: ast.AST, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    if isinstance(parent, ast.Dict) and node in parent.keys:
        return True
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)):    # a collection compared against (x in ("a", "b"))
        return isinstance(getattr(parent, "_parent", None), ast.Compare)
    if isinstance(parent, ast.Call) and _call_name(parent) in DATA_CALLS and node is not parent.func:
        # a mapping's key is data, its default is what is shown when the key is missing
        return _call_name(parent) not in KEY_CALLS or (bool(parent.args) and node is parent.args[0])
    if isinstance(parent, ast.Attribute) and isinstance(getattr(parent, "_parent", None), ast.Call):
        call = parent._parent
        return call.func is parent and parent.attr in DATA_CALLS      # "…".startswith / "、".split
    return False


def _exempt_lines(source: str, tree: ast.AST) -> set[int]:
    marked = {n for n, line in enumerate(source.splitlines(), 1) if PRAGMA in line}
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno in marked:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines | marked


def exempt(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return any(rel == e or (e.endswith("/") and rel.startswith(e)) for e in EXEMPT_FILES)


def scan(path: Path) -> tuple[list[str], list[Finding]]:
    """The marked texts of one file, and its Chinese literals that are neither marked nor data."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child._parent = node
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
    docs, skip = _docstrings(tree), _exempt_lines(source, tree)
    marked: list[str] = []
    findings: list[Finding] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in MARKERS and isinstance(node.func, ast.Name):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                marked.append(node.args[0].value)
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        parent = getattr(node, "_parent", None)
        if id(node) in docs or node.lineno in skip:
            continue
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in MARKERS:
            continue
        if isinstance(parent, ast.JoinedStr):
            findings.append(Finding(rel, node.lineno, node.value, "fstring"))
            continue
        if isinstance(parent, ast.Call) and _is_log_call(parent):
            findings.append(Finding(rel, node.lineno, node.value, "log"))
            continue
        if not _data_context(node, parent):
            findings.append(Finding(rel, node.lineno, node.value, "unmarked"))
    return marked, findings


def survey() -> tuple[set[str], list[Finding]]:
    """Every marked text of app/, and the unmarked Chinese of the files that are not exempt."""
    marked: set[str] = set()
    findings: list[Finding] = []
    for path in sorted(APP.rglob("*.py")):
        texts, found = scan(path)
        marked.update(texts)
        if not exempt(path):
            findings.extend(found)
    return marked, findings


def table() -> dict[str, str]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def mismatched(english: dict[str, str]) -> list[str]:
    """Entries whose translation names other placeholders than the Chinese (the app ignores them)."""
    from app.i18n import _placeholders
    return [src for src, dst in english.items() if dst and _placeholders(src) != _placeholders(dst)]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    marked, findings = survey()
    english = table()
    missing = sorted(t for t in marked if not english.get(t))
    if command == "todo":
        print(json.dumps({t: "" for t in missing}, ensure_ascii=False, indent=1))
        return 0
    if command == "prune":
        kept = {k: v for k, v in english.items() if k in marked}
        TABLE.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(english) - len(kept)} entries dropped")
        return 0
    for f in findings:
        print(f"{f.path}:{f.line}: {f.kind}: {f.text!r}")
    for text in missing:
        print(f"en.json lacks: {text!r}")
    wrong = mismatched(english)
    for text in wrong:
        print(f"en.json entry with other placeholders: {text!r} -> {english[text]!r}")
    stale = sorted(set(english) - marked)
    for text in stale:
        print(f"en.json has text nobody marks: {text!r}")
    print(f"{len(marked)} marked texts, {len(findings)} unmarked, {len(missing)} untranslated, "
          f"{len(wrong)} with other placeholders, {len(stale)} stale")
    return 1 if findings or missing or wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
