"""Export and import of repository contents in upstream's YAML format (version 1.0.2).

`export_yaml` writes what a `RepoExportContext` collects (dimension records,
collections, dataset types, datasets with their files, and their TAGGED and
CALIBRATION memberships) as upstream's export document; `import_yaml` reads
one (versions 1.0.0 to 1.0.2) into a registry in one transaction. Files are
opaque here: a `FileDataset` carries each dataset's path and formatter
between the registry and whatever stores the files. The YAML tags live on
`ExportLoader` and `ExportDumper`.
"""

from ._api import export_yaml, import_yaml
from ._associations import DatasetAssociation, collection_associations, collection_datasets
from ._context import RepoExportContext
from ._file_dataset import FileDataset, FileExporter, FileIngester
from ._parse import SUPPORTED_VERSIONS
from ._yaml_export import EXPORT_FORMAT_VERSION, YamlRepoExportBackend
from ._yaml_import import YamlRepoImportBackend
from ._yaml_tags import ExportDumper, ExportLoader

__all__ = [
    "EXPORT_FORMAT_VERSION",
    "SUPPORTED_VERSIONS",
    "DatasetAssociation",
    "ExportDumper",
    "ExportLoader",
    "FileDataset",
    "FileExporter",
    "FileIngester",
    "RepoExportContext",
    "YamlRepoExportBackend",
    "YamlRepoImportBackend",
    "collection_associations",
    "collection_datasets",
    "export_yaml",
    "import_yaml",
]
