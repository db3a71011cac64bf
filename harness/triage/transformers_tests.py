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

# transformers model types: the folders of src/transformers/models/ in the pin's 5.23.0 sdist
# whose tests/models/<type>/test_modeling_<type>.py is in transformers' main of 2026-08, and
# four whose tests are named for their parts (_NO_MODELING); not "auto", whose classes
# (AutoModel, AutoTokenizer) load every model and which most posts name
_MODEL_TYPES = """
afmoe aimv2 albert align altclip apertus arcee aria audio_spectrogram_transformer
audioflamingo3 autoformer axk1 axk2 aya_vision bamba bark bart beit bert bert_generation
big_bird bigbird_pegasus biogpt bit bitnet blenderbot blenderbot_small blip blip_2 bloom blt
bridgetower bros camembert canine chameleon chinese_clip chmv2 clap clip clipseg clvp
code_llama codegen cohere cohere2 cohere2_moe cohere2_vision cohere_asr cohere_compass
colmodernvbert colpali colqwen2 conditional_detr convbert convnext convnextv2 cosmos3_edge
cosmos3_omni cpmant csm ctrl cvt cwm d_fine dab_detr dac data2vec dbrx deberta deberta_v2
decision_transformer deepseek_ocr2 deepseek_v2 deepseek_v3 deepseek_v32 deepseek_v4 deepseek_vl
deepseek_vl_hybrid deformable_detr deimv2 deit depth_anything depth_pro detr dia diffllama
diffusion_gemma dinat dinov2 dinov2_with_registers dinov3_convnext dinov3_vit distilbert doge
donut dots1 dpr dpt edgetam edgetam_video efficientloftr efficientnet electra emu3 encodec
encoder_decoder eomt eomt_dinov3 ernie ernie4_5 ernie4_5_moe ernie4_5_vl_moe esm eurobert
evolla exaone4 exaone4_5 exaone_moe falcon falcon_h1 falcon_mamba fast_vlm
fastspeech2_conformer flaubert flava flex_olmo florence2 fnet focalnet fsmt funnel fuyu gemma
gemma2 gemma3 gemma3n gemma4 gemma4_assistant gemma4_unified gemma4_unified_assistant git glm
glm4 glm46v glm4_moe glm4_moe_lite glm4v glm4v_moe glm_image glm_moe_dsa glm_ocr glmasr glpn
got_ocr2 gpt2 gpt_bigcode gpt_neo gpt_neox gpt_neox_japanese gpt_oss gptj granite
granite4_vision granite_speech granite_speech_plus granite_swa granitemoe granitemoe_swa
granitemoehybrid granitemoeshared grounding_dino groupvit helium hgnet_v2 hiera higgs_audio_v2
higgs_audio_v2_tokenizer hrm_text hubert hunyuan_v1_dense hunyuan_v1_moe hunyuan_vl hy_v3
hyperclovax ibert idefics idefics2 idefics3 ijepa imagegpt informer inkling instructblip
instructblipvideo internvl jais2 jamba janus jetmoe jina_embeddings_v3 kimi_k25 kosmos2
kosmos2_5 kyutai_speech_to_text laguna lasr layoutlm layoutlmv2 layoutlmv3 led levit lfm2
lfm2_moe lfm2_vl lightglue lighton_ocr lilt llama llama4 llava llava_next llava_next_video
llava_onevision longcat_flash longformer longt5 luke lw_detr lxmert m2m_100 mamba mamba2 marian
markuplm mask2former maskformer mbart megatron_bert mellum metaclip_2 mgp_str mimi
mimo_v2_flash minicpm3 minicpmv4_6 minimax minimax_m2 minimax_m3_vl ministral ministral3
mistral mistral3 mistral4 mixtral mlcd mllama mm_grounding_dino mobilebert mobilenet_v1
mobilenet_v2 mobilevit mobilevitv2 modernbert modernbert_decoder modernvbert moonshine
moonshine_streaming moshi mpnet mpt mra mt5 muse_glimmer muse_glimmer_assistant musicflamingo
musicgen musicgen_melody mvp nanochat nemotron nemotron3_5_asr nemotron_asr_streaming
nemotron_h nllb_moe nomic_bert nougat nystromformer olmo olmo2 olmo3 olmo_hybrid olmoe
omdet_turbo oneformer openai openai_privacy_filter opt ovis2 owlv2 owlvit paddleocr_vl
paligemma parakeet patchtsmixer patchtst pe_audio pe_audio_video pe_video pegasus pegasus_x
perceiver perception_lm persimmon phi phi3 phi4_multimodal phimoe pi0 pix2struct pixio pixtral
plbart poolformer pop2piano pp_chart2table pp_doclayout_v2 pp_doclayout_v3 pp_formulanet
pp_lcnet pp_lcnet_v3 pp_lcnet_v4 pp_ocrv5_mobile_det pp_ocrv5_mobile_rec pp_ocrv5_server_det
pp_ocrv5_server_rec pp_ocrv6_medium_det pp_ocrv6_small_det pp_ocrv6_small_rec pp_ocrv6_tiny_rec
prompt_depth_anything prophetnet pvt pvt_v2 qianfan_ocr qwen2 qwen2_5_omni qwen2_5_vl
qwen2_audio qwen2_moe qwen2_vl qwen3 qwen3_5 qwen3_5_moe qwen3_asr qwen3_moe qwen3_next
qwen3_omni_moe qwen3_vl qwen3_vl_moe radio rag recurrent_gemma reformer regnet rembert resnet
rf_detr roberta roberta_prelayernorm roc_bert roformer rt_detr rt_detr_v2 rwkv sam sam2
sam2_video sam3 sam3_lite_text sam3_tracker sam3_tracker_video sam3_video sam_hq sapiens2
seamless_m4t seamless_m4t_v2 seed_oss segformer seggpt sew sew_d shieldgemma2 siglip siglip2
slanet slanext smollm3 smolvlm solar_open speech_encoder_decoder speech_to_text speecht5
splinter squeezebert stablelm starcoder2 step3p7 superglue superpoint swiftformer swin swin2sr
swinv2 switch_transformers t5 t5gemma t5gemma2 table_transformer tapas textnet
time_series_transformer timesfm timesfm2_5 timesformer timm_backbone timm_wrapper tipsv2
tipsv2_dpt trocr tvp udop umt5 unispeech unispeech_sat univnet upernet uvdoc vaultgemma
vibevoice_acoustic_tokenizer vibevoice_asr video_llama_3 video_llava videomae videomt
videoprism vilt vipllava vision_encoder_decoder vision_text_dual_encoder visual_bert vit
vit_mae vit_msn vitdet vitmatte vitpose vitpose_backbone vits vivit vjepa2 voxtral
voxtral_realtime wav2vec2 wav2vec2_bert wav2vec2_conformer wavlm whisper x_clip xcodec xcodec2
xglm xlm xlm_roberta xlm_roberta_xl xlnet xlstm xmod yolos yoso youtu zamba zamba2 zaya
zoedepth
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
                         "luke", "bros", "openai", "dia", "helium", "radio", "inkling", "laguna",
                         "doge", "sew", "blt", "superglue"})


def model_types(text: str, f: Features) -> Counter[str]:
    """Model types named: in file paths (weighed most), class names, checkpoints and the
    title's plain words ("Whisper doesn't compute positional embeddings properly", "GPT-2
    fine tuning": of the 1,129 real transformers issues of the dev set and of the fresh
    sets to the hundred-and-fifty-ninth, 590 name no model otherwise; 137 of those name one
    in their title)."""
    counts: Counter[str] = Counter()
    title = text.partition("\n")[0]
    for path in f.files:
        if m := _MODEL_FILE.match(path):
            counts[m.group(1)] += 3
    # a class anywhere, and a class the title names again
    for prefix in (*_CLASS.findall(text), *_CLASS.findall(title)):
        if t := _SQUASHED.get(prefix.lower()):
            counts[t] += 1
    for t in sorted(_in_words(title)):
        counts[t] += 1
    for model in f.models:
        if t := checkpoint_type(model.name):
            counts[t] += 1
    # a checkpoint loaded only into a tokenizer or a processor, which f.models leaves out
    # (it sizes the models that load weights): "AutoProcessor.from_pretrained('Qwen/Qwen2.5-
    # VL-3B-Instruct')" of "Unrecognized image processor in Qwen/Qwen2.5-VL-3B-Instruct.";
    # then one the title names by its id (whose plain words say "qwen2", of "Qwen2.5"): a
    # name with a hyphen or an underscore, not "examples/rag" nor "Roberta/Bert"
    sized = {model.name for model in f.models}
    for name in (*dict.fromkeys(_LIGHT_LOAD.findall(text)),
                 *dict.fromkeys(_ID_IN_TITLE.findall(title))):
        if name not in sized and (t := checkpoint_type(name)):
            counts[t] += 1
    return counts


_ID_IN_TITLE = re.compile(r"(?<![\w./-])([A-Za-z][\w.-]*/[A-Za-z][\w.]*[-_][\w.-]*\w)")
_LIGHT_LOAD = re.compile(r"(?:Tokenizer\w*|Processor|FeatureExtractor)\.from_pretrained\(\s*"
                         r"[\"']([\w.-]+/[\w.-]+)[\"']")


def checkpoint_type(name: str) -> str | None:
    """The model type a checkpoint's name says: the longest run of its parts that is one,
    from the first part that starts one ("Qwen/Qwen2.5-VL-3B-Instruct" → qwen2_5_vl, not
    qwen2; "meta-llama/Meta-Llama-3-8B" → llama; "EleutherAI/gpt-neo-125m" → gpt_neo)."""
    parts = re.split(r"[-_.]", name.lower().rpartition("/")[2])
    return next((t for i in range(len(parts)) for n in range(len(parts), i, -1)
                 if (t := _SQUASHED.get("".join(parts[i:n])))), None)


def _in_words(title: str) -> set[str]:
    """The model types a title names in plain words (not those that are words too)."""
    tokens = re.findall(r"[a-z0-9_]+(?:-[a-z0-9_]+)*", title.lower())
    words = [token.replace("-", "") for token in tokens]
    named: set[str] = set()
    for token, word, then in itertools.zip_longest(tokens, words, words[1:], fillvalue=""):
        # a version apart from its name ("Gemma 3", "Wav2Vec 2"): the type that has it
        t = _SQUASHED.get(f"{word}{then}") if then.isdigit() else None
        if t := t or _hyphenated(token):
            named.add(t)
    return named - _WORD_TYPES


def names_a_model(title: str) -> bool:
    """Whether a title names a model type: by a class or in plain words."""
    return any(p.lower() in _SQUASHED for p in _CLASS.findall(title)) or bool(_in_words(title))


def _hyphenated(token: str) -> str | None:
    """The model type a title's word names, hyphens dropped ("GPT-2"), or the longest run of
    its first parts that does ("Phi-3-mini-128k-instruct" → phi3, "LLaVa-v1" → llava,
    "Llama-3" → llama)."""
    parts = token.replace("_", "").split("-")
    return next((t for n in range(len(parts), 0, -1)
                 if (t := _SQUASHED.get("".join(parts[:n])))), None)


# The model types whose folder holds test_<kind>_<type>.py, for each kind but modeling, as on
# transformers' main of 2026-08 (decba1d2ea; the pin's sdist holds no tests/models): 74 of
# the types above have tokenizer tests of their own.  A test file named for a kind the type
# lacks is not there ("Phi-3 tokenizer": no tests/models/phi3/test_tokenization_phi3.py),
# and running it selected no test.
_KIND_TESTS = {kind: frozenset(names.split()) for kind, names in (
    ("tokenization", """
