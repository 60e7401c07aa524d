r"""File templates: the path of each dataset inside a file datastore.

Upstream's syntax, Python ``str.format`` with named fields:

- a field is a dimension (``{visit}``), a record field (``{visit.name}``;
  it needs an expanded data ID, but without records a unique key such as
  ``{detector.full_name}`` falls back to the dimension's value), or
  ``run``, ``datasetType``, ``component``, ``id``, ``skypix`` (whichever
  skypix dimension the dataset has);
- ``{a|b|c}``: the first alternative the dataset has;
- ``:?`` marks a field optional: when the dataset lacks it, the field and
  the literal text before it go (unless that text holds a ``/``);
- ``:/`` keeps ``/`` in the value (otherwise it becomes ``_``); other format
  specs apply as usual (``{visit:08d}``);
- values lose the characters ``<>:"\\|?*`` and spaces (to ``_``); in the
  last path component ``.`` becomes ``_`` and ``#`` becomes ``HASH``.

A template must use ``run`` or ``id``; `FileTemplate.validate` also checks
that it tells every dataset of a dataset type apart (it covers each
required dimension, or uses ``id``).
"""

from __future__ import annotations

__all__ = ["FileTemplate", "FileTemplates"]

import dataclasses
import posixpath
import re
import string
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...errors import FileTemplateError
from ...formatters._lookup import LookupTable

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ..._dataset_type import DatasetType
    from ...dimensions import DimensionGroup, DimensionUniverse

_SPECIALS = frozenset({"run", "datasetType", "component", "id"})
_BAD_CHARS = re.compile(r'[ <>:"\\|?*]')
_MISSING: Any = object()
_FIELD_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$")


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    literal: str
    alternatives: tuple[str, ...]
    spec: str
    optional: bool
    keep_slash: bool


