# BSP binary subset {S_dc, S_ss} of Table 4 (TSM ResNet-18, Kinetics-400):
# diff-class boundary (label 0) vs same-speed clip (label 1).
_base_ = ['./bsp_tsm-r18_in1k-pre_8xb16-8x1-50e_kinetics400.py']

synthesizers = [
    dict(type='DiffClassSynthesizer', tau=4, frame_interval=1,
         epsilon_range=(1, 2)),
    dict(type='SameSpeedSynthesizer', tau=4, frame_interval=1),
]
model = dict(head=dict(num_classes=2))
train_dataloader = dict(
    dataset=dict(synthesizers=synthesizers, mixture=[1, 1]))
val_dataloader = dict(dataset=dict(synthesizers=synthesizers, mixture=[1, 1]))
test_dataloader = val_dataloader
