"""Reporting's demo: the watch list from the shipped feed samples; this quarter's board pack is built after every
other domain's demo (and the automated control tests) has run, so it reads their sample data."""

from __future__ import annotations

from tandem.reporting.board.demo import load_demo as load_board
from tandem.reporting.watch.demo import load_demo as load_watch

__all__ = ["load_board", "load_watch"]
