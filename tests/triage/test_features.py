"""Feature extraction on realistic issue bodies (see samples.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from harness.recipes import Recipe, load
from harness.triage import body, environment, features, models, scoring, signals
from harness.triage.features import Features
from tests.triage import samples
from tests.triage.samples import issue

NOW = datetime(2025, 1, 15, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def transformers() -> Recipe:
    return load("transformers")


def names_in(text: str) -> list[str]:
    """The names of the models a post of ``text`` names (:func:`.models.named`)."""
    return [m.name for m in models.named(body.parse("", text))]


def extract(recipe: Recipe, title: str, text: str, **kw: object) -> Features:
    return features.extract(issue(1, title, text, **kw), recipe, now=NOW)  # type: ignore[arg-type]


def test_template_sections_are_split() -> None:
    parsed = body.parse("t", samples.BERT_DECODE)
    assert {"system info", "who can help?", "reproduction", "expected behavior"} <= set(
        parsed.sections)
    assert "Platform" in parsed.system and "Platform" not in parsed.text
    assert len(parsed.code) == 2
    assert "from_pretrained" not in parsed.prose  # code is not prose


def test_diffusers_template_and_old_style_headings() -> None:
    parsed = body.parse("t", samples.DDIM_TIMESTEPS)
    assert {"describe the bug", "reproduction", "logs", "system info"} <= set(parsed.sections)
    old = body.parse("t", "**Describe the bug**\nit breaks\n\n## To reproduce\n```\nx = f()\n```")
    assert {"describe the bug", "to reproduce"} <= set(old.sections)


def test_reproduction_traceback_and_expected(transformers: Recipe) -> None:
    f = extract(transformers, "GPT-2 generate fails", samples.GPT2_PAD)
    assert f.repro and f.traceback and f.expected
    assert f.files == ("src/transformers/models/gpt2/modeling_gpt2.py",)  # where it failed
    vague = extract(transformers, "broken", samples.VAGUE)
    assert not (vague.repro or vague.traceback or vague.expected or vague.files)


def test_a_shell_command_is_not_a_runnable_reproduction(transformers: Recipe) -> None:
    f = extract(transformers, "OOM", samples.LLAMA_FSDP)
    assert not f.repro and f.code_blocks == 2


def test_library_files_are_made_relative_to_the_checkout() -> None:
    paths = ("/usr/lib/python3.11/site-packages/peft/tuners/lora/model.py", "train.py",
             "/home/me/peft/src/peft/mapping.py", "tests/test_custom_models.py")
    assert features.library_files(paths, "peft") == (
        "src/peft/tuners/lora/model.py", "src/peft/mapping.py", "tests/test_custom_models.py")


def test_a_clones_top_folders_are_not_put_in_the_package() -> None:
    # real posts named "diffusers/examples/text_to_image/train_text_to_image_lora_sdxl.py"
    # (diffusers#4584) and "transformers/examples/run_language_modeling.py" (transformers#4012):
    # they were told as "src/diffusers/examples/..." and "src/transformers/examples/..."
    paths = ("diffusers/examples/text_to_image/train_text_to_image_lora_sdxl.py",
             "diffusers/scripts/convert_original_stable_diffusion_to_diffusers.py",
             "/usr/lib/python3.11/site-packages/diffusers/utils/import_utils.py")
    assert features.library_files(paths, "diffusers") == (
        "examples/text_to_image/train_text_to_image_lora_sdxl.py",
        "scripts/convert_original_stable_diffusion_to_diffusers.py",
        "src/diffusers/utils/import_utils.py")
    assert features.library_files(("transformers/examples/run_language_modeling.py",),
                                  "transformers") == ("examples/run_language_modeling.py",)


def test_scope_names_code_not_words(transformers: Recipe) -> None:
    f = extract(transformers, "t", "`merge_and_unload()` and `Linear.merge` break on `mps`, "
                                   "see `DDIMScheduler`")
    assert f.symbols == ("merge_and_unload", "Linear.merge", "DDIMScheduler")


def test_a_release_in_backticks_is_no_scope(transformers: Recipe) -> None:
    # a real report ("Using the latest release ``v4.51.0`` I get a NameError ... the previous
    # ``v4.50.3``") was told "narrow scope: v4.51.0, v4.50.3"
    f = extract(transformers, "NameError: init_empty_weights not defined",
                "Using the latest release ``v4.51.0`` I get a NameError when loading "
                "`EsmModel`. Using the previous ``v4.50.3`` everything works.")
    assert f.symbols == ("EsmModel",)
    assert not any("v4.5" in why for _, _, why in signals.easy(f))


def test_a_narrow_scope_names_a_file_once(transformers: Recipe) -> None:
    # a real reason read "narrow scope: examples/run_squad.py, run_squad.py" (transformers#1066:
    # the title names the file, the template's checkbox its path)
    f = extract(transformers, "`run_squad.py` not using the dev cache",
                "* [x] the official example scripts: `examples/run_squad.py`")
    assert "examples/run_squad.py" in f.files and "run_squad.py" in f.symbols
    told = [why for _, _, why in signals.easy(f) if why.startswith("narrow scope")]
    assert told == ["narrow scope: examples/run_squad.py"]


def test_a_model_under_a_gigabyte_is_told_its_size_not_zero(transformers: Recipe) -> None:
    # a real reason read "small model: bert-base-uncased (~110M parameters, ~0 GB)"
    f = extract(transformers, "Error with bert",
                'model = AutoModel.from_pretrained("bert-base-uncased")')
    told = [why for _, _, why in signals.easy(f) if why.startswith("small model")]
    assert told == ["small model: bert-base-uncased (~110M parameters, ~0.3 GB)"]


def test_a_model_under_a_tenth_of_a_gigabyte_is_not_told_zero(transformers: Recipe) -> None:
    # a real reason read "small model: facebook/esm2_t6_8M_UR50D (~8M parameters, ~0.0 GB)"
    # (peft#1222)
    f = extract(transformers, "get_peft_model fails for a quantized ESM model",
                'model = AutoModel.from_pretrained("facebook/esm2_t6_8M_UR50D")')
    told = [why for _, _, why in signals.easy(f) if why.startswith("small model")]
    assert told == ["small model: facebook/esm2_t6_8M_UR50D (~8M parameters, under 0.1 GB)"]


@pytest.mark.parametrize(("name", "billions"), [
    ("meta-llama/Llama-2-7b-hf", 7.0), ("Qwen/Qwen2.5-0.5B-Instruct", 0.5),
    ("facebook/opt-350m", 0.35), ("mistralai/Mixtral-8x7B-v0.1", 56.0),
    ("bigscience/bloomz-7b1", 7.0), ("google-bert/bert-base-uncased", 0.11),
    ("black-forest-labs/FLUX.1-dev", 17.0), ("hf-internal-testing/tiny-random-LlamaModel", 0.001),
    ("t5-small", 0.06), ("70B", 70.0), ("my-org/custom-model", None),
    ("deepseek-ai/DeepSeek-V3", 671.0), ("DeepSeek-V3.2-Exp", 671.0), ("SkyReels-V2", 14.0),
    ("deepseek-ai/DeepSeek-V2-Lite-Chat", 16.0), ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 7.0),
    # "tiny-" names a test checkpoint where the name starts with it, not inside a real
    # model's name (a 7B model was told "small model: granite-4.0-tiny-preview (~5M)")
    ("sshleifer/tiny-gpt2", 0.005), ("ibm-granite/granite-4.0-tiny-preview", None),
    ("yujiepan/llama-3-tiny-random", 0.001),
    # "bloom" alone is a family of 560M to 176B ("Bloom's hidden states are None", a plain
    # Python bug, was sized 176B and flagged for a GPU): only the checkpoint's id says 176B
    ("bigscience/bloom", 176.0), ("bloom", None), ("BloomForCausalLM", None),
])
def test_model_sizes_from_names(name: str, billions: float | None) -> None:
    assert models.size_from_name(name) == billions


def test_models_named_by_their_diffusers_class_or_with_spaces() -> None:
    # diffusers' users name a model by its pipeline ("QwenImageEditPipeline fails at 1024")
    # or in words ("Qwen Image : Image Editing Inference"): both real titles, 20B models
    def named(text: str) -> list[tuple[str, float | None]]:
        return [(m.name, m.billions) for m in models.named(body.parse(text, ""))]

    assert named("QwenImageEditPipeline fails at 1024") == [("QwenImageEditPipeline", 20.0)]
    assert named("Qwen Image : Image Editing Inference") == [("qwen image", 20.0)]
    assert named("FluxTransformer2DModel.from_single_file breaks") == [
        ("FluxTransformer2DModel", 12.0)]
    assert named("HunyuanVideoPipeline OOM") == [("HunyuanVideoPipeline", 13.0)]
    # a Flux variant written as one word (real title: diffusers#10190)
    assert named("How to use fluxfill to replace background") == [("fluxfill", 12.0)]
    assert named("the fluxes of a field") == []
    # families with no checkpoint a laptop holds, named bare (real titles)
    assert named("LLama4 RuntimeError") == [("llama4", 109.0)]
    assert named("Chameleon image generation low quality.") == [("chameleon", 7.0)]
    assert named("Llama 2 chat answers twice") == [("llama 2", 7.0)]
    # a family the table does not know, a scheduler, a word that is no model's name
    assert named("StableDiffusionPipeline and DDIMScheduler") == []
    assert named("a tiny model on a llama 270m run") == [("270m", 0.27)]  # its size alone


def test_models_named_in_code_prose_and_commands() -> None:
    def named(text: str) -> list[tuple[str, float | None]]:
        return [(m.name, m.billions) for m in models.named(body.parse("", text))]

    assert named('m = AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")') == [
        ("meta-llama/Llama-2-7b-hf", 7.0)]
    assert named("--model mistralai/Mixtral-8x7B-v0.1 on 4 GPUs") == [
        ("mistralai/Mixtral-8x7B-v0.1", 56.0)]
    assert named("It happens with any 70B model.") == [("70B", 70.0)]
    # an argument's value, unquoted by the reader (real post: transformers#3546)
    assert named('pipeline("summarization", model="t5-11b", device=0)') == [("t5-11b", 11.0)]
    assert named("using distilbert-base-uncased here") == [("distilbert-base-uncased", 0.066)]
    assert named("load_in_8bit=True, 4bit and bnb_4bit_compute_dtype") == []
    assert named("Bloom's hidden states are None") == []
    assert named("we serve bigscience/bloom on 8 A100s") == [("bigscience/bloom", 176.0)]
    # a screenshot's link: its id's "808b" is no size (real post: transformers#26599, read
    # as a model of 808B parameters); a link to the Hub still names one
    assert named('<img alt="image" src="https://github.com/huggingface/transformers/assets/'
                 '22605641/9a6e1918-0ac0-4c2e-808b-eb1eca847e61">') == []
    assert named("see https://huggingface.co/acme/chat-70b now") == [("acme/chat-70b", 70.0)]


def test_memory_against_a_laptop(transformers: Recipe) -> None:
    small = extract(transformers, "t", samples.GPT2_PAD)
    big = extract(transformers, "t", samples.LLAMA_FSDP)
    assert small.memory_gb is not None and small.memory_gb < 1
    assert big.memory_gb is not None and big.memory_gb > models.CPU_GB


def test_a_tokenizer_or_config_download_is_not_a_model(transformers: Recipe) -> None:
    light = extract(transformers, "t",
                    'tok = AutoTokenizer.from_pretrained("meta-llama/Llama-2-70b-hf")\n'
                    's = DDIMScheduler.from_pretrained("org/sdxl-7b", subfolder="scheduler")')
    assert light.memory_gb is None
    both = extract(transformers, "t", 'AutoTokenizer.from_pretrained("meta-llama/Llama-2-70b-hf")\n'
                   'AutoModel.from_pretrained("meta-llama/Llama-2-70b-hf")')
    assert both.memory_gb is not None and both.memory_gb > models.CPU_GB


def test_a_link_to_a_checkpoints_settings_file_is_not_the_model_run() -> None:
    """diffusers#10675: a default in the code differs from the one in the model's scheduler
    config, linked.  The reporter read a file; no model runs."""
    hub = "https://huggingface.co/black-forest-labs/FLUX.1-dev"
    config = f"{hub}/blob/main/scheduler/scheduler_config.json"
    assert names_in(f"`max_shift` is 1.15 in the model configuration...\n{config}\n...") == []
    assert names_in(f"as in {config}.") == names_in(f"({config})") == []
    assert names_in(f"{hub}/raw/main/README.md") == []
    flux = "black-forest-labs/FLUX.1-dev"
    assert flux in names_in(f"loading {hub}/blob/main/flux1-dev.safetensors fails")
    assert flux in names_in(f"{hub} fails") and flux in names_in(f"{hub}/tree/main fails")
    run = f'{config}\n```\npipe = FluxPipeline.from_pretrained("{flux}")\n```'
    assert flux in names_in(run)


def test_a_tokenizers_file_or_a_url_is_not_a_model() -> None:
    """transformers#23930 builds a tokenizer from 'xlm-roberta-base/sentencepiece.bpe.model':
    a reason told "small model: xlm-roberta-base/sentencepiece.bpe.model (~280M
    parameters)".  transformers#11009 loads from a URL."""
    # as the post has it: the folder loaded into a tokenizer, its file into another
    assert names_in(
        "```python\na = XLMRobertaTokenizer.from_pretrained('xlm-roberta-base/')\n"
        "b = XLMRobertaTokenizer('xlm-roberta-base/sentencepiece.bpe.model')\n```") == []
    assert names_in(
        'm = BertModel.from_pretrained("http://my-server/my-bert-cased/pytorch_model.bin")') == []
    assert names_in('m = AutoModel.from_pretrained("FacebookAI/xlm-roberta-base")') == [
        "FacebookAI/xlm-roberta-base"]


