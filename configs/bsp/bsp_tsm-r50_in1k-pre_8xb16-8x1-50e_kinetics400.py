# BSP, 4-way boundary-type classification (Sec. 3.3) in the paper's setting:
# TSM ResNet-50 from ImageNet, clips of 8 consecutive frames synthesized from
# Kinetics-400 (Sec. 3.2, 4.1). The paper gives no schedule: mmaction2's TSM
# Kinetics recipe (8 GPUs x 16 clips, 50 epochs). Paths are placeholders.
# Needs Pretrainer support for 2D (TSM) backbones, see
# docs/en/user_guides/bsp.md.
_base_ = [
    '../_base_/models/bsp_tsm-r50.py',
    '../_base_/datasets/kinetics400-bsp.py',
    '../_base_/schedules/sgd_tsm-50e.py',
    '../_base_/default_runtime.py',
]
