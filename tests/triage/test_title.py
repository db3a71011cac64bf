from __future__ import annotations

from harness.triage import title


def test_a_title_about_speed_memory_or_quality() -> None:
    assert title.cues("LoRA inference is much slower after merging") == {"title_perf"}
    assert title.cues("GPU memory grows with every step") == {"title_perf"}
    assert title.cues("NaN loss with fp16") == {"title_perf"}


def test_a_title_about_how_good_a_trained_model_is() -> None:
    # its metric or its loss (real titles, each labelled medium or hard)
    assert title.cues("wav2vec2 not converging when finetuning") \
        == {"title_perf", "title_training"}
    assert title.cues("Exact and F1 score do not increase when fine-tunes XLM on the SQuAD "
                      "dataset") == {"title_perf"}
    assert title.cues("High CER when Fine Tuning TrOCR Transformers to make an OCR for "
                      "arabic Language") == {"title_perf"}
    # an output's scores as an argument's name are no metric, nor is a score or a
    # perplexity a model puts out (real titles of usage questions, easy)
    assert title.cues("`output_scores` is ignored by generate") == set()
    assert title.cues("Calculating Confidence score for Question Answering Models") == set()
    assert title.cues("Error in Calculating Sentence Perplexity for GPT-2 model") \
        == {"title_error"}


def test_a_title_that_names_an_error() -> None:
    assert title.cues("KeyError: 'lm_head' when merging (memory_efficient flag)") \
        == {"title_error"}
    assert title.cues("Error loading a LoRA saved with safetensors") == {"title_error"}
    assert title.cues("OOM error with flux at 1024px") == {"title_perf", "title_error"}


def test_a_title_about_a_warning_a_message_or_something_missing() -> None:
    assert title.cues("UserWarning: `max_length` is deprecated") == {"title_message"}
    assert title.cues("Tokenizer special tokens missing after save") == {"title_message"}


def test_a_title_that_asks_for_support_or_is_about_training() -> None:
    assert title.cues("Support QLoRA on AWQ models") == {"title_support"}
    assert title.cues("Conv1D not supported by AdaLoRA") == {"title_support"}
    assert title.cues("Finetuning T5 with prefix tuning") == {"title_training"}


def test_a_title_about_tensorflow_keras_or_flax_code() -> None:
    # real titles, each labelled medium
    assert title.cues("Longformer TF int32 vs int64") == {"title_tf"}
    assert title.cues("TFCLIPModel.resize_token_embeddings() not working") == {"title_tf"}
    assert title.cues("[JAX/FLAX]: Language modeling example throws RESOURCE_EXHAUSTED error "
                      "for large datasets") == {"title_tf", "title_error"}
    # (diffusers#4840, easy: the cue weighs, it does not decide)
    assert title.cues("FlaxAutoencoderKL does not load torch checkpoints correctly") \
        == {"title_tf"}
    # a word that starts with "TF" is no TensorFlow class
    assert title.cues("TFLOPs of the attention layer") == set()


def test_pretraining_is_a_training_run() -> None:
    # real titles, labelled medium
    assert title.cues("Pretrain PEGASUS from scratch") == {"title_training"}
    assert title.cues("Usual loss when pretraining?") == {"title_training"}


def test_a_pre_trained_checkpoint_is_no_training_run() -> None:
    # real posts: transformers#6193 (easy by its reader), #4498
    assert title.cues("Some weights not initialized in pre-trained RobertaForMaskedLM") \
        == frozenset()
    assert title.cues("Pre trained model download fails") == frozenset()
    assert title.cues("Pre-trained electra-large model doesn't converge when fine-tuned") \
        == {"title_training", "title_perf"}
    assert title.cues("Model trained with bf16 gives NaN") == {"title_training", "title_perf"}


def test_a_title_that_names_a_file_or_an_argument() -> None:
    assert title.cues("Bug in run_glue.py") == {"title_file"}
    assert title.cues("Add a `dropout` argument") == {"title_arg"}
    assert title.cues("LoraConfig got an unexpected keyword") == {"title_arg"}


def test_other_titles_say_nothing() -> None:
    assert title.cues("Errata: the memory_efficient flag is documented twice") == frozenset()
    # a word inside a name is not the word
    assert title.cues("`error_on_missing` is ignored") == frozenset()
    assert title.cues("Pipelines need a pypi mirror") == frozenset()


def test_a_title_about_an_import_that_fails() -> None:
    assert title.cues("Cannot import Trainer class from transformers") == {"title_import"}
    assert title.cues("ModuleNotFoundError: No module named 'peft.tuners.xlora'") \
        == {"title_error", "title_import"}
    assert title.cues("Important: the docs of LoraConfig are out of date") == frozenset()
    assert title.cues("Since last update of transformers I can't import diffusers modules") \
        == {"title_import"}
    assert title.cues("Tutorial gets an import error.") == {"title_error", "title_import"}


def test_a_title_about_imports_that_do_not_fail() -> None:
    # real titles: speed, a feature, code that handles imports, a crash of native code
    assert title.cues("Importing diffusers takes >10 seconds") == frozenset()
    assert title.cues("Lazy import") == frozenset()
    assert title.cues("`modular_model_converter` can not handle objects import via try - "
                      "except") == frozenset()
    assert title.cues("Error on importing pfet - Bus error (core dumped)") == {"title_error"}