def test_a_windows_path_is_not_a_model() -> None:
    """A checkpoint loaded from a drive is a path, as "./llama-7b" and "/data/x-7b" are: it
    names no model and no size, in a call, in a variable or in prose."""
    assert names_in('```python\nm = AutoModelForCausalLM.from_pretrained("C:/models/llama-7b")\n```'
                    ) == []
    assert names_in('```python\npath = "C:/models/llama-7b"\n'
                    'm = AutoModelForCausalLM.from_pretrained(path)\n```') == []
    assert names_in("I load D:\\weights\\llama-7b with from_pretrained") == []
    assert names_in('m = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")') == [
        "meta-llama/Llama-2-7b-hf"]


def test_a_vocabulary_or_data_file_of_a_model_is_not_a_model() -> None:
    """transformers#901 passes '--tokenizer_name=/path/bert-base-chinese-vocab.txt', #2574
    links to 'roberta-large-mnli-vocab.json', #1635 names its dataset's
    'token_counts.bert-base-multilingual-cased.pickle': reasons told "small model:
    bert-base-chinese-vocab.txt (~110M parameters, ~0.3 GB)"."""
    assert names_in("I pass `--tokenizer_name=/path/bert-base-chinese-vocab.txt` to it") == []
    assert names_in("https://s3.amazonaws.com/models.huggingface.co/bert/"
                    "roberta-large-mnli-vocab.json is wrong") == []
    assert names_in("data/token_counts.bert-base-multilingual-cased.pickle is empty") == []
    assert names_in("I fine-tune bert-base-chinese on my data") == ["bert-base-chinese"]


def test_a_link_to_a_models_section_names_the_model() -> None:
    """transformers#33783 links 'https://huggingface.co/Qwen/Qwen2.5-32B-Instruct#processing-
    long-texts': a reason named the model as the whole link."""
    model = "Qwen/Qwen2.5-32B-Instruct"
    assert names_in(f"the model page: https://huggingface.co/{model}#processing-long-texts") == [
        model]
    assert names_in(f"see https://huggingface.co/{model}?library=transformers") == [model]
    assert names_in(f"see https://huggingface.co/{model} for it") == [model]


def test_a_sized_file_named_in_prose_is_not_a_model() -> None:
    """transformers#3542 names its data, '$data/BioASQ-test-factoid-6b-1.json': a reason told
    "model too big for a laptop (12 GB): $data/BioASQ-test-factoid-6b-1.json (~6B
    parameters)"; peft#3075 links an adapter's settings on the Hub."""
    assert names_in("python run_squad.py --predict_file $data/BioASQ-test-factoid-6b-1.json") == []
    assert names_in("https://huggingface.co/tytodd/qwen3-8b-probe-fire-test/resolve/main/"
                    "adapter_config.json is its config") == []
    assert names_in("--model_name_or_path my-org/llama-7b-sft") == ["my-org/llama-7b-sft"]


def test_a_letter_in_backticks_is_no_code_name() -> None:
    """transformers#18883 writes "`y` is longer than `max_length`": a narrow scope told "y,
    max_length"; transformers#39616's `f1` is a metric's name."""
    assert body.symbols("`y` is longer than `max_length`; `f1` drops") == ("max_length",)
    assert body.symbols("`BertModel`, `self.wo`, `get_peft_model()`, `T5`, `mps`") == (
        "BertModel", "self.wo", "get_peft_model")
    # a word or a model's name in capitals is no code name; a constant is
    assert body.symbols("`NEW` and `CHANGED` for `mBART`, `GPT2`; `USE_CUDA`, `LoRA`") == (
        "USE_CUDA", "LoRA")


def test_a_model_built_from_a_small_config(transformers: Recipe) -> None:
    body = ("```python\nconfig = AutoConfig.from_pretrained('meta-llama/Meta-Llama-3-70B')\n"
            "config.num_hidden_layers = 2\nmodel = AutoModelForCausalLM.from_config(config)\n```")
    f = extract(transformers, "t", body)
    assert f.built_small and f.memory_gb is None


def test_a_long_reproduction_that_builds_its_own_model_counts_as_minimal(
        transformers: Recipe) -> None:
    steps = "".join(f"out{i} = model(x)\n" for i in range(30))
    own = ("```python\nconfig = AutoConfig.from_pretrained('gpt2')\nconfig.n_layer = 2\n"
           f"model = AutoModelForCausalLM.from_config(config)\n{steps}```")
    hub = f"```python\nmodel = AutoModelForCausalLM.from_pretrained('gpt2')\n{steps}```"
    short = "```python\nmodel = AutoModelForCausalLM.from_pretrained('gpt2')\nmodel(x)\n```"
    repro = [{n: why for n, _, why in signals.easy(extract(transformers, "t", text))
              if "repro" in n} for text in (own, hub, short)]
    assert repro[0] == {"minimal_repro": "has a self-contained reproduction (it builds a "
                                         "small model)"}
    assert set(repro[1]) == {"repro"} and set(repro[2]) == {"minimal_repro"}
    # the long one is named as long: it is what counts against an easy fix
    assert repro[1]["repro"] == "has a long reproduction (over 15 lines of code)"


def test_a_short_post_counts_for_an_easy_fix_the_more_the_shorter(
        transformers: Recipe) -> None:
    """The whole post's length counts (System Info and logs too), from nothing at
    SHORT_POST characters: a one-line question, a typo, a missing import."""
    def short(text: str) -> tuple[float, str] | None:
        found = [(v, why) for n, v, why in signals.easy(extract(transformers, "t", text))
                 if n == "short_post"]
        assert len(found) <= 1
        return found[0] if found else None

    line = "The docstring of `BertModel.forward` says 'inputs_ids' where it means input_ids. "
    one, three = short(line), short(line * 3)
    assert one is not None and three is not None
    assert one[0] > three[0] > 0  # the shorter, the more
    assert one[1] == f"a short post ({len(line)} characters)"
    system = "\n".join(f"- package{i}: 1.{i}.0" for i in range(80))  # a pasted pip list
    assert len(line + system) > signals.SHORT_POST
    assert short(line + "\n### System Info\n" + system) is None  # all of the post counts
    assert short(line * 20) is None


def test_private_files(transformers: Recipe) -> None:
    local = extract(transformers, "t",
                    '```\npipe = P.from_pretrained("/content/drive/MyDrive/m")\n```')
    frames = extract(transformers, "t", samples.GPT2_PAD)  # 'File "/home/me/pad.py"' is a frame
    assert local.private_files and not frames.private_files


@pytest.mark.parametrize(("text", "expected"), [
    # the System Info's GPU and set-up are the reporter's machine: sys_*, apart
    (samples.LLAMA_FSDP, {"multi_gpu", "fsdp", "gpu_kernel", "cuda", "sys_gpu",
                          "sys_multi_gpu"}),
    (samples.PEFT_QLORA, {"quantization", "cuda"}),
    (samples.PEFT_DEEPSPEED, {"multi_gpu", "deepspeed", "cuda"}),
    (samples.FLUX_OOM, {"gpu_kernel", "cuda", "sys_gpu"}),
    (samples.GPT2_PAD, {"cpu"}),
    (samples.BERT_DECODE, set()),  # "DeepSpeed version: not installed" is no DeepSpeed
    # nn.DataParallel spreads one process over several GPUs (real post: transformers#20583,
    # "'DataParallel' object has no attribute 'model'"), as does training on "parallel GPUs"
    ("model = nn.DataParallel(model)\nIt fails at eval.", {"multi_gpu"}),
    ("I am training on parallel GPUs and it breaks.", {"multi_gpu", "cuda"}),
    # a count before a GPU's name (real post: transformers#16862, an example that hangs)
    ("It hangs. Hardware: 1 AWS EC2 P4D instance, 8 A100 GPUs", {"multi_gpu", "cuda"}),
    ("It hangs on 8 A100-80GB GPUs.", {"multi_gpu", "cuda"}),
    ("It hangs on one A100 GPU.", {"cuda"}),
    # the same reading as the System Info's: ten and more, accelerate's process count
    ("It hangs on 16 GPUs.", {"multi_gpu", "cuda"}),
    ("It hangs with num_processes: 4 in the config", {"multi_gpu"}),
    ("It hangs with num_processes: 1 in the config", set()),
    # DistributedDataParallel's error for an unused parameter, and its argument (real post:
    # peft#393, that error for a title over a screenshot; GPU by both its readers)
    ("RuntimeError: Expected to have finished reduction in the prior iteration before "
     "starting a new one.", {"multi_gpu"}),
    ("TrainingArguments(ddp_find_unused_parameters=False) did not help", {"multi_gpu"}),
])
def test_hardware(transformers: Recipe, text: str, expected: set[str]) -> None:
    assert extract(transformers, "t", text).hardware == expected


