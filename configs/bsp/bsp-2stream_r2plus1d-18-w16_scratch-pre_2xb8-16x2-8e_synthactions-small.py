# BSP two-stream integration (Sec. 3.4, Fig. 3(a), the paper's best): the
# clip features of the SynthActions TAC model and of the 4-way BSP model,
# concatenated (128 + 128 = 256-d). Not trained: train both streams with
# their own configs, then extract features with this config, e.g.
#   python tools/extract_features.py THIS_CONFIG --video-dir ... --out-dir ...
# (no checkpoint argument, or `none`: each stream loads its own, set below or
# with --cfg-options model.encoders.0.checkpoint=...
# model.encoders.1.checkpoint=...; in tools/benchmark_pretraining.py:
# --encoders NAME=THIS_CONFIG:none). Measured: docs/en/user_guides/bsp.md.
_base_ = ['../_base_/default_runtime.py']

tac_name = 'tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small'
bsp_name = 'bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small'
model = dict(
    type='TwoStreamEncoder',
    encoders=[
        dict(
            config='{{ fileDirname }}/../tac/' + tac_name + '.py',
            checkpoint='work_dirs/' + tac_name + '/epoch_8.pth'),
        dict(
            config='{{ fileDirname }}/' + bsp_name + '.py',
            checkpoint='work_dirs/' + bsp_name + '/epoch_8.pth'),
    ])
# Both streams take 16x2 clips of 56x56 crops from frames resized to a
# short side of 64 (their training format).
extract_cfg = dict(
    clip_len=16, frame_interval=2, stride=16, short_side=64, crop_size=56)
