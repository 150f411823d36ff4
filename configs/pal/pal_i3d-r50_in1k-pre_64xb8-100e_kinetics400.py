# PAL as in the paper's ablations (Sec. 4.3: 100 epochs on Kinetics-400):
# Table 3 #4, Table 4 "2 layers", Table 5 "beta in [0.6, 1.0]". The other
# rows of these tables are the pal-*_..._64xb8-100e_kinetics400.py configs.
_base_ = [
    '../_base_/models/pal_i3d-r50.py',
    '../_base_/datasets/kinetics400-pal.py',
    '../_base_/schedules/adam_plateau.py',
    '../_base_/default_runtime.py',
]

train_cfg = dict(max_epochs=100)
sync_bn = 'torch'
default_hooks = dict(
    checkpoint=dict(save_best='acc_contrast', rule='greater'))
