"""The tests of transformers that an issue points at: a model's (by its file, class,
checkpoint or name in the title's words), a pipeline's (by its file, class or task), the
Trainer's and generate's.

Only mappings that follow the repository's layout conventions at the recipe's pinned
release (v5.23.0); :func:`harness.triage.targets.find` puts them after the test files the
issue itself names.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter

from harness.triage.features import Features

Target = tuple[str, str]  # (test path, why), as harness.triage.targets gives them

# transformers model types (the directory names under src/transformers/models/)
_MODEL_TYPES = """
albert align altclip aria bark bart beit bert bert_generation big_bird bigbird_pegasus biogpt
bit blenderbot blenderbot_small blip blip_2 bloom bridgetower bros camembert canine chameleon
chinese_clip clap clip clipseg clvp code_llama codegen cohere cohere2 conditional_detr convbert
convnext convnextv2 ctrl cvt dac data2vec dbrx deberta deberta_v2 deepseek_v3 deit
depth_anything detr dinat dinov2 distilbert donut dpr dpt efficientnet electra emu3 encodec
ernie esm falcon falcon_mamba flaubert flava fnet focalnet fsmt funnel fuyu gemma gemma2 gemma3
git glm glm4 glpn gpt2 gpt_bigcode gpt_neo gpt_neox gptj granite granitemoe grounding_dino
groupvit hubert ibert idefics idefics2 idefics3 imagegpt informer instructblip jamba jetmoe
kosmos2 layoutlm layoutlmv2 layoutlmv3 led levit lilt llama llama4 llava llava_next
llava_onevision longformer longt5 luke lxmert m2m_100 mamba mamba2 marian markuplm mask2former
maskformer mbart megatron_bert mimi mistral mistral3 mixtral mllama mobilebert mobilenet_v2
mobilevit modernbert moonshine moshi mpnet mpt mt5 musicgen mvp nemotron nllb_moe nougat olmo
olmo2 olmoe oneformer opt owlv2 owlvit paligemma patchtst pegasus pegasus_x perceiver persimmon
phi phi3 phimoe pix2struct pixtral plbart poolformer prophetnet pvt qwen2 qwen2_5_vl
qwen2_audio qwen2_moe qwen2_vl qwen3 qwen3_moe rag reformer regnet rembert resnet roberta
roc_bert roformer rt_detr rwkv sam seamless_m4t segformer siglip siglip2 smolvlm speech_to_text
speecht5 splinter squeezebert stablelm starcoder2 swin swin2sr swinv2 switch_transformers t5
table_transformer tapas timesformer trocr udop umt5 unispeech upernet video_llava videomae vilt
vipllava visual_bert vit vit_mae vitdet vitmatte vits vivit wav2vec2 wavlm whisper x_clip xglm
xlm xlm_roberta xlnet yolos zamba zoedepth
"""
MODEL_TYPES = frozenset(_MODEL_TYPES.split())
_SQUASHED = {t.replace("_", ""): t for t in MODEL_TYPES}
_CLASS = re.compile(r"\b([A-Z][A-Za-z0-9]*?)(?:Text|Vision|Audio)?(?:For[A-Z][A-Za-z]+|Model\b|"
                    r"Config\b|TokenizerFast\b|Tokenizer\b|ImageProcessor|Processor\b|"
                    r"FeatureExtractor\b|PreTrainedModel\b|Attention\b|DecoderLayer\b|MLP\b)")
_MODEL_FILE = re.compile(r"^src/\w+/models/(\w+)/(modeling|tokenization|image_processing|"
                         r"processing|configuration|feature_extraction)_")
_TEST_KIND = (("image processor", "image_processing"), ("imageprocessor", "image_processing"),
              ("tokeniz", "tokenization"), ("processor", "processing"))
CORE = {  # transformers' core files → their tests
    "generation/utils.py": "tests/generation/test_utils.py",
    "tokenization_utils_base.py": "tests/tokenization/test_tokenization_utils.py",
    "trainer.py": "tests/trainer/test_trainer.py",
    "modeling_utils.py": "tests/utils/test_modeling_utils.py",
    "configuration_utils.py": "tests/utils/test_configuration_utils.py",
}
# model types that are English words too ("opt out", "git clone", "a bit"): not read as
# a model's name in a title's plain words
_WORD_TYPES = frozenset({"opt", "git", "led", "bit", "sam", "rag", "mvp", "align", "bark",
                         "canine", "clap", "donut", "funnel", "splinter", "informer", "aria",
                         "luke", "bros"})


def model_types(text: str, f: Features) -> Counter[str]:
    """Model types named: in file paths (weighed most), class names, checkpoints and the
    title's plain words ("Whisper doesn't compute positional embeddings properly", "GPT-2
    fine tuning": of the 1,129 real transformers issues of the dev set and of the fresh
    sets to the hundred-and-fifty-ninth, 590 name no model otherwise; 137 of those name one
    in their title)."""
    counts: Counter[str] = Counter()
    for path in f.files:
        if m := _MODEL_FILE.match(path):
            counts[m.group(1)] += 3
    for prefix in _CLASS.findall(text):
        if t := _SQUASHED.get(prefix.lower()):
            counts[t] += 1
    tokens = re.findall(r"[a-z0-9_]+(?:-[a-z0-9_]+)*", text.partition("\n")[0].lower())
    words = [token.replace("-", "") for token in tokens]
    named: set[str] = set()
    for token, word, then in itertools.zip_longest(tokens, words, words[1:], fillvalue=""):
        # a version apart from its name ("Gemma 3", "Wav2Vec 2"): the type that has it
        t = _SQUASHED.get(f"{word}{then}") if then.isdigit() else None
        if t := t or _hyphenated(token):
            named.add(t)
    for t in sorted(named - _WORD_TYPES):
        counts[t] += 1
    for model in f.models:
        name = model.name.lower().rpartition("/")[2]
        if t := next((p for p in re.split(r"[-_.]", name) if p in MODEL_TYPES), None):
            counts[t] += 1
    return counts


def _hyphenated(token: str) -> str | None:
    """The model type a title's word names, hyphens dropped ("GPT-2"), or the longest run of
    its first parts that does ("Phi-3-mini-128k-instruct" → phi3, "LLaVa-v1" → llava,
    "Llama-3" → llama)."""
    parts = token.replace("_", "").split("-")
    return next((t for n in range(len(parts), 0, -1)
                 if (t := _SQUASHED.get("".join(parts[:n])))), None)


# The model types whose folder holds test_<kind>_<type>.py, for each kind but modeling, as on
# transformers' main of 2026-08 (decba1d2ea; the pin's sdist holds no tests/models): 64 of
# the types above have tokenizer tests of their own.  A test file named for a kind the type
# lacks is not there ("Phi-3 tokenizer": no tests/models/phi3/test_tokenization_phi3.py),
# and running it selected no test.
_KIND_TESTS = {kind: frozenset(names.split()) for kind, names in (
    ("tokenization", """
