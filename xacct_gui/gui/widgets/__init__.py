"""Widget parts several dialogs and views build the same way.

Each module here is a leaf: it imports Qt and ``xacct_gui.core`` only, never a
dialog or a window, so any part of the GUI can use it without an import cycle.
Where a new shared part goes is in docs/architecture.md, "Where to add things".
"""
