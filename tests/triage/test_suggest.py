"""From an issue to the tests, the subset and the command that reproduce it."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from harness.recipes import load
from harness.triage import diffusers_tests, features, peft_tests, scoring
from harness.triage.suggest import Suggestion, suggest
from tests.triage import samples

NOW = datetime(2025, 1, 15, tzinfo=timezone.utc)


def suggestion(recipe_name: str, title: str, body: str) -> Suggestion:
    recipe = load(recipe_name)
    repo = recipe.source.github or recipe.name
    item = samples.issue(1, title, body, repo=repo)
    a = scoring.assess(item, features.extract(item, recipe, now=NOW))
    return suggest(item, recipe, a.features, scoring.gpu_answer(a.needs_gpu, a.gpu_score))


def test_a_model_type_with_a_subset() -> None:
    s = suggestion("transformers", "GPT-2 generate fails with left padding", samples.GPT2_PAD)
    assert s.command == "nox -s reproduce -- transformers --subset gpt2"
    assert s.tests[0] == "tests/models/gpt2/test_modeling_gpt2.py"


def test_a_model_type_without_a_subset_replaces_the_default_paths() -> None:
    body = "```python\nfrom transformers import LlamaForCausalLM\nm = LlamaForCausalLM(cfg)\n```"
    s = suggestion("transformers", "LlamaForCausalLM forward ignores position_ids", body)
    assert s.command == ("harness reproduce transformers --subset bert "
                         "--tests tests/models/llama/test_modeling_llama.py")
    assert s.subset == "bert"


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (transformers#20624, #39711, #22517, #468): the model in plain words only
    ("Whisper doesn't compute positional embeddings properly when given batches of prompt "
     "tokens", "tests/models/whisper/test_modeling_whisper.py"),
    ("Max cache length issue with Gemma 3", "tests/models/gemma3/test_modeling_gemma3.py"),
    ("LLaMA tokenizer seems to be broken", "tests/models/llama/test_tokenization_llama.py"),
    ("GPT-2 fine tunning", "tests/models/gpt2/test_modeling_gpt2.py"),
])
def test_a_model_named_in_the_title_s_plain_words(title: str, tests: str) -> None:
    """Real posts: 590 of the 1,129 transformers issues of the dev set and the fresh sets to
    the hundred-and-fifty-ninth were sent to the default subset, 137 of them naming their
    model in the title ("Whisper", "Gemma 3", "GPT-2") but in no class, path or checkpoint."""
    s = suggestion("transformers", title, "It gives the wrong output.")
    assert s.tests[0] == tests


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (transformers#40461, #39169, #36824, #45313): models the table knew none of
    ("AttributeError: 'GptOssConfig' object has no attribute 'layer_types'",
     "tests/models/gpt_oss/test_modeling_gpt_oss.py"),
    ("Using Gemma3n with text-only generation requires images",
     "tests/models/gemma3n/test_modeling_gemma3n.py"),
    ("Support for Ovis2 models", "tests/models/ovis2/test_modeling_ovis2.py"),
    ("Qwen3.5: DeepSpeed ZeRO-3 fails to load weights",
     "tests/models/qwen3_5/test_modeling_qwen3_5.py"),
])
def test_every_model_type_with_tests_at_the_pin_is_known(title: str, tests: str) -> None:
    """The table held 224 of the 485 model types with tests: of the 1,631 real
    transformers posts of the dev set and the fresh sets to the hundred-and-sixty-fifth,
    478 were sent to the default subset, 452 now."""
    s = suggestion("transformers", title, "It gives the wrong output.")
    assert s.tests[0] == tests


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (transformers#11769, #23933; #14043 is an example script without it)
    ("Trainer removes newer checkpoints, not older.", "tests/trainer/test_trainer.py"),
    ("Streamable way in model.generate", "tests/generation/test_utils.py"),
    ("Running `run_ner_no_trainer.py` with `--label_all_tokens` falsifies seqeval results",
     "tests/models/bert/test_modeling_bert.py"),
])
def test_the_trainer_or_generate_named_in_the_title(title: str, tests: str) -> None:
    """Real posts: of the 453 transformers issues that named no model, 31 name the Trainer
    or generate in their title."""
    s = suggestion("transformers", title, "It does not do what the docs say.")
    assert s.tests[0] == tests


@pytest.mark.parametrize(("title", "tests"), [
    # real titles: transformers#21803, #35244, #27138, #33270, #4486, #18785, #21092
    ("Masking ratio incorrect for DataCollatorForLanguageModeling",
     "tests/trainer/test_data_collator.py"),
    ("StopStringCriteria relies on `len(tokenizer)==model.config.vocab_size`, leading to "
     "index errors", "tests/generation/test_stopping_criteria.py"),
    ("save_total_limit incorrectly deletes checkpoints",
     "tests/trainer/test_trainer_checkpointing.py"),
    ("Static KV cache status: How to use it? Does it work for all models?",
     "tests/utils/test_cache_utils.py"),
    ("tokenizer.vocab has not changed after using add_tokens",
     "tests/tokenization/test_tokenization_utils.py"),
    # before the Trainer's own tests
    ("Raise ValueError if given max_new_tokens to `Seq2SeqTrainer.predict()`",
     "tests/trainer/test_trainer_seq2seq.py"),
    ("Add Epsilon and Eta sampling", "tests/generation/test_logits_process.py"),
    # TF32 is PyTorch's precision mode, not TensorFlow (not a real title)
    ("tf32 set in TrainingArguments is ignored", "tests/trainer/test_training_args.py"),
    # a tokenizer of no model named (real titles: transformers#5284, #29868)
    ("Tokenizer batch_encode_plus unexpected behavior",
     "tests/tokenization/test_tokenization_utils.py"),
    ("Inconsistent tokenization between fast and slow tokenizers for sentencepiece use",
     "tests/tokenization/test_tokenization_fast.py"),
    # a schedule or AdamW by name (real titles: transformers#34754, #35504, #25119)
    ("warmup LR schedulers start from LR=0", "tests/optimization/test_optimization.py"),
    ("Subtle difference with Pytorch AdamW?", "tests/optimization/test_optimization.py"),
    ("Support End LR for Cosine LR Scheduler", "tests/optimization/test_optimization.py"),
])
def test_a_core_part_named_in_the_title(title: str, tests: str) -> None:
    """Real posts: 446 of the 1,400 transformers posts labelled here named no model,
    pipeline or core file; 33 of them name one of these in their title."""
    s = suggestion("transformers", title, "It does not do what the docs say.")
    assert s.tests[0] == tests
    assert s.command == f"harness reproduce transformers --subset bert --tests {tests}"
    # offline, 10 of the 19 stopping-criteria tests fail for want of the Hub
    hub = "load small checkpoints from the Hub: add --online to run them" in s.why
    assert hub == (tests in ("tests/generation/test_stopping_criteria.py",
                             "tests/utils/test_cache_utils.py",
                             "tests/tokenization/test_tokenization_utils.py",
                             "tests/tokenization/test_tokenization_fast.py"))


def test_a_trainers_scheduler_states_are_not_the_schedules_tests() -> None:
    """Real post transformers#4963: the Trainer's checkpoint, not a schedule, is at fault."""
    s = suggestion("transformers", "Cannot load optimizer and lr_scheduler states with TPU "
                   "training", "trainer.train(resume_from_checkpoint=path) fails.")
    assert "tests/optimization/test_optimization.py" not in s.tests


