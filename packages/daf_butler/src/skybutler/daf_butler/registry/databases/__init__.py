"""Registry databases: one `Database` API over SQLite and PostgreSQL.

A `Database` owns a SQLAlchemy engine and a `~sqlalchemy.MetaData`; managers
describe their tables with `TableSpec` and get SQLAlchemy tables back from
`Database.ensure_tables` (creating) or `Database.get_existing_tables`
(opening). Everything else is Core SQL on those tables, run through:

- `Database.transaction` (a context manager; nested calls join the open
  transaction or, with ``savepoint=True``, run in a savepoint);
- `Database.attempts` / `Database.run`, which rerun a whole block when a
  concurrent writer made it fail in a retryable way (SQLite busy, PostgreSQL
  serialization failure or deadlock), after a jittered pause;
- bulk row operations (`Database.insert`, `Database.ensure`,
  `Database.replace`, `Database.sync`, `Database.update`, `Database.delete`)
  making one statement execution per table, and reads (`Database.fetch_all`
  and friends).

Backends are picked by short name (`DATABASE_BACKENDS`, `open_database`) and
imported only when used: SQLite users never load the PostgreSQL dialect.
"""

from ._database import AnyResult, AnyRow, AnySelect, Database, SyncResult
from ._open import DATABASE_BACKENDS, database_class, open_database
from ._prepared import PreparedStatements
from ._specs import FieldSpec, FieldType, ForeignKeySpec, TableSpec
from ._timespans import CompoundTimespan, TimespanRepresentation
from ._transactions import RetryPolicy, TransactionAttempt
from ._types import GUID, Base64Region, TaiNsec

__all__ = [
    "DATABASE_BACKENDS",
    "GUID",
    "AnyResult",
    "AnyRow",
    "AnySelect",
    "Base64Region",
    "CompoundTimespan",
    "Database",
    "FieldSpec",
    "FieldType",
    "ForeignKeySpec",
    "PreparedStatements",
    "RetryPolicy",
    "SyncResult",
    "TableSpec",
    "TaiNsec",
    "TimespanRepresentation",
    "TransactionAttempt",
    "database_class",
    "open_database",
]
