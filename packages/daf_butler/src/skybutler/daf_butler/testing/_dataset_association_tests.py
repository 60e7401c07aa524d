"""Conformance tests of TAGGED and CALIBRATION memberships of datasets."""

from __future__ import annotations

__all__ = ["DatasetAssociationTests"]

import uuid

import pytest
import sqlalchemy as sa

from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._timespan import Timespan
from ..errors import (
    CalibrationLookupError,
    CollectionTypeError,
    ConflictingDefinitionError,
    DatasetNotFoundError,
    TimespanError,
)
from ..registry import RegistryManagers
from ._dataset_fixtures import DatasetFixtures, days, raw_ids

DETECTOR_1 = {"instrument": "Cam", "detector": 1}


def _validity(repo: RegistryManagers, name: str = "bias") -> list[tuple[uuid.UUID, int, Timespan]]:
    """Return (dataset ID, detector, validity) of every certification, sorted."""
    calibs = repo.dataset_types.record(name).calibs
    assert calibs is not None
    rows = [repo.db.decode_row(calibs, row) for row in repo.db.fetch_all(sa.select(calibs))]
    return sorted(
        ((row["dataset_id"], row["detector"], row["validity"]) for row in rows),
        key=lambda item: (item[1], item[2].nsec, str(item[0])),
    )


