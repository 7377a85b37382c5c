"""Every menu action of the main window, declared once in a table.

Each :class:`ActionSpec` names its handler as an attribute path on the window
("profile_actions.add"), so the table needs no window to be read or checked and
the window builds every QAction, menu and shortcut from it in one loop. To add
an action, add a row here and a handler where its path points (see "Where to
add things" in docs/architecture.md).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Literal

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from xacct_gui.core.export_env import SHELL_LABELS

Shortcut = QKeySequence.StandardKey | str
# When an action can be used: always, with a profile chosen in the switcher, or with
# at least one saved profile.
Needs = Literal["always", "selection", "profiles"]


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    handler: str  # attribute path on the window
    menu: str | None = None  # menu path, e.g. "profiles" or "role/env"; None: no menu
    shortcuts: tuple[Shortcut, ...] = ()
    tooltip: str = ""
    separator_before: bool = False
    needs: Needs = "always"
    args: tuple[object, ...] = ()


@dataclass(frozen=True)
class SubmenuSpec:
    id: str
    text: str
    menu: str
    separator_before: bool = False

    @property
    def path(self) -> str:
        return f"{self.menu}/{self.id}"


# The menu bar, in order.
MENUS: tuple[tuple[str, str], ...] = (
    ("file", "&File"),
    ("profiles", "&Profiles"),
    ("view", "&View"),
    ("role", "&Role"),
    ("help", "&Help"),
)

ENTRIES: tuple[ActionSpec | SubmenuSpec, ...] = (
    # File
    ActionSpec(
        "open_team", "Open &team file…", "sso_actions.open_team_file", "file",
        tooltip="A file from your administrator: your organisation's sign-in, colours and "
        "extra roles",
    ),
    ActionSpec(
        "export_csv", "&Export table as CSV…", "bucket_panel.export_csv", "file",
        ("Ctrl+Shift+S",),
    ),
    ActionSpec(
        "quit", "&Quit", "close", "file", (QKeySequence.StandardKey.Quit,),
        separator_before=True,
    ),
    # Profiles
    ActionSpec(
        "add", "&Add role profile…", "profile_actions.add", "profiles",
        (QKeySequence.StandardKey.New,),
    ),
    ActionSpec(
        "edit", "&Edit role profile…", "profile_actions.edit", "profiles", ("Ctrl+E",),
        needs="selection",
    ),
    ActionSpec(
        "duplicate", "D&uplicate role profile…", "profile_actions.duplicate", "profiles",
        ("Ctrl+D",), needs="selection",
    ),
    ActionSpec(
        "delete", "De&lete role profile", "profile_actions.delete", "profiles",
        needs="selection",
    ),
    ActionSpec(
        "quick_switch", "&Quick switch…", "open_quick_switch", "profiles", ("Ctrl+K",),
        separator_before=True,
    ),
    SubmenuSpec("recent", "&Recent roles", "profiles"),  # Ctrl+1 … Ctrl+5
    ActionSpec(
        "sso_sign_in", "Si&gn in with IAM Identity Center…", "sso_actions.start", "profiles",
        separator_before=True,
        tooltip="Sign in to your organisation's access portal; every account and role "
        "you may use becomes a role profile (run it again to re-sync)",
    ),
    ActionSpec(
        "sso_from_cli", "Sign in to an Identity Center from the AWS &CLI config…",
        "sso_actions.sign_in_from_cli_config", "profiles",
        tooltip="The [sso-session] sections of your AWS config (aws configure sso), "
        "offered for sign-in; the CLI's own stored tokens are not read",
    ),
    ActionSpec(
        "sso_sign_out", "Sign ou&t of IAM Identity Center", "sso_actions.sign_out", "profiles",
        needs="selection",
    ),
    ActionSpec(
        "keys", "&Sign-in keys…", "profile_actions.manage_sign_in_keys", "profiles",
    ),
    ActionSpec(
        "import_config", "&Import from AWS config…", "profile_actions.import_from_aws_config",
        "profiles", separator_before=True,
    ),
    ActionSpec(
        "import_esr", "Import from Extend Switch R&oles…", "profile_actions.import_from_esr",
        "profiles",
    ),
    ActionSpec(
        "export", "E&xport…", "profile_actions.export_profiles", "profiles", needs="profiles"
    ),
    ActionSpec(
        "discover", "Disco&ver accounts in the organisation…", "role_jobs.discover",
        "profiles", needs="selection",
    ),
    # View
    ActionSpec(
        "refresh", "&Refresh buckets", "switching.refresh", "view",
        # Only "F5": StandardKey.Refresh is also F5 on X11, and a key bound twice is
        # ambiguous to Qt, which then refuses it ("Ambiguous shortcut overload").
        ("F5",), needs="selection",
    ),
    ActionSpec(
        "renew", "Refresh &session", "switching.renew_session", "view", ("Shift+F5",),
        tooltip="Assume the role again now instead of reusing its session", needs="selection",
    ),
    ActionSpec(
        "focus_filter", "&Filter buckets", "bucket_panel.focus_filter", "view",
        ("Ctrl+F", "Ctrl+L"),
    ),
    # Role
    ActionSpec(
        "console", "Open AWS &console", "role_jobs.open_console", "role", ("Ctrl+O",),
        tooltip="Open the AWS console in your browser, signed in as this role "
        "(ExternalId included)",
        needs="selection",
    ),
    SubmenuSpec("env", "Copy credentials as &environment variables", "role"),
    *(
        ActionSpec(
            f"env_{shell}", label, "role_jobs.copy_credentials", "role/env",
            needs="selection", args=(shell,),
        )
        for shell, label in SHELL_LABELS.items()
    ),
    # Help
    ActionSpec("about", "&About", "show_about", "help"),
    # The bucket table's own (its context menu: TABLE_MENU)
    ActionSpec(
        "copy_name", "&Copy bucket name", "bucket_panel.copy_selected_names",
        shortcuts=(QKeySequence.StandardKey.Copy,),
    ),
    ActionSpec("copy_arn", "Copy bucket &ARN", "bucket_panel.copy_selected_arns"),
    ActionSpec(
        "open_bucket", "Open bucket in the AWS &console", "role_jobs.open_bucket_in_console"
    ),
)  # fmt: skip

# The bucket table's context menu; None is a separator.
TABLE_MENU: tuple[str | None, ...] = ("copy_name", "copy_arn", "open_bucket", None, "export_csv")


def action_specs() -> Iterator[ActionSpec]:
    return (entry for entry in ENTRIES if isinstance(entry, ActionSpec))


def resolve_handler(owner: object, spec: ActionSpec) -> Callable[..., object]:
    handler: Callable[..., object] = operator.attrgetter(spec.handler)(owner)
    return partial(handler, *spec.args) if spec.args else handler


@dataclass
class BuiltActions:
    actions: dict[str, QAction]
    submenus: dict[str, QMenu]

    def needing(self, needs: Needs) -> list[QAction]:
        return [self.actions[s.id] for s in action_specs() if s.needs == needs]


def build_actions(owner: QObject, menu_bar: QMenuBar) -> BuiltActions:
    """Make every action of :data:`ENTRIES`, its menus and submenus, wired to ``owner``."""
    menus: dict[str, QMenu] = {path: menu_bar.addMenu(text) for path, text in MENUS}
    submenus: dict[str, QMenu] = {}
    actions: dict[str, QAction] = {}
    for entry in ENTRIES:
        parent_menu = menus.get(entry.menu) if entry.menu else None
        if parent_menu is not None and entry.separator_before:
            parent_menu.addSeparator()
        if isinstance(entry, SubmenuSpec):
            assert parent_menu is not None, entry.id
            menus[entry.path] = submenus[entry.id] = parent_menu.addMenu(entry.text)
            continue
        action = QAction(entry.text, owner)
        action.setObjectName(f"{entry.id}Action")
        if entry.shortcuts:
            action.setShortcuts([QKeySequence(key) for key in entry.shortcuts])
        if entry.tooltip:
            action.setToolTip(entry.tooltip)
        action.triggered.connect(resolve_handler(owner, entry))
        if parent_menu is not None:
            parent_menu.addAction(action)
        actions[entry.id] = action
    return BuiltActions(actions, submenus)
