"""Undo as commands: each :class:`Command` has ``do`` and ``undo``; an :class:`UndoStack`
records them. The session is the only caller (see :mod:`hljgis.core.session`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Command:
    """One undoable change: ``do`` applies it, ``undo`` reverts it exactly."""

    text: str
    do: Callable[[], object]
    undo: Callable[[], object]


@dataclass
class UndoStack:
    """Commands done so far, and the ones undone that can be redone."""

    done: list[Command] = field(default_factory=list)
    undone: list[Command] = field(default_factory=list)
    limit: int = 200

    def push(self, command: Command) -> None:
        command.do()
        self.done.append(command)
        del self.done[: -self.limit]
        self.undone.clear()

    def undo(self) -> str | None:
        if not self.done:
            return None
        command = self.done.pop()
        command.undo()
        self.undone.append(command)
        return command.text

    def redo(self) -> str | None:
        if not self.undone:
            return None
        command = self.undone.pop()
        command.do()
        self.done.append(command)
        return command.text

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    @property
    def undo_text(self) -> str | None:
        return self.done[-1].text if self.done else None

    @property
    def redo_text(self) -> str | None:
        return self.undone[-1].text if self.undone else None