@pytest.mark.parametrize(("title", "body", "tests"), [
    # real posts transformers#18785, #24433: the title's core part, the code a model's
    ("Raise ValueError if given max_new_tokens to `Seq2SeqTrainer.predict()`",
     "```python\nmodel = VisionEncoderDecoderModel.from_encoder_decoder_pretrained(a, b)\n```",
     "tests/trainer/test_trainer_seq2seq.py"),
    ("Decoding error while using DataCollatorForSeq2Seq",
     "```python\nmodel = BartForConditionalGeneration.from_pretrained(p)\n```",
     "tests/trainer/test_data_collator.py"),
    # a model the title names keeps its place (#37943); generate as a word goes last, as a
    # model's tests hold its generation tests (#32117, gemma's code)
    ("Gemma3Processor.apply_chat_template returns a list", "It fails.",
     "tests/models/gemma3/test_processing_gemma3.py"),
    ("Output from model.Generate & model.forward not same",
     "```python\nmodel = GemmaForCausalLM.from_pretrained(p)\n```",
     "tests/models/gemma/test_modeling_gemma.py"),
    # a tokenizer as a word goes last too, after the Trainer (#30309, #37734)
    ("Can't load tokenizer", "```python\ntok = LlamaTokenizer.from_pretrained(p)\n```",
     "tests/models/llama/test_tokenization_llama.py"),
    ("`tokenizer` is still being used in `Trainer` instead of `processing_class`", "It warns.",
     "tests/trainer/test_trainer.py"),
])
def test_a_core_part_in_the_title_comes_before_a_model_in_the_code(
        title: str, body: str, tests: str) -> None:
    """Real posts: 21 of the 1,724 transformers posts of the dev set and the fresh sets whose
    title names a core part got the tests of a model their code loads instead."""
    assert suggestion("transformers", title, body).tests[0] == tests


@pytest.mark.parametrize("title", [
    # real titles (transformers#9053, #7351): TensorFlow, which v5 dropped with its tests
    "TFTrainingArguments",
    "generic text classification with TensorFlow error (AttributeError: "
    "'TFTrainingArguments' object has no attribute 'args')",
])
def test_a_tensorflow_title_names_no_core_tests(title: str) -> None:
    s = suggestion("transformers", title, "It does not do what the docs say.")
    assert s.command == "nox -s reproduce -- transformers --subset bert"


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (transformers#35973, #29774, #31187): a hyphenated name with more after it
    ("[Phi-3-mini-128k-instruct] Difference of encodings for Slow and Fast Tokenizer",
     "tests/models/phi3/test_modeling_phi3.py"),
    ("[LLaVa-v1.6] Difference between slow and fast tokenizer",
     "tests/models/llava/test_modeling_llava.py"),
    ("Original Llama-3 tokenizer behaves differently from `transformers` version",
     "tests/models/llama/test_tokenization_llama.py"),
])
def test_a_model_named_with_more_after_a_hyphen(title: str, tests: str) -> None:
    s = suggestion("transformers", title, "It gives the wrong output.")
    assert s.tests[0] == tests


@pytest.mark.parametrize(("checkpoint", "tests"), [
    # real posts (transformers#36598, #15060, #11955): the model type a checkpoint's name says,
    # not the first part that is one ("qwen2" of Qwen2.5-VL)
    ("Qwen/Qwen2.5-VL-3B-Instruct", "tests/models/qwen2_5_vl/test_modeling_qwen2_5_vl.py"),
    ("facebook/m2m100_418M", "tests/models/m2m_100/test_modeling_m2m_100.py"),
    ("EleutherAI/gpt-neo-2.7B", "tests/models/gpt_neo/test_modeling_gpt_neo.py"),
    ("meta-llama/Meta-Llama-3-8B", "tests/models/llama/test_modeling_llama.py"),
])
def test_a_checkpoint_s_name_says_its_model_type(checkpoint: str, tests: str) -> None:
    """Real posts: of the 1,919 transformers posts of the dev set and the fresh sets to the
    hundred-and-sixty-ninth, 18 commands change, 7 of them from the default subset."""
    s = suggestion("transformers", "lm_head parameters missing from named_parameters()",
                   f"```python\nmodel = AutoModel.from_pretrained('{checkpoint}')\n```")
    assert s.tests[0] == tests


