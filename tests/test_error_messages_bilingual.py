"""Every refusal a page can show is written in Vietnamese where it is raised.

The pages read Vietnamese first: each ``OcopError`` (and subclass) built in the package
carries ``vi=`` next to its English message, and that text really is Vietnamese (it has
the language's letters). A few modules only ever answer the command line or an operator's
file; they are listed below with the reason, and nothing else is let off.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ocop_cycle
from ocop_cycle import errors
from ocop_cycle.errors import GuardFailed, OcopError, PermissionDenied, Said

PACKAGE = Path(ocop_cycle.__file__).parent

# Read by operators at the terminal, never shown on a page.
CLI_ONLY = {
    "cli": "the command line keeps its English",
    "services/backup.py": "backup and restore run from the command line only",
    "db/presence.py": "the database check before any command runs",
    "scheduling/config.py": "the scheduler's settings, read at start-up",
    "services/setup.py": "ocop init",
    "services/demo.py": "ocop demo",
    "services/demo_law.py": "ocop demo",
    "reporting/targets.py": "the --targets file of ocop report",
    "mail/templates.py": "a missing mail template is a packaging fault, not a person's",
    "services/migration.py": "workflow migration is run by an administrator from the CLI",
    "workflow/migration_maps.py": "the migration map files, read by an administrator",
    "workflow/yaml_files.py": "rule files (YAML) read by operators",
}
# The workflow, criteria and sheet files are the operator's: their errors name the file.
OPERATOR_ERRORS = {"WorkflowDefinitionError"}
VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def _error_classes() -> set[str]:
    """The names of OcopError and every subclass defined in the package."""
    names = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, OcopError)
    }
    grew = True
    while grew:
        grew = False
        for path in PACKAGE.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _exempt(relative: str) -> bool:
    return any(relative == key or relative.startswith(key + "/") for key in CLI_ONLY)


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal_text(node: ast.AST) -> str:
    """The literal parts of an expression: what a reader sees whatever the values (the
    arguments of a call inside it, such as ``error.text("vi")``, are not text)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    if isinstance(node, ast.Call):
        return ""
    return " ".join(_literal_text(child) for child in ast.iter_child_nodes(node))


def _refusals() -> list[tuple[str, ast.Call]]:
    """Each construction of a refusal; a class that writes its own message (its
    ``__init__``) is checked once, at its ``super().__init__``, instead of where it is built."""
    classes = _error_classes() - OPERATOR_ERRORS
    found = []
    composing: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ClassDef) and node.name in classes - {"OcopError"}):
                continue
            for init in node.body:
                if isinstance(init, ast.FunctionDef) and init.name == "__init__":
                    composing.add(node.name)
                    if _exempt(relative):
                        continue
                    for call in ast.walk(init):
                        if isinstance(call, ast.Call) and _called(call) == "__init__":
                            found.append((f"{relative}:{call.lineno} ({node.name})", call))
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if _exempt(relative):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called(node) in classes - composing:
                found.append((f"{relative}:{node.lineno}", node))
    return found


def test_every_refusal_raised_in_the_package_carries_its_vietnamese() -> None:
    refusals = _refusals()
    assert len(refusals) > 200  # the scan sees the package, not an empty folder
    missing = [where for where, node in refusals if not any(k.arg == "vi" for k in node.keywords)]
    assert missing == [], "refusals without vi=...: " + ", ".join(missing)


def test_the_vietnamese_of_every_refusal_is_written_in_vietnamese() -> None:
    english = []
    for where, node in _refusals():
        vi = next((k.value for k in node.keywords if k.arg == "vi"), None)
        if vi is None or isinstance(vi, ast.Name | ast.Attribute):
            continue  # a constant or a reason computed elsewhere (Said.vi), checked there
        text = _literal_text(vi).lower()
        if text.strip() and not VIETNAMESE_LETTERS & set(text):
            english.append(f"{where}: {text!r}")
    assert english == []


def test_every_said_reason_carries_vietnamese_with_its_letters() -> None:
    english = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called(node) == "Said":
                vi = next((k.value for k in node.keywords if k.arg == "vi"), None)
                text = _literal_text(vi).lower() if vi is not None else "?"
                if text.strip() and not VIETNAMESE_LETTERS & set(text):
                    english.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert english == []


def _row_errors() -> list[tuple[str, ast.AST | None]]:
    """Each reason an import file is refused for, with its Vietnamese (None when missing):
    ``RowError(..., reason_vi=...)`` and the row checker's ``_fail(..., vi=...)``."""
    found: list[tuple[str, ast.AST | None]] = []
    for path in sorted((PACKAGE / "importing").rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called(node) in {"RowError", "_fail"}:
                keyword = "reason_vi" if _called(node) == "RowError" else "vi"
                vi = next((k.value for k in node.keywords if k.arg == keyword), None)
                if vi is None and _called(node) == "RowError" and len(node.args) == 4:
                    vi = node.args[3]
                found.append((f"{relative}:{node.lineno}", vi))
    return found


def test_every_reason_an_import_file_is_refused_for_is_written_in_vietnamese_too() -> None:
    reasons = _row_errors()
    assert len(reasons) > 30  # the scan sees the importer's checks, not an empty folder
    missing = [where for where, vi in reasons if vi is None]
    assert missing == [], "row errors without their Vietnamese: " + ", ".join(missing)
    english = [
        where
        for where, vi in reasons
        if vi is not None
        and not isinstance(vi, ast.Name)  # passed on from the one place that wrote it
        and _literal_text(vi).strip()
        and not VIETNAMESE_LETTERS & set(_literal_text(vi).lower())
    ]
    assert english == []


def test_a_refusal_reads_vietnamese_to_a_vietnamese_reader_and_english_otherwise() -> None:
    refusal = GuardFailed("quorum not reached", vi="Hội đồng chưa đủ số thành viên chấm điểm")
    assert refusal.text("vi") == "Hội đồng chưa đủ số thành viên chấm điểm"
    assert refusal.text("en") == refusal.message == str(refusal) == "quorum not reached"


def test_a_reason_explained_elsewhere_reads_as_its_english_and_keeps_its_vietnamese() -> None:
    reason = Said("user x is deactivated", vi="tài khoản x đã bị vô hiệu hóa")
    refusal = PermissionDenied(f"permission denied: {reason}", vi=f"Không có quyền: {reason.vi}")
    assert refusal.message == "permission denied: user x is deactivated"
    assert refusal.text("vi") == "Không có quyền: tài khoản x đã bị vô hiệu hóa"