albert bert bert_generation big_bird biogpt blenderbot blenderbot_small bloom camembert
canine clip clvp code_llama codegen cohere ctrl deberta deberta_v2 distilbert esm flaubert
fsmt funnel gemma gpt2 gpt_neox layoutlmv2 layoutlmv3 llama luke m2m_100 marian markuplm
mbart moshi mpnet nougat pegasus perceiver plbart prophetnet qwen2 rag reformer rembert
roberta roc_bert roformer seamless_m4t siglip siglip2 speech_to_text speecht5 splinter t5
tapas udop vits wav2vec2 whisper xglm xlm xlm_roberta xlnet"""),
    ("processing", """
align altclip aria bark blip blip_2 bridgetower chameleon chinese_clip clap clip clipseg
clvp donut emu3 flava fuyu gemma3 git grounding_dino idefics idefics2 idefics3 instructblip
kosmos2 layoutlmv2 layoutlmv3 llama4 llava llava_next llava_onevision markuplm mistral3
mllama musicgen oneformer owlv2 owlvit paligemma pix2struct pixtral qwen2_5_vl qwen2_audio
qwen2_vl sam seamless_m4t smolvlm speech_to_text speecht5 trocr udop wav2vec2 whisper"""),
    ("image_processing", """
aria beit bit blip bridgetower chameleon chinese_clip clip conditional_detr convnext deit
detr donut dpt efficientnet flava fuyu gemma3 glpn grounding_dino idefics idefics2 idefics3
imagegpt layoutlmv2 layoutlmv3 levit llama4 llava llava_next llava_onevision mask2former
maskformer mllama mobilenet_v2 mobilevit nougat oneformer owlv2 owlvit perceiver pix2struct
pixtral poolformer pvt qwen2_vl rt_detr sam segformer siglip siglip2 smolvlm swin2sr
videomae vilt vit vitmatte vivit yolos zoedepth"""),
    ("feature_extraction", """
