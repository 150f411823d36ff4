# PAL, the paper's setting (Sec. 4.1.1): I3D (ResNet3d-50 inflated from
# ImageNet) pre-trained on Kinetics-400 videos without labels, 8 clips x 8
# frames at 112x112 per synthesized video, batch 512 videos (64 GPUs x 8),
# Adam lr 1e-4 / wd 1e-5, x0.1 on a plateau of the validation loss, 200
# epochs, SyncBN, queue of 16,384 keys, temperature 0.07.
_base_ = [
    '../_base_/models/pal_i3d-r50.py',
    '../_base_/datasets/kinetics400-pal.py',
    '../_base_/schedules/adam_plateau.py',
    '../_base_/default_runtime.py',
]

# SyncBN on GPUs (tsptools.CPUCompatibleDDP turns it back into BN on CPU).
sync_bn = 'torch'
default_hooks = dict(
    checkpoint=dict(save_best='acc_contrast', rule='greater'))
