"""`YamlRepoExportBackend`: writes upstream's export document, entry by entry.

The document (format version `EXPORT_FORMAT_VERSION`) is a mapping with
``description``, ``version``, ``universe_version``, ``universe_namespace``
and ``data``: a list of entries, each discriminated by ``type`` and written
with upstream's keys in upstream's order (``yaml.dump(sort_keys=False)``).
The backend writes what it is given, in the order given; `RepoExportContext`
decides what to export and in which order.
"""

from __future__ import annotations

__all__ = ["EXPORT_FORMAT_VERSION", "YamlRepoExportBackend", "record_to_export_dict"]

from collections.abc import Iterable, Sequence
from typing import IO, Any

import yaml

from .._collection_type import CollectionType
from .._dataset_type import DatasetType
from .._timespan import MAX_NSEC, MIN_NSEC, Timespan, time_to_nsec
from ..dimensions import DimensionElement, DimensionRecord, DimensionUniverse
from ._associations import DatasetAssociation
from ._file_dataset import FileDataset
from ._yaml_fast import entry_text
from ._yaml_tags import ExportDumper, TaiInstant

EXPORT_FORMAT_VERSION = "1.0.2"
"""The version of the export format written (upstream's current one)."""

_DESCRIPTION = "Butler Data Repository Export"


def _instant(nsec: int, unbounded: int) -> TaiInstant | None:
    return None if nsec == unbounded else TaiInstant(nsec)


def _split(timespan: Timespan | None) -> tuple[TaiInstant | None, TaiInstant | None]:
    if timespan is None:
        return None, None
    begin, end = timespan.nsec
    return _instant(begin, MIN_NSEC), _instant(end, MAX_NSEC)


def record_to_export_dict(record: DimensionRecord) -> dict[str, Any]:
    """Return a record's fields as an export file holds them.

    This is ``record.toDict(splitTimespan=True)`` with times in a form the
    dumper writes with the ``!butler_time/tai/iso`` tag.
    """
    values = record.toDict()
    types = {column.name: column.type for column in record.fields.all}
    result: dict[str, Any] = {}
    for name, value in values.items():
        kind = types.get(name)
        if kind == "timespan":
            result["datetime_begin"], result["datetime_end"] = _split(value)
        elif kind == "datetime" and value is not None:
            result[name] = TaiInstant(time_to_nsec(value, clamp=False))
        else:
            result[name] = value
    return result


class YamlRepoExportBackend:
    """Writes the entries of an export document, then the document.

    Parameters
    ----------
    stream
        Text stream the document is written to by `finish`.
    universe
        Universe of the exported repository (its version and namespace are
        recorded in the document).
    """

    def __init__(self, stream: IO[str], universe: DimensionUniverse) -> None:
        self._stream = stream
        self._universe = universe
        self._data: list[dict[str, Any]] = []
        self._dataset_types: set[str] = set()

    def saveDimensionData(self, element: DimensionElement | str, *data: DimensionRecord) -> None:
        """Write a ``dimension`` entry holding records of one element."""
        name = element if isinstance(element, str) else element.name
        self._data.append(
            {
                "type": "dimension",
                "element": name,
                "records": [record_to_export_dict(record) for record in data],
            }
        )

    def saveCollection(
        self,
        name: str,
        collection_type: CollectionType,
        doc: str | None = None,
        *,
        host: str | None = None,
        timespan: Timespan | None = None,
        children: Sequence[str] = (),
    ) -> None:
        """Write a ``collection`` entry (host and timespan for RUN, children for CHAINED)."""
        entry: dict[str, Any] = {
            "type": "collection",
            "collection_type": collection_type.name,
            "name": name,
        }
        if doc is not None:
            entry["doc"] = doc
        if collection_type is CollectionType.RUN:
            begin, end = _split(timespan)
            entry.update(host=host, timespan_begin=begin, timespan_end=end)
        elif collection_type is CollectionType.CHAINED:
            entry["children"] = list(children)
        self._data.append(entry)

    def saveDatasetType(self, datasetType: DatasetType) -> None:
        """Write a ``dataset_type`` entry (once per dataset type)."""
        if datasetType.name in self._dataset_types:
            return
        self._dataset_types.add(datasetType.name)
        self._data.append(
            {
                "type": "dataset_type",
                "name": datasetType.name,
                "dimensions": list(datasetType.dimensions.names),
                "storage_class": datasetType.storageClass_name,
                "is_calibration": datasetType.isCalibration(),
            }
        )

    def saveDatasets(self, datasetType: DatasetType, run: str, *datasets: FileDataset) -> None:
        """Write the dataset type (the first time) and a ``dataset`` entry of one run."""
        self.saveDatasetType(datasetType)
        records = []
        for dataset in datasets:
            record: dict[str, Any] = {
                "dataset_id": [ref.id for ref in dataset.refs],
                "data_id": [dict(ref.dataId.required) for ref in dataset.refs],
                "path": None if dataset.path is None else str(dataset.path),
            }
            formatter = dataset.formatter_name
            if formatter is not None:  # upstream's reader imports any formatter given
                record["formatter"] = formatter
            records.append(record)
        self._data.append(
            {"type": "dataset", "dataset_type": datasetType.name, "run": run, "records": records}
        )

    def saveDatasetAssociations(
        self,
        collection: str,
        collectionType: CollectionType,
        associations: Iterable[DatasetAssociation],
    ) -> None:
        """Write an ``associations`` entry of a TAGGED or CALIBRATION collection.

        Calibration associations are grouped by validity range, ranges in
        time order.

        Raises
        ------
        ValueError
            The collection type is neither TAGGED nor CALIBRATION.
        """
        entry: dict[str, Any] = {
            "type": "associations",
            "collection": collection,
            "collection_type": collectionType.name,
        }
        if collectionType is CollectionType.TAGGED:
            entry["dataset_ids"] = [a.ref.id for a in associations]
        elif collectionType is CollectionType.CALIBRATION:
            by_range: dict[Timespan, list[Any]] = {}
            for association in associations:
                assert association.timespan is not None, "calibration associations have a range"
                by_range.setdefault(association.timespan, []).append(association.ref.id)
            entry["validity_ranges"] = [
                {"timespan": timespan, "dataset_ids": by_range[timespan]}
                for timespan in sorted(by_range, key=lambda t: t.nsec)
            ]
        else:
            raise ValueError(
                f"Only TAGGED and CALIBRATION collections have associations, not {collectionType}."
            )
        self._data.append(entry)

    def finish(self) -> None:
        """Write the whole document to the stream.

        The header is written by PyYAML, then each entry of ``data``: the
        large, regular ones (datasets, associations) directly as text, the
        others by PyYAML; the result is what one ``yaml.dump`` would write.
        """
        header = {
            "description": _DESCRIPTION,
            "version": EXPORT_FORMAT_VERSION,
            "universe_version": self._universe.version,
            "universe_namespace": self._universe.namespace,
        }
        if any(entry["type"] == "dimension" for entry in self._data):
            from ._yaml_tags import register_time

            register_time()  # datetime fields of records written by other code
        write = self._stream.write
        write(yaml.dump(header, Dumper=ExportDumper, sort_keys=False))
        if not self._data:
            write("data: []\n")
            return
        write("data:\n")
        for entry in self._data:
            text = entry_text(entry)
            if text is None:
                text = yaml.dump([entry], Dumper=ExportDumper, sort_keys=False)
            write(text)