@pytest.mark.parametrize(("title", "text", "labels", "kind"), [
    ("BertTokenizer.decode ignores it", samples.BERT_DECODE, ("bug",), "bug"),
    ("How to get attention weights?", samples.LLAMA_QUESTION, (), "question"),
    ("attention weights", samples.LLAMA_QUESTION, (), "question"),
    ("Offsets mapping", samples.FEATURE_REQUEST, (), "feature"),
    ("Support for X", "would be nice", ("Feature request",), "feature"),
    # a question filed with the feature-request form is a question
    ("The question about LoRA structure", samples.FEATURE_REQUEST, (), "question"),
    ("Can offsets be returned?", samples.FEATURE_REQUEST, (), "question"),
    # ... but one whose title asks whether the library could support more asks for it
    # (real posts: peft#2138, diffusers#4241)
    ("Is it possible to support offsets?", samples.FEATURE_REQUEST, (), "feature"),
    ("How can offsets be returned?", samples.FEATURE_REQUEST, (), "question"),
    # diffusers' first feature-request form, in bold lines (real posts: diffusers#4630,
    # #3869)
    ("Modify lora weight after loading them", samples.OLD_FEATURE_REQUEST, (), "feature"),
    ("add support lycoris for stable diffusion?", samples.OLD_FEATURE_REQUEST, (), "feature"),
    ("How to modify lora weight after loading them?", samples.OLD_FEATURE_REQUEST, (),
     "question"),
    # ... and asks whether it can already be done (real post: diffusers#7658)
    ("Is changing a lora's weight after loading possible?", samples.OLD_FEATURE_REQUEST, (),
     "question"),
    # the full-width question mark, U+FF1F (real post: diffusers#4463, "When will ... be
    # supported" and the mark)
    ("When will offsets be returned ？", "I need the offsets, thx!", (), "question"),
    # ... unless it asks when the library will support something (diffusers#4463 itself,
    # a feature request by its labels, was read as docs: "guide diffusion")
    ("When will guide offsets be supported ？", "I need the offsets, thx!", (), "feature"),
    # ... as the title asks, with no question mark (real post: peft#1310)
    ("What is the best way for the inference process in LORA", samples.FEATURE_REQUEST, (),
     "question"),
    ("Add FooLM", samples.NEW_MODEL, (), "new-model"),
    # a title that says something is wrong, no traceback, no form (real posts:
    # transformers#13790, #28021)
    ("DetrFeatureExtractor fails if do_normalize set to false", "It skips the rescale.", (),
     "bug"),
    ("Incorrect router probability calculation", "The softmax is taken twice.", (), "bug"),
    # ... in the past tense too ("Make style failed", transformers#27551: read as a request
    # to "make" something, a feature needing design)
    ("Make style failed", "Running it gives a TOML parse error.", (), "bug"),
    ("Router probability calculation", "The softmax is taken twice.", (), "other"),
    # a title that asks for what the library lacks is a feature request (real posts:
    # diffusers#8710, #9378, #1985); a small named addition (transformers#13252, easy) and
    # a post that says nothing more ("please delete", diffusers#1852) are not
    ("Add PAG support to SD1.5", "It works well with SDXL.", (), "feature"),
    ("[Flux ControlNet] Support Xlabs ControlNet in diffusers", "They are popular.", (),
     "feature"),
    ("Please create simple way to load new embeddings", "Like in the web UIs.", (), "feature"),
    ("Add `--max_length` argument in seq2seq trainer.", "For generation.", (), "other"),
    ("please delete", "Wrong repository.", (), "other"),
    # a title that says it asks is a question, wherever the word stands, traceback or not
    # (real posts: transformers#16690, peft#2304)
    ("A question about the position of language indicator tokens", "They come first.", (),
     "question"),
    ("a question about input_ids and attention_mask after prefix-tuning",
     samples.BERT_DECODE, (), "question"),
    # the task's name asks nothing (real post: transformers#2615); a question about it does
    ("Question answering pipeline fails with long context", "It stops at 512.", (), "bug"),
    ("Question: can the question-answering pipeline return several answers", "Thanks.", (),
     "question"),
    # a usage question filed with the new-model form (real posts: diffusers#9551,
    # transformers#20698); asking for the model is no usage question
    ("How to use x-labs flux controlnet models in diffusers?", samples.NEW_MODEL, (),
     "question"),
    ("Can you add FooLM?", samples.NEW_MODEL, (), "new-model"),
    ("How to use FooLM?", "a model", ("New model",), "new-model"),
    ("FooLM", "a model", ("New model",), "new-model"),
    # diffusers' form for a new model, pipeline or scheduler (real post: diffusers#7190)
    ("Trajectory Consistency Distillation", "### Model/Pipeline/Scheduler description\n\n"
     "TCD distils a consistency model.", (), "new-model"),
    ("Add Lumina-DiMOO as a pipeline", "Code and weights are public.", (), "new-model"),
    ("Wrong default in docstring", samples.DOCS_TYPO, (), "docs"),
    # type hints, which the rubric groups with docs fixes, and a markdown file (real posts:
    # transformers#22856, #28345, #48479)
    ("Type hinting Inconsistency in beam_search.py", "It says int, it is a list.", (), "docs"),
    ("Is there some bug in typehint in `modeling_outputs`?", "Optional is missing.", (),
     "docs"),
    ("Wrong type hint for `labels`", "It is a tensor.", (), "docs"),
    ("MIGRATION_GUIDE_V5.md missing Dynamic Cache API removals", "key_cache is gone.", (),
     "docs"),
    # what is broken is the docs' spelling (real post: diffusers#4792, a screenshot alone)
    ("Docs has a spelling errors in 0.19.3", "![image](https://github.com/x.png)", (), "docs"),
    ("Docs build errors on Windows", "make html fails", (), "bug"),
    # what is bad is the output of the docs' code (real post: diffusers#11278), not the docs
    ("LTXConditionPipeline Doc example results in poor video", "Running the example.", (),
     "bug"),
    # a tutorial whose code fails when run is no docs change (real posts: peft#2379,
    # peft#1390); one with a typo is
    ("prompt_tuning_peft tutorial raises cache layer error", samples.GPT2_PAD, (), "bug"),
    ("Clm Prompt tuning inference based on tutorial throwing runtime error", "It fails.", (),
     "bug"),
    ("Typo in the LoRA tutorial", "It says `lora_alpah`.", (), "docs"),
    # a link pasted in the title says nothing of the kind (real post: transformers#1821, a
    # usage question, was found as a docs change for the "doc" of its link's path)
    ("Generated text makes no sense. Trying to auto-generate sentences like "
     "https://transformer.huggingface.co/doc/distil-gpt2", "The output is gibberish.", (),
     "other"),
    ("Typo in https://huggingface.co/docs/peft/index", "It says `lora_alpah`.", (), "docs"),
    # an error message for a title reports the error, whatever its words (real post:
    # peft#506, found as a docs change for the "typos" of transformers' message)
    ("ValueError: The following `model_kwargs` are not used by the model: "
     "['token_type_ids'] (note: typos in the generate arguments will also show up in this "
     "list)", samples.GPT2_PAD, (), "bug"),
    ("[Docs] TypeError: the docs' example passes a list", "It fails.", (), "bug"),
    # ... whatever form it was filed with (real posts: transformers#29177, #22384)
    ("OSError: You are trying to access a gated repo.", "### Model description\n\nI was "
     "granted access.\n\n```\nTraceback (most recent call last):\nHTTPError: 403\n```", (),
     "bug"),
    ("ValueError: Could not load model EleutherAI/gpt-neo-2.7B with any of the following "
     "classes", "### Feature request\n\nWant to run it.\n\n### Motivation\n\nWant to run "
     "it.", (), "bug"),
    ("ValueError: Could not load the model", "x", ("New model",), "new-model"),  # labelled
    ("pipeline broken", samples.VAGUE, (), "bug"),
    ("pipeline", samples.VAGUE, (), "other"),
    ("Why does generate raise?", samples.GPT2_PAD, (), "bug"),  # asks, but with repro + trace
    # the old forms' headings say the kind the reporter chose, as a label does
    ("ignore_index of the LM loss", "## ❓ Questions & Help\n\nThe loss ignores -1, the docs "
     "say -100.", (), "question"),
    ("Why does generate raise", f"# ❓ Questions & Help\n\n{samples.GPT2_PAD}", (), "question"),
    ("GPT2 output is wrong", "## 🐛 Bug\n\nThe scores are off after the update.", (), "bug"),
    # ... but not a feature request's: the title tells what it asks for
    ("Documentation of the collator", "# 🚀 Feature request\n\nIt says nothing of masking.",
     (), "docs"),
    # ... where they open the post, not where a post quotes them
    ("GPT2 output after the update", "The scores are off. I left out the form's\n"
     "## 🐛 Bug\nheading.", (), "other"),
])
def test_kind(transformers: Recipe, title: str, text: str, labels: tuple[str, ...],
              kind: str) -> None:
    assert extract(transformers, title, text, labels=labels).kind == kind


def test_labels_history_and_flags(transformers: Recipe) -> None:
    f = extract(transformers, "t", "x", labels=("good first issue", "WIP"), comments=30,
                assignees=("a",), created_at="2022-01-01T00:00:00Z", linked_prs=(7,))
    assert f.beginner_label == "good first issue"  # case-insensitive
    assert f.flags == {"wip"} and f.comments == 30 and f.age_days > 1000
    assert f.assignees == ("a",) and f.linked_prs == (7,)


def test_diffusers_hacktoberfest_issues_are_for_beginners() -> None:
    # diffusers files them as "simple issues" for "upcoming open-source developers"
    f = extract(load("diffusers"), "[HacktoberFest][Missing Docstrings] `decode`",
                "The decode method is missing docstrings, can you add them?",
                labels=("hacktoberfest",))
    assert f.beginner_label == "hacktoberfest"


def test_huge_bodies_are_cut(transformers: Recipe) -> None:
    log = "```\n" + "INFO step 1 loss 0.5 on cuda:0\n" * 50_000 + "```"
    f = extract(transformers, "t", samples.GPT2_PAD + log)
    assert f.repro and f.chars < body.MAX_CHARS + 200


def test_environment_dumps_outside_system_info_are_the_reporters_machine(
        transformers: Recipe) -> None:
    text = ("Tokenizer decode drops a space.\n\n- `transformers` version: 4.47.0\n"
            "- Platform: Linux\n- GPU: 8x NVIDIA A100 (CUDA 12.1)\n"
            "torch==2.5.1+cu121\nbitsandbytes==0.44.1\n"
            "| 0  NVIDIA A100-SXM4-80GB  On | 00000000:07:00.0 Off | 1234MiB / 81920MiB |\n")
    f = extract(transformers, "decode drops a space", text)
    assert not f.hardware & {"cuda", "multi_gpu", "quantization"}
    assert not f.cues & {"cuda_code", "gpu_model"}
    # an error line that starts like a package name is not an environment line
    oom = extract(transformers, "t", "torch.OutOfMemoryError: CUDA out of memory.")
    assert "oom" in oom.cues and "cuda" in oom.hardware