albert bert bert_generation big_bird biogpt blenderbot blenderbot_small bloom camembert canine
clip clvp code_llama codegen cohere cpmant ctrl deberta deberta_v2 dia distilbert esm
fastspeech2_conformer flaubert fsmt funnel gemma gpt2 gpt_neox gpt_neox_japanese layoutlmv2
layoutlmv3 llama luke m2m_100 marian markuplm mbart mgp_str moshi mpnet nougat openai parakeet
pegasus perceiver plbart pop2piano prophetnet qwen2 rag reformer rembert roberta roc_bert
roformer seamless_m4t siglip siglip2 speech_to_text speecht5 splinter t5 tapas tipsv2 udop
videoprism vits wav2vec2 whisper xglm xlm xlm_roberta xlnet"""),
    ("processing", """
align altclip aria audioflamingo3 aya_vision bark blip blip_2 bridgetower chameleon
chinese_clip clap clip clipseg clvp cohere2_vision cohere_compass colmodernvbert colpali
colqwen2 cosmos3_edge csm deepseek_ocr2 deepseek_vl deepseek_vl_hybrid dia donut emu3
ernie4_5_vl_moe evolla flava florence2 fuyu gemma3 gemma3n gemma4 gemma4_unified git glm46v
glm4v glm_image glmasr got_ocr2 granite4_vision granite_speech grounding_dino hunyuan_vl
idefics idefics2 idefics3 inkling instructblip instructblipvideo internvl janus kimi_k25
kosmos2 kosmos2_5 layoutlmv2 layoutlmv3 lfm2_vl lighton_ocr llama4 llava llava_next
llava_next_video llava_onevision markuplm mgp_str minicpmv4_6 mistral3 mllama muse_glimmer
musicflamingo musicgen musicgen_melody omdet_turbo oneformer ovis2 owlv2 owlvit paligemma
parakeet perception_lm phi4_multimodal pi0 pix2struct pixtral pop2piano pp_chart2table
pp_formulanet qianfan_ocr qwen2_5_omni qwen2_5_vl qwen2_audio qwen2_vl qwen3_asr qwen3_omni_moe
qwen3_vl sam sam2 sam2_video sam3 sam_hq seamless_m4t shieldgemma2 smolvlm speech_to_text
speecht5 step3p7 tipsv2 trocr udop vibevoice_asr video_llama_3 videoprism
vision_text_dual_encoder voxtral_realtime wav2vec2 wav2vec2_bert whisper"""),
    ("image_processing", """
