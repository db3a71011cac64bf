"""The tests of diffusers that an issue points at: a scheduler's, a model's (a UNet, an
autoencoder, a transformer: by its class), a pipeline's (by its class, its file or its
family named in plain words), a family's LoRA tests.

Only mappings that follow the repository's layout conventions at the recipe's pinned
release (v0.40.0); :func:`harness.triage.targets.find` puts them after the test files the
issue itself names.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from harness.triage.features import Features

Target = tuple[str, str]  # (test path, why), as harness.triage.targets gives them

# diffusers scheduler class (without "Scheduler") → test file stem
SCHEDULERS = {
    "DDIM": "ddim", "DDPM": "ddpm", "PNDM": "pndm", "LMSDiscrete": "lms", "IPNDM": "ipndm",
    "EulerDiscrete": "euler", "EulerAncestralDiscrete": "euler_ancestral", "HeunDiscrete": "heun",
    "DPMSolverMultistep": "dpm_multi", "DPMSolverSinglestep": "dpm_single",
    "DPMSolverSDE": "dpm_sde", "UniPCMultistep": "unipc", "DEISMultistep": "deis",
    "KDPM2Discrete": "kdpm2_discrete", "KDPM2AncestralDiscrete": "kdpm2_ancestral",
    "LCM": "lcm", "TCD": "tcd", "DDIMInverse": "ddim_inverse", "EDMEuler": "edm_euler",
}
# ... or its tests' class ("PNDMSchedulerTest::test_full_loop_no_noise uses time index")
_SCHEDULER = re.compile(r"\b(\w+?)Scheduler(?:Test)?\b")
# a scheduler named in a title's plain words ("fp16 does not work with euler_a scheduler",
# "How can we use DPM++ 2M Karras sampler", "What's the difference between PNDM and plms")
# → its test file's stem, the more specific first; DDIM, DDPM, LCM and TCD name pipelines
# and LoRAs too: only beside "scheduler" or "sampler"
_SCHEDULER_WORDS = tuple((re.compile(pattern, re.I), stem) for pattern, stem in (
    (r"\beuler(?:[ _-]?a\b|[ _-]ancestral)", "euler_ancestral"),
    (r"\beuler\b", "euler"),
    (r"\bdpm(?:\+\+|[ _-]?solver)?[ _-]?(?:sde\b)", "dpm_sde"),
    (r"\bdpm(?:\+\+|[ _-]?solver)[^\n]*\bsingle[ _-]?step", "dpm_single"),
    (r"\bdpm(?:\+\+|[ _-]?solver)[^\n]*\binverse", "dpm_multi_inverse"),
    (r"\bdpm(?:\+\+|[ _-]?solver)", "dpm_multi"),
    (r"\bunipc\b", "unipc"), (r"\bdeis\b", "deis"), (r"\bheun\b", "heun"),
    (r"\b(?:pndm|plms)\b", "pndm"), (r"\blms\b", "lms"),
    (r"\b(?:ddim|ddpm|lcm|tcd)\b(?=[^\n]*\b(?:scheduler|sampler)s?\b)", ""),
))
# diffusers' model classes, each with the test file of its own at the recipe's v0.40.0
# (tests/models/<folder>/test_models_<stem>.py, the class its tests build): by folder,
# "Class:stem".  Their tests build tiny models from a config, offline: each file run here as
# the command gives it passed, its GPU tests skipped, but for the one to four tests of
# eight of them that load a checkpoint from the Hub (VQModel, PriorTransformer, DiT, PixArt,
# AutoencoderKL, the 1D, 2D and 2D-condition UNets), which the verdict tells apart ("for
# want of the network").  Left out, as their tests fail here whatever the issue:
# AutoencoderRAE's and the Cosmos transformer's and ControlNet's need torchvision, which the
# recipe's env does not have; AnyFlowFARTransformer3DModel's training tests need
# FlexAttention's backward, which a CPU lacks; LTX2VideoDiffusionDecoderModel's tiled decode
# runs past the 120 s timeout on a CPU
_MODEL_TESTS = """
[autoencoders]
AsymmetricAutoencoderKL:asymmetric_autoencoder_kl AutoencoderDC:autoencoder_dc
AutoencoderKL:autoencoder_kl AutoencoderKLCogVideoX:autoencoder_kl_cogvideox
AutoencoderKLCosmos:autoencoder_cosmos AutoencoderKLHunyuanVideo:autoencoder_hunyuan_video
AutoencoderKLKVAE:autoencoder_kl_kvae AutoencoderKLKVAEVideo:autoencoder_kl_kvae_video
AutoencoderKLLTX2Audio:autoencoder_kl_ltx2_audio AutoencoderKLLTX2Video:autoencoder_ltx2_video
AutoencoderKLLTXVideo:autoencoder_ltx_video AutoencoderKLMagvit:autoencoder_magvit
AutoencoderKLMiniMaxH3:autoencoder_kl_minimax_h3
AutoencoderKLMiniMaxH3Audio:autoencoder_kl_minimax_h3_audio
AutoencoderKLMochi:autoencoder_mochi
AutoencoderKLTemporalDecoder:autoencoder_kl_temporal_decoder AutoencoderKLWan:autoencoder_wan
AutoencoderOobleck:autoencoder_oobleck
AutoencoderSAME:autoencoder_same AutoencoderTiny:autoencoder_tiny
AutoencoderVidTok:autoencoder_vidtok ConsistencyDecoderVAE:consistency_decoder_vae
Cosmos3AVAEAudioTokenizer:autoencoder_cosmos3_audio
VQModel:vq
[transformers]
AceStepTransformer1DModel:transformer_ace_step AllegroTransformer3DModel:transformer_allegro
AnyFlowTransformer3DModel:transformer_anyflow AuraFlowTransformer2DModel:transformer_aura_flow
BriaFiboTransformer2DModel:transformer_bria_fibo BriaTransformer2DModel:transformer_bria
ChromaTransformer2DModel:transformer_chroma ChronoEditTransformer3DModel:transformer_chronoedit
CogVideoXTransformer3DModel:transformer_cogvideox
CogView3PlusTransformer2DModel:transformer_cogview3plus
CogView4Transformer2DModel:transformer_cogview4 ConsisIDTransformer3DModel:transformer_consisid
Cosmos3OmniTransformer:transformer_cosmos3
DiTTransformer2DModel:dit_transformer2d EasyAnimateTransformer3DModel:transformer_easyanimate
ErnieImageTransformer2DModel:transformer_ernie_image Flux2Transformer2DModel:transformer_flux2
FluxTransformer2DModel:transformer_flux GlmImageTransformer2DModel:transformer_glm_image
HeliosTransformer3DModel:transformer_helios HiDreamImageTransformer2DModel:transformer_hidream
HunyuanDiT2DModel:transformer_hunyuan_dit
HunyuanVideo15Transformer3DModel:transformer_hunyuan_1_5
HunyuanVideoFramepackTransformer3DModel:transformer_hunyuan_video_framepack
HunyuanVideoTransformer3DModel:transformer_hunyuan_video
Ideogram4Transformer2DModel:transformer_ideogram4
JoyImageEditPlusTransformer3DModel:transformer_joyimage_edit_plus
JoyImageEditTransformer3DModel:transformer_joyimage Krea2Transformer2DModel:transformer_krea2
LatteTransformer3DModel:transformer_latte
LongCatAudioDiTTransformer:transformer_longcat_audio_dit
LongCatImageTransformer2DModel:transformer_longcat_image
LTX2VideoTransformer3DModel:transformer_ltx2 LTXVideoTransformer3DModel:transformer_ltx
Lumina2Transformer2DModel:transformer_lumina2 LuminaNextDiT2DModel:transformer_lumina
MiniMaxH3Transformer3DModel:transformer_minimax_h3
MiniMaxMusic3Transformer1DModel:transformer_minimax_music3
MochiTransformer3DModel:transformer_mochi MotifVideoTransformer3DModel:transformer_motif_video
NucleusMoEImageTransformer2DModel:transformer_nucleusmoe_image
OmniGenTransformer2DModel:transformer_omnigen
OvisImageTransformer2DModel:transformer_ovis_image
PixArtTransformer2DModel:pixart_transformer2d PriorTransformer:prior
PRXTransformer2DModel:transformer_prx QwenImageTransformer2DModel:transformer_qwenimage
SanaTransformer2DModel:transformer_sana SanaVideoTransformer3DModel:transformer_sana_video
SD3Transformer2DModel:transformer_sd3 SkyReelsV2Transformer3DModel:transformer_skyreels_v2
StableAudio3DiTModel:transformer_stable_audio3 TransformerTemporalModel:transformer_temporal
WanAnimate2Transformer3DModel:transformer_wan_animate_2
WanAnimateTransformer3DModel:transformer_wan_animate WanTransformer3DModel:transformer_wan
WanVACETransformer3DModel:transformer_wan_vace ZImageTransformer2DModel:transformer_z_image
[unets]
UNet1DModel:unet_1d UNet2DConditionModel:unet_2d_condition UNet2DModel:unet_2d
UNet3DConditionModel:unet_3d_condition UNetControlNetXSModel:unet_controlnetxs
UNetMotionModel:unet_motion UNetSpatioTemporalConditionModel:unet_spatiotemporal
"""


def by_folder(table: str) -> Iterator[tuple[str, str]]:
    """(folder, word) for each word of a table of words under ``[folder]`` headings."""
    folder = ""
    for word in table.split():
        if word.startswith("["):
            folder = word.strip("[]")
        else:
            yield folder, word


def _models(table: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for folder, word in by_folder(table):
        name, _, stem = word.partition(":")
        found[name] = f"tests/models/{folder}/test_models_{stem}.py"
    return found


MODELS = _models(_MODEL_TESTS)
# any of them named: the longest first, so that no name stops at a shorter one it starts
_MODEL = re.compile(r"\b({})\b".format("|".join(sorted(MODELS, key=len, reverse=True))))
_PIPELINE_DIR = re.compile(r"^src/diffusers/pipelines/(\w+)/")
# diffusers' pipeline test folders (tests/pipelines/<name>/, at the recipe's v0.40.0)
_PIPELINE_TESTS = """
ace_step allegro animatediff anyflow audioldm2 aura_flow bria bria_fibo bria_fibo_edit chroma
chronoedit cogvideo cogview3 cogview4 consisid consistency_models controlnet controlnet_flux
controlnet_hunyuandit controlnet_sd3 cosmos ddim ddpm deepfloyd_if diffusion_gemma dit
dreamlite easyanimate flux flux2 glm_image helios hidream_image hunyuan_image_21 hunyuan_video
hunyuan_video1_5 hunyuandit ideogram4 ip_adapters joyimage kandinsky kandinsky2_2 kandinsky3
kandinsky5 kolors krea2 latent_consistency_models latent_diffusion latte ledits_pp llada2
longcat_audio_dit longcat_image ltx ltx2 lumina lumina2 marigold mochi motif_video
nucleusmoe_image omnigen ovis_image pag pixart_alpha pixart_sigma pndm prx qwenimage sana
sana_video shap_e skyreels_v2 stable_audio stable_audio_3 stable_cascade stable_diffusion
stable_diffusion_2 stable_diffusion_3 stable_diffusion_adapter stable_diffusion_image_variation
stable_diffusion_xl stable_unclip stable_video_diffusion visualcloze wan z_image
"""
_PIPELINE_SET = frozenset(_PIPELINE_TESTS.split())
# the folder whose name, squashed, starts a pipeline class's ("FluxFillPipeline": flux,
# "StableDiffusionXLImg2ImgPipeline": stable_diffusion_xl), the longest first
_PIPELINE_FOLDERS = sorted(((d.replace("_", ""), d) for d in _PIPELINE_TESTS.split()),
                           key=lambda p: -len(p[0]))
# a ControlNet pipeline's tests are in the ControlNet folder of its family
_CONTROLNET = {"stable_diffusion_3": "controlnet_sd3", "flux": "controlnet_flux",
               "hunyuandit": "controlnet_hunyuandit"}
_PIPELINE_CLASS = re.compile(r"\b([A-Z][A-Za-z0-9]*?)Pipeline\b")
# the families whose ControlNet pipelines have tests of their own and Stable Diffusion's,
# whose are in the "controlnet" folder, as are those of a ControlNet of no family known.
# Another family's ControlNet ("Sana Controlnet Support"), its family's folder: at v0.40.0
# qwenimage/test_qwenimage_controlnet.py, sana/test_sana_controlnet.py, kandinsky2_2's,
# animatediff's; Z-Image's ControlNet has no tests, its family's are the nearest (real post
# diffusers#13073 named "ZImageControlNetPipeline" and was sent to Stable Diffusion's)
_SD_CONTROLNET = frozenset({*_CONTROLNET, "stable_diffusion", "stable_diffusion_2",
                            "stable_diffusion_xl"})
# diffusers' LoRA tests, one file a model family (tests/lora/, at the recipe's v0.40.0): the
# family's pipeline test folder (pipeline_tests) → the file's stem
_LORA_LAYERS = "tests/lora/test_lora_layers_"
_LORA_FAMILIES = {
    "stable_diffusion": "sd", "stable_diffusion_2": "sd", "stable_diffusion_xl": "sdxl",
    "stable_diffusion_3": "sd3", "flux": "flux", "flux2": "flux2", "wan": "wan",
    "cogvideo": "cogvideox", "cogview4": "cogview4", "hunyuan_video": "hunyuanvideo",
    "ltx": "ltx_video", "ltx2": "ltx2", "lumina2": "lumina2", "mochi": "mochi",
    "qwenimage": "qwenimage", "sana": "sana", "aura_flow": "auraflow", "z_image": "z_image",
    "ace_step": "ace_step", "helios": "helios", "krea2": "krea2", "ideogram4": "ideogram4",
}
# a family as reporters name it in plain words ("SDXL LoRA key not loaded", "Lora Stopped
# working for Z-Image") → its pipeline test folder, the more specific first
_FAMILY_WORDS = tuple((re.compile(pattern, re.I), folder) for pattern, folder in (
    (r"\bsd-?xl|stable[ -]?diffusion[ -]?xl", "stable_diffusion_xl"),
    (r"\bsd[ -]?3(?:\.5)?\b|stable[ -]?diffusion[ -]?3", "stable_diffusion_3"),
    (r"\bsd[ -]?2(?:\.1)?\b|stable[ -]?diffusion[ -]?2", "stable_diffusion_2"),
    (r"\bflux[ .]?2\b", "flux2"), (r"\bflux", "flux"), (r"\bwan(?:\s?2(?:\.\d)?)?\b", "wan"),
    (r"\bhunyuan[ -]?video", "hunyuan_video"), (r"\bltx-?2\b", "ltx2"), (r"\bltx", "ltx"),
    (r"\bcogvideox?\b", "cogvideo"), (r"\bcogview-?4\b", "cogview4"),
    (r"\blumina-?2\b", "lumina2"), (r"\bmochi\b", "mochi"), (r"\bqwen-?image\b", "qwenimage"),
    (r"\bsana\b", "sana"), (r"\baura-?flow\b", "aura_flow"), (r"\bz-?image\b", "z_image"),
    # (real titles: "Kandinsky 2.2 example fails with OOM", "No non-default schedulers appear
    # to work with DeepFloyd IF", "AnimateDiff + ControlNet")
    (r"\bkandinsky[ -]?2\.?2\b", "kandinsky2_2"), (r"\bkandinsky[ -]?3", "kandinsky3"),
    (r"\bkandinsky[ -]?5", "kandinsky5"), (r"\bkandinsky", "kandinsky"),
    (r"\bdeep[ -]?floyd", "deepfloyd_if"), (r"\banimate[ -]?diff", "animatediff"),
    (r"\bstable[ -]?cascade", "stable_cascade"),
    (r"\bstable[ -]?video[ -]?diffusion|\bsvd\b", "stable_video_diffusion"),
    (r"\bsd[ -]?1\.[45]\b|stable[ -]?diffusion", "stable_diffusion"),
    # a ControlNet of no family named: Stable Diffusion's ("Controlnet inpainting change too
    # much of masking area")
    (r"\bcontrol[ -]?net", "controlnet")))
# a LoRA issue by what it calls: the loading and fusing API of diffusers' LoRA mixins
_LORA_API = re.compile(r"\b(?:load_lora_weights|lora_state_dict|fuse_lora|unfuse_lora|"
                       r"unload_lora_weights|set_adapters|\w*LoraLoaderMixin)\b")
# a LoRA being trained ("train_dreambooth_lora_flux crash on batch size greater than 1",
# "SDXL DreamBooth LoRA training throws errors"): the training script's own tests are the
# example's, not the library's LoRA tests
_TRAINING = re.compile(r"\btrain(?:ing|ed)?\b|\bdreambooth\b|\bfine[ -]?tun", re.I)
_TRAINING_SCRIPT = re.compile(r"\btrain_\w+")
_LOADING = re.compile(r"\bload", re.I)


def needs_hub(path: str) -> bool:
    """Whether the tests at ``path`` load from the Hub even when fast: diffusers' pipeline
    tests build their tokenizers and text encoders from ``hf-internal-testing`` checkpoints
    (offline, 67 of SD3's 77 fail with OfflineModeIsEnabled), and its LoRA tests from
    ``peft-internal-testing`` ones (offline, all 35 of Stable Diffusion's that run on a CPU
    fail)."""
    return (path.startswith("tests/pipelines/") and not path.startswith("tests/pipelines/test_")
            ) or path.startswith(_LORA_LAYERS)


# the test files of the top folder before v0.16.0 that the pin keeps in tests/others/ (the
# rest, tests/test_pipelines.py, tests/test_scheduler.py, test_modeling_common.py, ..., were
# split into the folders of their kind)
_OTHERS = frozenset({"check_copies", "check_dummies", "check_support_list", "cli_commands",
                     "config", "dependencies", "ema", "hub_utils", "image_processor",
                     "outputs", "training", "utils", "video_processor"})


def at_pin(path: str) -> str | None:
    """Where a test file an issue names is at the pin, or None when it is not there: a test
    of the old top folder moved to tests/others/ (real post diffusers#1158 names
    tests/test_config.py) or split; a pipeline's tests whose folder the pin no longer has
    (unidiffuser, semantic_stable_diffusion: deprecated and their tests removed; real post
    diffusers#11443 names tests/pipelines/unidiffuser/test_unidiffuser.py)."""
    if path.startswith("tests/test_") and path.count("/") == 1:
        stem = path.removeprefix("tests/test_").removesuffix(".py")
        return f"tests/others/test_{stem}.py" if stem in _OTHERS else None
    folder = path.removeprefix("tests/pipelines/").partition("/")
    if path.startswith("tests/pipelines/") and folder[1] and folder[0] not in _PIPELINE_SET:
        return None
    return path


def pipeline_tests(name: str) -> str | None:
    """The test folder of a diffusers pipeline class, named without "Pipeline"
    ("StableDiffusion3", "FluxFill"), or None (``DiffusionPipeline`` names none)."""
    if "PAG" in name:  # perturbed-attention guidance: tests of every family in one folder
        return "tests/pipelines/pag"
    folder = _family(name)
    if "ControlNet" in name:
        folder = controlnet_tests(folder)
    return f"tests/pipelines/{folder}" if folder else None


def controlnet_tests(family: str | None) -> str:
    """The test folder of a ControlNet pipeline of a family (its pipeline test folder; None:
    none known)."""
    if family is None or family in _SD_CONTROLNET:
        return _CONTROLNET.get(family or "", "controlnet")
    return family


def find(text: str, f: Features) -> list[Target]:
    """The tests ``text`` (the title, then the post) points at, most likely first: a LoRA
    issue's, then the schedulers its title names, the files, the model classes of its title,
    the pipeline classes it names, the family its title names, then the schedulers and the
    model classes only the post names."""
    found = lora_tests(text, f)
    title = text.partition("\n")[0]
    found += _schedulers(_SCHEDULER.findall(title))
    for pattern, named in _SCHEDULER_WORDS:
        if m := pattern.search(title):
            stem = named or m.group(0).lower()
            found.append((f"tests/schedulers/test_scheduler_{stem}.py",
                          f"its title names the {m.group(0)} scheduler"))
            break
    for path in f.files:
        if path.startswith("src/diffusers/schedulers/"):
            found.append(("tests/schedulers", "names a scheduler file"))
        if (m := _PIPELINE_DIR.match(path)) and m.group(1) in _PIPELINE_SET:
            found.append((f"tests/pipelines/{m.group(1)}", f"names pipeline {m.group(1)}"))
    in_title = dict.fromkeys(_MODEL.findall(title))
    found += [(MODELS[cls], f"its title names {cls}") for cls in in_title]
    for name in dict.fromkeys(_PIPELINE_CLASS.findall(text)):
        if tests := pipeline_tests(name):
            found.append((tests, f"names {name}Pipeline"))
    if (folder := family_named(title)) and not _TRAINING.search(title) \
            and not _TRAINING_SCRIPT.search(title):
        if "controlnet" in title.lower():
            folder = controlnet_tests(folder)
        found.append((f"tests/pipelines/{folder}", f"its title names {folder}"))
    # a scheduler only the post names, after the pipeline: a post's code sets one up
    # ("pipe.scheduler = UniPCMultistepScheduler.from_config(...)") whatever its bug is about
    found += _schedulers(_SCHEDULER.findall(text))
    # a model class the post names, last: a pipeline's code loads its components by class
    # ("vae = AutoencoderKLWan.from_pretrained(...)") whatever the bug is about
    found += [(MODELS[cls], f"names {cls}") for cls in dict.fromkeys(_MODEL.findall(text))
              if cls not in in_title]
    return found


def _schedulers(names: list[str]) -> list[Target]:
    """The test file of each scheduler class named (without "Scheduler"), or the schedulers'
    tests for one with none."""
    found = []
    for name in dict.fromkeys(names):
        stem = SCHEDULERS.get(name)
        path = f"tests/schedulers/test_scheduler_{stem}.py" if stem else "tests/schedulers"
        found.append((path, f"names {name}Scheduler"))
    return found


def lora_tests(text: str, f: Features) -> list[Target]:
    """The LoRA tests of the model family a diffusers LoRA issue names ("Flux Can't Load
    LoRA": ``tests/lora/test_lora_layers_flux.py``): about LoRA by its title or by the
    loading API it calls or the loaders' file it names, and not about training one (unless
    the title is about loading it: "Error when load LoRA weight after training
    dreambooth_lora").  No family with LoRA tests named: Stable Diffusion's.  Real posts:
    109 of the 602 diffusers issues of the dev set and of the fresh sets to the
    hundred-and-fifty-eighth say LoRA in their title.  79 of them were sent to the default
    subset (the schedulers' tests), 10 to a scheduler's, a UNet's or an autoencoder's tests
    their code names, 20 to a pipeline's; 70 go to LoRA tests now, the other 39 are mostly
    about training."""
    title = text.partition("\n")[0]
    if "lora" not in title.lower() and not _LORA_API.search(text) \
            and not any(p.startswith("src/diffusers/loaders/lora") for p in f.files):
        return []
    if not _LOADING.search(title) and (_TRAINING.search(title) or _TRAINING_SCRIPT.search(text)):
        return []
    stem = next((_LORA_FAMILIES[folder] for name in _PIPELINE_CLASS.findall(text)
                 if (folder := _family(name)) in _LORA_FAMILIES), None)
    for told in (title, text):
        stem = stem or _LORA_FAMILIES.get(family_named(told) or "")
    why = f"about LoRA, for the {stem} family" if stem else \
        "about LoRA, no family with LoRA tests named: Stable Diffusion's"
    return [(f"{_LORA_LAYERS}{stem or 'sd'}.py", why)]


def family_named(text: str) -> str | None:
    """The pipeline test folder of the first family ``text`` names in plain words."""
    return next((folder for pattern, folder in _FAMILY_WORDS if pattern.search(text)), None)


def _family(name: str) -> str | None:
    """The pipeline test folder of a pipeline class's family, named without "Pipeline",
    its ControlNet or PAG variants with it ("StableDiffusionXLControlNetImg2Img":
    stable_diffusion_xl)."""
    squashed = name.replace("ControlNet", "").replace("PAG", "").lower()
    return next((d for s, d in _PIPELINE_FOLDERS if squashed.startswith(s)), None)
