"""Turn discovered (account, role) pairs into profile proposals: plain, pure data.

A proposal is what the discovery dialog lists before anything is saved: a name
made from an editable template (default ``"{account_name} / {role_name}"``), the
account and role, and a colour from the same :class:`~..discovery.ColorRule`
list the organisation discovery uses. Names are cleaned to valid display names
(printable, trimmed, ≤ 64 characters) and made unique against the profiles
already saved and each other; a pair that is already saved is marked, not renamed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..discovery import DEFAULT_RULES, FALLBACK_COLOR, ColorRule, color_for
from ..profiles import RoleProfile
from .portal import DiscoveredRole

DEFAULT_TEMPLATE = "{account_name} / {role_name}"
TEMPLATE_FIELDS = ("account_name", "account_id", "role_name", "email")
_MAX_NAME = 64


@dataclass(frozen=True)
class ProfileProposal:
    name: str
    account_id: str
    account_name: str
    email: str
    role_name: str
    color: str
    existing: str | None = None  # the saved profile's name for the same account and role

    @property
    def is_new(self) -> bool:
        return self.existing is None


def check_template(template: str) -> str | None:
    """None when ``template`` is usable, else one sentence saying what is wrong."""
    fields = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return f"The name template has an unmatched brace; use fields like {fields}."
    names = [name for _, name, spec, conv in parsed if name is not None]
    unknown = [n for n in names if n not in TEMPLATE_FIELDS]
    if unknown:
        return f"The name template knows only {fields}, not {{{unknown[0]}}}."
    if any(spec or conv for _, name, spec, conv in parsed if name is not None):
        return "The name template's fields take no format or conversion (write {role_name})."
    if not names:
        return f"The name template needs at least one field, e.g. {DEFAULT_TEMPLATE}."
    return None


def _clean(text: str) -> str:
    # The per-character pass only when needed: 3,000 roles are re-planned per keystroke.
    cleaned = text if text.isprintable() else "".join(c if c.isprintable() else " " for c in text)
    return re.sub(r"\s+", " ", cleaned).strip()[:_MAX_NAME].rstrip()


def _unique(base: str, role: DiscoveredRole, used: set[str]) -> str:
    if base.casefold() not in used:
        return base
    counter = 1
    while True:
        suffix = f" ({role.account_id})" if counter == 1 else f" ({role.account_id} {counter})"
        candidate = base[: _MAX_NAME - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in used:
            return candidate
        counter += 1


def propose_profiles(
    roles: Iterable[DiscoveredRole],
    *,
    template: str = DEFAULT_TEMPLATE,
    rules: Sequence[ColorRule] = DEFAULT_RULES,
    existing: Sequence[RoleProfile] = (),
    fallback_color: str = FALLBACK_COLOR,
    taken_names: Iterable[str] = (),
) -> list[ProfileProposal]:
    """One proposal per role, in the order given; raises ValueError on a bad template.
    ``taken_names``: names no proposal may take, besides ``existing``'s."""
    problem = check_template(template)
    if problem:
        raise ValueError(problem)
    saved = {(p.account_id, p.role_name.rsplit("/", 1)[-1].casefold()): p.name for p in existing}
    used = {p.name.casefold() for p in existing} | {n.casefold() for n in taken_names}
    colors: dict[str, str] = {}  # per account name: each account has several roles
    proposals: list[ProfileProposal] = []
    for role in roles:
        already = saved.get((role.account_id, role.role_name.casefold()))
        if already:
            name = already
        else:
            base = _clean(
                template.format(
                    account_name=role.account_name,
                    account_id=role.account_id,
                    role_name=role.role_name,
                    email=role.email,
                )
            ) or _clean(f"{role.account_id} / {role.role_name}")
            name = _unique(base, role, used)
        used.add(name.casefold())
        proposals.append(
            ProfileProposal(
                name=name,
                account_id=role.account_id,
                account_name=role.account_name,
                email=role.email,
                role_name=role.role_name,
                color=colors.get(role.account_name)
                or colors.setdefault(
                    role.account_name, color_for(role.account_name, rules, fallback_color)
                ),
                existing=already,
            )
        )
    return proposals