aria beit bit blip bridgetower chameleon chinese_clip chmv2 clip cohere2_vision cohere_compass
conditional_detr convnext cosmos3_edge deepseek_ocr2 deepseek_vl deepseek_vl_hybrid
deformable_detr deit depth_pro detr dinov3_vit donut dpt efficientloftr efficientnet eomt
ernie4_5_vl_moe flava fuyu gemma3 gemma4 gemma4_unified glm4v glpn got_ocr2 grounding_dino
hunyuan_vl idefics idefics2 idefics3 imagegpt inkling janus kimi_k25 kosmos2_5 layoutlmv2
layoutlmv3 levit lfm2_vl lightglue llama4 llava llava_next llava_onevision mask2former
maskformer minicpmv4_6 mllama mobilenet_v1 mobilenet_v2 mobilevit muse_glimmer nougat oneformer
ovis2 owlv2 owlvit paddleocr_vl perceiver perception_lm phi4_multimodal pix2struct pixtral
poolformer pp_chart2table pp_doclayout_v2 pp_doclayout_v3 pp_lcnet pp_ocrv5_server_det
pp_ocrv5_server_rec pp_ocrv6_small_rec prompt_depth_anything pvt qwen2_vl rt_detr sam sam2 sam3
sapiens2 segformer seggpt siglip siglip2 slanext smolvlm step3p7 superglue superpoint swin2sr
textnet timm_wrapper tipsv2 tipsv2_dpt tvp uvdoc video_llama_3 videomae vilt vit vitmatte
vitpose vivit yolos zoedepth"""),
    ("feature_extraction", """