@pytest.mark.parametrize(("text", "wanted"), [
    ("Fails with `load_in_4bit=True`", {"hw_quantization"}),
    ("RuntimeError: CUDA error: device-side assert triggered\n```\nx.cuda()\n```",
     {"cue_cuda_error"}),
    ("we train with `accelerate launch --mixed_precision fp16 train.py`",
     {"cue_training_script", "fp16_training"}),
    ("enable_xformers_memory_efficient_attention() crashes", {"cue_xformers"}),
    ("pipe.enable_model_cpu_offload() leaves the VAE on cpu", {"cue_offload"}),
    # a script named by a longer name, its stem one word with the rest
    ("`train_dreambooth_lora_sdxl.py` fails at step 3", {"cue_training_script"}),
    ("run_clm_no_trainer.py never saves", {"cue_training_script"}),
    # tensor-parallel layers are sharded over GPUs; CUDA graphs need CUDA
    ("(W_pack): ColumnParallelLinear()\nValueError: not supported", {"hw_multi_gpu"}),
    ("The init in peft's tp_layer.py differs from the paper", {"hw_multi_gpu"}),
    ("The Megatron tensor-parallel LoRA layer inits A and B the other way", {"hw_multi_gpu"}),
    # context parallelism splits one sequence over GPUs (real titles: diffusers#12761, #14041)
    ("function TemplatedUlyssesAttentionBackward returned an incorrect number of gradients",
     {"hw_multi_gpu"}),
    ("Finalize Guidelines for Ulysses based context parallel attention", {"hw_multi_gpu"}),
    ('torch.compile(pipe.unet, mode="reduce-overhead") fails', {"cue_kernels"}),
    # a GPU's generation (real post: transformers#38820, tests skipped on older GPUs)
    ("These tests require newer hardware (higher compute capability) and fail there",
     {"cue_kernels"}),
])
def test_what_the_bug_needs(transformers: Recipe, text: str, wanted: set[str]) -> None:
    assert wanted <= {n for n, _, _ in signals.gpu(extract(transformers, "t", text))}


@pytest.mark.parametrize(("title", "text", "cue"), [
    ("t", "The fix is to pass `adapter_names` through; it should be `x or y`.", "proposed_fix"),
    ("t", "See line 390 of model.py", "names_line"),
    ("t", "Happy to open a PR for this.", "pr_offer"),
    ("t", "How can I get the logits? Any help is appreciated", "support"),
    ("t", "The error message is misleading here", "warning"),
    ("t", "TypeError: __init__() got an unexpected keyword argument 'x'", "api_error"),
    ("t", "Training a LoRA through the kohya trainer fails", "third_party"),
    ("t", "Resuming from the last checkpoint loses the scheduler state", "saving"),
    ("t", "Loading the tokenizer from a local directory fails offline", "local_files"),
    ("t", "The implementation of DoRA differs from the paper's", "design"),
    ("t", "The same in text-generation-webui and in LLaMA-Factory", "third_party"),
    ("t", "分词器在解码时丢失空格，这是一个问题。请帮忙看看这个问题，谢谢大家。", "non_english"),
    # real titles: SageAttention is an attention kernel (CUDA and Triton)
    ("Sage Attention for diffuser library", "", "kernels"),
    ("support SageAttention", "", "kernels"),
    ("TensorRT pipeline fails to compile the VAE", "", "kernels"),  # NVIDIA GPUs alone
    # real title (transformers#43193): grouped GEMM kernels of mixture-of-experts layers
    ("`torch._grouped_mm` support for `GptOssExperts`", "", "kernels"),
    # real title (transformers#37859): FlashAttention 2 written with its number joined
    ("BUG: ModernBERT flash-attention2 incompatible on Ascend NPU", "", "flash_attention"),
    ("t", 'attn_implementation="flash_attention2"', "flash_attention"),
])
def test_cues(transformers: Recipe, title: str, text: str, cue: str) -> None:
    assert cue in extract(transformers, title, text).cues


@pytest.mark.parametrize("text", [
    # real error lines (transformers#35084, #30382, #13590, #10450)
    "RuntimeError: Error(s) in loading state_dict for T5ForConditionalGeneration:\n"
    "\tsize mismatch for lm_head.weight: copying a param with shape torch.Size([32, 768])",
    "Exception: data did not match any variant of untagged enum PyPreTokenizerTypeWrapper at "
    "line 12564 column 3",
    "ValueError: Unrecognized configuration class <class 'transformers.models.distilbert."
    "configuration_distilbert.DistilBertConfig'> for this kind of AutoModel",
    "OSError: Unable to load weights from pytorch checkpoint file: invalid load key, 'v'.",
    # a model type or a tokenizer class the install does not know, an output or a column the
    # code does not have (transformers#26759, #22222, #17880)
    "    config_class = CONFIG_MAPPING[config_dict[\"model_type\"]]\nKeyError: 'mistral'",
    "ValueError: Tokenizer class LLaMATokenizer does not exist or is not currently imported.",
    'KeyError: "logits"',
])
def test_a_set_up_that_does_not_match_what_it_loads_is_an_api_mismatch(
        transformers: Recipe, text: str) -> None:
    assert "api_mismatch" in extract(transformers, "t", f"```\n{text}\n```").cues


def test_a_missing_feature_is_no_api_mismatch(transformers: Recipe) -> None:
    missing = extract(transformers, "t", "ValueError: module QuantLinear() is not supported.")
    wrong = extract(transformers, "t", "TypeError: f() got an unexpected keyword argument 'x'")
    assert "api_mismatch" not in missing.cues and "api_mismatch" in wrong.cues


def test_a_key_error_of_a_sentence_is_no_missing_key(transformers: Recipe) -> None:
    # transformers#32060, medium: the cache's own message, not a key the set-up lacks
    said = extract(transformers, "t", "KeyError: 'Cache only has 0 layers, attempted to access "
                                      "layer with index 0'")
    key = extract(transformers, "t", "KeyError: 'qwen2_vl'")
    assert "api_mismatch" not in said.cues and "api_mismatch" in key.cues


def test_a_model_named_toy_is_no_toy_model(transformers: Recipe) -> None:
    lora = extract(transformers, "t", 'pipe.load_lora_weights("CiroN2022/toy-face")')
    toy = extract(transformers, "t", "The same happens with a toy model of two layers.")
    assert "tiny_model" not in lora.cues and "tiny_model" in toy.cues


@pytest.mark.parametrize(("text", "cue", "found"), [
    # real posts: weights "randomly initialized", test data "randomly generated"
    ("the classifier layer randomly initialized, for the finetune", "flaky", False),
    ("here's an example with randomly generated ndarrays", "flaky", False),
    ("It works, but sometimes it hangs after the first epoch.", "flaky", True),
    # a value that "leaks" where it should not is a bug pinned down, a memory leak is not
    ("NaN appears even earlier: it leaks into `self.timesteps` during set_timesteps", "flaky",
     False),
    ("set_attention_backend on one model leaks globally to other models", "flaky", False),
    ("Memory grows every step: a memory leak in the pipeline's callback", "flaky", True),
    # a crash of native code (real titles: transformers#17344, #33357, #3660), not an error
    # Python raises
    ("Illegal instruction (core dumped) error: PowerPC8", "native_crash", True),
    ("bus error on version 4.43.0 with pretrained community CLIP model - MacOS",
     "native_crash", True),
    ("Exception: process 0 terminated with signal SIGKILL", "native_crash", True),
    ("RuntimeError: Error(s) in loading state_dict for BertModel", "native_crash", False),
    # "new model" in passing is no new architecture
    ("it still downloads another new model into ~/.cache, not my local one", "new_arch", False),
    ("# New model addition\n\nThis adds the vision transformer.", "new_arch", True),
    # "API" is said of any call; "generate" of any text model: neither needs design or is
    # intricate by itself
    ("The public API returns a list instead of a tensor", "design", False),
    ("model.generate(max_new_tokens=5) ignores the argument", "intricate", False),
    ("generate() with use_cache=True returns a stale cache", "intricate", True),
    # the Hub's download folder is no key/value cache (real posts: diffusers#12483,
    # transformers#30345)
    ("Fixed after clearing the local hugging face cache (~/.cache/huggingface/hub/models--x)",
     "intricate", False),
    ('the files are available in "huggingface_hub" cache folder, but it is not used',
     "intricate", False),
    ("the Hub cache is fine, but the static cache breaks generation", "intricate", True),
    # ... nor is pip's (real post: transformers#28082, a Dockerfile that fails to build)
    ("```\nRUN cd transformers/ && python3 -m pip install --no-cache-dir .\n```", "intricate",
     False),
    # ... but a phrase of the cue still counts
    ("Clearing the local hugging face cache did not help: the attention mask is ignored",
     "intricate", True),
    # Keras compiles a model before fitting it: no torch.compile (transformers#2581)
    ("```py\nmodel.compile(optimizer=optimizer, loss=loss, metrics=[metric])\n"
     "model.fit(train_dataset, epochs=2)\n```", "compile", False),
    ("```py\nmodel = torch.compile(model)\nmodel.compile(optimizer=opt)\n```", "compile",
     True),
    ("```py\nmodel.compile()\nout = model(x)\n```", "compile", True),
    # ... as is any .compile( in a post about TensorFlow or Keras (transformers#12881)
    ("Tensorflow GPT-2: layers stay trainable\n```python\nfrom transformers import "
     "TFAutoModelForCausalLM\nw = model.weights[6]  # <tf.Variable ...>\nmodel.compile(...)\n```",
     "compile", False),
    ("Keras fit is slow after torch.compile(model) in the PyTorch twin", "compile", True),
    # PyTorch built without CUDA is no torch.compile, and runs on a CPU or a Mac (diffusers
    # #2645: a ControlNet pipeline on an M1; #2402, #2696, transformers#29952)
    ('pipe.to("cuda") fails on mac M1 with "AssertionError: Torch not compiled with CUDA '
     'enabled"', "compile", False),
    ("AssertionError: Torch not compiled with CUDA enabled", "cpu_run", True),
    ("Torch not compiled with CUDA enabled, and with torch.compile(unet) it hangs", "compile",
     True),
    # fp16 set off is no half precision (transformers#9053, a misspelt argument)
    ("```py\nargs = TFTrainingArguments(output_dir='out', fp16=False)\n```",
     "half_precision", False),
    ('the config says "fp16": false', "half_precision", False),
    ("```py\nargs = TrainingArguments(output_dir='out', fp16=True)\n```", "half_precision",
     True),
    ("fp16=False gives the same loss as fp16 training on one GPU", "half_precision", True),
    # xformers installed is no xformers run (diffusers#4410, a checkpoint conversion)
    ("```\n!pip install -q accelerate xformers\n```\nThe converted UNet fails to load",
     "xformers", False),
    ("```\n!pip install -q xformers\n```\nIt breaks only with xformers on", "xformers", True),
    ("```\npip install xformers\npipe.enable_xformers_memory_efficient_attention()\n```",
     "xformers", True),
    # "on CPU" beside a GPU it runs on compares the devices (transformers#27103, #6071)
    ("A batch works on cpu; when the batch is on gpu, generate breaks", "cpu_run", False),
    ("The model traced and saved on the GPU cannot be loaded and run on CPU", "cpu_run",
     False),
    ("It fails on CPU too, not only in Colab", "cpu_run", True),
    ("It fails on CPU; I have no GPU", "cpu_run", True),
])
def test_words_said_in_passing_are_no_cue(transformers: Recipe, text: str, cue: str,
                                          found: bool) -> None:
    assert (cue in extract(transformers, "t", text).cues) is found

@pytest.mark.parametrize("created", ["yesterday", "", "2024-13-45", "0"])
def test_an_odd_stored_date_reads_as_age_zero(transformers: Recipe, created: str) -> None:
    assert extract(transformers, "t", "x", created_at=created).age_days == 0


def test_cuda_errors_come_from_cuda_error_text_not_from_code_that_uses_cuda(
        transformers: Recipe) -> None:
    plain = extract(transformers, "t", '```python\nmodel = M().to("cuda")\nmodel(x)\n```\n'
                    "```\nTraceback (most recent call last):\n  File \"x.py\", line 2\n"
                    "TypeError: forward() got an unexpected keyword argument 'y'\n```")
    assert "cuda_use" in plain.cues and "cuda_error" not in plain.cues
    device = extract(transformers, "t", "RuntimeError: Expected all tensors to be on the same "
                     "device, but found at least two devices, cuda:0 and cpu!")
    assert "cuda_error" in device.cues


