"""The main window and its helpers; see :mod:`.window`."""

from xacct_gui.gui.main_window.window import MainWindow

__all__ = ["MainWindow"]
