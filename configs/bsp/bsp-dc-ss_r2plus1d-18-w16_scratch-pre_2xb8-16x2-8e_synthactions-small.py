# BSP binary subset {S_dc, S_ss} of Table 4: diff-class boundary
# (label 0) vs same-speed clip (label 1), as the 4-way SynthActions config
# otherwise. Chance is 50%.
_base_ = ['./bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py']

synthesizers = [
    dict(type='DiffClassSynthesizer', tau=8, frame_interval=2,
         epsilon_range=(1, 4)),
    dict(type='SameSpeedSynthesizer', tau=8, frame_interval=2),
]
model = dict(head=dict(num_classes=2))
train_dataloader = dict(
    dataset=dict(synthesizers=synthesizers, mixture=[1, 1]))
val_dataloader = dict(dataset=dict(synthesizers=synthesizers, mixture=[1, 1]))
test_dataloader = val_dataloader