audio_spectrogram_transformer clap clvp dac dia encodec gemma3n gemma4_unified markuplm
musicgen_melody parakeet phi4_multimodal pop2piano qwen3_asr seamless_m4t speech_to_text
speecht5 univnet vibevoice_acoustic_tokenizer wav2vec2 whisper xcodec2"""),
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
    parts, words = _core_in_title(title)
    # a core part the title names goes before the models only the post names ("Raise
    # ValueError if given max_new_tokens to `Seq2SeqTrainer`", its code a
    # VisionEncoderDecoderModel's); the Trainer, generate and a tokenizer as words do not
    # (:data:`_LAST`: a model's own tests hold its generation and tokenizer tests)
    if parts and not names_a_model(text.partition("\n")[0]):
        return parts + found + words
    return found + parts + words


def _core_in_title(title: str) -> tuple[list[Target], list[Target]]:
    """The tests of the core parts a title names (:data:`_CORE_TITLE`), and of those of
    :data:`_LAST` (the Trainer, generate, a tokenizer as words); none where it speaks of
    TensorFlow, Keras or Flax, which v5 dropped ("TFTrainingArguments"; not TF32, PyTorch's
    precision mode)."""
    if _TF.search(title):
        return [], []
    found = [(what, (test, f"its title names {what}")) for pattern, what, test in _CORE_TITLE
             if pattern.search(title)]
    return ([t for what, t in found if what not in _LAST],
            [t for what, t in found if what in _LAST])


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
# of the 38 of test_cache_utils.py that ran, 5 of the 20 of test_tokenization_utils.py, 4 of
# the 14 of test_tokenization_fast.py that ran (of the others, 3 of the 41 of
# test_trainer_checkpointing.py that ran, 1 of the 36 of generation's
# test_configuration_utils.py, 1 of test_trainer_seq2seq.py's 4; none of the rest)
_HUB_CORE = frozenset(f"tests/{test}.py" for test in (
    "generation/test_streamers", "generation/test_stopping_criteria", "utils/test_cache_utils",
    "tokenization/test_tokenization_utils", "tokenization/test_tokenization_fast"))


# a checkpoint conversion script of transformers by its file name
# ("convert_llama_weights_to_hf.py", "convert_bert_original_tf_checkpoint_to_pytorch.py"),
# or without ".py" by how such names end ("the convert_llama_weights_to_hf script"; not
# convert_tokens_to_ids); not another package's file of that name in a traceback
# (torch/_dynamo/convert_frame.py: real post transformers#36484), nor the library's own
# modules, which tests import (convert_slow_tokenizer.py) or which had tests of their own
# in their time (convert_graph_to_onnx.py)
_CONVERSION = re.compile(r"\b(convert_\w*(?:checkpoint|weights|original|_to_)\w*)\.py\b|"
                         r"\b(convert_\w*(?:_to_hf|_to_pytorch|_to_tf2?|_checkpoint|_weights))\b")
_NOT_CONVERSION = frozenset(("convert_slow_tokenizers_checkpoints_to_fast",
                             "convert_graph_to_onnx"))


def conversion_script(text: str) -> str | None:
    """The file name of the checkpoint conversion script ``text`` names; None when it names
    none.  No test of the repository runs one (none imports any of the 326 in
    ``src/transformers/models/`` of August 2026; two tests name one in a comment): they are
    run by hand on the original checkpoints."""
    found = (a or b for a, b in _CONVERSION.findall(text))
    return next((f"{m}.py" for m in found if m not in _NOT_CONVERSION), None)


def pipeline_test(name: str) -> str | None:
    """The test file of a transformers pipeline, by its module's name (``text_generation``)."""
    return _PIPELINE_TESTS.get(name)


