from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from harness import recipes
from harness.errors import HarnessError

SHIPPED = sorted((Path(__file__).resolve().parent.parent / "recipes").glob("*.toml"))

GOOD = """\
    name = "good"
    default_subset = "all"

    [source]
    url = "https://example.invalid/good.git"
    ref = "v1.0"

    [install]
    extras = ["test"]

    [subsets.all]
    paths = ["tests"]
    workers = 2
    device = "cpu"

    [subsets.unit]
    paths = ["tests/unit"]
    """


def write(tmp_path: Path, text: str, name: str = "good.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def load_error(path: Path) -> str:
    with pytest.raises(HarnessError) as e:
        recipes.load_file(path)
    return str(e.value)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_recipe_loads(path: Path) -> None:
    recipe = recipes.load_file(path)
    assert recipe.name == path.stem
    assert recipe.source.url and recipe.source.ref
    assert recipe.default_subset in recipe.subsets
    for subset in recipe.subsets.values():
        assert subset.paths
        assert subset.device in ("cpu", "cuda")


def test_shipped_recipes_are_found_by_name() -> None:
    assert {"demo", "peft", "transformers", "diffusers"} <= set(recipes.available())
    assert recipes.load("peft").name == "peft"


def test_good_recipe_parses_fields(tmp_path: Path) -> None:
    recipe = recipes.load_file(write(tmp_path, GOOD))
    assert recipe.install.extras == ("test",)
    assert recipe.subsets["all"].workers == 2
    assert recipe.subsets["unit"].workers is None
    assert recipe.subsets["unit"].device == "cpu"
    assert recipe.subset(None).name == "all"
    assert recipe.subset("unit").paths == ("tests/unit",)


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + 'oops = "unterminated\n')
    message = load_error(path)
    assert str(path) in message
    assert "not valid TOML" in message
    assert re.search(r"line \d+", message)


def test_missing_source_table(tmp_path: Path) -> None:
    text = GOOD.replace('[source]\n    url = "https://example.invalid/good.git"\n'
                        '    ref = "v1.0"\n', "")
    assert "[source]" not in text
    message = load_error(write(tmp_path, text))
    assert str(tmp_path / "good.toml") in message
    assert "source: required field is missing" in message


def test_missing_source_ref(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace('ref = "v1.0"', "")))
    assert "source.ref: required field is missing" in message


def test_unknown_field_suggests_closest(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("extras =", "extra ="))
    message = load_error(path)
    assert str(path) in message
    assert "install.extra: unknown field" in message
    assert "did you mean 'extras'?" in message


def test_unknown_top_level_field(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, 'descripton = "x"\n' + textwrap.dedent(GOOD)))
    assert "descripton: unknown field; did you mean 'description'?" in message


def test_unknown_subset_field(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace("workers = 2", "worker = 2")))
    assert "subsets.all.worker: unknown field; did you mean 'workers'?" in message


@pytest.mark.parametrize("line", ['core_files = ["setup.py"]', "max_files = 5"])
def test_verify_fields_no_longer_read_are_refused(tmp_path: Path, line: str) -> None:
    # verify once ran a whole subset for a change to a core file or for more test files
    # than max_files; since it selects around the change within --budget, nothing reads
    # them, and a recipe that sets one is told so rather than silently ignored
    path = write(tmp_path, textwrap.dedent(GOOD) + f'\n[verify]\npackage = "src/x"\n{line}\n')
    message = load_error(path)
    key = line.partition(" ")[0]
    assert f"verify.{key}: no longer read" in message
    assert "--budget" in message and "remove it" in message


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("workers = 2", 'workers = "2"'))
    message = load_error(path)
    assert str(path) in message
    assert "subsets.all.workers" in message
    assert "expected an integer" in message


def test_bool_is_not_an_integer(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace("workers = 2", "workers = true")))
    assert "subsets.all.workers: expected an integer" in message


def test_negative_integer_refused(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace("workers = 2", "workers = -1")))
    assert "subsets.all.workers: must be at least 0" in message


def test_empty_paths(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('paths = ["tests/unit"]', "paths = []"))
    message = load_error(path)
    assert str(path) in message
    assert "subsets.unit.paths: must list at least one entry" in message


def test_missing_paths(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace('paths = ["tests/unit"]', "")))
    assert "subsets.unit.paths: required field is missing" in message


def test_blank_path_entry(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, GOOD.replace('["tests/unit"]', '["tests", " "]')))
    assert "subsets.unit.paths: expected a list of non-empty strings" in message


def test_default_subset_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('default_subset = "all"', 'default_subset = "al"'))
    message = load_error(path)
    assert str(path) in message
    assert "default_subset: 'al' is not one of the subsets" in message


def test_no_subsets(tmp_path: Path) -> None:
    text = textwrap.dedent(GOOD).split("[subsets.all]")[0].replace('default_subset = "all"\n', "")
    assert "subsets: required field is missing" in load_error(write(tmp_path, text))
    empty = write(tmp_path, text + "[subsets]\n", "empty.toml")
    assert "subsets: at least one subset is required" in load_error(empty)