@pytest.mark.parametrize("text", [
    "just import of peft leads to cuda context initialization",
    "RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
    "multiprocessing, you must use the 'spawn' start method",
])
def test_cuda_started_where_it_should_not_be_is_a_cuda_error(transformers: Recipe,
                                                             text: str) -> None:
    assert "cuda_error" in extract(transformers, "t", text).cues


def test_a_cpu_build_of_torch_in_system_info_says_no_gpu_was_there(
        transformers: Recipe) -> None:
    f = extract(transformers, "t", "### System Info\n\n- PyTorch `2.13.0+cpu`\n- Python 3.12\n\n"
                "### Reproduction\n\nIt breaks.")
    assert "sys_cpu" in f.hardware
    gpu = extract(transformers, "t", "### System Info\n\n- PyTorch 2.5.1+cu124\n"
                  "- Using GPU in script?: yes\n\n### Reproduction\n\nIt breaks.")
    assert "sys_cpu" not in gpu.hardware and "sys_gpu" in gpu.hardware


def test_an_unfilled_template_says_nothing_of_gpus(transformers: Recipe) -> None:
    template = ("## Environment info\n\n- `transformers` version:\n- Platform:\n"
                "- PyTorch version (GPU?):\n- Using GPU in script?:\n"
                "- Using distributed or parallel set-up in script?:\n\n## Information\n\n"
                "Model I am using (Bert, XLNet ...):\n\n## To reproduce\n\n1.\n2.\n")
    f = extract(transformers, "automodel", template)
    assert not f.cues & {"multi_process", "cuda_code"} and not f.hardware & {"multi_gpu", "cuda"}


def test_quantization_the_post_never_speaks_of_is_weighed_apart(transformers: Recipe) -> None:
    code = "```python\nq = BitsAndBytesConfig(load_in_4bit=True)\nmodel = f(q)\n```"
    incidental = extract(transformers, "get_peft_model drops the adapter name",
                         f"The adapter name is lost:\n{code}")
    assert "quantization_code" in incidental.hardware
    assert "quantization" not in incidental.hardware
    told = extract(transformers, "Merging fails", f"Merging into the 4-bit model fails:\n{code}")
    assert "quantization" in told.hardware and "quantization_code" not in told.hardware


def test_a_quantizer_named_in_the_title_speaks_of_quantization(transformers: Recipe) -> None:
    # real post (diffusers#11149): the title names the bitsandbytes quantizer as one word
    f = extract(transformers, "TypeError: BnB4BitDiffusersQuantizer.create_quantized_param() "
                "got an unexpected keyword argument 'dtype'",
                "```\nm = Model.from_pretrained(p, quantization_config=BitsAndBytesConfig("
                "load_in_4bit=True))\n```")
    assert "quantization" in f.hardware and "quantization_code" not in f.hardware


def test_gguf_s_quantized_weights_are_no_quantization_kernels(transformers: Recipe) -> None:
    # real post (transformers#31762): GGUF files are dequantized on load, on a CPU too
    f = extract(transformers, "Converting gguf fp16 & bf16 to hf is not supported.",
                "```python\nmodel = AutoModelForCausalLM.from_pretrained(d, gguf_file=f)\n```\n"
                "Besides quantization, only F32 is implemented. FP16 and BF16 are not yet "
                "supported.")
    assert not f.hardware & {"quantization", "quantization_code"}
    # a GGUF post that loads with a kernel library still speaks of its kernels
    told = extract(transformers, "GGUF to bitsandbytes",
                   "Re-quantizing a gguf checkpoint with bitsandbytes in 4-bit fails.")
    assert "quantization" in told.hardware


def test_a_progress_bar_in_a_log_tells_no_speed(transformers: Recipe) -> None:
    # real post (transformers#31762): tqdm's bar in the error log, the bug a missing dtype
    log = ("```\nConverting and de-quantizing GGUF tensors...:   0%|     | 0/291 "
           "[00:00<?, ?it/s]\nTraceback (most recent call last):\nValueError: bf16\n```")
    assert "latency" not in extract(transformers, "bf16 GGUF fails", log).cues
    told = extract(transformers, "Generation is slow", "I get 1.2 it/s on CPU, 5 it/s before.")
    assert "latency" in told.cues
    # a bar beside a word of speed still tells it
    both = extract(transformers, "t", f"The throughput dropped:\n{log}")
    assert "latency" in both.cues


def test_at_inference_time_tells_when_not_how_fast(transformers: Recipe) -> None:
    # real post (diffusers#7920): a training script's null embedding, no speed at all
    when = extract(transformers, "training example doesn't zero out embeds",
                   "Classifier-free guidance at inference time definitely makes use of the "
                   "zero embed.")
    assert "latency" not in when.cues
    assert "latency" in extract(transformers, "t", "The inference time doubled in v4.40.").cues
    # either said beside a word of speed: speed
    assert "latency" in extract(transformers, "t", "At inference time it takes longer.").cues
    assert "latency" in extract(transformers, "t", "During inference time the latency grows.").cues


def test_saving_memory_or_time_is_no_saving_of_a_model(transformers: Recipe) -> None:
    # real post (transformers#24261): fp16 attention that keeps float32 buffers
    memory = extract(transformers, "GPTNeoXAttention takes extra GPU memory in float16",
                     "It should compute in float16 to save GPU memory usage. However, GPU "
                     "memory won't be saved as we expected.")
    assert "saving" not in memory.cues
    assert "saving" not in extract(transformers, "t", "A memory-saving EMA scheme.").cues
    assert "saving" not in extract(transformers, "t", "It would save a huge amount of time.").cues
    # a model saved beside memory saved, or a checkpoint: saving
    both = extract(transformers, "t", "To save memory I call model.save_pretrained('out') "
                   "and save the model.")
    assert "saving" in both.cues
    assert "saving" in extract(transformers, "t", "Resuming from a checkpoint fails to save "
                               "memory.").cues


def test_the_systems_local_folders_are_no_local_files(transformers: Recipe) -> None:
    # real post (transformers#26972): UnboundLocalError, its traceback under /usr/local
    crash = ('```\nFile "/usr/local/lib/python3.10/dist-packages/transformers/'
             'integrations/peft.py", line 397\nUnboundLocalError: local variable '
             "'active_adapters' referenced before assignment\n```")
    assert "local_files" not in extract(transformers, "UnboundLocalError", crash).cues
    windows = "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\lib\\site.py"
    assert "local_files" not in extract(transformers, "t", windows).cues
    # the reporter's own local files, beside such a path, still are
    mine = f"I load the model from a local checkpoint.\n{crash}"
    assert "local_files" in extract(transformers, "t", mine).cues


def test_a_long_config_setting_in_system_info_is_not_told(transformers: Recipe) -> None:
    # real post (transformers#28536): accelerate's config, pasted in System Info, has a
    # DeepSpeed line longer than any `key: value` pair; the bug is a warning on CPU
    config = ("- Accelerate config:    - compute_environment: LOCAL_MACHINE\n"
              "        - distributed_type: DEEPSPEED\n"
              "        - deepspeed_config: {'gradient_accumulation_steps': 1, "
              "'offload_optimizer_device': 'none', 'zero3_init_flag': True, "
              "'zero_stage': 3}\n")
    f = extract(transformers, "Gradient checkpointing throws use_reentrant warning",
                f"### System Info\n\n- `transformers` version: 4.36.2\n{config}\n"
                "### Reproduction\n\nA warning is printed at every step.")
    assert "deepspeed" not in f.hardware


def test_the_problem_told_after_a_mention_in_who_can_help_is_read(transformers: Recipe) -> None:
    # real post (transformers#32196): the whole problem is one line of "Who can help?" that
    # opens with the maintainer's @mention
    f = extract(transformers, "error occur in the resize_embedding",
                "### System Info\n\n- `transformers` version: 4.43.1\n\n### Who can help?\n\n"
                "@ArthurZucker When using deepspeed ZeRO3 to train the llama2-7b-hf model, I "
                "encountered an error during the resize_embedding process.\n")
    assert "deepspeed" in f.hardware
    alone = extract(transformers, "error in resize_embedding",
                    "### System Info\n\n- `transformers` version: 4.43.1\n\n### Who can help?"
                    "\n\n@ArthurZucker @younesbelkada @SunMarc @muellerzr\n\n### Reproduction"
                    "\n\nIt fails.")
    assert alone.hardware == frozenset()


def test_pip_s_install_log_in_system_info_is_what_was_installed(transformers: Recipe) -> None:
    # real post (peft#2362): the install log names bitsandbytes; the bug is an import error
    f = extract(transformers, "Import error", "### System Info\n\nSuccessfully installed "
                "accelerate-1.3.0 bitsandbytes-0.45.1 datasets-3.2.0 peft-0.14.0 "
                "transformers-4.30.2\n\nroot@box:/workspace# python run.py\n\n"
                "ImportError: cannot import name 'Cache' from 'transformers'")
    assert "quantization" not in f.hardware
    told = extract(transformers, "t", "Loading it with bitsandbytes in 4-bit fails.")
    assert "quantization" in told.hardware


def test_tensorflow_s_start_log_is_no_tpu(transformers: Recipe) -> None:
    # real post (transformers#20457): an import error of Keras, with TensorFlow's start log
    # pasted above it; the "xla" of its paths read as a TPU ("needs a TPU or another
    # accelerator a laptop lacks to check")
    f = extract(transformers, "No module named 'keras.saving.hdf5_format'",
                "```\n2022-11-25 18:45:40.340282: I tensorflow/core/platform/cpu_feature_guard."
                "cc:193] This TensorFlow binary is optimized with oneAPI\n2022-11-25 "
                "18:45:40.556836: W tensorflow/compiler/xla/stream_executor/platform/default/"
                "dso_loader.cc:64] Could not load dynamic library 'libnvinfer.so.7'\n"
                "ModuleNotFoundError: No module named 'keras.saving.hdf5_format'\n```")
    assert "tpu" not in f.hardware
    assert "tpu" in extract(transformers, "t", "It fails on a TPU with torch_xla.").hardware


def test_jax_s_warning_of_no_accelerator_is_no_tpu(transformers: Recipe) -> None:
    # real post (transformers#27551, a failing `make style`): `transformers env` printed
    # JAX's warning atop the System Info; its "TPU" read as the post's ("needs a TPU or
    # another accelerator a laptop lacks to check")
    for warning in ("No GPU/TPU found, falling back to CPU. (Set TF_CPP_MIN_LOG_LEVEL=0 and "
                    "rerun for more info.)",
                    "An NVIDIA GPU may be present on this machine, but a CUDA-enabled jaxlib "
                    "is not installed. Falling back to cpu."):
        f = extract(transformers, "Make style failed",
                    f"### System Info\n\n{warning}\n\n- `transformers` version: 4.36.0\n"
                    "- Jax version: 0.4.13\n\n### Reproduction\n\nRunning `make style` "
                    "gives a TOML parse error.")
        assert f.hardware == frozenset(), warning
    told = extract(transformers, "t", "### System Info\n\n- `transformers` version: 4.36.0"
                   "\n\nTraining hangs on the TPU VM at the first step, with no error and "
                   "no log.\n\n### Reproduction\n\nRun the script.")
    assert "tpu" in told.hardware