class FileTemplate:
    """One template string.

    Parameters
    ----------
    template
        The template text.

    Raises
    ------
    FileTemplateError
        The text is not a valid template or uses neither ``run`` nor ``id``.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise FileTemplateError(f"File template {template!r} is malformed: {exc}.") from None
        fields: list[_Field] = []
        self._tail = ""
        for literal, name, spec, _conversion in parsed:
            if name is None:
                self._tail = literal
                continue
            if not name:
                raise FileTemplateError(
                    f"File template {template!r} has an empty or positional field; name every "
                    "field, e.g. {run}."
                )
            alternatives = tuple(part.strip() for part in name.split("|"))
            bad = [part for part in alternatives if not _FIELD_NAME.match(part)]
            if bad:
                raise FileTemplateError(
                    f"File template {template!r} has fields {bad} that are not names; use "
                    "dimension names, record fields (visit.name) or run/datasetType/component/id."
                )
            flags = spec or ""
            fields.append(
                _Field(
                    literal,
                    alternatives,
                    flags.replace("?", "").replace("/", ""),
                    "?" in flags,
                    "/" in flags,
                )
            )
        self._fields = tuple(fields)
        self._plans: dict[DimensionGroup, list[tuple[_Field, tuple[str, ...]]]] = {}
        names = self.fields(specials=True)
        if not names & {"run", "id"}:
            raise FileTemplateError(
                f"File template {template!r} uses neither {{run}} nor {{id}}, so two runs would "
                "write the same path; add one of them."
            )

    def __repr__(self) -> str:
        return f"FileTemplate({self.template!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileTemplate) and other.template == self.template

    def __hash__(self) -> int:
        return hash(self.template)

    def fields(self, optionals: bool = True, specials: bool = False) -> set[str]:
        """Return the names (alternatives included) the template uses."""
        result: set[str] = set()
        for field in self._fields:
            if field.optional and not optionals:
                continue
            result.update(name for name in field.alternatives if specials or name not in _SPECIALS)
        return result

    def uses_component(self) -> bool:
        """Return whether the template has a ``{component}`` field."""
        return any("component" in field.alternatives for field in self._fields)

    # ------------------------------------------------------------ formatting

    def format(self, ref: DatasetRef, component: str | None = None) -> str:
        """Return the path (relative, without extension) of a dataset.

        Parameters
        ----------
        ref
            The dataset (a component ref gives its component).
        component
            Component being written separately (disassembly).

        Raises
        ------
        FileTemplateError
            A mandatory field is missing, a record field needs an expanded
            data ID, or a component would not appear in the path.
        """
        if component is None:
            component = ref.datasetType.component()
        if component is not None and not self.uses_component():
            raise FileTemplateError(
                f"File template {self.template!r} has no {{component}} field, so the "
                f"component {component!r} of {ref} would overwrite other components; add "
                "{component} (e.g. '{datasetType}.{component:?}') to the template."
            )
        parts: list[str] = []
        for field, alternatives in self._plan(ref.datasetType.dimensions):
            value = self._value(ref, component, field, alternatives) if alternatives else _MISSING
            if value is _MISSING:
                if not field.optional:
                    raise FileTemplateError(
                        f"File template {self.template!r} needs {'|'.join(field.alternatives)!r}, "
                        f"which dataset {ref} does not have; make the field optional "
                        "(':?') or use another template for this dataset type."
                    )
                if "/" in field.literal:
                    parts.append(field.literal)
                continue
            parts.append(field.literal)
            text = format(value, field.spec) if field.spec else str(value)
            if not field.keep_slash:
                text = text.replace("/", "_")
            parts.append(_BAD_CHARS.sub("_", text))
        parts.append(self._tail)
        path = posixpath.normpath("".join(parts)).lstrip("/")
        head, _, last = path.rpartition("/")
        last = last.replace(".", "_").replace("#", "HASH")
        return f"{head}/{last}" if head else last

    def _plan(self, dimensions: DimensionGroup) -> list[tuple[_Field, tuple[str, ...]]]:
        """Return each field with the alternatives datasets of these dimensions may have."""
        plan = self._plans.get(dimensions)
        if plan is None:
            universe = dimensions.universe
            skypix = [d for d in dimensions.names if d in universe.skypix_dimensions.names]
            plan = []
            for field in self._fields:
                possible = []
                for name in field.alternatives:
                    element = name.partition(".")[0]
                    if element == "skypix" and skypix:
                        possible.append(name.replace("skypix", skypix[0], 1))
                    elif name in _SPECIALS or element in dimensions.elements:
                        possible.append(name)
                plan.append((field, tuple(possible)))
            self._plans[dimensions] = plan
        return plan

    @staticmethod
    def _value(
        ref: DatasetRef, component: str | None, field: _Field, alternatives: tuple[str, ...]
    ) -> Any:
        for name in alternatives:
            try:
                value = _lookup(ref, component, name)
            except FileTemplateError:
                if field.optional:
                    continue  # an optional record field of a data ID without records
                raise
            if value is not _MISSING and value is not None:
                return value
        return _MISSING

    # ------------------------------------------------------------ validation

    def validate(self, dataset_type: DatasetType) -> None:
        """Check the template gives every dataset of this type its own path.

        Raises
        ------
        FileTemplateError
            A required dimension is not in the template (and ``id`` is not
            used); the message names the missing dimensions.
        """
        names = self.fields(specials=True)
        if "id" in names:
            return
        universe = dataset_type.dimensions.universe
        covered: set[str] = set()
        for name in names:
            element, _, attribute = name.partition(".")
            if not attribute or (
                element in universe.getStaticDimensions().names
                and attribute in universe.dimensions[element].uniqueKeys.names
            ):
                covered.add(element)
        skypix = {d for d in dataset_type.dimensions.names if d in universe.skypix_dimensions.names}
        if "skypix" in names:
            covered |= skypix
        missing = [d for d in dataset_type.dimensions.required if d not in covered]
        if missing:
            raise FileTemplateError(
                f"File template {self.template!r} does not give datasets of type "
                f"{dataset_type.name!r} unique paths: it lacks the dimensions {missing}. Add "
                f"them (e.g. '{{{missing[0]}}}'), or {{id}}, to the template."
            )
        if dataset_type.isComponent() and not self.uses_component():
            raise FileTemplateError(
                f"File template {self.template!r} has no {{component}} field, needed by "
                f"component dataset type {dataset_type.name!r}."
            )


def _lookup(ref: DatasetRef, component: str | None, name: str) -> Any:
    if name == "run":
        return ref.run
    if name == "datasetType":
        return ref.datasetType.nameAndComponent()[0]
    if name == "component":
        return component if component is not None else _MISSING
    if name == "id":
        return ref.id
    data_id = ref.dataId
    element, _, attribute = name.partition(".")
    if not attribute:
        if element in data_id.dimensions.names:
            try:
                return data_id[element]
            except Exception:
                return _MISSING
        return _MISSING
    if not data_id.hasRecords():
        dimensions = data_id.universe.getStaticDimensions()
        if (
            element in data_id.dimensions.names
            and element in dimensions.names
            and attribute in dimensions[element].uniqueKeys.names
        ):
            # Another unique key of the same dimension keeps paths unique.
            return data_id[element]
        raise FileTemplateError(
            f"File template field {name!r} needs dimension records, but the data ID of {ref} "
            "is not expanded; expand it (Registry.expandDataId) before writing."
        )
    record = data_id.records.get(element)
    if record is None:
        return _MISSING
    return getattr(record, attribute, _MISSING)


class FileTemplates:
    """Templates configured per dataset type, storage class, dimensions and instrument.

    Parameters
    ----------
    config
        The ``templates`` section: lookup keys to template strings; the
        ``default`` key (`False` or ``""`` disables it).
    universe
        When given, templates keyed by dimensions are validated now.

    Raises
    ------
    FileTemplateError
        A template is malformed, or one keyed by dimensions does not give
        datasets with those dimensions unique paths.
    """

    def __init__(
        self, config: Mapping[str, Any] | None, universe: DimensionUniverse | None = None
    ) -> None:
        parsed: dict[str, Any] = {}
        for key, value in (config or {}).items():
            if str(key).startswith("instrument<") and isinstance(value, Mapping):
                parsed[key] = {k: _template(k, v) for k, v in value.items()}
            else:
                parsed[key] = _template(key, value)
        self._table: LookupTable[FileTemplate | None] = LookupTable(parsed, "file template")
        if universe is not None:
            self.validate_dimension_keys(universe)

    @property
    def default(self) -> FileTemplate | None:
        """The default template, if any."""
        return self._table.default

    def validate_dimension_keys(self, universe: DimensionUniverse) -> None:
        """Check each template keyed by dimensions covers those dimensions."""
        from ..._dataset_type import DatasetType

        for names, template in self._table.dimension_entries():
            if template is not None:
                probe = DatasetType("template_check", universe.conform(names), "StructuredDataDict")
                template.validate(probe)

    def getTemplate(self, entity: Any) -> FileTemplate:
        """Return the template for a dataset ref or dataset type.

        Raises
        ------
        FileTemplateError
            No template matches and the default is disabled.
        """
        _key, template = self._table.find(entity)
        if template is None:
            raise FileTemplateError(
                f"No file template applies to {entity} and the default template is disabled; "
                "add one to the datastore's 'templates' configuration."
            )
        return template

    def validateTemplates(self, entities: Iterable[Any]) -> None:
        """Check the template of every dataset type given.

        Raises
        ------
        FileTemplateError
            Some templates cannot serve their dataset types (all are listed).
        """
        from ..._dataset_type import DatasetType

        problems = []
        for entity in entities:
            if not isinstance(entity, DatasetType):
                continue
            try:
                self.getTemplate(entity).validate(entity)
            except FileTemplateError as exc:
                problems.append(str(exc))
        if problems:
            raise FileTemplateError("\n".join(problems))


def _template(key: str, value: Any) -> FileTemplate | None:
    if value is False or value == "" or value is None:
        return None
    if not isinstance(value, str):
        raise FileTemplateError(f"File template {key!r} must be a string, not {value!r}.")
    return FileTemplate(value)
