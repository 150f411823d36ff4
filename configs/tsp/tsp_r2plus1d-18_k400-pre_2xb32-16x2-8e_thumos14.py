# TSP (Alwassel et al., ICCV-W 2021) with r2plus1d-18 on thumos14, the official recipe.
_base_ = [
    '../_base_/models/tac_r2plus1d-18.py', '../_base_/datasets/thumos14-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Kinetics-400 weights of this backbone in mmaction2 layout (keys backbone.*),
# e.g. converted from torchvision / the mmaction2 model zoo: set the path.
model = dict(
    init_cfg=dict(type='Pretrained', checkpoint='checkpoints/r2plus1d-18_k400.pth',
                  prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(type='TSPHead', num_classes=20, in_channels=512,
              with_gvf=True))
gvf_file = 'data/thumos14/gvf/r2plus1d-18_k400_max.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.004))  # head lr for THUMOS14