def test_a_post_told_under_a_versions_heading_is_read(transformers: Recipe) -> None:
    # real post (transformers#16721): a short "### Versions" list, then the rest of the post
    # with no heading (the machine, the launch on four GPUs, the code), all read as the
    # reporter's environment; a command that runs a script or a launcher is told as a
    # reproduction is
    report = ("I fine-tune a masked language model and copying it to a bucket fails.\n\n"
              "### Versions\n\n      torch==1.11.0+cu113\n      transformers==4.17.0\n\n"
              "I launch the training script inside a container on a cloud machine with "
              "several accelerators.\n\n```\npython -m torch.distributed.launch "
              "--nproc_per_node 4 train.py --bf16\n```\n")
    parsed = body.parse("ResumableUploadAbortException: 409", report)
    assert "nproc_per_node" in parsed.words and "11.0" not in parsed.text
    assert "multi_gpu" in extract(transformers, "ResumableUploadAbortException: 409",
                                  report).hardware
    # a version listed there stays the reporter's
    assert "transformers==4.17.0" in parsed.system


def test_code_and_a_traceback_told_in_an_information_section_are_read() -> None:
    # real post (transformers#4005): the old template's "Information" section holds the
    # whole report; its code and traceback were dropped with the environment
    report = ("# Bug\n\n## Information\n\nWhen I try the following code:\n\n```python\n"
              "from transformers import BertTokenizerFast\n"
              "fast = BertTokenizerFast.from_pretrained('bert-base-cased')\n"
              "fast.encode_plus('Hello', return_offsets_mapping=True, return_tensors='pt')\n"
              "```\n\nIt throws the following error:\n\n```\n"
              "TypeError          Traceback (most recent call last)\n```\n")
    parsed = body.parse("Fast tokenizers fail", report)
    assert parsed.traceback and len(parsed.code) == 2
    assert "encode_plus" in parsed.code[0]
    # a listing of the environment in a code block stays the reporter's set-up
    listed = body.parse("t", "### System Info\n\n```\n- `transformers` version: 4.9.1\n"
                             "- Platform: Linux\n- Python version: 3.10\n```\n\n"
                             "### Reproduction\n\nIt fails.")
    assert listed.code == () and "4.9.1" in listed.system
    # the tail of a traceback pasted there, its error line and no header (real post:
    # peft#663, a DDP error on four GPUs): told, and with it what it needs
    tail = body.parse("AdaLoRA: marked as ready twice",
                      "### System Info\n\nmultiple 3090 GPU\npeft == 0.4.0\n\n```\n"
                      "RuntimeError: Expected to mark a variable ready only once. DDP does "
                      "not support such use cases in default.\n```\n\n### Information\n")
    assert "ddp" in tail.words and len(tail.code) == 1


def test_a_python_level_error_is_evidence_against_a_gpu(transformers: Recipe) -> None:
    crash = extract(transformers, "t", "Merging my qlora adapter fails:\n"
                    "TypeError: LoraConfig.__init__() got an unexpected keyword argument 'x'")
    names = {n for n, _, _ in signals.gpu(crash)}
    assert {"hw_quantization", "cue_api_error"} <= names
    assert signals.PRIOR_GPU["cue_api_error"] < 0


def test_an_import_that_fails_is_hardly_a_gpu_issue_whatever_the_post_runs(
        transformers: Recipe) -> None:
    title = "ImportError: cannot import name 'prepare_model_for_kbit_training' from 'peft'"
    text = ("I fine-tune a model loaded in 4-bit with bitsandbytes; since upgrading, the "
            "script stops at its first line:\n```\nfrom peft import "
            "prepare_model_for_kbit_training\n```")
    f = extract(transformers, title, text)
    assert {"hw_quantization", "title_import"} <= {n for n, _, _ in signals.gpu(f)}
    assessed = scoring.assess(issue(1, title, text), f)
    assert assessed.band == "easy"
    # the same post under a title about the run is a GPU issue, and no easy one (a post this
    # short is not hard either: a short post counts for an easy fix); the import takes the
    # odds of a GPU need down to a fraction (at the threshold that misses few GPU issues,
    # ~7%, it may still be flagged: the table then says "maybe")
    run = "Fine-tuning a 4-bit model stops at its first line"
    on_run = scoring.assess(issue(1, run, text), extract(transformers, run, text))
    assert on_run.needs_gpu and on_run.band != "easy"
    assert on_run.score < assessed.score - 0.3
    assert assessed.gpu_score < on_run.gpu_score / 5


def test_a_docs_change_is_no_gpu_issue(transformers: Recipe) -> None:
    """A real title (transformers#9628): the docs are wrong, whatever GPU the reporter has."""
    text = ("### System Info\n- GPU: 2x NVIDIA A100\n- Using distributed or parallel set-up "
            "in script?: yes\n\nThe TrainingArguments docs name an argument that does not "
            "exist; the training run is fine with the real one.")
    docs, bug = "Issue with TrainingArguments docs.", "Issue with TrainingArguments"
    f = extract(transformers, docs, text)
    assert f.kind == "docs" and "kind_docs" in {n for n, _, _ in signals.gpu(f)}
    as_docs = scoring.assess(issue(1, docs, text), f)
    as_bug = scoring.assess(issue(1, bug, text), extract(transformers, bug, text))
    assert as_docs.gpu_score < as_bug.gpu_score
    assert not as_docs.needs_gpu
    assert any("a documentation change: no GPU in it" in r for r in as_docs.gpu_reasons)


@pytest.mark.parametrize(("text", "nothing"), [
    ("", True),
    ("E", True),
    ("[](https://github.com/huggingface/peft/blob/e82e72a/src/peft/config.py#L77)", True),
    ('<img width="840" alt="Image" src="https://github.com/user-attachments/assets/1" />', True),
    ("## ❓ Questions & Help\n\n", True),
    ("### System Info\n\n- Platform: Linux\n- Python version: 3.10\n", True),
    ("See the traceback in the title.", False),
    ("```python\nimport peft\n```", False),
    ("### System Info\n\nusing `transformers==4.24.0`, the snippet:\n```\nimport requests",
     False),
])
def test_a_post_that_says_nothing(text: str, nothing: bool) -> None:
    assert body.says_nothing(text) is nothing


def test_a_bare_link_names_no_fault_and_only_the_title_counts(transformers: Recipe) -> None:
    link = ("https://github.com/huggingface/transformers/blob/ae54e3c/src/transformers/"
            "models/gpt2/configuration_gpt2.py#L38")
    f = extract(transformers, "IndexError in GPT2Config", link)
    names = {n for n, _, _ in signals.easy(f)}
    assert "says_nothing" in names and "title_error" in names
    assert not names & {"names_file", "narrow_scope", "cue_names_line", "vague"}
    told = extract(transformers, "IndexError in GPT2Config",
                   f"The default at {link} is off by one: it should be 1024.")
    assert "says_nothing" not in {n for n, _, _ in signals.easy(told)}


@pytest.mark.parametrize(("code", "small"), [
    ("base = nn.Linear(4, 4)\nmodel = get_peft_model(base, cfg)", True),
    ("emb = torch.nn.Embedding(12, 4)", True),
    ("cfg = GPT2Config(n_layer=2, n_head=2)\nm = GPT2LMHeadModel(cfg)", True),
    ("layer = nn.Linear(4096, 4096)", False),  # a real model's layer size
    ('m = AutoModel.from_pretrained("bert-base-uncased")', False),
])
def test_toy_models_built_in_the_code_are_small(transformers: Recipe, code: str,
                                                small: bool) -> None:
    f = extract(transformers, "t", f"```python\nfrom torch import nn\n{code}\n```")
    assert f.built_small is small


def test_the_library_files_the_reporter_names_apart_from_traceback_frames(
        transformers: Recipe) -> None:
    named = extract(transformers, "t", "The check in `src/transformers/trainer.py` is wrong.")
    assert named.named_files == 1 and named.files == ("src/transformers/trainer.py",)
    framed = extract(transformers, "t", samples.GPT2_PAD)
    assert framed.named_files == 0 and framed.files  # where it failed, not named by them


def test_a_traceback_pasted_with_no_fence_names_no_file_or_line_of_the_reporters(
        transformers: Recipe) -> None:
    """Real posts (transformers#37954, diffusers#4708, 17 of the labelled ones) paste the
    traceback as text: its frames are where the error passed, not a file or line the
    reporter points at."""
    trace = ("Traceback (most recent call last):\n"
             '  File "/opt/venv/lib/python3.11/site-packages/transformers/processing_utils.py",'
             " line 1639, in apply_chat_template\n    prompt = self.tokenizer.apply_chat_"
             "template(\njinja2.exceptions.UndefinedError: 'list object' has no attribute "
             "'startswith'\n")
    f = extract(transformers, "UndefinedError in apply_chat_template", trace)
    assert f.traceback and f.named_files == 0 and "names_line" not in f.cues
    told = extract(transformers, "t", trace + "\nThe check at line 1639 of "
                   "src/transformers/processing_utils.py should accept a list.")
    assert told.named_files == 1 and "names_line" in told.cues


def test_a_path_is_not_a_model_size() -> None:
    text = "Crash at ~/11b/repos/peft/src/peft/tuners/lora.py:348 when merging"
    assert models.named(body.parse("t", text)) == ()
    assert [m.billions for m in models.named(body.parse("t", "a 70B model runs out"))] == [70.0]


@pytest.mark.parametrize(("text", "names"), [
    ("see line 390 of model.py", True), ("Line 12 is wrong", True),
    ("the pipeline 42 times", False), ("inline 42", False),
    ("https://github.com/h/p/blob/main/src/p/x.py#L120", True), ("#L7", True),
    ("https://github.com/h/p/blob/3f2a9c1/src/x.py", True), ("one line fix", False),
])
def test_a_named_line(text: str, names: bool) -> None:
    from harness.triage import cues
    assert cues.names_line(text) is names


@pytest.mark.parametrize(("line", "several"), [
    ("- GPU: 2 x RTX 4090", True), ("- GPUs: 4xA6000", True), ("- GPU: 8 A100 GPUs", True),
    ("- GPUs: 4xA100-40GB", True),
    # counts of ten and more, in brackets, after the key, and accelerate's process count
    # (real System Info lines: diffusers#1047, transformers#45823, peft#1702,
    # transformers#34113)
    ("- GPUs: 10 GPUs", True), ("- GPU: 16 A100 GPUs", True),
    ("- Using GPU in script?: yes (2 GPUs)", True),
    ("- GPUs: 8 A100-40G", True), ("- num_processes: 24", True),
    ("- GPU: 1x A100 80GB", False), ("- GPU type: NVIDIA GeForce RTX 4090", False),
    ("- Using GPU in script?: yes, 1 GPU", False), ("- num_processes: 1", False),
    ("- PyTorch version (GPU?): 1.7.1 GPU", False), ("- GPUs: 2.1", False),
])
def test_the_system_info_counts_the_gpus_it_names(transformers: Recipe, line: str,
                                                  several: bool) -> None:
    """A count of GPUs in the System Info is the reporter's set-up (sys_multi_gpu), for any
    GPU the text reads a count before (a brand's words between: "2 x RTX 4090"); one is
    no set-up of several."""
    text = (f"### System Info\n\n- `transformers` version: 4.40.0\n{line}\n\n"
            "### Reproduction\n\nsee above")
    assert ("sys_multi_gpu" in extract(transformers, "t", text).hardware) is several


