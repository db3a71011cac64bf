"""diffusers' training scripts (``examples/``) and the tests that launch them, at the
recipe's pinned release (v0.40.0).

A post about a training script ("Not able to use min_snr argument in
train_text_to_image_lora.py") names no model, scheduler or library test: its tests are the
example's (``examples/text_to_image/test_text_to_image_lora.py``), which launch the script
with ``accelerate``, import torchvision (every script with a test does), which the recipe's
env leaves out, and load tiny checkpoints from the Hub.  No subset runs them; the
suggestion names them, so that the reader knows where the script's tests are.  Real posts:
121 of the 779 diffusers posts of the dev set and the fresh sets to the
hundred-and-seventy-second name a script here, 99 of them with nothing else to run.
"""
from __future__ import annotations

import re

from harness.triage.diffusers_tests import by_folder

# by folder of examples/: each script (without .py), then ":" and the test file (without
# .py) that launches it, where one does (the scripts the tests name at the pin)
_SCRIPTS = """
[advanced_diffusion_training]
train_dreambooth_lora_flux_advanced:test_dreambooth_lora_flux_advanced
train_dreambooth_lora_sd15_advanced train_dreambooth_lora_sdxl_advanced
[amused] train_amused
[cogvideo] train_cogvideox_image_to_video_lora train_cogvideox_lora
[cogview4-control] train_control_cogview4
[consistency_distillation] train_lcm_distill_lora_sd_wds
train_lcm_distill_lora_sdxl:test_lcm_lora train_lcm_distill_lora_sdxl_wds
train_lcm_distill_sd_wds train_lcm_distill_sdxl_wds
[controlnet] train_controlnet:test_controlnet train_controlnet_flax
train_controlnet_flux:test_controlnet train_controlnet_sd3:test_controlnet
train_controlnet_sdxl:test_controlnet
[cosmos] train_cosmos_predict25_lora
[custom_diffusion] train_custom_diffusion:test_custom_diffusion
[discrete_diffusion] train_llada2
[dreambooth] train_dreambooth:test_dreambooth train_dreambooth_flax
train_dreambooth_flux:test_dreambooth_flux train_dreambooth_lora:test_dreambooth_lora
train_dreambooth_lora_flux:test_dreambooth_lora_flux
train_dreambooth_lora_flux2:test_dreambooth_lora_flux2 train_dreambooth_lora_flux2_img2img
train_dreambooth_lora_flux2_klein:test_dreambooth_lora_flux2_klein
train_dreambooth_lora_flux2_klein_img2img
train_dreambooth_lora_flux_kontext:test_dreambooth_lora_flux_kontext
train_dreambooth_lora_hidream:test_dreambooth_lora_hidream train_dreambooth_lora_ideogram4
train_dreambooth_lora_krea2 train_dreambooth_lora_lumina2:test_dreambooth_lora_lumina2
train_dreambooth_lora_qwen_image:test_dreambooth_lora_qwenimage
train_dreambooth_lora_sana:test_dreambooth_lora_sana
train_dreambooth_lora_sd3:test_dreambooth_lora_sd3
train_dreambooth_lora_sdxl:test_dreambooth_lora train_dreambooth_lora_z_image
train_dreambooth_sd3:test_dreambooth_sd3
[flux-control] train_control_flux train_control_lora_flux
[instruct_pix2pix] train_instruct_pix2pix:test_instruct_pix2pix train_instruct_pix2pix_sdxl
[kandinsky2_2/text_to_image] train_text_to_image_decoder train_text_to_image_lora_decoder
train_text_to_image_lora_prior train_text_to_image_prior
[t2i_adapter] train_t2i_adapter_sdxl:test_t2i_adapter
[text_to_image] train_text_to_image:test_text_to_image train_text_to_image_flax
train_text_to_image_lora:test_text_to_image_lora
train_text_to_image_lora_sdxl:test_text_to_image_lora
train_text_to_image_sdxl:test_text_to_image
[textual_inversion] textual_inversion:test_textual_inversion
textual_inversion_flax textual_inversion_sdxl:test_textual_inversion_sdxl
[unconditional_image_generation] train_unconditional:test_unconditional
[vqgan] train_vqgan:test_vqgan
"""


def _table(table: str) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for folder, word in by_folder(table):
        script, _, test = word.partition(":")
        where = f"examples/{folder}"
        found[script] = (f"{where}/{script}.py", f"{where}/{test}.py" if test else None)
    return found


SCRIPTS = _table(_SCRIPTS)  # a script's name → (its path, the test that launches it or None)
# a script named, with or without ".py" ("train_dreambooth_lora_sdxl.py", "the
# train_text_to_image_lora script"), not a longer name that starts with one
# ("train_dreambooth_lora_sd3_miniature")
_NAMED = re.compile(r"\b(train_\w+|textual_inversion(?:_sdxl|_flax)?)(?:\.py)?\b")


def named(text: str) -> tuple[str, str | None] | None:
    """(the path, the test that launches it or None) of the first training script at the pin
    that ``text`` (the title, then the post) names; None when it names none."""
    return next((SCRIPTS[m] for m in _NAMED.findall(text) if m in SCRIPTS), None)
