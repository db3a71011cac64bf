"""Realistic issue bodies, written for these tests in the style of the HF issue forms."""
from __future__ import annotations

from typing import Any

from harness.triage.comments import Comment
from harness.triage.issues import Issue

TRANSFORMERS_SYSINFO = """### System Info

- `transformers` version: 4.47.0
- Platform: Linux-6.5.0-x86_64-with-glibc2.35
- Python version: 3.11.9
- Huggingface_hub version: 0.26.2
- Safetensors version: 0.4.5
- Accelerate version: not installed
- DeepSpeed version: not installed
- PyTorch version (GPU?): 2.5.1+cu124 (True)
- Using distributed or parallel set-up in script?: no
- Using GPU in script?: no

### Who can help?

@ArthurZucker @itazap
"""

BERT_DECODE = TRANSFORMERS_SYSINFO + """
### Reproduction

`BertTokenizer.decode` collapses the double space when `clean_up_tokenization_spaces=False`
is passed; the slow and fast tokenizers disagree.

```python
from transformers import BertTokenizer, BertTokenizerFast

slow = BertTokenizer.from_pretrained("google-bert/bert-base-uncased")
fast = BertTokenizerFast.from_pretrained("google-bert/bert-base-uncased")
ids = slow("hello  world , again")["input_ids"]
print(repr(slow.decode(ids, clean_up_tokenization_spaces=False)))
print(repr(fast.decode(ids, clean_up_tokenization_spaces=False)))
```

```
'[CLS] hello world, again [SEP]'
'[CLS] hello world , again [SEP]'
```

### Expected behavior

Both tokenizers should return `'[CLS] hello world , again [SEP]'`; the slow one applies the
clean-up even though it was switched off.
"""

GPT2_PAD = TRANSFORMERS_SYSINFO + """
### Reproduction

```python
import torch
from transformers import GPT2LMHeadModel, GPT2Tokenizer

tok = GPT2Tokenizer.from_pretrained("openai-community/gpt2", padding_side="left")
tok.pad_token = tok.eos_token
model = GPT2LMHeadModel.from_pretrained("openai-community/gpt2")
batch = tok(["Hi", "A much longer prompt here"], return_tensors="pt", padding=True)
out = model.generate(**batch, max_new_tokens=5, do_sample=False)
```

```
Traceback (most recent call last):
  File "/home/me/pad.py", line 8, in <module>
    out = model.generate(**batch, max_new_tokens=5, do_sample=False)
  File "/opt/venv/lib/python3.11/site-packages/transformers/generation/utils.py", line 2215, \
in generate
    result = self._sample(
  File "/opt/venv/lib/python3.11/site-packages/transformers/models/gpt2/modeling_gpt2.py", \
line 1042, in forward
    position_ids = position_ids.view(-1, input_shape[-1])
RuntimeError: shape '[-1, 7]' is invalid for input of size 12
```

Runs on the CPU of my laptop; the same happens on an M2 with `mps`.

### Expected behavior

Left padding with `generate` works for GPT-2 as it does for Llama.
"""

LLAMA_FSDP = """### System Info

- `transformers` version: 4.46.2
- Platform: Linux-5.15.0-1063-aws-x86_64
- PyTorch version (GPU?): 2.4.0+cu121 (True)
- Using distributed or parallel set-up in script?: yes, FSDP over 8xA100-80GB
- Using GPU in script?: yes
- GPU type: NVIDIA A100-SXM4-80GB

### Who can help?

@muellerzr @SunMarc

### Reproduction

Fine-tuning `meta-llama/Meta-Llama-3-70B` with FSDP full shard and activation checkpointing
runs out of memory at the first optimizer step since 4.46; 4.45 was fine.

```bash
accelerate launch --config_file fsdp.yaml --num_processes 8 train.py \\
    --model_name_or_path meta-llama/Meta-Llama-3-70B --bf16 --gradient_checkpointing
```

```
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 3 has a total
capacity of 79.15 GiB of which 1.02 GiB is free.
```

### Expected behavior

Memory use stays as it was in 4.45.
"""

LLAMA_QUESTION = """How can I get the attention weights out of LlamaModel when I use sdpa? I tried
output_attentions but it gives None. Is there a way to do this without switching to eager?
Any help is appreciated, thanks!
"""

FEATURE_REQUEST = """### Feature request

Add a `return_offsets_mapping` option to the `TextClassificationPipeline` so that users can
highlight which tokens drove the prediction.

### Motivation

When I explain predictions to users I need to map tokens back to characters.

### Your contribution

I could try a PR if maintainers agree on the API.
"""