def test_words_of_any_text() -> None:
    assert body.words_of("don't `device_map='auto'`, x.to(cuda)") == [
        "don", "t", "device_map", "auto", "x", "to", "cuda"]
    assert body.words_of("ünïcode 中文, i̇stanbul") == ["ünïcode", "中文", "i̇stanbul"]
    assert body.words_of("lone \ud800 surrogate") == ["lone", "\ud800", "surrogate"]


def test_prose_told_inside_system_info_counts_and_the_rest_does_not(
        transformers: Recipe) -> None:
    text = ("### System Info\n\n- `transformers` version: 4.40.0\n- GPU: 8x A100\n"
            "When I call the tokenizer with padding on the left, the attention mask is "
            "shifted by one position and the generated text is garbage.\n\n"
            "### Reproduction\n\nsee above")
    parsed = body.parse("t", text)
    assert "attention mask is shifted" in parsed.text and "8x A100" not in parsed.text
    assert "8x A100" in parsed.system
    f = extract(transformers, "t", text)
    assert "multi_gpu" not in f.hardware and "sys_multi_gpu" in f.hardware
    # long lines of a table are no prose: the section is `pip list`'s (real post: peft#1593,
    # whose deepspeed row made it "uses DeepSpeed")
    table = ("### System Info\n\nPackage                  Version\n"
             "------------------------ ---------------\n" + "".join(
                 f"{name:<25}{version}\n" for name, version in (
                     ("accelerate", "0.29.0.dev0"), ("deepspeed", "0.14.0+ce78a632"),
                     ("flash-attn", "2.5.6"), ("nvidia-cuda-cupti-cu12", "12.1.105"))))
    assert body.parse("Getting Dora Model Is Very Slow", table).text == (
        "Getting Dora Model Is Very Slow\n")
    assert "multi_gpu" not in extract(transformers, "Getting Dora Model Is Very Slow",
                                      table).hardware
    # a link alone is told: it names the file at fault (real post: transformers#13402)
    link = ("https://github.com/huggingface/transformers/blob/76c4d8b/src/transformers/"
            "training_args.py#L684")
    assert link in body.parse("t", f"### Environment info\n\n{link}\n").text


@pytest.mark.parametrize("text", [
    "", "\ud800\udfff broken \udc80 surrogates ```python\nx = f('\ud800/m')\n```",
    "分词器" * 20_000, "```\n" * 999, "### System Info\n" + "- GPU: A100\n" * 5000,
])
def test_odd_bodies_score(transformers: Recipe, text: str) -> None:
    from harness.triage import scoring
    a = scoring.assess(issue(1, "\udc80 t", text), extract(transformers, "\udc80 t", text))
    assert 0.0 <= a.score <= 1.0 and a.reasons and a.gpu_reasons is not None


@pytest.mark.parametrize(("text", "conversion"), [
    # real posts: diffusers#5595 (an image's mode), transformers#28589 (a shell variable)
    ('```python\nimage = PIL.Image.open("in.png").convert("RGB")\n```', False),
    ("```\nexport TASK_NAME=mrpc\npython run_classification.py\n```", False),
    ("I convert the original checkpoint with the script", True),
    ("```python\nimage.convert('RGB')\n```\nthe ONNX export fails", True),
    ("Exporting to onnx: `torch.onnx.export(model)` raises", True),
])
def test_an_image_mode_or_a_shell_variable_is_no_conversion(
        transformers: Recipe, text: str, conversion: bool) -> None:
    assert ("conversion" in extract(transformers, "t", text).cues) is conversion


@pytest.mark.parametrize(("text", "saving"), [
    # real post: diffusers#8649 (the output of an SD3 call saved as a picture)
    ('```python\nimage = pipe(prompt).images[0]\nimage.save("sd3_hello_world.png")\n```',
     False),
    ('```python\nframes = pipe(p).frames[0]\nframes[0].save(f"out_{i}.jpg")\n```', False),
    ('```python\ntorch.save(model.state_dict(), "lora.pt")\n```', True),
    ('```python\nimage.save("a.png")\n```\nResuming from the checkpoint fails', True),
])
def test_a_picture_saved_is_no_model_state_saved(transformers: Recipe, text: str,
                                                  saving: bool) -> None:
    assert ("saving" in extract(transformers, "t", text).cues) is saving


def test_a_template_s_html_comments_are_not_read(transformers: Recipe) -> None:
    # the old feature-request template, as GitHub's API returns a filled one: its prompts
    # stay in the body as HTML comments, which no page shows
    form = ("# 🚀 Feature request\n\n<!-- A clear and concise description of the feature "
            "proposal.\n     Please provide a link to the paper and code in case they exist. "
            "-->\n\nLet `pipeline()` take a `revision` argument.\n\n## Your contribution\n\n"
            "<!-- Is there any way that you could help, e.g. by submitting a PR?\n     Make sure "
            "to read the CONTRIBUTING.MD readme -->\n")
    f = extract(transformers, "Add revision to pipeline", form)
    assert f.cues.isdisjoint({"new_arch", "docs_words", "design"}), f.cues
    assert "revision" in f.told
    # shown where it is: in a code block, or left open (the reporter's words typed inside
    # the prompt, transformers#12821)
    assert body.parse("t", "```html\n<!-- the paper's link -->\n```").words >= {"paper"}
    assert "onnx" in body.parse("t", "<!-- A description.\n Could you add onnx examples?").words


@pytest.mark.parametrize(("text", "numerics"), [
    # real post: transformers#5010, an old question form's last line
    ("I want to print output attention scores.\n\n**A link to original question on Stack "
     "Overflow**:", False),
    ("asked on stack-overflow and stack_overflow too", False),
    ("An integer overflow in the position ids", True),
    ("Stack Overflow has no answer; the loss is NaN after a step", True),
])
def test_stack_overflow_is_a_place_not_an_overflow(transformers: Recipe, text: str,
                                                   numerics: bool) -> None:
    assert ("numerics" in extract(transformers, "t", text).cues) is numerics


def test_the_old_question_form_s_prompt_is_not_the_reporter_s(transformers: Recipe) -> None:
    # real post: transformers#5010; the prompt's "link" was "about docs, examples or links"
    post = ("# ❓ Questions & Help\n\n## Details\n\nI want to print output attention scores "
            "about test data.\n\n**A link to original question on Stack Overflow**:")
    f = extract(transformers, "How can I print output attention on test data?", post)
    assert "docs_words" not in f.cues and "link" not in f.told
    linked = post + " https://stackoverflow.com/questions/1"
    assert "docs_words" not in extract(transformers, "t", linked).cues
    assert "docs_words" in extract(transformers, "t", "A link in the docs is broken").cues


def test_an_xformers_processor_named_by_its_class_is_xformers(transformers: Recipe) -> None:
    # real post: diffusers#7519 (xformers itself is named only in System Info)
    title = "cross_attention_kwargs ['scale'] are not expected by XFormersAttnProcessor"
    body = "### Describe the bug\nIs the scale effective?\n### System Info\nxformers==0.0.24"
    assert "xformers" in extract(transformers, title, body).cues
    assert "xformers" not in extract(transformers, "LoRA scale ignored", body).cues


def test_a_tokenizer_of_a_large_model_is_no_large_model(transformers: Recipe) -> None:
    # real posts: transformers#25716, #25073 (tokenizer bugs of Llama 2, flagged for a GPU)
    tok = ('```python\ntok = AutoTokenizer.from_pretrained("meta-llama/Llama-2-7b-hf")\n'
           'print(tok.decode(tok("<s> hi").input_ids))\n```')
    assert "big_pipeline" not in extract(transformers, "t", tok).cues
    model = tok.replace("tok = AutoTokenizer", "m = AutoModelForCausalLM.from_pretrained("
                        '"meta-llama/Llama-2-7b-hf")\ntok = AutoTokenizer')
    assert "big_pipeline" in extract(transformers, "t", model).cues
    # named apart from the call, it still counts
    said = tok + "\nThe 7b model itself gives the same tokens."
    assert "big_pipeline" in extract(transformers, "t", said).cues


@pytest.mark.parametrize("dtype", ["torch.float8_e4m3fn", "torch.float8_e5m2"])
def test_an_fp8_dtype_is_a_gpu_kernel(transformers: Recipe, dtype: str) -> None:
    """transformers#33186: 'torch_dtype=torch.float8_e4m3fn' is fp8, as "fp8" said is."""
    f = extract(transformers, "T5EncoderModel in a smaller dtype",
                f"```python\nm = T5EncoderModel.from_pretrained(x, torch_dtype={dtype})\n```")
    assert "kernels" in f.cues and "gpu_kernel" in f.hardware  # the cue and the GPU model's


def test_picking_a_gpu_is_no_gpu_kernel(transformers: Recipe) -> None:
    # a real post sets it for an inpainting call whose error is a size check (diffusers#5595)
    picked = extract(transformers, "t", "```python\nimport os\n"
                     "os.environ['CUDA_VISIBLE_DEVICES'] = '0'\npipe(prompt, height=427)\n```")
    assert "cuda_code" in picked.cues and "kernels" not in picked.cues


@pytest.mark.parametrize(("text", "script"), [
    ("running examples/text_to_image/train_text_to_image.py fails", True),
    ("the README at https://github.com/huggingface/diffusers/tree/main/examples/controlnet",
     True),
    # diffusers' examples/community/ holds community pipelines: inference code, no training
    # (real posts: diffusers#3032, #7418, #10952)
    ("import SDXLLongPromptWeightingPipeline  # https://github.com/huggingface/diffusers/"
     "blob/v0.32.2/examples/community/lpw_stable_diffusion_xl.py", False),
    ("the example in examples/community/README.md passes the wrong argument", False),
])
def test_a_community_pipeline_is_no_training_script(transformers: Recipe, text: str,
                                                     script: bool) -> None:
    assert ("training_script" in extract(transformers, "t", text).cues) is script


def test_a_training_run_is_told_by_what_runs_not_by_the_word(transformers: Recipe) -> None:
    said = extract(transformers, "t", "This happens without any training: merge, then unmerge.")
    assert "training" not in said.cues and "training_talk" in said.cues
    run = extract(transformers, "t", "```python\ntrainer = Trainer(model, args)\n"
                  "trainer.train()\n```\nThe loss is nan after one epoch.")
    assert "training" in run.cues


