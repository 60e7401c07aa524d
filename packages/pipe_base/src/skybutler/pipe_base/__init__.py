"""Tasks, pipelines, pipeline graphs and quantum graphs.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