def test_device_must_be_cpu_or_cuda(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('device = "cpu"', 'device = "tpu"'))
    message = load_error(path)
    assert str(path) in message
    assert "subsets.all.device: 'tpu' is not one of cpu, cuda" in message


def test_cuda_device_accepted(tmp_path: Path) -> None:
    recipe = recipes.load_file(write(tmp_path, GOOD.replace('"cpu"', '"cuda"')))
    assert recipe.subsets["all"].device == "cuda"


def test_bad_github_slug(tmp_path: Path) -> None:
    text = GOOD.replace('ref = "v1.0"', 'ref = "v1.0"\n    github = "not a slug"')
    message = load_error(write(tmp_path, text))
    assert "source.github" in message


def test_env_values_must_be_scalars(tmp_path: Path) -> None:
    text = GOOD + "\n    [env]\n    A = [1]\n"
    message = load_error(write(tmp_path, text))
    assert "env.A: expected a string" in message


def test_unknown_recipe_suggests_closest() -> None:
    with pytest.raises(HarnessError) as e:
        recipes.load("pft")
    assert "unknown recipe 'pft'" in str(e.value)
    assert "did you mean 'peft'?" in str(e.value)


def test_unknown_subset_suggests_closest() -> None:
    recipe = recipes.load("peft")
    with pytest.raises(HarnessError) as e:
        recipe.subset("lroa")
    assert "has no subset 'lroa'" in str(e.value)
    assert "did you mean 'lora'?" in str(e.value)


def test_harness_recipes_dir_takes_precedence(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    own = write(tmp_path, GOOD.replace('name = "good"', 'name = "peft"'), "peft.toml")
    write(tmp_path, GOOD, "mine.toml")
    monkeypatch.setenv("HARNESS_RECIPES", str(tmp_path))
    recipe = recipes.load("peft")
    assert recipe.path == own
    assert recipe.source.url == "https://example.invalid/good.git"
    assert recipes.available()["mine"] == tmp_path / "mine.toml"
    assert "transformers" in recipes.available()  # shipped ones are still found


def test_load_by_path(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "elsewhere.toml")
    recipe = recipes.load(str(path))
    assert recipe.path == path
    assert recipe.name == "good"


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('name = "good"\n', ""), "stemmy.toml")
    assert recipes.load(str(path)).name == "stemmy"


def test_load_missing_path() -> None:
    with pytest.raises(HarnessError, match="does not exist"):
        recipes.load("/nonexistent/dir/x.toml")


def test_tests_outside_a_subset_keep_its_markers_not_its_k() -> None:
    lora = recipes.load("peft").subsets["lora"]
    assert recipes.for_tests(lora, ("tests/test_custom_models.py::TestX",)) is lora
    assert recipes.for_tests(lora, ("tests/test_decoder_models.py",)).k is None
    bert = recipes.load("transformers").subsets["bert"]  # markers, no -k: nothing to drop
    assert recipes.for_tests(bert, ("tests/models/llama/test_modeling_llama.py",)) is bert


# the config classes of peft's test_custom_models.py cases at the recipe's v0.20.0
PEFT_CUSTOM_CONFIGS = frozenset((
    "AdaLoraConfig", "AdamssConfig", "BOFTConfig", "BeftConfig", "C3AConfig", "DeftConfig",
    "DeloraConfig", "FourierFTConfig", "FrodConfig", "GloraConfig", "GraloraConfig",
    "HRAConfig", "HiraConfig", "IA3Config", "LNTuningConfig", "LilyConfig", "LoHaConfig",
    "LoKrConfig", "LoraConfig", "MissConfig", "OFTConfig", "OSFConfig", "PeanutConfig",
    "PsoftConfig", "PveraConfig", "RandLoraConfig", "RoadConfig", "ShiraConfig",
    "TinyLoraConfig", "TrainableTokensConfig", "UniLoraConfig", "VBLoRAConfig", "VeraConfig",
    "WaveFTConfig"))


def test_peft_verify_cases_keep_their_methods_cases_only() -> None:
    """-k matches a test name's substrings, case aside: "OFTConfig" is within "BOFTConfig"
    and "PsoftConfig", so each config another contains is excluded by name."""
    cases = recipes.load("peft").verify.cases
    assert "src/peft/tuners/ia3/" in cases and "src/peft/tuners/lora/" not in cases
    for prefix, k in cases.items():
        assert prefix.startswith("src/peft/tuners/"), prefix
        named = [w for w in k.replace("(", " ").replace(")", " ").split()
                 if w not in ("and", "or", "not")]
        assert set(named) <= PEFT_CUSTOM_CONFIGS, k
        kept = {w for w in named if f"not {w}" not in k}
        for config in kept:
            within = {c for c in PEFT_CUSTOM_CONFIGS
                      if c != config and config.lower() in c.lower()}
            assert all(f"not {c}" in k for c in within), (k, within)