clap clvp dac encodec markuplm seamless_m4t speech_to_text speecht5 wav2vec2 whisper"""),
)}
# the types without test_modeling_<type>.py: a tokenizer alone (code_llama, nougat's), or
# modeling tests named for their parts (data2vec_audio, donut_swin)
_NO_MODELING = frozenset({"code_llama", "data2vec", "donut", "nougat"})


def model_test(t: str, kind: str) -> str | None:
    """The test file of model type ``t`` for ``kind`` ("tokenization"); a type without one:
    its modeling tests, else the first kind it has tests of; None when it has none.  A type
    the tables do not know (named by a file path: bert_japanese) is taken at its word."""
    if t not in MODEL_TYPES:
        return f"tests/models/{t}/test_{kind}_{t}.py"
    for k in dict.fromkeys((kind, "modeling", *_KIND_TESTS)):
        if (t not in _NO_MODELING) if k == "modeling" else t in _KIND_TESTS[k]:
            return f"tests/models/{t}/test_{k}_{t}.py"
    return None


# a model's test file as transformers laid them out before tests/models/ (2021): "2 Deberta
# test failures" names tests/test_modeling_deberta.py
_OLD_LAYOUT = re.compile(r"^tests/test_(modeling|tokenization|processing|image_processing|"
                         r"feature_extraction)_(\w+)\.py$")


def moved(path: str) -> str:
    """A test file an issue names, where it is at the pin: a model's old-layout test file
    (tests/test_modeling_deberta.py) in its model's folder; any other as it is."""
    m = _OLD_LAYOUT.match(path)
    if m and m.group(2) in MODEL_TYPES and (test := model_test(m.group(2), m.group(1))):
        return test
    return path


def find(text: str, f: Features) -> list[Target]:
    """The tests of the models, pipelines and core files an issue names."""
    found = []
    for path in f.files:  # a model's own file says which of its tests
        if (m := _MODEL_FILE.match(path)) and (test := model_test(
                m.group(1), m.group(2).replace("configuration", "modeling"))):
            found.append((test, f"names {path}"))
    title = text.partition("\n")[0].lower()
    kind = next((k for word, k in _TEST_KIND if word in title), "modeling")
    for t, _ in model_types(text, f).most_common(3):
        if test := model_test(t, kind):
            why = "" if f"/test_{kind}_" in test else f" (it has no {kind} tests of its own)"
            found.append((test, f"names model type {t}{why}"))
    for path in f.files:
        for tail, test in CORE.items():
            if path.endswith(f"/{tail}"):
                found.append((test, f"names {tail}"))
    found += _pipelines(text, title, f)
    found += _core_in_title(title)
    return found