# diffusers' first feature-request form: bold lines for headings
OLD_FEATURE_REQUEST = """**Is your feature request related to a problem? Please describe.**
I want to put more weight on some LoRAs than on others after loading them.

**Describe the solution you'd like**
A way to change the weight of a LoRA already loaded into the pipeline.

**Describe alternatives you've considered**
My own loader.
"""

NEW_MODEL = """### Model description

FooLM is a 34B decoder-only model with a new sliding-window attention variant, released
with weights on the Hub under Apache-2.0.

### Open source status

- [x] The model implementation is available
- [x] The model weights are available

### Provide useful links for the implementation

Paper and code are linked from the model card.
"""

PEFT_QLORA = """### System Info

peft 0.13.2, transformers 4.46.0, bitsandbytes 0.44.1, torch 2.5.0, one T4 on Colab

### Who can help?

@BenjaminBossan

### Reproduction

```python
from transformers import AutoModelForCausalLM, BitsAndBytesConfig
from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

bnb = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype="float16")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-13b-hf",
                                             quantization_config=bnb, device_map="auto")
model = prepare_model_for_kbit_training(model)
model = get_peft_model(model, LoraConfig(r=16, target_modules=["q_proj", "v_proj"]))
```

```
ValueError: Cannot merge LoRA layers when the model is loaded in 4-bit mode
```

### Expected behavior

QLoRA training on a single T4 works as in the docs.
"""

PEFT_MERGE = """### System Info

peft main, torch 2.5.1 (CPU), Python 3.12, macOS

### Reproduction

`merge_and_unload` on a model whose LoRA layer wraps an `nn.Linear` with `bias=False`
keeps a zero bias afterwards. A toy model shows it, no download needed:

```python
import torch
from torch import nn
from peft import LoraConfig, get_peft_model

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin0 = nn.Linear(10, 20, bias=False)

    def forward(self, x):
        return self.lin0(x)

model = get_peft_model(MLP(), LoraConfig(target_modules=["lin0"], lora_bias=False))
merged = model.merge_and_unload()
assert merged.lin0.bias is None, merged.lin0.bias
```

```
Traceback (most recent call last):
  File "toy.py", line 15, in <module>
    assert merged.lin0.bias is None, merged.lin0.bias
AssertionError: Parameter containing: tensor([0., 0., ...])
```

The problem seems to be in `src/peft/tuners/lora/layer.py`, in `Linear.merge`.

### Expected behavior

The merged layer has no bias, like the original.
"""

PEFT_DEEPSPEED = """### System Info

peft 0.12, deepspeed 0.15.1, accelerate 0.34, 4x A100 40GB

### Reproduction

Training with DeepSpeed ZeRO-3 and LoRA on Mixtral-8x7B across 4 GPUs hangs when saving
the adapter: rank 0 waits in `get_peft_model_state_dict` forever. NCCL debug shows the
other ranks already left the all-gather.

```
deepspeed --num_gpus 4 train.py --deepspeed ds_z3.json --model mistralai/Mixtral-8x7B-v0.1
```

### Expected behavior

The adapter is saved.
"""

DDIM_TIMESTEPS = """### Describe the bug

`DDIMScheduler.set_timesteps` with `timestep_spacing="trailing"` returns one timestep too
many when `num_inference_steps` does not divide 1000, and the last one is negative.

### Reproduction

```python
from diffusers import DDIMScheduler

scheduler = DDIMScheduler(num_train_timesteps=1000, timestep_spacing="trailing")
scheduler.set_timesteps(num_inference_steps=7)
print(scheduler.timesteps)
```

prints `tensor([999, 856, 713, 570, 428, 285, 142,  -1])`.

### Logs

_No response_

### System Info

- diffusers version: 0.31.0
- Platform: macOS-14.6-arm64
- Python version: 3.11.8
- PyTorch version (GPU?): 2.5.0 (False)

### Who can help?

@yiyixuxu
"""

FLUX_OOM = """### Describe the bug

FluxPipeline with black-forest-labs/FLUX.1-dev runs out of memory on my RTX 4090 (24 GB)
since 0.31, even with `enable_model_cpu_offload()`. With xformers enabled it crashes in the
attention kernel instead.

### Reproduction

```python
import torch
from diffusers import FluxPipeline

pipe = FluxPipeline.from_pretrained("black-forest-labs/FLUX.1-dev", torch_dtype=torch.bfloat16)
pipe.enable_model_cpu_offload()
pipe.enable_xformers_memory_efficient_attention()
image = pipe("a cat", height=1024, width=1024, num_inference_steps=28).images[0]
```

### Logs

```
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.25 GiB.
```

### System Info

- diffusers version: 0.31.0
- PyTorch version (GPU?): 2.5.1+cu124 (True)
- Using GPU in script?: yes
- GPU type: NVIDIA GeForce RTX 4090
"""

VAGUE = """pipeline doesn't work anymore after updating, please fix"""

