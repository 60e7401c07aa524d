"""Building the elements of a universe from a checked `UniverseConfig`.

Elements are ordered in dependency rounds: an element's round is one more than
the latest round of anything it requires or implies (skypix dimensions and
elements with no dependencies are in round 0). Within a round elements are
sorted by name. This gives every universe a deterministic order in which each
element comes after all of its dependencies.
"""

from __future__ import annotations

__all__ = ["BuiltElements", "build_elements"]

import dataclasses
from collections.abc import Mapping

from ..errors import DimensionConfigError
from ._config import ElementConfig, UniverseConfig
from ._elements import (
    DatabaseDimension,
    Dimension,
    DimensionCombination,
    DimensionElement,
    GovernorDimension,
    SkyPixDimension,
)
from ._named import NamedValueAbstractSet
from ._topology import DatabaseTopologicalFamily, SkyPixSystem, TopologicalSpace


@dataclasses.dataclass
class BuiltElements:
    """Everything `DimensionUniverse` needs, in universe order."""

    elements: list[DimensionElement]
    skypix_systems: list[SkyPixSystem]
    spatial: list[DatabaseTopologicalFamily]
    temporal: list[DatabaseTopologicalFamily]
    common_skypix: SkyPixDimension


def build_elements(config: UniverseConfig) -> BuiltElements:
    """Create and link every element described by ``config``.

    Raises
    ------
    DimensionConfigError
        On duplicate or unknown names, dependency cycles, or inconsistent
        topology.
    """
    where = f"Dimension universe {config.source}"
    systems, skypix = _make_skypix(config)
    configs = {c.name: c for c in config.elements}
    if len(configs) != len(config.elements):
        names = [c.name for c in config.elements]
        dup = sorted({n for n in names if names.count(n) > 1})
        raise DimensionConfigError(f"{where}: element(s) {dup} are defined more than once.")
    clash = sorted(set(configs) & set(skypix))
    if clash:
        raise DimensionConfigError(
            f"{where}: element(s) {clash} are defined more than once (they clash with the "
            "skypix dimensions generated from the 'skypix' section)."
        )
    _check_references(configs, set(skypix), where)
    rounds = _dependency_rounds(configs, skypix, where)
    order = sorted(rounds, key=lambda name: (rounds[name], name))

    built: dict[str, DimensionElement] = {}
    for index, name in enumerate(order):
        element = skypix[name] if name in skypix else _make_element(configs[name], built)
        element._index = index
        built[name] = element
    for name, element in built.items():
        if name in configs:
            _check_element_links(configs[name], element, built, where)

    spatial = _make_families(config.spatial, TopologicalSpace.SPATIAL, built, where)
    temporal = _make_families(config.temporal, TopologicalSpace.TEMPORAL, built, where)
    common = built.get(config.common_skypix)
    if not isinstance(common, SkyPixDimension):
        raise DimensionConfigError(
            f"{where}: skypix.common is {config.common_skypix!r}, which is not one of the "
            f"skypix dimensions ({', '.join(sorted(skypix)[:4])}, ...)."
        )
    return BuiltElements(list(built.values()), systems, spatial, temporal, common)


def _make_skypix(config: UniverseConfig) -> tuple[list[SkyPixSystem], dict[str, SkyPixDimension]]:
    systems = []
    dimensions: dict[str, SkyPixDimension] = {}
    for system_config in config.skypix:
        system = SkyPixSystem(
            system_config.name,
            system_config.class_name,
            system_config.min_level,
            system_config.max_level,
        )
        members = []
        for level in range(system_config.min_level, system_config.max_level + 1):
            dimension = SkyPixDimension(system, level)
            dimension._required = NamedValueAbstractSet([dimension])
            dimension._spatial = system
            members.append(dimension)
            dimensions[dimension.name] = dimension
        system._members = tuple(members)
        systems.append(system)
    return systems, dimensions


def _check_references(configs: dict[str, ElementConfig], skypix: set[str], where: str) -> None:
    dimension_names = skypix | {name for name, c in configs.items() if c.keys}
    for config in configs.values():
        for field, names in (("requires", config.requires), ("implies", config.implies)):
            for name in names:
                if name in dimension_names:
                    continue
                if name in configs:
                    raise DimensionConfigError(
                        f"{where}: element {config.name!r} {field} {name!r}, which is a "
                        "dimension combination (no keys), not a dimension."
                    )
                raise DimensionConfigError(
                    f"{where}: element {config.name!r} {field} unknown dimension {name!r}."
                )
        both = sorted(set(config.requires) & set(config.implies))
        if both:
            raise DimensionConfigError(
                f"{where}: element {config.name!r} both requires and implies {both}."
            )