def _core_in_title(title: str) -> list[Target]:
    """The tests of the core parts a title names (:data:`_CORE_TITLE`); none where it speaks
    of TensorFlow, Keras or Flax, which v5 dropped ("TFTrainingArguments"; not TF32,
    PyTorch's precision mode)."""
    if _TF.search(title):
        return []
    return [(test, f"its title names {what}") for pattern, what, test in _CORE_TITLE
            if pattern.search(title)]


def _pipelines(text: str, title: str, f: Features) -> list[Target]:
    """The tests of the pipelines an issue names: by file, by class, or by task in a title
    that says pipeline ("Text classification pipeline outputs differ", "NER pipeline")."""
    found = []
    for path in f.files:
        name = path.rpartition("/")[2].removesuffix(".py")
        if "/pipelines/" in path and (test := pipeline_test(name)):
            found.append((test, f"names pipeline {name}"))
    for name in _PIPELINE_CLASS.findall(text):
        if test := pipeline_test(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()):
            found.append((test, f"names {name}Pipeline"))
    if "pipeline" in title:
        task = re.sub(r"[\s-]+", "_", title)
        if said := next((n for n in _PIPELINE_TESTS
                         if re.search(rf"(?<![a-z]){n}(?![a-z])", task)), None):
            found.append((_PIPELINE_TESTS[said],
                          f"its title names the {said.replace('_', ' ')} pipeline"))
    return found


# transformers' pipeline tests at the recipe's pin (v5.23.0), by the task's name or what a
# title calls it; the longest first ("table question answering" before "question
# answering").  Each test there is marked is_pipeline_test: recipe subset "pipelines" runs
# them (the model subsets leave them out).  Pipelines removed by then (summarization,
# translation, conversational, question answering: its test file is empty) have none.
_PIPELINE_TESTS = {name: f"tests/pipelines/test_pipelines_{test}.py" for name, test in (
    ("zero_shot_audio_classification", "zero_shot_audio_classification"),
    ("zero_shot_image_classification", "zero_shot_image_classification"),
    ("zero_shot_object_detection", "zero_shot_object_detection"),
    ("automatic_speech_recognition", "automatic_speech_recognition"),
    ("document_question_answering", "document_question_answering"),
    ("table_question_answering", "table_question_answering"),
    ("zero_shot_classification", "zero_shot"),
    ("image_feature_extraction", "image_feature_extraction"),
    ("token_classification", "token_classification"),
    ("audio_classification", "audio_classification"),
    ("image_classification", "image_classification"),
    ("video_classification", "video_classification"),
    ("text_classification", "text_classification"),
    ("sentiment_analysis", "text_classification"),
    ("feature_extraction", "feature_extraction"),
    ("image_segmentation", "image_segmentation"),
    ("speech_recognition", "automatic_speech_recognition"),
    ("image_text_to_text", "image_text_to_text"),
    ("keypoint_matching", "keypoint_matching"),
    ("depth_estimation", "depth_estimation"),
    ("object_detection", "object_detection"),
    ("mask_generation", "mask_generation"),
    ("text_generation", "text_generation"),
    ("text_to_audio", "text_to_audio"),
    ("any_to_any", "any_to_any"),
    ("fill_mask", "fill_mask"),
    ("zero_shot", "zero_shot"),
    ("ner", "token_classification"),
    ("asr", "automatic_speech_recognition"),
)}
_PIPELINE_CLASS = re.compile(r"\b([A-Z][A-Za-z]+)Pipeline\b")


def needs_hub(path: str) -> bool:
    """Whether transformers' tests at ``path`` load from the Hub: its pipeline tests (offline,
    all 16 of text generation's fail with OfflineModeIsEnabled), and the core's of
    :data:`_HUB_CORE`."""
    return path.startswith("tests/pipelines/test_pipelines_") or path in _HUB_CORE