# the Trainer and generate as a title's words ("Trainer removes newer checkpoints, not
# older", "Streamable way in model.generate") → CORE's tests; not "run_ner_no_trainer" nor
# "music generation"
_CORE_WORDS = {"trainer": CORE["trainer.py"], "generate": CORE["generation/utils.py"]}
# the parts of transformers' core a (lower-cased) title names, in code or plain words → their
# tests at the pin, the more specific first ("Seq2SeqTrainer" before the Trainer's); real
# titles: "Masking ratio incorrect for DataCollatorForLanguageModeling", "StopStringCriteria
# relies on `len(tokenizer)==model.config.vocab_size`", "save_total_limit incorrectly deletes
# checkpoints", "Static KV cache status", "tokenizer.vocab has not changed after using
# add_tokens" (33 of the 446 real transformers posts that named no model, pipeline or core
# file).  Not GGUF: every test of tests/quantization/ggml/ is slow, which the subsets leave
# out.  Then the Trainer and generate as words (:data:`_CORE_WORDS`), and a tokenizer.
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
    # the schedules by name ("Support End LR for Cosine LR Scheduler", "warmup LR schedulers
    # start from LR=0"), not a Trainer's "optimizer and lr_scheduler states"
    (r"\bget_\w*schedule\w*|adafactor|\badamw\b|(?:cosine|linear|polynomial|constant|"
     r"warm[ _-]?up|inverse[ _-]sqrt)\b[\w -]{0,20}schedul",
     "a learning-rate schedule or optimizer", "optimization/test_optimization"),
    (r"hf_?argument_?parser|hf_argparser", "HfArgumentParser", "utils/test_hf_argparser"),
    (r"(?:dynamic|static|hybrid|offloaded|quantized|sliding_?window|encoder_?decoder)_?cache\b|"
     r"\bkv[ _-]cache|cache_implementation|cache_utils", "a KV cache",
     "utils/test_cache_utils"),
    (r"chat[ _]template", "chat templates", "utils/test_chat_template_utils"),
    (r"rope_scaling|\brope\b", "RoPE", "utils/test_modeling_rope_utils"),
    (r"added[ _]tokens?\b|\badd_(?:special_)?tokens\b|special[ _]tokens?\b",
     "added or special tokens", "tokenization/test_tokenization_utils"),
)), *((re.compile(rf"(?<![a-z_]){word}(?![a-z_])"), word, test)
    for word, test in _CORE_WORDS.items()), *(
    # then a tokenizer of no model named ("Tokenizer batch_encode_plus unexpected behavior",
    # "Inconsistent tokenization between fast and slow tokenizers for sentencepiece use"): 39
    # of the 544 real transformers posts that got the default subset run these now
    (re.compile(pattern), what, f"tests/{test}.py") for pattern, what, test in (
        (r"(?:fast|slow)[ _-]?tokeniz|tokenizer_?fast\b|convert_slow_tokenizer",
         "fast and slow tokenizers", "tokenization/test_tokenization_fast"),
        (r"(?<![a-z_])tokeniz(?:er|ers|ation|ing|e)(?![a-z])|encode_plus|\bpad_token\b",
         "a tokenizer", "tokenization/test_tokenization_utils"))))
# the parts whose tests come after those of a model only the post names, as words that say
# little of what is at fault: the Trainer, generate, a tokenizer ("Can't load tokenizer",
# its code LlamaTokenizer's: llama's tokenizer tests first)
_LAST = frozenset({*_CORE_WORDS, "a tokenizer", "fast and slow tokenizers"})
_TF = re.compile(r"\btf(?!32)|tensorflow|keras|\bflax")
