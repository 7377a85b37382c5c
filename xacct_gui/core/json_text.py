"""``json.dumps(document, indent=2)``, byte for byte, fast enough for thousands of profiles.

With ``indent`` set, the standard library falls back to its pure-Python encoder: 25 ms
for 3,000 profiles, paid on the GUI thread at every save. A profile is a flat object
(text, numbers, booleans, nulls), and for a flat object the C encoder writes the same
text when given the indented separators, so only the frame is assembled here; anything
else (nested values, entries kept verbatim from a file) goes through ``indent=2``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
_ITEM = "\n    "  # an element of the top-level list: two levels deep
_FIELD = "\n      "  # a field of such an element: three levels deep


def _flat(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(type(k) is str and type(v) in _SCALARS for k, v in value.items())
    )


def _elements(items: Sequence[Any], ensure_ascii: bool) -> str:
    if all(_flat(item) for item in items):
        # One C call for the lot. A raw newline appears only in separators (never inside
        # a string, where it is escaped), so "},<FIELD>{" is exactly where one element
        # ends and the next begins.
        body = json.dumps(list(items), ensure_ascii=ensure_ascii, separators=("," + _FIELD, ": "))
        body = body[2:-2].replace("}," + _FIELD + "{", _ITEM + "}," + _ITEM + "{" + _FIELD)
        return "{" + _FIELD + body + _ITEM + "}"
    return ("," + _ITEM).join(
        json.dumps(item, indent=2, ensure_ascii=ensure_ascii).replace("\n", _ITEM) for item in items
    )


def dumps_with_list(
    head: Mapping[str, Any], key: str, items: Sequence[Any], *, ensure_ascii: bool
) -> str:
    """``json.dumps({**head, key: list(items)}, indent=2, ensure_ascii=...)``."""
    if not head or key in head or not items:
        return json.dumps({**head, key: list(items)}, indent=2, ensure_ascii=ensure_ascii)
    start = json.dumps(dict(head), indent=2, ensure_ascii=ensure_ascii)[: -len("\n}")]
    elements = _elements(items, ensure_ascii)
    return f"{start},\n  {json.dumps(key, ensure_ascii=ensure_ascii)}: [{_ITEM}{elements}\n  ]\n}}"