@pytest.mark.parametrize(("text", "told", "env"), [
    # `pip list`'s table: its header, its rule, its rows (real post: peft#1593); a sentence
    # with a number in it stays
    ("slow\nPackage                  Version\n------------------------ ---------------\n"
     "deepspeed                0.14.0+ce78a632\nnvidia-cublas-cu12       12.1.3.1",
     "slow", "Package                  Version\n------------------------ ---------------\n"
     "deepspeed                0.14.0+ce78a632\nnvidia-cublas-cu12       12.1.3.1"),
    # its rows alone, with nothing else that marks an environment (real post: peft#2716)
    ("with the packages:\n```\npeft                0.17.0\ntriton              3.3.1\n```",
     "with the packages:\n```\n```", "peft                0.17.0\ntriton              3.3.1"),
    ("it got  2.5 times slower with version 0.3", "it got  2.5 times slower with version 0.3",
     ""),
    ("x\n- Python version: 3.8.10\ny", "x\ny", "- Python version: 3.8.10"),
    ("it breaks\ntorch==2.1.0\nbnb==0.44.1", "it breaks", "torch==2.1.0\nbnb==0.44.1"),
    ("Error: it breaks: badly", "Error: it breaks: badly", ""),  # a colon is not enough
    ("| 0  NVIDIA A100 | 1234MiB |\nok", "ok", "| 0  NVIDIA A100 | 1234MiB |"),
    # a template's environment lines left empty (real posts: transformers#8484, #3489)
    ("- Using distributed or parallel set-up in script?:\nx", "x",
     "- Using distributed or parallel set-up in script?:"),
    ("- Platform:\n- Using GPU in script?:  \nx", "x", "- Platform:\n- Using GPU in script?:  "),
    # pip's own output: what the reporter installed (real post: peft#2362)
    ("Successfully installed accelerate-1.3.0 bitsandbytes-0.45.1\nTraceback",
     "Traceback", "Successfully installed accelerate-1.3.0 bitsandbytes-0.45.1"),
    ("  Requirement already satisfied: bitsandbytes in ./venv\nok", "ok",
     "  Requirement already satisfied: bitsandbytes in ./venv"),
    # TensorFlow's log of its start: the machine's set-up (real posts: transformers#20457,
    # #28428)
    ("2022-11-25 18:45:40.556836: W tensorflow/compiler/xla/stream_executor/platform/default/"
     "dso_loader.cc:64] Could not load dynamic library 'libnvinfer.so.7'\nImportError: x",
     "ImportError: x", "2022-11-25 18:45:40.556836: W tensorflow/compiler/xla/stream_executor/"
     "platform/default/dso_loader.cc:64] Could not load dynamic library 'libnvinfer.so.7'"),
    ("E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] Unable to register "
     "cuDNN factory\nok", "ok", "E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261]"
     " Unable to register cuDNN factory"),
    # a C++ file of the library's own, not TensorFlow's log: told
    ("the kernel in csrc/attention.cc:12] fails", "the kernel in csrc/attention.cc:12] fails",
     ""),
])
def test_environment_lines_are_cut_from_what_is_told(text: str, told: str, env: str) -> None:
    assert environment.strip_env(text) == (told, env)


@pytest.mark.parametrize(("title", "in_title"), [
    ("Llama-2 generate repeats the prompt", True),  # the model the bug is in
    ("LoraConfig rank_pattern ignored", False),  # the model the reporter used
    ("Llama 7B crashes", True),
    ("7B model crashes", False),  # a size is not a name
    ("Llama2 generate repeats the prompt", True),  # family and version as one word
])
def test_the_title_names_the_model_or_the_body_alone(transformers: Recipe, title: str,
                                                     in_title: bool) -> None:
    f = extract(transformers, title, 'm = AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")')
    assert f.memory_gb is not None and f.memory_gb > models.CPU_GB
    assert f.model_in_title is in_title
    (sig,) = [s for s in signals.easy(f) if "model" in s[0]]
    assert sig[0] == ("big_model" if in_title else "big_model_incidental")


@pytest.mark.parametrize(("title", "light"), [
    ("Error loading Llama-2 tokenizer", True),  # transformers#32350, of Gemma-2-9b-it
    ("Extra space in Llama2 Tokenizer default_chat_template", True),  # transformers#29498
    ("`tokenizer.apply_chat_template` not working as expected for Llama-2", True),
    ("Llama-2 config rope_scaling is ignored", True),
    ("Llama-2 generate repeats the prompt", False),  # the model the bug is in
])
def test_a_title_about_a_models_tokenizer_or_config_does_not_load_its_weights(
        transformers: Recipe, title: str, light: bool) -> None:
    f = extract(transformers, title, 'm = AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")')
    assert f.model_in_title and f.title_light is light
    (sig,) = [s for s in signals.easy(f) if "model" in s[0]]
    assert sig[0] == ("big_model_incidental" if light else "big_model")
    assert ("its tokenizer or config in the title (loaded without the weights)" in sig[2]) \
        is light


@pytest.mark.parametrize(("title", "in_title"), [
    ("Can't load t5-11b from pre-trained", True),  # transformers#6517: "t5" names it
    ("T5 generate repeats the prompt", True),
    ("Tokenizer drops the prompt", False),
])
def test_a_family_of_a_letter_and_a_digit_is_named_by_the_title(transformers: Recipe, title: str,
                                                                in_title: bool) -> None:
    f = extract(transformers, title,
                "OSError: Can't load weights for t5-11b")
    assert f.memory_gb is not None and f.memory_gb > models.CPU_GB
    assert f.model_in_title is in_title


@pytest.mark.parametrize(("name", "sized"), [
    ("t5-11b", True),  # an id of the Hub's first years, without an org (transformers#6517)
    ("./llama-7b", False),  # a path
    ("C:\\models\\llama-7b", False),
])
def test_an_id_without_an_org_loaded_in_code_is_sized(transformers: Recipe, name: str,
                                                      sized: bool) -> None:
    f = extract(transformers, "generate repeats the prompt",
                f'```python\nm = AutoModel.from_pretrained("{name}")\n```')
    assert (f.memory_gb is not None and f.memory_gb > models.CPU_GB) is sized


def test_colab_is_not_called_a_gpu_model(transformers: Recipe) -> None:
    """transformers#8210: "on colab not sure how to find them" was "names a GPU model"."""
    f = extract(transformers, "Simple import issue for run_clm.py",
                "Other details: on colab, not sure how to find them.")
    found, _ = signals.both(f)
    assert [why for _, _, why in found if "GPU model" in why] == ["names a GPU model or Colab"]


@pytest.mark.parametrize("heading", ["## Information", "### Who can help?"])
def test_the_problem_told_under_an_old_template_heading_counts(heading: str) -> None:
    """transformers' old template asks for the problem under "Information"; some reporters
    tell it under "Who can help?".  The @mentions and checkboxes stay out."""
    text = (f"{heading}\n\n@maintainer\n* [x] my own modified scripts: (give details below)\n"
            "When I resize the token embeddings of the model, the generated text is garbage.\n")
    parsed = body.parse("t", text)
    assert "generated text is garbage" in parsed.text
    assert "@maintainer" not in parsed.text and "modified scripts" not in parsed.text


def test_the_model_a_reason_names_does_not_change_from_run_to_run() -> None:
    """Two bare names of one size ("sdxl", "stable-diffusion-xl-base-1.0"): which one the
    reason names must not hang on the process's string hashing (PYTHONHASHSEED)."""
    code = ("from harness.recipes import load\nfrom harness.triage import features, signals\n"
            "from tests.triage.samples import issue\n"
            "i = issue(1, 'LoRA loading fails', 'With sdxl (stable-diffusion-xl-base-1.0 "
            "from the hub) the lora keys do not load.')\n"
            "f = features.extract(i, load('diffusers'))\n"
            "print([m.name for m in f.models], signals.easy(f))\n")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).parents[2],
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in range(6)}
    assert len(seen) == 1, seen
    assert "sdxl" in next(iter(seen)) and "stable-diffusion-xl-base-1.0" in next(iter(seen))


def test_a_request_for_a_huge_model_named_bare_needs_a_gpu(transformers: Recipe) -> None:
    """Real requests name such models with no size ("does DeepSeek-V3.2-Exp have update?",
    "Integrate SkyReels-V2 support"): known sizes make them GPU work."""
    for title in ("does DeepSeek-V3.2-Exp have update?", "Integrate SkyReels-V2 support"):
        text = "When will it be supported? It is a great model."
        f = extract(transformers, title, text)
        assert f.memory_gb is not None and f.memory_gb > models.CPU_GB
        assert scoring.assess(issue(1, title, text), f).needs_gpu, title


REVIEW = """# `lumina2` model/pipeline review

Commit tested: `0f1abc4ae8b0eb2a3b40e82a310507281144c423`

Review performed against the repository review rules.

## Issue 1: Deprecated alias is exported but cannot be constructed

Affected code:
https://github.com/huggingface/diffusers/blob/0f1abc4/src/diffusers/pipelines/lumina2/pipeline_lumina2.py#L801-L818

Problem:
`Lumina2Text2ImgPipeline` remains publicly exported, but its constructor calls `deprecate`.
"""


@pytest.mark.parametrize(("title", "text", "several"), [
    ("lumina2 model/pipeline review", REVIEW, True),  # a review: its first finding is enough
    ("lumina2 problems", REVIEW, False),  # one problem under a heading of its own
    ("MusicGen issues", "### Reproduction\n#### Issue 1 - logging error\nLoading it logs an "
     "error.\n#### Issue 2 - wrong dtype\nThe audio comes back as float64.", True),
    ("Bug in generate", "## Describe the bug\nIssue 1 of 2 is here", False),  # no heading
])
def test_a_post_listing_separate_problems(transformers: Recipe, title: str, text: str,
                                          several: bool) -> None:
    f = extract(transformers, title, text)
    assert f.several_problems is several
    assert ("several_problems" in {n for n, _, _ in signals.easy(f)}) is several


def test_a_model_in_a_failing_import_is_not_run(transformers: Recipe) -> None:
    # "ImportError: cannot import name 'PixArtSigmaPipeline' from 'diffusers'" (a real title,
    # easy) was told "model too big for a laptop: PixArtSigmaPipeline (~5.3B parameters)"
    f = extract(transformers, "ImportError: cannot import name 'PixArtSigmaPipeline' from "
                              "'diffusers'", "I upgraded diffusers and the import still fails.")
    assert [m.name for m in f.models] == ["PixArtSigmaPipeline"]
    names = {n for n, _, _ in signals.easy(f) + signals.gpu(f)}
    assert "title_import" in names and not any("model" in n for n in names)
    run = extract(transformers, "PixArtSigmaPipeline gives black images", "On fp16.")
    assert "big_model" in {n for n, _, _ in signals.easy(run)}


def test_a_paper_named_by_a_question_or_a_bug_asks_for_no_new_architecture(
        transformers: Recipe) -> None:
    # real post (transformers#9892): "Seeking clarification on T5 prefix for summarization",
    # a question about the paper, read as "about a new architecture or paper"
    asked = extract(transformers, "Seeking clarification on T5 prefix for summarization?",
                    "The paper uses the prefix 'summarize: ' but the config does not.")
    assert asked.kind == "question" and "new_arch" in asked.cues
    assert "cue_new_arch" not in {n for n, _, _ in signals.easy(asked)}
    wanted = extract(transformers, "[Feature request] Support the FooNet paper",
                     "Please add the architecture of this paper: https://arxiv.org/abs/1")
    assert wanted.kind == "feature" and "cue_new_arch" in {n for n, _, _ in signals.easy(wanted)}


def test_a_plain_python_error_in_a_run_on_a_gpu_is_a_bug_in_python(transformers: Recipe) -> None:
    # after a real post (diffusers#8594): an UnboundLocalError in a training script launched
    # with fp16, which any machine reaches
    launch = ("Resuming fails at once:\n```\naccelerate launch train_dreambooth_lora.py "
              "--mixed_precision=fp16 --train_text_encoder --resume_from_checkpoint=latest\n"
              "```\n```\n{}\n```")
    title = "Resuming train_dreambooth_lora.py fails"
    plain = launch.format("UnboundLocalError: local variable 'tokenizer_one' referenced "
                          "before assignment")
    cuda = launch.format("RuntimeError: CUDA error: an illegal memory access was encountered")
    f = extract(transformers, title, plain)
    assert "cue_code_error" in {n for n, _, _ in signals.gpu(f)}
    assert signals.PRIOR_GPU["cue_code_error"] < 0
    on_python = scoring.assess(issue(1, title, plain), f)
    on_cuda = scoring.assess(issue(1, title, cuda), extract(transformers, title, cuda))
    assert on_python.gpu_score < on_cuda.gpu_score / 2
    assert on_python.score > on_cuda.score