def _dependency_rounds(
    configs: dict[str, ElementConfig], skypix: dict[str, SkyPixDimension], where: str
) -> dict[str, int]:
    rounds: dict[str, int] = dict.fromkeys(skypix, 0)
    visiting: list[str] = []

    def visit(name: str) -> int:
        if name in rounds:
            return rounds[name]
        if name in visiting:
            cycle = [*visiting[visiting.index(name) :], name]
            raise DimensionConfigError(
                f"{where}: dependency cycle through requires/implies: {' -> '.join(cycle)}."
            )
        visiting.append(name)
        config = configs[name]
        deps = [visit(dep) for dep in (*config.requires, *config.implies)]
        visiting.pop()
        rounds[name] = 1 + max(deps) if deps else 0
        return rounds[name]

    for name in configs:
        visit(name)
    return rounds


def _make_element(config: ElementConfig, built: dict[str, DimensionElement]) -> DimensionElement:
    element: DimensionElement
    if not config.keys:
        element = DimensionCombination(
            config.name,
            config.doc,
            is_cached=config.is_cached,
            always_join=config.always_join,
            populated_by=config.populated_by,
        )
    elif config.governor:
        element = GovernorDimension(config.name, config.doc, keys=config.keys, is_cached=True)
    else:
        element = DatabaseDimension(
            config.name,
            config.doc,
            keys=config.keys,
            is_cached=config.is_cached,
            implied_union_target=config.implied_union_target,
        )
    required: set[str] = set()
    for name in config.requires:
        required.update(built[name].required.names)
    if isinstance(element, Dimension):
        required.add(config.name)
        built = {**built, config.name: element}
    element._required = NamedValueAbstractSet(
        sorted((built[name] for name in required), key=_index_or_last)  # type: ignore[misc]
    )
    element._implied = NamedValueAbstractSet(
        sorted((built[name] for name in config.implies), key=_index_or_last)  # type: ignore[misc]
    )
    element._metadata = NamedValueAbstractSet(config.metadata)
    return element


def _index_or_last(element: DimensionElement) -> int:
    # The element being built has no index yet but always sorts after its dependencies.
    return getattr(element, "_index", 1 << 30)


def _check_element_links(
    config: ElementConfig, element: DimensionElement, built: dict[str, DimensionElement], where: str
) -> None:
    target = config.implied_union_target
    if target is not None:
        target_element = built.get(target)
        if not isinstance(target_element, Dimension):
            raise DimensionConfigError(
                f"{where}: element {config.name!r} has implied_union_target {target!r}, which "
                "is not a dimension."
            )
        if config.name not in target_element.implied.names:
            raise DimensionConfigError(
                f"{where}: element {config.name!r} has implied_union_target {target!r}, but "
                f"{target!r} does not imply {config.name!r}."
            )
    if config.populated_by is not None and config.populated_by not in element.required.names:
        raise DimensionConfigError(
            f"{where}: element {config.name!r} is populated_by {config.populated_by!r}, which "
            f"is not one of its required dimensions {list(element.required.names)}."
        )


def _make_families(
    families: Mapping[str, tuple[str, ...]],
    space: TopologicalSpace,
    built: dict[str, DimensionElement],
    where: str,
) -> list[DatabaseTopologicalFamily]:
    result = []
    label = space.name.lower()
    for family_name, member_names in families.items():
        family = DatabaseTopologicalFamily(family_name, space)
        members = []
        for name in member_names:
            member = built.get(name)
            if member is None:
                raise DimensionConfigError(
                    f"{where}: {label} family {family_name!r} lists unknown element {name!r}."
                )
            if isinstance(member, SkyPixDimension):
                raise DimensionConfigError(
                    f"{where}: {label} family {family_name!r} lists skypix dimension {name!r}; "
                    "skypix systems are families of their own."
                )
            attribute = "_spatial" if space is TopologicalSpace.SPATIAL else "_temporal"
            existing = getattr(member, attribute)
            if existing is not None:
                raise DimensionConfigError(
                    f"{where}: element {name!r} is in two {label} families "
                    f"({existing.name!r} and {family_name!r})."
                )
            setattr(member, attribute, family)
            members.append(member)
        governors = {m.name: (g.name if (g := m.governor) is not None else None) for m in members}
        if len(set(governors.values())) > 1:
            raise DimensionConfigError(
                f"{where}: members of {label} family {family_name!r} do not share a governor: "
                + ", ".join(f"{m} -> {g}" for m, g in governors.items())
                + "."
            )
        family._members = tuple(members)
        result.append(family)
    return result