@pytest.mark.parametrize(("title", "body", "tests"), [
    # real posts transformers#44623, #36193: a checkpoint loaded only into a processor (which
    # the models sized leave out), or named by its id in the title
    ("[BUG] processor.save_pretrained(...) missing files",
     "```python\nprocessor = AutoProcessor.from_pretrained('Qwen/Qwen3-VL-8B-Instruct')\n```",
     "tests/models/qwen3_vl/test_processing_qwen3_vl.py"),
    ("ValueError: Unrecognized image processor in Qwen/Qwen2.5-VL-3B-Instruct.",
     "```python\nprocessor = AutoProcessor.from_pretrained('Qwen/Qwen2.5-VL-3B-Instruct')\n```",
     "tests/models/qwen2_5_vl/test_modeling_qwen2_5_vl.py"),
    # "A/B" in a title is no checkpoint (real title #16651)
    ("ModelForSequenceClassification (Roberta/Bert) don't support mean_pool",
     "```python\nmodel = RobertaForSequenceClassification.from_pretrained(p)\n```",
     "tests/models/roberta/test_modeling_roberta.py"),
])
def test_a_checkpoint_a_processor_loads_or_the_title_names(title: str, body: str,
                                                            tests: str) -> None:
    assert suggestion("transformers", title, body).tests[0] == tests


def test_a_class_the_title_names_outweighs_the_checkpoint() -> None:
    # real title transformers#46531: Gemma 4's checkpoint, Gemma4Unified's class and tests
    s = suggestion("transformers", "[Gemma 4] Gemma4UnifiedForConditionalGeneration text-only "
                   "inference produces degenerate output",
                   "```python\nmodel = AutoModelForImageTextToText.from_pretrained("
                   "'google/gemma-4-12b-it')\n```")
    assert s.tests[0] == "tests/models/gemma4_unified/test_modeling_gemma4_unified.py"


def test_a_kind_of_tests_a_model_lacks_is_not_named() -> None:
    """Phi-3 and LLaVa have no tokenizer tests of their own: the command to try for real
    posts transformers#35973 and #29774 named tests/models/phi3/test_tokenization_phi3.py,
    which is not there, and selected no test.  A tokenizer-only type has no modeling tests."""
    s = suggestion("transformers", "Phi3 tokenizer adds a space", "It gives the wrong output.")
    assert s.tests[0] == "tests/models/phi3/test_modeling_phi3.py"
    assert "it has no tokenization tests of its own" in s.why
    s = suggestion("transformers", "CodeLlama infilling is wrong", "It gives the wrong output.")
    assert s.tests[0] == "tests/models/code_llama/test_tokenization_code_llama.py"


def test_a_named_test_file_is_taken_where_it_is_at_the_pin() -> None:
    # real posts: transformers#7711 names the old layout's tests/test_modeling_deberta.py;
    # diffusers#11443 names the tests of unidiffuser, whose tests the pin no longer has
    s = suggestion("transformers", "2 Deberta test failures",
                   "Running `pytest tests/test_modeling_deberta.py` fails twice.")
    assert s.tests[0] == "tests/models/deberta/test_modeling_deberta.py"
    assert "names tests/test_modeling_deberta.py, now tests/models/deberta/" in s.why
    s = suggestion("diffusers", "model_cpu_offload failed in unidiffusers pipeline",
                   "See tests/pipelines/unidiffuser/test_unidiffuser.py, it fails.")
    assert "unidiffuser" not in s.command
    # diffusers#1158 names tests/test_config.py, in tests/others/ since v0.16.0; the old
    # tests/test_scheduler.py was split into tests/schedulers/
    s = suggestion("diffusers", "pytest tests/test_config.py tests interfere with each other",
                   "`pytest ./tests/test_config.py::ConfigTester::test_load_ddim_from_pndm`")
    assert s.tests == ("tests/others/test_config.py",)
    assert "names tests/test_config.py, now tests/others/test_config.py" in s.why
    s = suggestion("diffusers", "A test fails", "pytest tests/test_scheduler.py fails.")
    assert "tests/test_scheduler.py" not in s.command


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (transformers#17754, #5676, #27869, #46123, #4263)
    ("Text classification pipeline outputs differ with 4.20", "text_classification"),
    ("Add indexes to grouped entity NER pipeline", "token_classification"),
    ("Adding truncation to text-generation pipeline", "text_generation"),
    ("MaskGenerationPipeline: is_last never True on final partial batch", "mask_generation"),
    ("Sentiment Analysis Pipeline is predicting incorrect sentiment in 2.9",
     "text_classification"),
])
def test_a_pipeline_runs_in_the_pipelines_subset(title: str, tests: str) -> None:
    """Every test of transformers' pipeline files is marked is_pipeline_test, which the model
    subsets leave out: run with those (as before), a pipeline's file selected no test."""
    s = suggestion("transformers", title, "It gives the wrong output.")
    path = f"tests/pipelines/test_pipelines_{tests}.py"
    assert s.tests[0] == path
    assert s.command == f"harness reproduce transformers --subset pipelines --tests {path}"
    assert "add --online" in s.why
    assert "is_pipeline_test" not in (load("transformers").subsets[s.subset].markers or "")