# core tests of :data:`_CORE_TITLE` that load tokenizers or models from the Hub: offline, all
# 7 of test_streamers.py fail for want of it, 10 of the 19 of test_stopping_criteria.py, 23
# of the 38 of test_cache_utils.py that ran, 5 of the 20 of test_tokenization_utils.py (of
# the others, 3 of the 41 of test_trainer_checkpointing.py that ran, 1 of the 36 of
# generation's test_configuration_utils.py, 1 of test_trainer_seq2seq.py's 4; none of the
# rest)
_HUB_CORE = frozenset(f"tests/{test}.py" for test in (
    "generation/test_streamers", "generation/test_stopping_criteria", "utils/test_cache_utils",
    "tokenization/test_tokenization_utils"))


def pipeline_test(name: str) -> str | None:
    """The test file of a transformers pipeline, by its module's name (``text_generation``)."""
    return _PIPELINE_TESTS.get(name)


# the parts of transformers' core a (lower-cased) title names, in code or plain words → their
# tests at the pin, the more specific first ("Seq2SeqTrainer" before the Trainer's); real
# titles: "Masking ratio incorrect for DataCollatorForLanguageModeling", "StopStringCriteria
# relies on `len(tokenizer)==model.config.vocab_size`", "save_total_limit incorrectly deletes
# checkpoints", "Static KV cache status", "tokenizer.vocab has not changed after using
# add_tokens" (33 of the 446 real transformers posts that named no model, pipeline or core
# file).  Not GGUF: every test of tests/quantization/ggml/ is slow, which the subsets leave out
_CORE_TITLE = (*((re.compile(pattern), what, f"tests/{test}.py") for pattern, what, test in (
    (r"seq2seq_?trainer", "Seq2SeqTrainer", "trainer/test_trainer_seq2seq"),
    (r"trainingarguments|training_?arguments", "TrainingArguments", "trainer/test_training_args"),
    (r"data_?collator", "a data collator", "trainer/test_data_collator"),
    (r"trainercallback|early_?stopping_?callback|\bcallbacks?\b", "a Trainer callback",
     "trainer/test_trainer_callback"),
    (r"resume_from_checkpoint|save_total_limit|load_best_model_at_end",
     "the Trainer's checkpoints", "trainer/test_trainer_checkpointing"),
    (r"stopping_?criteria|stop_?strings?(?:_?criteria)?\b|stop sequence", "a stopping criterion",
     "generation/test_stopping_criteria"),
    (r"logits_?process|logits_?warper|repetition_penalty|no_repeat_ngram|bad_words_ids|"
     r"(?:epsilon|eta|min_p|top_[kp]) sampling", "a logits processor",
     "generation/test_logits_process"),
    (r"generation_?config", "the generation config", "generation/test_configuration_utils"),
    (r"streamer\b", "a streamer", "generation/test_streamers"),
    (r"\bget_\w*schedule\w*|adafactor", "a learning-rate schedule or optimizer",
     "optimization/test_optimization"),
    (r"hf_?argument_?parser|hf_argparser", "HfArgumentParser", "utils/test_hf_argparser"),
    (r"(?:dynamic|static|hybrid|offloaded|quantized|sliding_?window|encoder_?decoder)_?cache\b|"
     r"\bkv[ _-]cache|cache_implementation|cache_utils", "a KV cache",
     "utils/test_cache_utils"),
    (r"chat[ _]template", "chat templates", "utils/test_chat_template_utils"),
    (r"rope_scaling|\brope\b", "RoPE", "utils/test_modeling_rope_utils"),
    (r"added[ _]tokens?\b|\badd_(?:special_)?tokens\b|special[ _]tokens?\b",
     "added or special tokens", "tokenization/test_tokenization_utils"),
)), *((re.compile(rf"(?<![a-z_]){word}(?![a-z_])"), word, test) for word, test in (
    # last, the Trainer and generate as words ("Trainer removes newer checkpoints, not
    # older", "Streamable way in model.generate") → CORE's tests; not "run_ner_no_trainer"
    # nor "music generation"
    ("trainer", CORE["trainer.py"]), ("generate", CORE["generation/utils.py"]),
)))
_TF = re.compile(r"\btf(?!32)|tensorflow|keras|\bflax")