class DatasetAssociationTests(DatasetFixtures):
    """Tests of associate, disassociate, certify, decertify and calibration lookups."""

    # ------------------------------------------------------------ TAGGED

    def test_associate_and_disassociate(self, repo: RegistryManagers, raw: DatasetType) -> None:
        refs = repo.datasets.insert(raw, "run1", raw_ids(range(3), [1]))
        others = repo.datasets.insert(raw, "run2", raw_ids([5], [1]))
        repo.datasets.associate("tagged", refs[:2] + others)
        repo.datasets.associate("tagged", refs[:2])  # again: nothing changes
        repo.datasets.associate("tagged", [refs[0], refs[2], refs[0]])
        for ref in refs + others:
            found = repo.datasets.find(raw, ref.dataId, "tagged")
            assert found == ref
            assert found.run == ref.run
        repo.datasets.disassociate("tagged", [refs[1], refs[1]])
        repo.datasets.disassociate("tagged", [refs[1]])  # not there any more: ignored
        assert repo.datasets.find(raw, refs[1].dataId, "tagged") is None
        assert repo.datasets.find(raw, refs[1].dataId, ["tagged", "run1"]) == refs[1]
        assert repo.datasets.get_ref(refs[1].id) == refs[1]  # only the tag went

    def test_associate_conflicts(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_id = raw_ids([1], [1])[0]
        (first,) = repo.datasets.insert(raw, "run1", [data_id])
        (second,) = repo.datasets.insert(raw, "run2", [data_id])
        repo.datasets.associate("tagged", [first])
        with pytest.raises(ConflictingDefinitionError, match=str(first.id)) as info:
            repo.datasets.associate("tagged", [second])
        assert "'tagged'" in str(info.value)
        with pytest.raises(ConflictingDefinitionError, match="same dataset type and data ID"):
            repo.datasets.associate("tagged", [first, second])
        assert repo.datasets.find(raw, data_id, "tagged") == first
        repo.datasets.disassociate("tagged", [first])
        repo.datasets.associate("tagged", [second])
        assert repo.datasets.find(raw, data_id, "tagged") == second

    def test_associate_checks_references(self, repo: RegistryManagers, raw: DatasetType) -> None:
        (ref,) = repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        unknown = DatasetRef(raw, raw_ids([2], [1])[0], "run1")
        with pytest.raises(DatasetNotFoundError, match=str(unknown.id)):
            repo.datasets.associate("tagged", [ref, unknown])
        wrong_data_id = DatasetRef(raw, raw_ids([3], [1])[0], "run1", id=ref.id)
        with pytest.raises(ConflictingDefinitionError, match="stored with data ID"):
            repo.datasets.associate("tagged", [wrong_data_id])
        wrong_run = DatasetRef(raw, ref.dataId, "run2", id=ref.id)
        with pytest.raises(ConflictingDefinitionError, match="stored in run 'run1'"):
            repo.datasets.associate("tagged", [wrong_run])
        assert repo.datasets.find(raw, ref.dataId, "tagged") is None

    @pytest.mark.parametrize(
        ("collection", "ctype"),
        [("run1", "RUN"), ("calib", "CALIBRATION"), ("chain", "CHAINED")],
        ids=["run", "calibration", "chained"],
    )
    def test_only_tagged_collections_take_tags(
        self, repo: RegistryManagers, raw: DatasetType, collection: str, ctype: str
    ) -> None:
        repo.collections.register("chain", CollectionType.CHAINED)
        refs = repo.datasets.insert(raw, "run2", raw_ids([1], [1]))
        with pytest.raises(CollectionTypeError, match=f"'{collection}' is {ctype}"):
            repo.datasets.associate(collection, refs)
        with pytest.raises(CollectionTypeError, match="TAGGED"):
            repo.datasets.disassociate(collection, refs)

    # ------------------------------------------------------------ certify

    def test_certify_and_find(self, repo: RegistryManagers, biases: list[DatasetRef]) -> None:
        old, new, other_detector = biases
        repo.datasets.certify("calib", [old, other_detector], days(0, 10))
        repo.datasets.certify("calib", [new], days(10, None))
        find = repo.datasets.find
        assert find("bias", DETECTOR_1, "calib", timespan=days(2, 3)) == old
        assert find("bias", DETECTOR_1, "calib", timespan=days(20, 30)) == new
        assert find("bias", DETECTOR_1, "calib", timespan=days(-5, -1)) is None
        assert find("bias", {**DETECTOR_1, "detector": 2}, "calib") == other_detector
        with pytest.raises(CalibrationLookupError) as info:
            find("bias", DETECTOR_1, "calib")
        message = str(info.value)
        assert str(old.id) in message
        assert str(new.id) in message
        assert "'calib'" in message
        with pytest.raises(CalibrationLookupError):
            find("bias", DETECTOR_1, "calib", timespan=days(9, 11))
        # Calibration collections are searched in order with the others, through chains.
        repo.collections.register("calibs", CollectionType.CHAINED)
        repo.collections.set_chain("calibs", ["run1", "calib", "calib/run2"])
        assert find("bias", DETECTOR_1, "calibs", timespan=days(1, 2)) == old
        assert find("bias", DETECTOR_1, "calibs", timespan=days(-3, -2)) == new
        assert find("bias", DETECTOR_1, ["calib/run", "calibs"]) == old

    def test_non_calibration_types_skip_calibration_collections(
        self, repo: RegistryManagers, raw: DatasetType
    ) -> None:
        (ref,) = repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        assert repo.datasets.find(raw, ref.dataId, ["calib", "run1"]) == ref
        with pytest.raises(CollectionTypeError, match="not a calibration dataset type"):
            repo.datasets.certify("calib", [ref], days(0, 1))
        with pytest.raises(CollectionTypeError, match="not a calibration dataset type"):
            repo.datasets.decertify("calib", raw, days(0, 1))

    def test_overlapping_certification_is_refused(
        self, repo: RegistryManagers, biases: list[DatasetRef]
    ) -> None:
        old, new, other_detector = biases
        repo.datasets.certify("calib", [old], days(0, 10))
        with pytest.raises(ConflictingDefinitionError) as info:
            repo.datasets.certify("calib", [other_detector, new], days(5, 15))
        message = str(info.value)
        assert str(old.id) in message
        assert str(days(0, 10)) in message
        assert str(days(5, 15)) in message
        assert "detector: 1" in message
        # Nothing of the refused call stayed, not even the other detector's certification.
        assert _validity(repo) == [(old.id, 1, days(0, 10))]
        # The same dataset again, overlapping its own range: refused too.
        with pytest.raises(ConflictingDefinitionError, match=str(old.id)):
            repo.datasets.certify("calib", [old], days(9, 12))
        # Adjacent ranges do not overlap (validity ranges are half-open).
        repo.datasets.certify("calib", [new, other_detector], days(10, 15))
        assert _validity(repo) == [
            (old.id, 1, days(0, 10)),
            (new.id, 1, days(10, 15)),
            (other_detector.id, 2, days(10, 15)),
        ]
        with pytest.raises(ConflictingDefinitionError, match="overlaps existing"):
            repo.datasets.certify("calib", [new], Timespan(None, None))

    def test_certify_bad_input(self, repo: RegistryManagers, biases: list[DatasetRef]) -> None:
        old, new, _ = biases
        with pytest.raises(ConflictingDefinitionError, match="same dataset type and data ID"):
            repo.datasets.certify("calib", [old, new], days(0, 1))
        with pytest.raises(CollectionTypeError, match="'tagged' is TAGGED"):
            repo.datasets.certify("tagged", [old], days(0, 1))
        with pytest.raises(TimespanError, match="empty"):
            repo.datasets.certify("calib", [old], Timespan.makeEmpty())
        unknown = DatasetRef(old.datasetType, old.dataId, "calib/run")
        with pytest.raises(DatasetNotFoundError):
            repo.datasets.certify("calib", [unknown], days(0, 1))
        assert _validity(repo) == []

    # ------------------------------------------------------------ decertify

    def test_decertify_trims_and_splits(
        self, repo: RegistryManagers, biases: list[DatasetRef]
    ) -> None:
        old, new, other_detector = biases
        repo.datasets.certify("calib", [old, other_detector], days(0, 10))
        repo.datasets.certify("calib", [new], days(20, 30))
        repo.datasets.decertify("calib", "bias", days(4, 6), data_ids=[DETECTOR_1])
        assert _validity(repo) == [
            (old.id, 1, days(0, 4)),
            (old.id, 1, days(6, 10)),
            (new.id, 1, days(20, 30)),
            (other_detector.id, 2, days(0, 10)),
        ]
        assert repo.datasets.find("bias", DETECTOR_1, "calib", timespan=days(5, 5.5)) is None
        assert repo.datasets.find("bias", DETECTOR_1, "calib", timespan=days(7, 8)) == old
        repo.datasets.decertify("calib", old.datasetType, days(8, 25))
        assert _validity(repo) == [
            (old.id, 1, days(0, 4)),
            (old.id, 1, days(6, 8)),
            (new.id, 1, days(25, 30)),
            (other_detector.id, 2, days(0, 8)),
        ]
        # The freed range can be certified again.
        repo.datasets.certify("calib", [new], days(8, 25))
        repo.datasets.decertify("calib", "bias", Timespan(None, None))
        assert _validity(repo) == []
        assert repo.datasets.get_ref(old.id) == old  # decertifying keeps the datasets

    def test_decertify_nothing(self, repo: RegistryManagers, biases: list[DatasetRef]) -> None:
        repo.datasets.certify("calib", biases[:1], days(0, 10))
        repo.datasets.decertify("calib", "bias", days(20, 30))
        repo.datasets.decertify(
            "calib", "bias", days(0, 10), data_ids=[{**DETECTOR_1, "detector": 2}]
        )
        assert _validity(repo) == [(biases[0].id, 1, days(0, 10))]
        with pytest.raises(CollectionTypeError, match="'run1' is RUN"):
            repo.datasets.decertify("run1", "bias", days(0, 10))

    def test_certify_with_implied_dimensions(
        self, repo: RegistryManagers, flat: DatasetType
    ) -> None:
        data_ids = [
            {"instrument": "Cam", "detector": 1, "physical_filter": f, "band": f[0]}
            for f in ("g_1", "r_1")
        ]
        refs = repo.datasets.insert(flat, "calib/run", data_ids)
        repo.datasets.certify("calib", refs, days(0, 10))
        found = repo.datasets.find(flat, data_ids[1], "calib", timespan=days(1, 2))
        assert found == refs[1]
        with pytest.raises(ConflictingDefinitionError, match="g_1"):
            repo.datasets.certify(
                "calib", repo.datasets.insert(flat, "run1", data_ids[:1]), days(5, 6)
            )

    def test_removal_of_certified_datasets(
        self, repo: RegistryManagers, biases: list[DatasetRef]
    ) -> None:
        repo.datasets.certify("calib", biases[:1] + biases[2:], days(0, 10))
        assert repo.datasets.remove(biases[:1]) == 1
        assert repo.datasets.find("bias", DETECTOR_1, "calib") is None
        assert [row[0] for row in _validity(repo)] == [biases[2].id]
        repo.collections.remove("calib")
        assert repo.datasets.get_ref(biases[2].id) == biases[2]