@pytest.mark.parametrize("title", [
    # real titles (transformers#43825, #3207): v5 has neither pipeline; the question
    # answering test file is empty there, so running it selected no test
    "translation pipeline is missing (KeyError)",
    "Pipeline for Question Answering: How to return multiple correct answers output?",
])
def test_a_pipeline_removed_by_the_pin_names_no_test(title: str) -> None:
    s = suggestion("transformers", title, "It fails.")
    assert s.why.startswith("no model")


def test_a_documentation_issue_is_checked_by_verify_not_by_tests() -> None:
    # real title (transformers#22391): it names a pipeline, whose tests show nothing of docs
    s = suggestion("transformers", "Docs: Clarify stride for upcoming token classification "
                   "pipeline", "The docs do not say what `stride` does.")
    assert s.command == "harness verify transformers --commit HEAD"
    assert s.tests == () and s.subset == "" and s.action == "check a fix"
    assert "checks its pull request faces" in s.why


@pytest.mark.parametrize("title", [
    "How to opt out of a bit of logging",
    # types the table gained that are words too (openai: OpenAI's first GPT; radio; dia)
    "OpenAI style chat format for the radio station dataset",
])
def test_a_word_that_is_also_a_model_type_names_no_model(title: str) -> None:
    s = suggestion("transformers", title, "Logs are too long.")
    assert s.subset == "bert" and s.why.startswith("no model")


def test_tokenizer_issues_point_at_tokenizer_tests() -> None:
    s = suggestion("transformers", "BertTokenizer.decode ignores clean_up_tokenization_spaces",
                   samples.BERT_DECODE)
    assert s.tests[0] == "tests/models/bert/test_tokenization_bert.py"
    assert s.command.endswith("--tests tests/models/bert/test_tokenization_bert.py")


def test_a_scheduler_narrows_the_scheduler_subset() -> None:
    s = suggestion("diffusers", "DDIMScheduler trailing spacing", samples.DDIM_TIMESTEPS)
    assert s.command == ("harness reproduce diffusers --subset schedulers "
                         "--tests tests/schedulers/test_scheduler_ddim.py")


def test_an_unknown_scheduler_runs_the_scheduler_subset() -> None:
    s = suggestion("diffusers", "FancyNewScheduler breaks", "`FancyNewScheduler.step` fails")
    assert s.command == "nox -s reproduce -- diffusers --subset schedulers"


def test_a_unet() -> None:
    s = suggestion("diffusers", "UNet2DModel output shape", "`UNet2DModel` returns wrong shape")
    assert s.command == "nox -s reproduce -- diffusers --subset unet2d"


@pytest.mark.parametrize(("title", "tests"), [
    # real titles: diffusers#12423, #9958, #12186
    ("QwenImageTransformer2DModel.from_single_file",
     "tests/models/transformers/test_models_transformer_qwenimage.py"),
    ("AutoencoderKLTemporalDecoder support for tiling",
     "tests/models/autoencoders/test_models_autoencoder_kl_temporal_decoder.py"),
    ("`WanVACETransformer3DModel` does not inherit `AttentionMixin`",
     "tests/models/transformers/test_models_transformer_wan_vace.py"),
])
def test_a_model_class_in_the_title_points_at_its_model_tests(title: str, tests: str) -> None:
    """Real posts: 6 of the 656 diffusers posts of the dev set and the fresh sets to the
    hundred-and-sixty-fifth named a model class with tests of its own and no other target,
    and were sent to the default subset (the schedulers' tests).  A model's tests build a
    tiny one from a config: offline, no --online told."""
    s = suggestion("diffusers", title,
                   "```python\npipe = DiffusionPipeline.from_pretrained(p)\n```")
    assert s.tests[0] == tests
    assert s.command == f"harness reproduce diffusers --subset schedulers --tests {tests}"
    assert "--online" not in s.why


def test_a_gpu_issue_whose_tests_no_gpu_subset_runs_says_they_run_on_the_cpu() -> None:
    """diffusers has a GPU subset for one UNet only: 132 of the 656 real diffusers posts that
    the GPU column calls `yes` got a command on the CPU subset, and the why said nothing."""
    s = suggestion("diffusers", "QwenImageTransformer2DModel fp8 on CUDA: illegal memory access",
                   "```python\nt = QwenImageTransformer2DModel.from_pretrained('Qwen/Qwen-Image', "
                   "torch_dtype=torch.float8_e4m3fn).to('cuda')\n```\n```\nRuntimeError: CUDA "
                   "error: an illegal memory access was encountered\n```")
    assert s.subset == "schedulers"
    assert s.why.endswith("it needs a GPU, and no subset runs these tests on one: here they run "
                          "on the CPU, where its GPU tests skip")


def test_a_model_class_in_a_pipeline_s_code_leaves_the_pipeline_first() -> None:
    # real post diffusers#12141: the pipeline's cast is wrong; its code loads the VAE by class
    s = suggestion("diffusers", "WanVACEPipeline doesn't work with bfloat16/foat16 vae",
                   "```python\nvae = AutoencoderKLWan.from_pretrained(p, torch_dtype=torch.float16)"
                   "\npipe = WanVACEPipeline.from_pretrained(p, vae=vae)\n```")
    assert s.tests[:2] == ("tests/pipelines/wan",
                           "tests/models/autoencoders/test_models_autoencoder_wan.py")


