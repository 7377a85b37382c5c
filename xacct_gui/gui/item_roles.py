"""The item data roles the app's lists and tables keep their own data under.

One module so models and views agree on the numbers without importing each
other (the switcher's list and the search results both carry profile names).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

# The profile's name, on a row that stands for a saved profile.
PROFILE_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
# What a search-result row is: one of role_results.KIND_* (a profile, a header, ...).
ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 2
# The n of the Ctrl+n shortcut a recent profile's row shows (0: none).
SHORTCUT_HINT_ROLE = Qt.ItemDataRole.UserRole + 3

# The sign-in key's name, on a row of the sign-in keys list.
KEY_NAME_ROLE = Qt.ItemDataRole.UserRole
# The account ID, on a row of the discovery preview.
ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole
