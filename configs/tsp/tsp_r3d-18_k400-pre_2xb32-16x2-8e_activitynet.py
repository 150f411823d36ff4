# TSP (Alwassel et al., ICCV-W 2021) with r3d-18 on activitynet: the official
# backbone, preprocessing and recipe (train/train_tsp_on_activitynet.sh).
_base_ = [
    '../_base_/models/tac_r3d-18.py', '../_base_/datasets/activitynet-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Initial weights: torchvision's Kinetics-400 r3d_18 (r3d_18-b3b3357e.pth), a
# torchvision state_dict loaded as it is (or any checkpoint of this backbone,
# docs/en/user_guides/tsp.md): set the path.
model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='checkpoints/r3d_18-b3b3357e.pth',
        prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(type='TSPHead', num_classes=200, in_channels=512,
              with_gvf=True))
gvf_file = 'data/activitynet/gvf/r3d-18_k400_max.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
# train/train_tsp_on_activitynet.sh: head lr 0.002, backbone lr 0.0001 (lr_mult 0.05),
# per process of 32 clips, scaled with the number of processes
# (auto_scale_lr).
optim_wrapper = dict(
    optimizer=dict(lr=0.002),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.05)}))