@pytest.mark.parametrize(("named", "tests"), [
    # real titles: diffusers#8649, #6548, #10186 (a class in the report's code or title)
    ("StableDiffusion3Pipeline", "tests/pipelines/stable_diffusion_3"),
    ("StableDiffusionXLImg2ImgPipeline", "tests/pipelines/stable_diffusion_xl"),
    ("FluxFillPipeline", "tests/pipelines/flux"),
    ("StableDiffusionControlNetImg2ImgPipeline", "tests/pipelines/controlnet"),
    ("FluxControlNetInpaintPipeline", "tests/pipelines/controlnet_flux"),
    ("StableDiffusionXLPAGPipeline", "tests/pipelines/pag"),
    # another family's ControlNet: its family's tests (real title diffusers#13073; at the
    # pin Z-Image's ControlNet has no tests, Sana's are in sana/)
    ("ZImageControlNetPipeline", "tests/pipelines/z_image"),
    ("SanaControlNetPipeline", "tests/pipelines/sana"),
])
def test_a_pipeline_class_points_at_its_test_folder(named: str, tests: str) -> None:
    s = suggestion("diffusers", f"{named}: num_images_per_prompt no longer honoured",
                   f"```python\npipe = {named}.from_pretrained(path)\nimages = pipe(p)\n```")
    assert s.tests[0] == tests
    assert s.command == f"harness reproduce diffusers --subset schedulers --tests {tests}"
    # its fast tests build tokenizers from hf-internal-testing checkpoints: offline, 67 of the
    # SD3 folder's 77 fail (OfflineModeIsEnabled); the flag is told, not added (offline, it
    # would wait on every download)
    assert s.why.endswith("load small checkpoints from the Hub: add --online to run them")


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (diffusers#12299, #12294, #10772, #9555): a family in plain words only
    ("SD3 failing with tensor mismatch when using negative prompt embeddings",
     "tests/pipelines/stable_diffusion_3"),
    ("[Qwen-image] encoder_hidden_states_mask is not used", "tests/pipelines/qwenimage"),
    ("Sana Controlnet Support", "tests/pipelines/sana"),
    ("[Flux Controlnet] Add control_guidance_start and control_guidance_end",
     "tests/pipelines/controlnet_flux"),
    ("Flux 2: The shape of the latent argument is undocumented", "tests/pipelines/flux2"),
    # real titles (diffusers#4554, #3280, #5990, #7796): the families of older pipelines, and
    # a ControlNet of no family named (Stable Diffusion's)
    ("Kandinsky 2.2 example fails with OOM", "tests/pipelines/kandinsky2_2"),
    ("No non-default schedulers appear to work with DeepFloyd IF", "tests/pipelines/deepfloyd_if"),
    ("Stable video diffusion inpainting pipeline implementation issues",
     "tests/pipelines/stable_video_diffusion"),
    ("Controlnet inpainting change too much of masking area", "tests/pipelines/controlnet"),
])
def test_a_family_named_in_the_title_s_plain_words(title: str, tests: str) -> None:
    """Real posts: of the 602 diffusers issues of the dev set and the fresh sets to the
    hundred-and-fifty-eighth, 355 were sent to the default subset (the schedulers' tests);
    251 are now, the LoRA issues and those whose title names a family in plain words
    ("SD3", "Qwen-image", "Flux") sent to that family's tests."""
    s = suggestion("diffusers", title, "It gives the wrong output.")
    assert s.tests[0] == tests
    assert s.why.endswith("load small checkpoints from the Hub: add --online to run them")


@pytest.mark.parametrize(("title", "stem"), [
    # real titles (diffusers#1484, #1887, #960, #3336, #5815)
    ("fp16 does not work with euler_a scheduler", "euler_ancestral"),
    ("How can we use DPM++ 2M Karras sampler in Diffusers?", "dpm_multi"),
    ("What's the difference between PNDM and plms", "pndm"),
    ("DPM-Solver Multistep Inverse Scheduler", "dpm_multi_inverse"),
    ("LCM Scheduler's isn't perfect in uniformly spreading the timesteps", "lcm"),
])
def test_a_scheduler_named_in_the_title_s_plain_words(title: str, stem: str) -> None:
    s = suggestion("diffusers", title, "The images look wrong.")
    path = f"tests/schedulers/test_scheduler_{stem}.py"
    assert s.command == f"harness reproduce diffusers --subset schedulers --tests {path}"


@pytest.mark.parametrize(("title", "tests"), [
    # real titles (diffusers#9479, #11878, #3223): the post's code sets up a scheduler
    ("StableDiffusionInpaintPipeline changes areas that I didn't mask out.",
     "tests/pipelines/stable_diffusion"),
    ("WanVACETransformer3DModel with GGUF not working for 1.3B model",
     "tests/models/transformers/test_models_transformer_wan_vace.py"),
    ("RAM not cleared even after moving stable diffusion pipeline to cuda",
     "tests/pipelines/stable_diffusion"),
])
def test_a_scheduler_only_the_code_names_comes_after_what_the_title_names(
        title: str, tests: str) -> None:
    """Real posts: 33 of the 707 diffusers posts of the dev set and the fresh sets to the
    hundred-and-sixty-ninth were sent to a scheduler's tests for a scheduler their code set
    up, before the pipeline, model or family their title names."""
    s = suggestion("diffusers", title,
                   "```python\npipe.scheduler = DPMSolverMultistepScheduler.from_config("
                   "pipe.scheduler.config)\nimage = pipe(prompt).images[0]\n```")
    assert s.tests[0] == tests
    assert "tests/schedulers/test_scheduler_dpm_multi.py" in s.tests


def test_a_scheduler_s_test_class_in_the_title_names_its_tests() -> None:
    # real title diffusers#484, whose post names the PNDM pipeline's file too
    s = suggestion("diffusers", "PNDMSchedulerTest::test_full_loop_no_noise uses time index",
                   "The `PNDMPipeline` passes timesteps (src/diffusers/pipelines/pndm/"
                   "pipeline_pndm.py) the other way round.")
    assert s.tests[0] == "tests/schedulers/test_scheduler_pndm.py"