DOCS_TYPO = """The docstring of `StableDiffusionPipeline.__call__` says `guidance_scale` defaults
to 7.0, but the signature uses 7.5. The docs page shows the wrong value too. Happy to open a
PR to fix the docstring."""

NOW = "2025-01-15T00:00:00Z"


def issue(number: int, title: str, body: str, *, repo: str = "huggingface/transformers",
          labels: tuple[str, ...] = (), comments: int = 2, assignees: tuple[str, ...] = (),
          created_at: str = "2024-12-01T10:00:00Z", updated_at: str = "2025-01-10T10:00:00Z",
          state: str = "open", is_pull: bool = False,
          linked_prs: tuple[int, ...] = ()) -> Issue:
    kind = "pull" if is_pull else "issues"
    return Issue(
        repo=repo, number=number, title=title, body=body, state=state, labels=labels,
        assignees=assignees, author="reporter", comments=comments, created_at=created_at,
        updated_at=updated_at, closed_at=None, url=f"https://github.com/{repo}/{kind}/{number}",
        is_pull=is_pull, linked_prs=linked_prs,
    )


def transformers_issues() -> list[Issue]:
    return [
        issue(101, "BertTokenizer.decode ignores clean_up_tokenization_spaces=False",
              BERT_DECODE, labels=("bug", "Good First Issue")),
        issue(102, "GPT-2 generate fails with left padding", GPT2_PAD, labels=("bug",)),
        issue(103, "OOM fine-tuning Llama-3-70B with FSDP since 4.46", LLAMA_FSDP,
              labels=("bug",), comments=14),
        issue(104, "How to get attention weights from LlamaModel with sdpa?", LLAMA_QUESTION),
        issue(105, "Offsets mapping in TextClassificationPipeline", FEATURE_REQUEST,
              labels=("Feature request",)),
        issue(106, "Add FooLM", NEW_MODEL, labels=("New model",)),
    ]


def peft_issues() -> list[Issue]:
    repo = "huggingface/peft"
    return [
        issue(201, "QLoRA on Llama-2-13b fails on a T4", PEFT_QLORA, repo=repo),
        issue(202, "merge_and_unload keeps a zero bias when bias=False", PEFT_MERGE, repo=repo,
              labels=("PRs welcome to address this",)),
        issue(203, "ZeRO-3 + LoRA hangs when saving Mixtral adapter", PEFT_DEEPSPEED,
              repo=repo, comments=9),
    ]


def diffusers_issues() -> list[Issue]:
    repo = "huggingface/diffusers"
    return [
        issue(301, "DDIMScheduler trailing spacing gives a negative timestep", DDIM_TIMESTEPS,
              repo=repo, labels=("bug", "good first issue")),
        issue(302, "FluxPipeline OOM on 4090 since 0.31", FLUX_OOM, repo=repo,
              labels=("bug",)),
        issue(303, "pipeline broken", VAGUE, repo=repo),
        issue(304, "Wrong default guidance_scale in StableDiffusionPipeline docstring",
              DOCS_TYPO, repo=repo),
    ]


def as_gh_json(items: list[Issue]) -> list[dict[str, Any]]:
    """What ``gh issue list --json ...`` would write for ``items``."""
    return [{
        "number": i.number, "title": i.title, "body": i.body, "state": i.state.upper(),
        "url": i.url, "createdAt": i.created_at, "updatedAt": i.updated_at,
        "labels": [{"id": f"LA_{n}", "name": n, "description": "", "color": "ededed"}
                   for n in i.labels],
        "assignees": [{"id": "U_1", "login": a, "name": a} for a in i.assignees],
        "author": {"id": "U_2", "is_bot": False, "login": i.author, "name": ""},
        "comments": [{"id": f"C_{k}", "author": {"login": "x"}, "body": "me too",
                      "createdAt": i.updated_at} for k in range(i.comments)],
    } for i in items]


