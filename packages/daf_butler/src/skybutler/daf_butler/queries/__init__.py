"""The query system: ``where`` expressions, their translation to SQL and the query APIs."""

__all__: list[str] = []