def test_lcm_without_a_scheduler_is_no_scheduler() -> None:
    # real title (diffusers#5619): LCM names a pipeline's LoRA here, not its scheduler
    s = suggestion("diffusers", "AutoencodeTiny doesn't work for LCM img2img", "It fails.")
    assert "test_scheduler_lcm" not in s.command


def test_an_issue_about_training_is_not_sent_to_the_family_s_pipeline_tests() -> None:
    # real title (diffusers#7146): the training script's, not the pipeline's
    s = suggestion("diffusers", "CUDA OOM Error when fine tuning SDXL using "
                                "train_text_to_image_sdxl.py", "It runs out of memory.")
    assert s.command == "nox -s reproduce -- diffusers --subset schedulers"


def test_the_generic_loader_names_no_pipeline() -> None:
    s = suggestion("diffusers", "from_pretrained fails",
                   "```python\npipe = DiffusionPipeline.from_pretrained(path)\n```")
    assert s.command == "nox -s reproduce -- diffusers --subset schedulers"


def test_lora_issues_run_the_lora_subset() -> None:
    s = suggestion("peft", "merge_and_unload keeps a bias", samples.PEFT_MERGE)
    assert s.command == "nox -s reproduce -- peft --subset lora"


# peft's test files at the recipe's v0.20.0 that triage may name
PEFT_FILES = frozenset((
    "test_custom_models", "test_decoder_models", "test_multitask_prompt_tuning",
    "test_adaption_prompt", "test_cpt", "test_xlora", "test_poly", "test_mixed",
    "test_trainable_tokens", "test_lora_ga", "test_vera", "test_vblora", "test_randlora",
    "test_shira", "test_initialization"))
@pytest.mark.parametrize(("title", "body", "command"), [
    # real titles: peft#2881, #1032, #630 (prompt learning: tested on tiny Hub decoders)
    ("Bug in prefix tuning of Qwen3-0.6B: group-query attention fix in #1901 still causes "
     "errors", "```python\nconfig = PrefixTuningConfig(num_virtual_tokens=20)\n```",
     "harness reproduce peft --subset lora --tests tests/test_decoder_models.py "
     "-k PrefixTuningConfig"),
    ("about some small bug of prompt_tuning.py", "The init text is tokenized twice.",
     "harness reproduce peft --subset lora --tests tests/test_decoder_models.py "
     "-k PromptTuningConfig"),
    ("How to switch to P-Tuning v2", "I use P-tuning now and want v2.",
     "harness reproduce peft --subset lora --tests tests/test_decoder_models.py "
     "-k PromptEncoderConfig"),
    # peft#820, #2783, #432: toy-model cases of test_custom_models.py, as lora's are
    ("IA3 Tokenizing Issues", "Training with IA3 the loss does not go down.",
     "harness reproduce peft --subset lora -k IA3Config"),
    ("PEFT Loha/Lokr crashes for SDXL pipeline inference", "It fails in forward.",
     "harness reproduce peft --subset lora -k LoHaConfig"),
    ("AdaLoRA: where does the Rankallocator work", "I cannot find where it runs.",
     "harness reproduce peft --subset lora -k AdaLoraConfig"),
    # "OFTConfig" is within "BOFTConfig" and "PsoftConfig" as -k reads it
    ("OFT merge gives different outputs", "After merge_and_unload the outputs differ.",
     "harness reproduce peft --subset lora -k 'OFTConfig and not BOFTConfig and not "
     "PsoftConfig'"),
    # peft#3709: a method with a test file of its own
    ("Avoid duplicated shared projections in RandLoRA adapter checkpoints",
     "The saved file holds the projections twice.",
     "harness reproduce peft --subset lora --tests tests/test_randlora.py"),
    # LoRA's PiSSA and OLoRA initialisations: test_initialization.py's (real title: peft#2184)
    ("PiSSA Updates Base Model Weights Silently",
     "After get_peft_model with init_lora_weights='pissa' the base weights changed.",
     "harness reproduce peft --subset lora --tests tests/test_initialization.py -k pissa"),
    # the title's method first: the body names LoRA too (real title: peft#2595)
    ("LoRA combined with Prefix tuning", "Can I train LoRA and prefix tuning together?",
     "harness reproduce peft --subset lora --tests tests/test_decoder_models.py "
     "-k PrefixTuningConfig"),
])
def test_a_peft_method_other_than_lora_runs_its_own_tests(title: str, body: str,
                                                          command: str) -> None:
    """Real posts: 55 of the 212 peft posts labelled here name a method other than LoRA,
    and were all sent to the lora subset (or lora-gpu), whose LoRA cases exercise none of
    them."""
    s = suggestion("peft", title, body)
    assert s.command == command
    stem = s.tests[0].removeprefix("tests/").removesuffix(".py")
    assert stem in PEFT_FILES
    hub = "load small checkpoints from the Hub: add --online to run them" in s.why
    assert hub == (stem in ("test_decoder_models", "test_adaption_prompt"))


def test_every_peft_method_names_a_test_file_of_the_pin_and_its_cases() -> None:
    """A method tested in test_custom_models.py is kept by the -k the recipe gives a change
    to its tuner (``[verify] cases``: verify narrows that file the same way)."""
    cases = load("peft").verify.cases
    for m in peft_tests.METHODS:
        assert m.path.removeprefix("tests/").removesuffix(".py") in PEFT_FILES, m.name
        assert (m.path == peft_tests.CUSTOM) == bool(m.tuner), m.name
        assert not m.tuner or f"src/peft/tuners/{m.tuner}/" in cases, m.name


