"""The pipetask command: run quantum graphs on one machine.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
