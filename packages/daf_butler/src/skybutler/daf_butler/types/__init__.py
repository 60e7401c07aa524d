"""Python types shipped with daf_butler so that storage classes have something to name.

`MaskedImage` (with `Box` and `MaskedImageDelegate`) is a small image
composite; `TableDelegate` and the schema classes serve the table storage
classes; `TaskMetadata` and `Packages` record what a task did and ran with.
Importing this package imports numpy and pydantic, never astropy, pyarrow or
pandas.
"""

from ._masked_image import Box, MaskedImage, MaskedImageDelegate
from ._packages import Packages
from ._table_delegate import TableDelegate
from ._table_schemas import ArrowAstropySchema, ArrowNumpySchema, DataFrameSchema
from ._task_metadata import TaskMetadata

__all__ = [
    "ArrowAstropySchema",
    "ArrowNumpySchema",
    "Box",
    "DataFrameSchema",
    "MaskedImage",
    "MaskedImageDelegate",
    "Packages",
    "TableDelegate",
    "TaskMetadata",
]