def test_a_lora_issue_keeps_the_lora_subset_and_its_k() -> None:
    s = suggestion("peft", "LoRA dropout ignored in merge", "lora_dropout=0.1 has no effect.")
    assert s.command == "nox -s reproduce -- peft --subset lora"
    assert "-k" not in s.why


# diffusers' LoRA test files at the recipe's v0.40.0 (tests/lora/test_lora_layers_*.py)
LORA_FILES = frozenset((
    "ace_step", "auraflow", "cogvideox", "cogview4", "flux", "flux2", "helios", "hunyuanvideo",
    "ideogram4", "krea2", "ltx2", "ltx_video", "lumina2", "minimax_h3", "mochi", "qwenimage",
    "sana", "sd", "sd3", "sdxl", "wan", "wanvace", "z_image"))


@pytest.mark.parametrize(("title", "body", "stem"), [
    # real titles: diffusers#9078, #8237, #13249, #6130, #8975 (the last two name no family
    # with LoRA tests: Stable Diffusion's; the body's "I want" names no Wan, as #2739's did)
    ("Flux Can't Load LoRA", "```python\npipe.load_lora_weights(path)\n```", "flux"),
    ('SDXL LoRA key not loaded "lora_te2_text_projection.*"', "Keys are skipped.", "sdxl"),
    ("Lora Stopped working for Z-Image", "It worked last week.", "z_image"),
    ("Error while loading Lora", "I want to load my LoRA: it fails.", "sd"),
    ("ImportError: cannot import name 'LoraLoaderMixin' from 'diffusers.loaders'",
     "```python\nfrom diffusers import UNet2DConditionModel\n"
     "from diffusers.loaders import LoraLoaderMixin\n```", "sd"),
    # a ControlNet pipeline's LoRA is its family's (real title: diffusers#5109, whose
    # pipeline tests are ControlNet's)
    ("load_lora_weights for StableDiffusionXLControlNetImg2ImgPipeline raises",
     "```python\npipe = StableDiffusionXLControlNetImg2ImgPipeline.from_pretrained(p)\n"
     "pipe.load_lora_weights(lora)\n```", "sdxl"),
    # loading after training is about loading (real title: diffusers#6176)
    ("Error when load LoRA weight after training dreambooth_lora",
     "I trained with train_dreambooth_lora.py, then load_lora_weights fails.", "sd"),
])
def test_a_lora_issue_points_at_its_family_lora_tests(title: str, body: str, stem: str) -> None:
    """Real posts: 109 of 602 diffusers issues say LoRA in their title; 79 were sent to the
    default subset (the schedulers' tests), 10 to a scheduler's, a UNet's or an
    autoencoder's."""
    s = suggestion("diffusers", title, body)
    path = f"tests/lora/test_lora_layers_{stem}.py"
    assert stem in LORA_FILES
    assert s.tests[0] == path
    assert s.command == f"harness reproduce diffusers --subset schedulers --tests {path}"
    # offline, all 35 of Stable Diffusion's LoRA tests that run on a CPU fail (the
    # peft-internal-testing checkpoints): the flag is told
    assert s.why.endswith("load small checkpoints from the Hub: add --online to run them")


@pytest.mark.parametrize("title", [
    # real titles: diffusers#10994, #5563: the training script's, not the library's LoRA
    "train_dreambooth_lora_flux crash on batch size greater than 1",
    "SDXL DreamBooth LoRA training throws errors",
])
def test_a_lora_training_issue_is_not_sent_to_the_lora_tests(title: str) -> None:
    s = suggestion("diffusers", title, "Running the example script fails after 10 steps.")
    assert not any(t.startswith("tests/lora/") for t in s.tests)


def test_every_family_has_lora_tests() -> None:
    assert set(diffusers_tests._LORA_FAMILIES.values()) <= LORA_FILES
    folders = set(diffusers_tests._PIPELINE_TESTS.split())
    named = {f for _, f in diffusers_tests._FAMILY_WORDS}
    assert named | set(diffusers_tests._LORA_FAMILIES) <= folders


def test_gpu_issues_get_the_gpu_subset() -> None:
    s = suggestion("peft", "QLoRA fails on a T4", samples.PEFT_QLORA)
    assert s.subset == "lora-gpu"


def test_an_issue_that_may_need_a_gpu_runs_on_the_cpu_first_and_names_the_gpu_subset() -> None:
    """The GPU flag is set low, to miss few: most issues it calls "maybe" need no GPU (27 of
    96 in four fresh sets of real issues), and a laptop cannot run a GPU subset."""
    title, body = ("BertModel training loss is nan",
                   "Training `BertModel` with the Trainer gives a nan loss after 100 steps.")
    recipe = load("transformers")
    item = samples.issue(1, title, body, repo="huggingface/transformers")
    a = scoring.assess(item, features.extract(item, recipe, now=NOW))
    assert scoring.gpu_answer(a.needs_gpu, a.gpu_score) == "maybe"
    s = suggestion("transformers", title, body)
    assert s.command == "nox -s reproduce -- transformers --subset bert"
    assert s.why.endswith("; it may need a GPU: subset 'bert-gpu' runs it on one")
    sure = suggestion("transformers", "BertModel OOM on 2 GPUs",
                      "`BertModel` with device_map='auto' on 2 GPUs and bitsandbytes "
                      "load_in_8bit: torch.cuda.OutOfMemoryError: CUDA out of memory.")
    assert sure.subset == "bert-gpu" and "may need" not in sure.why


