# TSP (Alwassel et al., ICCV-W 2021) with r2plus1d-34 on thumos14: the official
# backbone, preprocessing and recipe (train/train_tsp_on_thumos14.sh).
_base_ = [
    '../_base_/models/tac_r2plus1d-34.py', '../_base_/datasets/thumos14-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Initial weights: the IG65M -> Kinetics weights that the official r2plus1d_34
# loads (r2plus1d_34_clip8_ft_kinetics_from_ig65m-0aa0550b.pth), a torchvision
# state_dict loaded as it is (or any checkpoint of this backbone,
# docs/en/user_guides/tsp.md): set the path.
model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='checkpoints/r2plus1d_34_clip8_ft_kinetics_from_ig65m-0aa0550b.pth',
        prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(type='TSPHead', num_classes=20, in_channels=512,
              with_gvf=True))
gvf_file = 'data/thumos14/gvf/r2plus1d-34_k400_max.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
# train/train_tsp_on_thumos14.sh: head lr 0.004, backbone lr 0.0001 (lr_mult 0.025),
# per process of 32 clips, scaled with the number of processes
# (auto_scale_lr).
optim_wrapper = dict(
    optimizer=dict(lr=0.004),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.025)}))