def coverage_issues() -> list[Issue]:
    """Short issues that, together with the ones above, produce every signal the scoring
    weighs (tests/triage/test_scoring.py checks that no weight goes unused)."""
    files = "\n".join(f"src/transformers/f{k}.py" for k in range(8))
    return [
        issue(401, "Slow training with fp16 on TPU", "Training with `--fp16` on a TPU via "
              "torch_xla is 3x slower (latency doubled) after torch.compile; NaN loss.\n"
              "```python\nimport torch\nmodel = M().cuda()\nout = model(x)\n```",
              labels=("Good Second Issue", "stale", "WIP"), comments=30,
              created_at="2020-01-01T00:00:00Z", assignees=("someone",), linked_prs=(9,)),
        issue(402, "Typo in the docs", "The error message is misleading, see line 12 of "
              "`src/transformers/x.py`. The fix is to use `y` instead of `x`:\n```diff\n"
              "- a = 1\n+ a = 2\n```\nConvert to ONNX fails: TypeError: got an unexpected "
              "keyword argument 'y'.\n" + files),
        issue(403, "分词器解码丢失空格",
              "分词器在解码时丢失空格，请帮忙看看这个问题，谢谢大家。" * 3
              + "\n```python\nfrom transformers import AutoConfig, AutoModel\n"
              "cfg = AutoConfig.from_pretrained('/content/drive/cfg')\n"
              "cfg.num_hidden_layers = 2\nm = AutoModel.from_config(cfg)\n```"),
        issue(404, "Phi-2 output differs from TF's without an error",
              'AutoModel.from_pretrained("microsoft/phi-2") gives a different output, and on '
              "a Mac a bus error"),
        issue(405, "Allow mlm_probability=None", "### Feature request\n\nLet "
              "`DataCollatorForLanguageModeling` take `mlm_probability=None` when `mlm=False`."),
        issue(406, "Deleting a merged adapter leaves the base weights modified",
              "### System Info\n\n- PEFT 0.20.1\n- PyTorch `2.13.0+cpu`\n- Python 3.13\n\n"
              "### Reproduction\n\n```python\nimport torch\nfrom torch import nn\n"
              "from peft import LoraConfig, get_peft_model\nbase = nn.Linear(4, 4)\n"
              "model = get_peft_model(base, LoraConfig(target_modules=['linear']))\n```\n"),
        # models named in the body only, not in the title: the incidental size signals
        *(issue(407 + k, "save_pretrained drops a key", f'AutoModel.from_pretrained("{name}")')
          for k, name in enumerate(("microsoft/phi-2", "meta-llama/Llama-2-7b-hf",
                                    "meta-llama/Meta-Llama-3-70B"))),
        # the title's subjects: support, an argument, a file, a missing warning
        issue(410, "Support the `rank` argument of lora.py: deprecation warning missing",
              "Seen through the kohya trainer: saving to a local folder fails."),
        # quantization in the pasted script only
        issue(412, "get_peft_model drops the adapter name",
              "The adapter name is lost.\n```python\nq = BitsAndBytesConfig(load_in_4bit=True)\n"
              "model = get_peft_model(base, cfg, adapter_name='a')\n```"),
        # a post that says nothing but a link (real ones are spam or a stray click)
        issue(411, "Hugging face",
              "https://github.com/huggingface/transformers/blob/main/src/transformers/x.py#L3"),
        # a title about an import that fails
        issue(413, "Cannot import AutoProcessor", "It fails since I upgraded."),
        # a review listing separate problems
        issue(414, "bert model review", "## Issue 1: the pooler ignores its config\n\n"
              "The pooler reads a hard-coded size.\n\n## Issue 2: a missing export\n\n"
              "`BertPooler` is not in `__all__`."),
        # a feature request for a small addition (an option)
        issue(415, "Add option to suppress progress bar in train log output",
              "### Feature request\n\nThe progress bar fills the log file."),
        # a post of no kind that asks something
        issue(416, "Masking in T5Attention", ASKS_SOMETHING),
        # an issue of many parts, one checkbox each (a comment claims one of them)
        issue(417, "Community contribution: Adding Flash Attention 2 support for more "
                   "architectures", MANY_PARTS),
    ]


# (the shape of a real post, transformers#26350: a task list, one architecture an item)
MANY_PARTS = ("Flash Attention 2 is supported for a few architectures. Pick one below and "
              "open a PR.\n\n- [x] Llama\n- [x] Falcon\n- [ ] Bark\n- [ ] Bart\n"
              "- [ ] GPT-J\n- [ ] OPT\n")


# (the shape of a real post, transformers#15459: no form, no code, no fault in its title)
ASKS_SOMETHING = ("In T5Attention the position bias is added to the scores after the mask. "
                  "Shouldn't the mask be applied last? Is this intended?")


def coverage_comments() -> dict[int, list[Comment]]:
    """Comments on :func:`coverage_issues`: a claim, a maintainer's agreement, a reply, a
    claim whose claimant has said nothing since for months, and a claim of one part of an
    issue of many."""
    def c(number: int, cid: str, body: str, association: str,
          at: str = "2025-01-01T00:00:00Z") -> Comment:
        return Comment("huggingface/transformers", number, cid, "x", association, body, at)

    return {401: [c(401, "1", "Can I take this?", "NONE")],
            402: [c(402, "2", "Good catch, a PR is welcome!", "MEMBER")],
            403: [c(403, "3", "Which version?", "COLLABORATOR")],
            404: [c(404, "4", "I'd like to work on this.", "NONE", "2024-06-01T00:00:00Z")],
            417: [c(417, "5", "I'd like to work on Bark.", "NONE")]}
