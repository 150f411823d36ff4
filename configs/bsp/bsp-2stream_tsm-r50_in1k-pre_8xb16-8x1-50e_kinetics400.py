# BSP two-stream features (Sec. 3.4, Fig. 3(a); the paper's main results use
# ResNet-50, Table 5 ResNet-18): the clip features of a Kinetics-400 TSM
# ResNet-50 action classifier (vanilla; mmaction2's checkpoints load, only
# backbone.* weights are used) and of the BSP TSM ResNet-50, concatenated.
# Not trained; extract features with it (8 consecutive frames per snippet).
# Paths are placeholders.
_base_ = ['../_base_/default_runtime.py']

bsp_name = 'bsp_tsm-r50_in1k-pre_8xb16-8x1-50e_kinetics400'
model = dict(
    type='TwoStreamEncoder',
    encoders=[
        dict(
            model=dict(
                type='Pretrainer',
                backbone=dict(
                    type='mmaction.ResNetTSM',
                    depth=50,
                    pretrained=None,
                    pretrained2d=False,
                    num_segments=8,
                    shift_div=8,
                    norm_eval=False),
                head=dict(type='TACHead', num_classes=400,
                          in_channels=2048)),
            checkpoint='checkpoints/tsm_r50_kinetics400_vanilla.pth'),
        dict(
            config='{{ fileDirname }}/' + bsp_name + '.py',
            checkpoint='work_dirs/' + bsp_name + '/epoch_50.pth'),
    ])
extract_cfg = dict(
    clip_len=8, frame_interval=1, stride=8, short_side=256, crop_size=224)
