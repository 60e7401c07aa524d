"""Tests for StorageClass, StorageClassFactory, StorageClassConfig and the default delegate."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skybutler.daf_butler._config import Config
from skybutler.daf_butler._storage_class import StorageClass
from skybutler.daf_butler._storage_class_delegate import StorageClassDelegate
from skybutler.daf_butler._storage_class_factory import StorageClassConfig, StorageClassFactory
from skybutler.daf_butler.errors import (
    ConflictingDefinitionError,
    MissingStorageClassError,
    StorageClassComponentError,
    StorageClassConfigError,
    StorageClassConversionError,
    StorageClassParameterError,
)
from skybutler.daf_butler.types import MaskedImageDelegate, TableDelegate, TaskMetadata

SHIPPED = [
    "int",
    "StructuredDataDict",
    "StructuredDataList",
    "NumpyArray",
    "Thumbnail",
    "Plot",
    "Timespan",
    "Config",
    "Packages",
    "TaskMetadata",
    "Box",
    "MaskedImage",
    "ArrowColumnList",
    "ArrowSchema",
    "ArrowAstropySchema",
    "ArrowNumpySchema",
    "DataFrameSchema",
    "DataFrameIndex",
    "DataFrame",
    "ArrowTable",
    "ArrowAstropy",
    "ArrowNumpy",
    "ArrowNumpyDict",
    "AstropyTable",
    "AstropyQTable",
]


@pytest.fixture
def factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[StorageClassFactory]:
    monkeypatch.delenv("SKYBUTLER_CONFIG_PATH", raising=False)
    monkeypatch.delenv("DAF_BUTLER_CONFIG_PATH", raising=False)
    instance = StorageClassFactory()
    instance.reset()
    yield instance
    instance.reset()


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Write an importable module of types and converters; return its name."""
    name = f"sc_plugin_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """\
            import dataclasses

            @dataclasses.dataclass
            class Thing:
                value: int

            class OtherThing:
                pass

            def int_to_thing(value):
                return Thing(value)

            def str_to_thing(text):
                return Thing(int(text))

            def broken(value):
                raise RuntimeError("converter exploded")
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def add(factory: StorageClassFactory, text: str) -> None:
    factory.addFromConfig(Config.fromYaml(textwrap.dedent(text)))


# ---------------------------------------------------------------- defaults


def test_factory_is_a_singleton(factory: StorageClassFactory) -> None:
    assert StorageClassFactory() is factory


@pytest.mark.parametrize("name", SHIPPED, ids=SHIPPED)
def test_shipped_storage_classes(factory: StorageClassFactory, name: str) -> None:
    assert name in factory
    assert factory.getStorageClass(name).name == name


def test_shipped_keys_and_config(factory: StorageClassFactory) -> None:
    assert set(SHIPPED) <= set(factory.keys())
    assert len(factory) == len(factory.keys())
    config = StorageClassConfig()
    assert "MaskedImage" in config
    assert config["MaskedImage.delegate"] == "MaskedImageDelegate"
    assert "ArrowTable" in str(factory)


@pytest.mark.parametrize(
    ("name", "pytype"),
    [
        ("int", int),
        ("StructuredDataDict", dict),
        ("NumpyArray", np.ndarray),
        ("Config", Config),
        ("TaskMetadata", TaskMetadata),
    ],
    ids=["int", "dict", "ndarray", "Config", "TaskMetadata"],
)
def test_shipped_pytypes_import(factory: StorageClassFactory, name: str, pytype: type) -> None:
    assert factory.getStorageClass(name).pytype is pytype


def test_timespan_storage_class_type(factory: StorageClassFactory) -> None:
    timespan = pytest.importorskip(
        "skybutler.daf_butler._timespan", reason="Timespan not written yet"
    )
    assert factory.getStorageClass("Timespan").pytype is timespan.Timespan


def test_default_delegates_resolve(factory: StorageClassFactory) -> None:
    assert isinstance(factory.getStorageClass("MaskedImage").delegate(), MaskedImageDelegate)
    assert isinstance(factory.getStorageClass("ArrowTable").delegate(), TableDelegate)
    plain = factory.getStorageClass("StructuredDataDict").delegate()
    assert type(plain) is StorageClassDelegate
    assert plain.storageClass.name == "StructuredDataDict"


