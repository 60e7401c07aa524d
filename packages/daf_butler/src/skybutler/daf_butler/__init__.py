"""The Data Butler: dimensions, registry, datastores and the butler command.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