def test_a_tpu_issue_gets_no_gpu_subset() -> None:
    """A TPU is no CUDA GPU: the GPU subset cannot reproduce what only a TPU shows (real
    post: transformers#9533, "xla_spawn.py crashes when training on TPU V3-32", was sent
    to ``bert-gpu``)."""
    s = suggestion("transformers", "xla_spawn.py crashes when training on TPU V3-32",
                   "Training on a TPU v3-32 pod with `xla_spawn.py` crashes after the first "
                   "epoch with a RuntimeError.")
    assert s.subset == "bert" and "it names a TPU, which no subset runs on" in s.why


def test_a_test_file_named_in_the_issue_comes_first() -> None:
    s = suggestion("transformers", "flaky test", "`tests/models/gpt2/test_modeling_gpt2.py` "
                                                 "fails on `BertModel`")
    assert s.tests[0] == "tests/models/gpt2/test_modeling_gpt2.py"
    assert s.command == "nox -s reproduce -- transformers --subset gpt2"


@pytest.mark.parametrize("recipe", ["transformers", "peft", "diffusers"])
def test_nothing_named_runs_the_default_subset(recipe: str) -> None:
    s = suggestion(recipe, "pipeline broken", samples.VAGUE)
    default = load(recipe).default_subset
    assert s.command == f"nox -s reproduce -- {recipe} --subset {default}"
    assert s.tests == load(recipe).subsets[default].paths


@pytest.mark.parametrize(("title", "script", "tests"), [
    # real titles: diffusers#3700, #5016; the third names the script by its folder's name,
    # as diffusers#3442's post does
    ("Not able to use min_snr argument in train_text_to_image_lora.py",
     "examples/text_to_image/train_text_to_image_lora.py",
     "examples/text_to_image/test_text_to_image_lora.py"),
    ('SDXL dreambooth LoRA can not train text_encoders in "train_dreambooth_lora_sdxl.py"',
     "examples/dreambooth/train_dreambooth_lora_sdxl.py",
     "examples/dreambooth/test_dreambooth_lora.py"),
    ("Embeddings from examples/textual_inversion are all the same",
     "examples/textual_inversion/textual_inversion.py",
     "examples/textual_inversion/test_textual_inversion.py"),
])
def test_a_training_script_is_named_with_its_tests(title: str, script: str, tests: str) -> None:
    """Its tests need torchvision, which the recipe leaves out, and the Hub: no subset runs
    them, the why says where they are."""
    s = suggestion("diffusers", title, "The run fails after the first step.")
    assert s.command == "nox -s reproduce -- diffusers --subset schedulers"
    assert s.why.startswith(f"about the training script {script}: its tests ({tests}) "
                            f"launch it with accelerate, import torchvision, which the "
                            f"recipe's env leaves out, and load small checkpoints")


def test_a_training_script_without_tests_or_not_at_the_pin() -> None:
    s = suggestion("diffusers", "train_cogvideox_lora.py fails with gradient checkpointing",
                   "The run fails.")
    assert s.why.startswith("about the training script examples/cogvideo/"
                            "train_cogvideox_lora.py, which no test at the pin runs")
    # a research project's script (real post diffusers#10518), not one of the examples'
    s = suggestion("diffusers", "train_dreambooth_lora_sd3_miniature.py crashes", "It fails.")
    assert s.why.startswith("no model, scheduler or test named")
    # transformers' scripts are not diffusers' examples
    s = suggestion("transformers", "train_text_to_image_lora.py fails", "It fails.")
    assert "training script" not in s.why


@pytest.mark.parametrize(("title", "body", "tests"), [
    # real posts transformers#33760 and #30723 (shortened)
    ("convert_llama_weights_to_hf.py - problem converting llama 3.2 1B",
     "Running the script on Llama-3.2-1B fails with a KeyError.",
     "tests/models/llama/test_modeling_llama.py"),
    ("error when convert llama1 ckpts to hf formath",
     "I ran `python src/transformers/models/llama/convert_llama_weights_to_hf.py --input_dir "
     "llama --model_size 7B` and the k_proj permute fails.", None),
    # by the script's name without ".py"
    ("Unable to use converted Llama 3.3 instruct model",
     "I converted it with the convert_llama_weights_to_hf script and loading fails.", None),
])
def test_a_conversion_script_is_said_to_be_untested(title: str, body: str,
                                                     tests: str | None) -> None:
    """The model's tests pass whatever the script does: the why says they do not check it."""
    s = suggestion("transformers", title, body)
    assert ("; about the checkpoint conversion script convert_llama_weights_to_hf.py, which "
            "no test runs (it is run by hand on the original checkpoint): these tests do not "
            "check it") in s.why
    if tests is not None:
        assert s.tests[0] == tests


@pytest.mark.parametrize(("recipe", "body"), [
    # another package's file in a traceback (real post transformers#36484)
    ("transformers", 'Traceback (most recent call last):\n  File "/usr/lib/python3.11/site-'
                     'packages/torch/_dynamo/convert_frame.py", line 1, in __call__\n'
                     "RuntimeError: boom"),
    # the library's own modules, which tests import or which were library code
    ("transformers", "`convert_slow_tokenizer.py` drops the added tokens."),
    ("transformers", "`convert_graph_to_onnx.py` fails for BART."),
    # a method, not a script
    ("transformers", "`tokenizer.convert_tokens_to_ids` returns None for new tokens."),
    # another library's script of that name
    ("diffusers", "convert_original_stable_diffusion_to_diffusers.py fails for SDXL."),
])
def test_no_conversion_script(recipe: str, body: str) -> None:
    assert "conversion script" not in suggestion(recipe, "It fails", body).why