def test_loading_defaults_imports_no_optional_packages() -> None:
    code = textwrap.dedent(
        """\
        import sys
        from skybutler.daf_butler._storage_class_factory import StorageClassFactory
        factory = StorageClassFactory()
        for name in factory.keys():
            sc = factory.getStorageClass(name)
            sc.allComponents(); sc.knownParameters(); sc.delegate()
        sc = factory.getStorageClass("ArrowNumpyDict")
        assert sc.coerce_type({"a": [1]}) == {"a": [1]}
        print(sorted(m for m in ("pyarrow", "pandas", "astropy", "matplotlib") if m in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_unknown_name_suggests_close_ones(factory: StorageClassFactory) -> None:
    with pytest.raises(MissingStorageClassError) as info:
        factory.getStorageClass("ArowTable")
    assert isinstance(info.value, KeyError)
    assert "'ArrowTable'" in str(info.value)


def test_find_storage_class(factory: StorageClassFactory, plugin_module: str) -> None:
    assert factory.findStorageClass(dict).name == "StructuredDataDict"
    assert factory.findStorageClass(np.ndarray, compare_types=True).name == "NumpyArray"
    assert factory.findStorageClass(TaskMetadata).name == "TaskMetadata"
    with pytest.raises(MissingStorageClassError, match="Python type complex"):
        factory.findStorageClass(complex)


def test_search_path_adds_definitions(
    factory: StorageClassFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "storageClasses.yaml").write_text("storageClasses:\n  Extra:\n    pytype: float\n")
    monkeypatch.setenv("DAF_BUTLER_CONFIG_PATH", str(tmp_path))
    factory.reset()
    assert factory.getStorageClass("Extra").pytype is float
    assert "NumpyArray" in factory


# ------------------------------------------------------------- definitions


def test_inheritance(factory: StorageClassFactory) -> None:
    add(
        factory,
        """\
        storageClasses:
          Child:
            inheritsFrom: Base
            parameters: [extra]
            converters: {str: float}
          Base:
            pytype: int
            parameters: [scale]
            derivedComponents: {half: int}
            converters: {float: int}
            delegate: StorageClassDelegate
          GrandChild:
            inheritsFrom: Child
            pytype: bool
        """,
    )
    child = factory.getStorageClass("Child")
    assert child.pytype is int
    assert child.parameters == {"scale", "extra"}
    assert set(child.derivedComponents) == {"half"}
    assert child.converters == {"float": "int", "str": "float"}
    assert child.inheritsFrom == "Base"
    assert child.lookup_names() == ("Child", "Base")
    grand = factory.getStorageClass("GrandChild")
    assert grand.pytype is bool
    assert grand.lookup_names() == ("GrandChild", "Child", "Base")
    assert grand.parameters == {"scale", "extra"}


def test_inheritance_from_registered_name() -> None:
    direct = StorageClass("DirectChild", inheritsFrom="StructuredDataDict", parameters=["p"])
    assert direct.pytype is dict
    assert direct.lookup_names() == ("DirectChild", "StructuredDataDict")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "Solo: {pytype: dict, components: {only: int}}",
            "exactly one component",
        ),
        ("Loop1: {inheritsFrom: Loop2}\nLoop2: {inheritsFrom: Loop1}", "cycle"),
        ("Bad: {components: {a: Nope, b: int}}", "unknown storage class"),
        ("Bad: {inheritsFrom: Nope}", "inheritsFrom names an unknown"),
        ("Bad: {pytype: 3}", "pytype must be a type name"),
        ("Bad: [1, 2]", "must be a mapping"),
        ("Bad: {parameters: [1]}", "parameters must be a list of names"),
        ("Bad: {components: [a, b]}", "components must map"),
        ("Bad: {converters: [a]}", "converters must map"),
        ("Bad: {components: {a: int, b: int}, derivedComponents: {a: int}}", "both components"),
        (
            "Bad: {converter: {int: a}, converters: {int: b}}",
            "different converters for 'int'",
        ),
    ],
    ids=[
        "one-component",
        "cycle",
        "unknown-component",
        "unknown-base",
        "pytype-not-str",
        "not-mapping",
        "parameter-not-str",
        "components-list",
        "converters-list",
        "component-and-derived",
        "converter-conflict",
    ],
)
def test_invalid_definitions(factory: StorageClassFactory, text: str, match: str) -> None:
    indented = textwrap.indent(text, "  ")
    with pytest.raises(StorageClassConfigError, match=match):
        add(factory, f"storageClasses:\n{indented}\n")


def test_one_component_in_constructor() -> None:
    with pytest.raises(StorageClassConfigError, match="'only'"):
        StorageClass("Solo", pytype=dict, components={"only": "int"})
    with pytest.raises(StorageClassConfigError, match="non-empty string"):
        StorageClass("")


def test_unknown_key_warns_and_is_ignored(
    factory: StorageClassFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        add(factory, "storageClasses:\n  Odd:\n    pytype: int\n    colour: blue\n")
    assert factory.getStorageClass("Odd").pytype is int
    assert any(
        "colour" in record.getMessage() and "Odd" in record.getMessage()
        for record in caplog.records
    )


def test_lazy_pytype(factory: StorageClassFactory, plugin_module: str) -> None:
    add(
        factory,
        f"""\
        storageClasses:
          Lazy:
            pytype: {plugin_module}.Thing
          Absent:
            pytype: no_such_module_for_tests.Thing
        """,
    )
    lazy = factory.getStorageClass("Lazy")
    assert plugin_module not in sys.modules
    assert lazy.pytype_name == f"{plugin_module}.Thing"
    assert lazy.pytype.__name__ == "Thing"
    assert plugin_module in sys.modules
    absent = factory.getStorageClass("Absent")
    with pytest.raises(ImportError, match=r"'Absent'.*no_such_module_for_tests"):
        _ = absent.pytype
    assert not absent.is_type(int)
    assert not absent.can_convert(lazy)


def test_pytype_must_be_a_type(factory: StorageClassFactory, plugin_module: str) -> None:
    add(factory, f"storageClasses:\n  NotAType:\n    pytype: {plugin_module}.int_to_thing\n")
    with pytest.raises(StorageClassConfigError, match="is not a type"):
        _ = factory.getStorageClass("NotAType").pytype


# -------------------------------------------------------------- converters


@pytest.mark.parametrize("key", ["converters", "converter"], ids=["plural", "singular"])
def test_converters(factory: StorageClassFactory, plugin_module: str, key: str) -> None:
    add(
        factory,
        f"""\
        storageClasses:
          Thing:
            pytype: {plugin_module}.Thing
            {key}:
              int: {plugin_module}.int_to_thing
        """,
    )
    thing_sc = factory.getStorageClass("Thing")
    thing = thing_sc.coerce_type(7)
    assert type(thing).__name__ == "Thing"
    assert thing.value == 7
    assert thing_sc.coerce_type(thing) is thing
    assert factory.getStorageClass("int").can_convert(thing_sc)
    assert not factory.getStorageClass("StructuredDataDict").can_convert(thing_sc)
    with pytest.raises(StorageClassConversionError) as info:
        thing_sc.coerce_type("seven")
    message = str(info.value)
    assert "a str" in message
    assert f"{plugin_module}.Thing" in message
    assert "'Thing'" in message


def test_converter_failure_and_bad_converter(
    factory: StorageClassFactory, plugin_module: str
) -> None:
    add(
        factory,
        f"""\
        storageClasses:
          Fragile:
            pytype: {plugin_module}.Thing
            converters:
              int: {plugin_module}.broken
              str: {plugin_module}.no_such_function
        """,
    )
    fragile = factory.getStorageClass("Fragile")
    with pytest.raises(StorageClassConversionError, match="converter exploded") as info:
        fragile.coerce_type(3)
    assert isinstance(info.value.__cause__, RuntimeError)
    with pytest.raises(StorageClassConfigError, match="no_such_function"):
        fragile.coerce_type("3")


def test_converters_by_type_skips_missing_modules(
    factory: StorageClassFactory, plugin_module: str
) -> None:
    sc = StorageClass(
        "Mixed",
        pytype=f"{plugin_module}.Thing",
        converters={"int": f"{plugin_module}.int_to_thing", "no_such_pkg.Type": "x.y"},
    )
    by_type = sc.converters_by_type
    assert list(by_type) == [int]
    assert by_type[int](2).value == 2


def test_callable_converters_and_definition_stability(plugin_module: str) -> None:
    def to_list(value: tuple[Any, ...]) -> list[Any]:
        return list(value)

    sc = StorageClass("Listy", pytype=list, converters={"tuple": to_list})
    before = sc.definition()
    assert sc.coerce_type((1, 2)) == [1, 2]
    assert sc.definition() == before
    named = StorageClass(
        "Named",
        pytype=dict,
        converters={"skybutler.daf_butler.types.TaskMetadata": "task_metadata_to_dict"},
    )
    named_before = named.definition()
    metadata = TaskMetadata()
    metadata["a.b"] = 1
    assert named.coerce_type(metadata) == {"a": {"b": 1}}
    assert named.definition() == named_before


def test_shipped_dict_converters(factory: StorageClassFactory) -> None:
    metadata = factory.getStorageClass("TaskMetadata").coerce_type({"a": {"b": [1, 2]}, "c": "x"})
    assert isinstance(metadata, TaskMetadata)
    assert metadata.getArray("a.b") == [1, 2]
    back = factory.getStorageClass("StructuredDataDict").coerce_type(metadata)
    assert back == {"c": "x", "a": {"b": [1, 2]}}
    packages = factory.getStorageClass("Packages").coerce_type({"numpy": "2.0"})
    assert type(packages).__name__ == "Packages"


def test_is_type_and_can_convert_without_import(factory: StorageClassFactory) -> None:
    dataframe = factory.getStorageClass("DataFrame")
    astropy_sc = factory.getStorageClass("ArrowAstropy")
    assert astropy_sc.can_convert(dataframe)
    assert dataframe.can_convert(astropy_sc)
    assert factory.getStorageClass("NumpyArray").is_type(np.ndarray)
    assert not factory.getStorageClass("NumpyArray").is_type(list)
    assert factory.getStorageClass("StructuredDataDict").is_type(dict, compare_types=True)
    assert not factory.getStorageClass("int").can_convert(
        factory.getStorageClass("StructuredDataDict")
    )
    assert factory.getStorageClass("NumpyArray").can_convert(factory.getStorageClass("Thumbnail"))


def test_can_convert_through_subclass(plugin_module: str) -> None:
    base = StorageClass("BaseDict", pytype=dict)
    sub = StorageClass("Ordered", pytype="collections.OrderedDict")
    assert sub.can_convert(base)  # an OrderedDict is a dict
    assert not base.can_convert(sub)


# -------------------------------------------------------------- parameters


def test_parameters(factory: StorageClassFactory) -> None:
    add(
        factory,
        """\
        storageClasses:
          Part:
            pytype: dict
            parameters: [part_param]
          Whole:
            pytype: dict
            parameters: [whole_param, other]
            components: {left: Part, right: int}
        """,
    )
    whole = factory.getStorageClass("Whole")
    assert whole.parameters == {"whole_param", "other"}
    assert whole.knownParameters() == {"whole_param", "other", "part_param"}
    whole.validateParameters({"whole_param": 1, "part_param": 2})
    whole.validateParameters(["other"])
    whole.validateParameters(None)
    with pytest.raises(
        StorageClassParameterError, match=r"\['bogus'\].*allowed: other, part_param, whole_param"
    ):
        whole.validateParameters({"bogus": 1, "other": 2})
    assert whole.filterParameters({"whole_param": 1, "part_param": 2, "other": 3}) == {
        "whole_param": 1,
        "other": 3,
    }
    assert whole.filterParameters({"whole_param": 1, "other": 3}, subset={"other"}) == {"other": 3}
    assert whole.filterParameters(None) == {}
    with pytest.raises(StorageClassParameterError, match="part_param"):
        whole.filterParameters({"other": 1}, subset={"part_param"})
    with pytest.raises(StorageClassParameterError, match="allowed: none"):
        factory.getStorageClass("int").validateParameters("x")


def test_components_and_composite(factory: StorageClassFactory) -> None:
    image = factory.getStorageClass("MaskedImage")
    assert image.isComposite()
    assert set(image.components) == {"image", "mask", "variance", "metadata"}
    assert image.components["image"] is factory.getStorageClass("NumpyArray")
    assert set(image.allComponents()) == {"image", "mask", "variance", "metadata", "bbox"}
    table = factory.getStorageClass("ArrowTable")
    assert not table.isComposite()
    assert set(table.derivedComponents) == {"columns", "rowcount", "schema"}


def test_components_given_by_name_resolve_lazily(factory: StorageClassFactory) -> None:
    composite = StorageClass(
        "Pair", pytype=dict, components={"a": "int", "b": "StructuredDataList"}
    )
    assert composite.components["b"].pytype is list


# ---------------------------------------------------------------- registry


def test_register_identical_and_conflicting(factory: StorageClassFactory) -> None:
    first = StorageClass("Reg", pytype=dict, parameters=["p"])
    factory.registerStorageClass(first)
    factory.registerStorageClass(StorageClass("Reg", pytype="builtins.dict", parameters=["p"]))
    assert factory.getStorageClass("Reg") is first
    assert first in factory
    different = StorageClass("Reg", pytype=list, parameters=["p"])
    assert different not in factory
    with pytest.raises(
        ConflictingDefinitionError, match=r"'Reg' \(from test\).*pytype: 'dict' != 'list'"
    ):
        factory.registerStorageClass(different, msg="test")


def test_redefining_shipped_class_conflicts(factory: StorageClassFactory) -> None:
    add(factory, "storageClasses:\n  NumpyArray:\n    pytype: numpy.ndarray\n")
    with pytest.raises(ConflictingDefinitionError, match="NumpyArray"):
        add(factory, "storageClasses:\n  NumpyArray:\n    pytype: list\n")


def test_add_from_file(factory: StorageClassFactory, tmp_path: Path) -> None:
    path = tmp_path / "sc.yaml"
    path.write_text("storageClasses:\n  FromFile: {pytype: str}\n")
    factory.addFromConfig(path)
    assert factory.getStorageClass("FromFile").pytype is str
    path.write_text("storageClasses:\n  FromFile: {pytype: bytes}\n")
    with pytest.raises(ConflictingDefinitionError, match=r"sc\.yaml"):
        factory.addFromConfig(str(path))


def test_reset_reloads_defaults(factory: StorageClassFactory) -> None:
    factory.registerStorageClass(StorageClass("Temporary", pytype=int))
    factory.reset()
    assert "Temporary" not in factory
    assert "NumpyArray" in factory


def test_equality_hash_repr() -> None:
    a = StorageClass("Eq", pytype=dict, parameters=["x"], components={"p": "int", "q": "int"})
    b = StorageClass("Eq", pytype="dict", parameters=("x",), components={"q": "int", "p": "int"})
    assert a == b
    assert hash(a) == hash(b)
    assert a != StorageClass("Eq", pytype=dict)
    assert a != "Eq"
    assert str(a) == "Eq"
    text = repr(a)
    assert text.startswith("StorageClass('Eq', pytype='dict'")
    assert "parameters=['x']" in text


# ------------------------------------------------------------- delegates


@dataclasses.dataclass
class Pair:
    first: Any
    second: Any


class Gettered:
    def __init__(self) -> None:
        self._first = 1
        self.second = 2

    def getFirst(self) -> int:
        return self._first

    def setFirst(self, value: int) -> None:
        self._first = value


@pytest.fixture
def pair_class() -> StorageClass:
    return StorageClass(
        "PairSC",
        pytype=Pair,
        components={"first": "int", "second": "StructuredDataList"},
        derivedComponents={"total": "int"},
    )


def test_default_delegate_dataclass_round_trip(
    factory: StorageClassFactory, pair_class: StorageClass
) -> None:
    delegate = pair_class.delegate()
    pair = Pair(3, [1, 2])
    parts = delegate.disassemble(pair)
    assert parts == {"first": 3, "second": [1, 2]}
    assert delegate.assemble(parts) == pair
    assert delegate.disassemble(pair, subset=["second"]) == {"second": [1, 2]}
    assert delegate.disassemble(Pair(None, [1]), subset=None) == {"second": [1]}
    assert delegate.getComponent(pair, "first") == 3
    assert delegate.can_accept(pair)
    assert not delegate.can_accept({"first": 1})


def test_default_delegate_errors(factory: StorageClassFactory, pair_class: StorageClass) -> None:
    delegate = pair_class.delegate()
    with pytest.raises(StorageClassComponentError, match="no component 'third'"):
        delegate.getComponent(Pair(1, 2), "third")
    with pytest.raises(StorageClassComponentError, match=r"'total'.*no such item"):
        delegate.getComponent(Pair(1, 2), "total")
    with pytest.raises(StorageClassComponentError, match=r"\['nope'\]"):
        delegate.disassemble(Pair(1, 2), subset=["nope"])
    with pytest.raises(StorageClassConversionError, match="Cannot disassemble a dict"):
        delegate.disassemble({"first": 1, "second": 2})
    with pytest.raises(StorageClassComponentError, match=r"\['extra'\]"):
        delegate.assemble({"first": 1, "extra": 2})
    with pytest.raises(StorageClassComponentError, match="Cannot assemble"):
        delegate.assemble({"first": 1})
    with pytest.raises(StorageClassComponentError, match="'total'"):
        delegate.selectResponsibleComponent("total", {"first", None})
    with pytest.raises(StorageClassComponentError, match="not a composite"):
        factory.getStorageClass("int").delegate().disassemble(3)


def test_default_delegate_mapping_and_getters(factory: StorageClassFactory) -> None:
    mapping_sc = StorageClass("MapSC", pytype=dict, components={"a": "int", "b": "int"})
    delegate = mapping_sc.delegate()
    assert delegate.assemble({"a": 1, "b": 2}) == {"a": 1, "b": 2}
    assert delegate.disassemble({"a": 1, "b": 2, "c": 3}) == {"a": 1, "b": 2}

    getter_sc = StorageClass(
        "GetterSC", pytype=Gettered, components={"first": "int", "second": "int"}
    )
    getter_delegate = getter_sc.delegate()
    obj = Gettered()
    assert getter_delegate.disassemble(obj) == {"first": 1, "second": 2}
    rebuilt = getter_delegate.assemble({"first": 5, "second": 6})
    assert rebuilt.getFirst() == 5
    assert rebuilt.second == 6
    copied = getter_delegate.copy(obj)
    assert copied is not obj
    assert copied.second == 2


def test_default_delegate_parameters(factory: StorageClassFactory) -> None:
    sc = StorageClass("WithParams", pytype=dict, parameters=["p"])
    delegate = sc.delegate()
    data = {"x": 1}
    assert delegate.handleParameters(data, None) is data
    with pytest.raises(StorageClassParameterError, match="does not apply them"):
        delegate.handleParameters(data, {"p": 1})
    with pytest.raises(StorageClassParameterError, match="does not understand"):
        delegate.handleParameters(data, {"q": 1})


@pytest.mark.parametrize(
    "delegate",
    ["TableDelegate", "skybutler.daf_butler.types.TableDelegate", TableDelegate],
    ids=["short-name", "qualified-name", "class"],
)
def test_delegate_names(delegate: Any) -> None:
    sc = StorageClass("Delegated", pytype=dict, delegate=delegate)
    assert isinstance(sc.delegate(), TableDelegate)


def test_bad_delegate_name() -> None:
    sc = StorageClass("BadDelegate", pytype=dict, delegate="NoSuchDelegate")
    with pytest.raises(
        StorageClassConfigError,
        match=r"NoSuchDelegate.*Short names allowed here: MaskedImageDelegate",
    ):
        sc.delegate()


def test_pickle_and_deepcopy(factory: StorageClassFactory) -> None:
    import copy
    import pickle

    table = factory.getStorageClass("ArrowAstropy")
    table.coerce_type({"a": np.array([1])})  # fills the converter cache
    for duplicate in (pickle.loads(pickle.dumps(table)), copy.deepcopy(table)):
        assert duplicate == table
        assert duplicate.lookup_names() == table.lookup_names()
        assert duplicate.coerce_type({"a": np.array([2])})["a"][0] == 2
