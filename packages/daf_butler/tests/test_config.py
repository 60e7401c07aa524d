"""Tests for Config, ConfigSubset, the search path and <butlerRoot> substitution."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skybutler.daf_butler._config import (
    Config,
    ConfigSubset,
    config_search_path,
    find_config_files,
    replace_butler_root,
)
from skybutler.daf_butler.errors import ConfigError
from skybutler.resources import ResourcePath


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def nested() -> Config:
    return Config(
        {
            "a": {"b": {"c": 1, "d": [10, 20, {"e": 30}]}, "f": "text"},
            "calexp.wcs": {"formatter": "Fits"},
            "top": True,
        }
    )


@pytest.fixture(autouse=True)
def _no_env_search_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKYBUTLER_CONFIG_PATH", raising=False)
    monkeypatch.delenv("DAF_BUTLER_CONFIG_PATH", raising=False)


# ---------------------------------------------------------------- key forms


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("top", True),
        ("a.b.c", 1),
        (("a", "b", "c"), 1),
        (".a.b.c", 1),
        (":a:b:c", 1),
        ("/a/b/d/1", 20),
        (("a", "b", "d", 2, "e"), 30),
        ("a.b.d.-1.e", 30),
        ("calexp.wcs", {"formatter": "Fits"}),
        (":calexp.wcs:formatter", "Fits"),
        (("calexp.wcs", "formatter"), "Fits"),
    ],
    ids=[
        "plain",
        "dotted",
        "tuple",
        "leading-dot",
        "colon-delimiter",
        "slash-list-index",
        "tuple-into-list",
        "negative-index",
        "literal-dotted-key",
        "delimiter-keeps-dot",
        "tuple-keeps-dot",
    ],
)
def test_hierarchical_keys(nested: Config, key: Any, expected: Any) -> None:
    assert key in nested
    assert nested[key] == expected
    assert nested.get(key) == expected


@pytest.mark.parametrize(
    "key",
    ["missing", "a.b.missing", ("a", "x"), "a.f.deeper", "a.b.d.9", ":a:zz", ("a", "b", "c", "d")],
    ids=["top", "nested", "tuple", "through-scalar", "list-out-of-range", "delimited", "past-leaf"],
)
def test_missing_keys(nested: Config, key: Any) -> None:
    assert key not in nested
    assert nested.get(key, "default") == "default"
    with pytest.raises(KeyError):
        nested[key]


def test_non_string_key_is_not_contained(nested: Config) -> None:
    assert 3 not in nested  # type: ignore[comparison-overlap]
    with pytest.raises(TypeError, match="str or tuple"):
        nested[3]  # type: ignore[index]


def test_nested_mapping_is_a_view(nested: Config) -> None:
    view = nested["a.b"]
    assert isinstance(view, Config)
    view["c"] = 99
    assert nested["a.b.c"] == 99


def test_setitem_creates_levels_and_replaces_scalars(nested: Config) -> None:
    nested["x.y.z"] = 5
    assert nested.toDict()["x"] == {"y": {"z": 5}}
    nested["a.f.g"] = 1  # "a.f" held a scalar: assignment wins
    assert nested["a.f"] == {"g": 1}
    nested[("a", "b", "d", 0)] = "zero"
    assert nested["a.b.d"][0] == "zero"
    nested["calexp.wcs"] = "literal"
    assert nested.toDict()["calexp.wcs"] == "literal"


def test_setitem_copies_mappings(nested: Config) -> None:
    source = {"k": {"v": 1}}
    nested["new"] = source
    source["k"]["v"] = 2
    assert nested["new.k.v"] == 1
    nested["other"] = Config({"p": 1})
    assert nested.toDict()["other"] == {"p": 1}


def test_delitem(nested: Config) -> None:
    del nested["a.b.c"]
    assert "a.b.c" not in nested
    assert "a.b" in nested
    del nested["calexp.wcs"]
    assert "calexp.wcs" not in nested
    del nested[("a", "b", "d", 0)]
    assert nested["a.b.d"] == [20, {"e": 30}]
    with pytest.raises(KeyError):
        del nested["a.nothing"]


def test_iteration_and_length(nested: Config) -> None:
    assert list(nested) == ["a", "calexp.wcs", "top"]
    assert len(nested) == 3


def test_as_array(nested: Config) -> None:
    assert nested.asArray("a.f") == ["text"]
    assert nested.asArray("a.b.d")[:2] == [10, 20]
    listed = nested.asArray("a.b.d")
    listed.append("x")
    assert len(nested["a.b.d"]) == 3


def test_update_is_deep_and_other_wins(nested: Config) -> None:
    nested.update({"a": {"b": {"c": 2, "new": 3}}, "top": False})
    assert nested["a.b.c"] == 2
    assert nested["a.b.new"] == 3
    assert nested["a.b.d"][0] == 10  # untouched sibling survives
    assert nested["a.f"] == "text"
    assert nested["top"] is False
    nested.update(extra=1)
    assert nested["extra"] == 1


def test_merge_is_deep_and_self_wins(nested: Config) -> None:
    nested.merge(Config({"a": {"b": {"c": 2, "new": 3}}, "top": False, "z": 1}))
    assert nested["a.b.c"] == 1
    assert nested["a.b.new"] == 3
    assert nested["top"] is True
    assert nested["z"] == 1


def test_copy_is_deep_and_keeps_class(tmp_path: Path) -> None:
    class Sub(Config):
        pass

    original = Sub(write(tmp_path / "c.yaml", "a: {b: 1}\n"))
    duplicate = original.copy()
    assert type(duplicate) is Sub
    assert duplicate == original
    assert duplicate.configFile == original.configFile
    duplicate["a.b"] = 2
    assert original["a.b"] == 1


def test_equality_and_repr(nested: Config) -> None:
    assert nested == nested.toDict()
    assert nested == Config(nested)
    assert nested != Config({"top": True})
    assert nested != 5
    assert repr(Config({"a": 1})) == "Config({'a': 1})"
    with pytest.raises(TypeError):
        hash(nested)


def test_names_default_delimiter() -> None:
    config = Config({"a": {"b": 1, "c": {"d": 2}}, "e": 3})
    assert config.nameTuples() == [("a",), ("a", "b"), ("a", "c"), ("a", "c", "d"), ("e",)]
    assert config.names() == ["a", "a.b", "a.c", "a.c.d", "e"]
    assert config.names(topLevelOnly=True) == ["a", "e"]
    assert config.nameTuples(topLevelOnly=True) == [("a",), ("e",)]


def test_names_switch_delimiter_when_keys_hold_dots(nested: Config) -> None:
    names = nested.names()
    assert ":calexp.wcs:formatter" in names
    for name in names:
        assert name in nested
    assert nested.names(delimiter="/")[0] == "/a"
    with pytest.raises(ConfigError, match="contain it"):
        nested.names(delimiter=".")


# ------------------------------------------------------------------- output


@pytest.mark.parametrize("fmt", ["yaml", "json"], ids=["yaml", "json"])
def test_dump_and_reload(nested: Config, tmp_path: Path, fmt: str) -> None:
    text = nested.dump(format=fmt)
    assert text is not None
    assert Config.fromString(text, format=fmt) == nested
    stream = io.StringIO()
    assert nested.dump(stream, format=fmt) is None
    assert stream.getvalue() == text
    path = tmp_path / f"out.{fmt}"
    path.write_text(text)
    assert Config(path) == nested


def test_dump_rejects_unknown_format(nested: Config) -> None:
    with pytest.raises(ConfigError, match="'toml'"):
        nested.dump(format="toml")


def test_dump_to_uri_file_and_directory(nested: Config, tmp_path: Path) -> None:
    target = tmp_path / "saved.json"
    nested.dumpToUri(target)
    assert json.loads(target.read_text()) == nested.toDict()
    assert nested.configFile == ResourcePath(target)

    directory = tmp_path / "repo"
    directory.mkdir()
    other = Config({"x": 1})
    other.dumpToUri(directory, updateFile=False)
    assert yaml.safe_load((directory / "butler.yaml").read_text()) == {"x": 1}
    assert other.configFile is None
    other.dumpToUri(ResourcePath(directory, forceDirectory=True), defaultFileName="other.yaml")
    assert (directory / "other.yaml").exists()


def test_dump_to_uri_refuses_overwrite(tmp_path: Path) -> None:
    target = write(tmp_path / "exists.yaml", "a: 1\n")
    with pytest.raises(ConfigError, match=r"exists\.yaml"):
        Config({"a": 2}).dumpToUri(target, overwrite=False)
    assert Config(target)["a"] == 1


def test_round_trip_through_memory_uri() -> None:
    uri = "mem://configtest/dir/butler.yaml"
    Config({"a": {"b": [1, 2]}}).dumpToUri(uri)
    assert Config(uri).toDict() == {"a": {"b": [1, 2]}}


def test_str_is_yaml() -> None:
    assert yaml.safe_load(str(Config({"a": {"b": 1}}))) == {"a": {"b": 1}}


_keys = st.text(alphabet="abcdefgxyz_", min_size=1, max_size=5)
_scalars = (
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False)
)
_trees = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_keys, _trees, max_size=4))
def test_yaml_round_trip_and_names_property(tree: dict[str, Any]) -> None:
    config = Config(tree)
    assert Config.fromString(str(config.dump())) == config
    for parts in config.nameTuples():
        expected: Any = tree
        for part in parts:
            expected = expected[part]
        assert config[parts] == expected
        assert config[".".join(parts)] == expected


# ------------------------------------------------------------------ reading


def test_include_relative_to_including_file(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "leaf.yaml", "value: 42\n")
    write(tmp_path / "sub" / "middle.yaml", "leaf: !include ../shared/leaf.yaml\nown: m\n")
    main = write(
        tmp_path / "main.yaml",
        """\
        middle: !include sub/middle.yaml
        items:
          - !include shared/leaf.yaml
        """,
    )
    config = Config(main)
    assert config["middle.leaf.value"] == 42
    assert config["middle.own"] == "m"
    assert config["items"] == [{"value": 42}]
    assert config.configFile == ResourcePath(main)


def test_include_configs_precedence(tmp_path: Path) -> None:
    write(tmp_path / "first.yaml", "a: 1\nb: 1\nc: 1\nnested: {x: 1, y: 1}\n")
    write(tmp_path / "second.json", json.dumps({"b": 2, "c": 2, "nested": {"y": 2}}))
    main = write(
        tmp_path / "main.yaml",
        """\
        includeConfigs: [first.yaml, second.json]
        c: 3
        nested: {z: 3}
        """,
    )
    config = Config(main)
    assert "includeConfigs" not in config
    assert config.toDict() == {"a": 1, "b": 2, "c": 3, "nested": {"x": 1, "y": 2, "z": 3}}


def test_include_configs_scalar_nested_and_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path / "extras" / "defaults.yaml", "depth: 1\nkeep: yes\nincludeConfigs: deeper.yaml\n"
    )
    write(tmp_path / "extras" / "deeper.yaml", "depth: 2\nonly_deep: true\n")
    monkeypatch.setenv("EXTRAS_DIR", str(tmp_path / "extras"))
    main = write(
        tmp_path / "main.yaml",
        """\
        section:
          includeConfigs: $EXTRAS_DIR/defaults.yaml
          keep: no
        """,
    )
    config = Config(main)
    assert config["section"].toDict() == {"depth": 1, "keep": False, "only_deep": True}


def test_include_configs_json_file(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "a: 1\n")
    main = write(tmp_path / "main.json", json.dumps({"includeConfigs": "base.yaml", "b": 2}))
    assert Config(main).toDict() == {"a": 1, "b": 2}


def test_from_string_includes_relative_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "inc.yaml", "v: 1\n")
    monkeypatch.chdir(tmp_path)
    assert Config.fromYaml("x: !include inc.yaml\n")["x.v"] == 1
    assert Config.fromString("") == {}


def test_missing_include_names_file_line_and_key(tmp_path: Path) -> None:
    main = write(tmp_path / "main.yaml", "a: 1\nsection:\n  sub: !include nowhere.yaml\n")
    with pytest.raises(ConfigError) as info:
        Config(main)
    message = str(info.value)
    assert "main.yaml" in message
    assert "line 3" in message
    assert "section.sub" in message
    assert "nowhere.yaml" in message
    assert "does not exist" in message


def test_missing_include_configs_names_key(tmp_path: Path) -> None:
    main = write(tmp_path / "main.yaml", "inner:\n  includeConfigs: [absent.yaml]\n")
    with pytest.raises(ConfigError, match=r"inner\.includeConfigs.*absent\.yaml"):
        Config(main)


def test_include_configs_must_be_names(tmp_path: Path) -> None:
    main = write(tmp_path / "main.yaml", "includeConfigs: {a: 1}\n")
    with pytest.raises(ConfigError, match="file name or a list"):
        Config(main)


def test_include_tag_needs_a_scalar(tmp_path: Path) -> None:
    main = write(tmp_path / "main.yaml", "a: !include [x.yaml]\n")
    with pytest.raises(ConfigError, match=r"line 1.*single file name"):
        Config(main)


def test_include_cycle(tmp_path: Path) -> None:
    write(tmp_path / "one.yaml", "two: !include two.yaml\n")
    write(tmp_path / "two.yaml", "includeConfigs: one.yaml\n")
    with pytest.raises(ConfigError, match="cycle"):
        Config(tmp_path / "one.yaml")


def test_bad_yaml_reports_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", "a: 1\nb: 2\nc: [unclosed\nd: 4\n")
    with pytest.raises(ConfigError) as info:
        Config(bad)
    message = str(info.value)
    assert "bad.yaml" in message
    assert "line 4" in message or "line 3" in message


def test_bad_yaml_in_included_file(tmp_path: Path) -> None:
    write(tmp_path / "broken.yaml", "ok: 1\n  bad indent: 2\n")
    main = write(tmp_path / "main.yaml", "x: !include broken.yaml\n")
    with pytest.raises(ConfigError, match=r"main\.yaml, line 1, key 'x'.*broken\.yaml.*line 2"):
        Config(main)


def test_bad_json_reports_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '{\n  "a": 1,\n  "b": \n}\n')
    with pytest.raises(ConfigError, match=r"bad\.json.*line 4"):
        Config(bad)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("list.yaml", "- 1\n- 2\n", "mapping at its top level"),
        ("config.toml", "a = 1\n", "unsupported extension"),
    ],
    ids=["not-a-mapping", "bad-extension"],
)
def test_unusable_files(tmp_path: Path, name: str, content: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Config(write(tmp_path / name, content))


def test_missing_file_and_bad_argument(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Config(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="Cannot make a Config"):
        Config(42)  # type: ignore[arg-type]


def test_empty_file_is_empty_config(tmp_path: Path) -> None:
    assert Config(write(tmp_path / "empty.yaml", "")) == {}


# ----------------------------------------------------------- subsets & path


class ThingConfig(ConfigSubset):
    component = "things"
    requiredKeys: ClassVar[tuple[str, ...]] = ("name",)
    defaultConfigFile = "things.yaml"


def _defaults_dirs(tmp_path: Path) -> dict[str, Path]:
    dirs = {label: tmp_path / label for label in ("explicit", "sky", "daf")}
    write(dirs["explicit"] / "things.yaml", "things: {name: explicit, explicit_only: 1}\n")
    # A defaults file may omit the component key.
    write(dirs["sky"] / "things.yaml", "name: sky\nsky_only: 1\nshared: sky\n")
    write(
        dirs["daf"] / "things.yaml", "things: {name: daf, daf_only: 1, shared: daf, level: daf}\n"
    )
    return dirs


def test_search_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYBUTLER_CONFIG_PATH", f"{tmp_path / 's1'}:{tmp_path / 's2'}")
    monkeypatch.setenv("DAF_BUTLER_CONFIG_PATH", str(tmp_path / "d1"))
    paths = config_search_path([tmp_path / "e"])
    expected = [tmp_path / "e", tmp_path / "s1", tmp_path / "s2", tmp_path / "d1"]
    assert paths[:4] == [ResourcePath(p, forceDirectory=True) for p in expected]
    assert str(paths[-1]) == "resource://skybutler.daf_butler/configs/"
    assert ThingConfig.defaultSearchPaths()[0] == ResourcePath(tmp_path / "s1", forceDirectory=True)


def test_subset_merges_every_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = _defaults_dirs(tmp_path)
    monkeypatch.setenv("SKYBUTLER_CONFIG_PATH", str(dirs["sky"]))
    monkeypatch.setenv("DAF_BUTLER_CONFIG_PATH", str(dirs["daf"]))
    found = find_config_files("things.yaml", [dirs["explicit"]])
    assert found == [ResourcePath(dirs[k] / "things.yaml") for k in ("explicit", "sky", "daf")]

    config = ThingConfig(
        {"things": {"level": "user"}, "unrelated": 1}, searchPaths=[dirs["explicit"]]
    )
    assert config.toDict() == {
        "name": "explicit",
        "explicit_only": 1,
        "sky_only": 1,
        "daf_only": 1,
        "shared": "sky",
        "level": "user",
    }


def test_subset_first_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = _defaults_dirs(tmp_path)
    monkeypatch.setenv("DAF_BUTLER_CONFIG_PATH", f"{dirs['sky']}:{dirs['daf']}")

    class FirstOnly(ThingConfig):
        merge_all_default_files = False

    assert FirstOnly().toDict() == {"name": "sky", "sky_only": 1, "shared": "sky"}


def test_subset_without_defaults_and_validation(tmp_path: Path) -> None:
    config = ThingConfig({"name": "x"}, mergeDefaults=False)
    assert config.toDict() == {"name": "x"}
    with pytest.raises(ConfigError, match=r"'things'.*\['name'\]"):
        ThingConfig({"other": 1}, mergeDefaults=False)
    assert ThingConfig({}, mergeDefaults=False, validate=False) == {}


def test_subset_from_file_keeps_config_file(tmp_path: Path) -> None:
    path = write(tmp_path / "butler.yaml", "things: {name: from-file}\nregistry: {db: x}\n")
    config = ThingConfig(path)
    assert config.toDict() == {"name": "from-file"}
    assert config.configFile == ResourcePath(path)


def test_subset_extra_default_files(tmp_path: Path) -> None:
    write(tmp_path / "things.yaml", "things: {name: base, cls: special}\n")
    write(tmp_path / "special.yaml", "things: {name: special-default, flavour: 1}\n")

    class WithClassDefaults(ThingConfig):
        def _extra_default_files(self, merged: Config) -> list[str]:
            return [f"{merged['cls']}.yaml"]

    config = WithClassDefaults({"flavour": 2}, searchPaths=[tmp_path])
    assert config.toDict() == {"name": "special-default", "cls": "special", "flavour": 2}


# ------------------------------------------------------------- <butlerRoot>


def test_replace_butler_root_explicit(tmp_path: Path) -> None:
    config = Config(
        {
            "datastore": {"root": "<butlerRoot>/datastore", "name": "<butlerRoot>"},
            "registry": {"db": "sqlite:///<butlerRoot>/gen3.sqlite3"},
            "chained": [{"root": "<butlerRoot>"}],
        }
    )
    replace_butler_root(config, tmp_path / "repo")
    repo = str(tmp_path / "repo")
    assert config["datastore.root"] == f"{repo}/datastore"
    assert config["datastore.name"] == "<butlerRoot>"  # only root and db values change
    assert config["registry.db"] == f"sqlite:///{repo}/gen3.sqlite3"
    assert config["chained"][0]["root"] == repo


def test_replace_butler_root_remote_uri() -> None:
    config = Config({"datastore": {"root": "<butlerRoot>"}})
    replace_butler_root(config, "s3://bucket/repo/")
    assert config["datastore.root"] == "s3://bucket/repo"


def test_replace_butler_root_defaults(tmp_path: Path) -> None:
    from_file = Config(
        write(tmp_path / "repo" / "butler.yaml", "datastore: {root: <butlerRoot>}\n")
    )
    replace_butler_root(from_file)
    assert from_file["datastore.root"] == str(tmp_path / "repo")

    with_root = Config({"root": str(tmp_path / "elsewhere"), "registry": {"db": "<butlerRoot>/x"}})
    replace_butler_root(with_root)
    assert with_root["registry.db"] == f"{tmp_path / 'elsewhere'}/x"

    with pytest.raises(ConfigError, match="no root was given"):
        replace_butler_root(Config({"datastore": {"root": "<butlerRoot>"}}))


def test_pickle_keeps_content_and_file(tmp_path: Path) -> None:
    import pickle

    config = ThingConfig(
        write(tmp_path / "t.yaml", "things: {name: pickled}\n"), mergeDefaults=False
    )
    duplicate = pickle.loads(pickle.dumps(config))
    assert type(duplicate) is ThingConfig
    assert duplicate == config
    assert duplicate.configFile == config.configFile
