"""Reading and validating KB data files, with errors that name file and entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from frontwatch.errors import KBError

try:  # the C loader is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file that must hold a mapping."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "parse error"
        raise KBError(str(path), where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KBError(str(path), "file", f"cannot read: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KBError(str(path), "top level", "expected a mapping (e.g. `actors:` or `places:`)")
    return data


def require(path: Path, where: str, entry: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """Fetch a required field of a KB entry, checking its type."""
    value = entry.get(key)
    if value is None:
        raise KBError(str(path), where, f"missing required field `{key}`")
    if not isinstance(value, kind):
        raise KBError(str(path), where, f"field `{key}` has the wrong type ({type(value).__name__})")
    return value


def kb_files(extra_dirs: list[Path]) -> dict[str, list[Path]]:
    """The KB files of the package plus those of user `--kb` directories."""
    files: dict[str, list[Path]] = {"actors": [], "places": [], "generic": [], "demonyms": []}
    for base in [DATA_DIR, *extra_dirs]:
        if not base.is_dir():
            raise KBError(str(base), "directory", "KB directory not found")
        files["actors"].extend(sorted((base / "actors").glob("*.yaml")))
        files["places"].extend(sorted((base / "places").glob("*.yaml")))
        for name in ("generic", "demonyms"):
            candidate = base / f"{name}.yaml"
            if candidate.is_file():
                files[name].append(candidate)
    return files
